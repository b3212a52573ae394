"""Verdicts on one spelling or one merged entity: is it a name, and matched how?

``surface_verdict`` gives a spelling its case rule ("exact": match the text as written,
"lower": match it in any case) or drops it; ``entity_ok`` keeps or drops a whole entity
that no seed vouches for, on the evidence of its spellings and sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexicons.candidates import Store
from lexicons.seeds import function_words, word_set
from lexicons.text import Vocab, alnum_len, canonical_key, looks_named, metric_parts, word_parts, words

YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
FUNCTION_WORDS = function_words()
TASK_HEADS = word_set("task_heads")
TASK_BAD_HEADS = word_set("task_bad_heads")
GENERIC_DATASET_HEADS = word_set("dataset_heads")


@dataclass(frozen=True)
class MetricWords:
    """What a metric no seed names may be made of: ``vocab`` (measures, modifiers, and every
    word of a seed metric), and it must contain one of ``core`` (measures proper)."""

    vocab: frozenset[str]
    core: frozenset[str]

    @classmethod
    def with_seeds(cls, store: Store) -> MetricWords:
        """The word sets plus the words of the seed metrics in ``store`` (before any source)."""
        modifiers = word_set("metric_modifiers")
        core = set(word_set("metric_heads")) | word_set("metric_core")
        vocab = set(modifiers) | core
        for (typ, _key), surfaces in store.surfaces.items():
            if typ == "Metric":
                for surface in surfaces:
                    vocab.update(metric_parts(surface))
                    core.update(set(metric_parts(surface)) - modifiers)
        return cls(frozenset(vocab), frozenset(core))


def surface_verdict(typ: str, surface: str, vocab: Vocab, seeded: bool, store: Store) -> str | None:
    """'exact', 'lower' or None (drop) for one alias surface."""
    if surface in store.blocked_surfaces:
        return None
    if surface in store.seed_case:
        return store.seed_case[surface]
    if typ == "Metric" and not seeded and re.search(r"(?:^|\s)[A-Za-z] \d", surface):
        return None  # "F 1", "R 1": PDF-extraction spacing
    core = canonical_key(surface)
    if not core or core.isdigit() or len(core) < 2:
        return None
    for part in re.split(r"[\s\-/]+", surface):
        if sum(c.islower() for c in part) == 1 and sum(c.isupper() for c in part) >= 6:
            return None  # "MUlTI-LABEL-ClASSIFICATION": broken casing in the source
    if YEAR_RE.match(surface) or re.fullmatch(r"[\d\s.,%kKmMbB+\-x×]+", surface):
        return None
    if not seeded and surface.lower() in FUNCTION_WORDS:
        return None  # "AND", "ALL", "NONE": function words are never names
    has_upper = any(c.isupper() for c in surface)
    toks = words(surface)
    if len(core) <= 4:
        if not has_upper:
            if seeded and not vocab.is_common(surface) and len(core) >= 3:
                return "lower"
            return None if not seeded else "exact"
        if len(core) == 2 and not seeded and typ not in ("Metric",):
            # two-letter acronyms from noisy sources are too ambiguous
            return None
        return "exact"
    if len(toks) == 1:
        if vocab.is_common(surface):
            inner_caps = any(c.isupper() for c in surface[1:])
            if inner_caps:
                return "exact"
            if seeded:
                return "exact" if has_upper else ("lower" if typ in ("Metric", "Task") else None)
            return None
        if vocab.all_common(surface) and not looks_named(surface):
            # hyphenated ordinary words ("Cross-Lingual", "X-Ray")
            if seeded or typ in ("Task", "Metric"):
                return "lower"
            return None
        return "lower"
    # multi-word
    if typ in ("Task", "Metric"):
        return "lower"
    if vocab.all_common(surface) and not looks_named(surface):
        if not has_upper:
            return "lower" if seeded else None
        return "exact"
    return "lower"


def entity_ok(typ: str, ent: dict, vocab: Vocab, metric_words: MetricWords) -> bool:
    """Whole-entity filters (run after merging)."""
    if ent["seed"]:
        return True
    surfaces = ent["surfaces"]
    srcs = ent["sources"]
    total = sum(surfaces.values())
    if typ == "Task":
        if srcs <= {"tdmsci", "scirex"} and total < 2:
            return False  # one-off spans from the training annotations
        multi = [s for s in surfaces if len(words(s)) >= 2]
        if not multi:
            return False  # single-word tasks come from the seed allow-list only
        best = max(multi, key=lambda s: (surfaces[s], s))
        head = word_parts(best)[-1] if word_parts(best) else ""
        if head in TASK_BAD_HEADS:
            return False
        if any(word_parts(s) and word_parts(s)[-1] in TASK_HEADS for s in multi):
            return True
        return len(srcs) >= 2 and total >= 3
    if typ == "Metric":
        # a non-seed metric must be composed of known metric vocabulary ("Weighted F1",
        # "mAP@0.75", "Recall@50") and contain a measure word; table headers such as
        # "Accuracy on ACL Tear" or "Top-1 Noun" fail
        if total < 2:
            return False
        for s_ in surfaces:
            parts = metric_parts(s_)
            if len(words(s_)) <= 4 and parts and all(p in metric_words.vocab for p in parts) and (
                set(parts) & metric_words.core
            ):
                return True
        return False
    if typ == "Method":
        if srcs <= {"scirex", "tdmsci"} and total < 2:
            return False
        named = [s_ for s_ in surfaces if looks_named(s_) or not vocab.all_common(s_)]
        if not named:
            return False
        if all(alnum_len(s_) <= 3 for s_ in surfaces):
            return False  # "CMU", "KIM": leaderboard team names and other short noise
        if all(vocab.is_common(s_) for s_ in surfaces) and total < 2:
            return False  # "MANAGER", "GATE" seen once
        return True
    if typ == "Dataset":
        best = max(surfaces, key=lambda x: (surfaces[x], x))
        if len(words(best)) == 1 and vocab.is_common(best):
            if re.fullmatch(r"[A-Z][a-z]+", best):
                return False  # "News", "Cell", "Wine": ordinary words in title case
            if best.isupper():
                return total >= 2  # "FEVER", "COIN": all-caps words need more evidence
            return True  # "DeLiVER", "ReCoRD": inner capitals make the name distinctive
        if all(alnum_len(x) <= 4 for x in surfaces):
            return total >= 2  # bare short acronyms ("CAD", "HAR") are ambiguous
        if len(words(best)) > 1 and vocab.all_common(best) and not looks_named(best):
            if word_parts(best)[-1] in GENERIC_DATASET_HEADS:
                return False  # "Video Dataset", "Real-world Datasets"
            return total >= 3  # "Cats and Dogs", "Playing Cards"
        return True
    return True
