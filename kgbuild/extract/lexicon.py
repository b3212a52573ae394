"""Lexicon lookup with spaCy's PhraseMatcher (hash-based, one pass per text).

Patterns come from the lexicons (``data/lexicons``) plus our own additions in
``data/patterns/extra_terms.jsonl``; ``data/patterns/lexicon_stop.jsonl`` removes
lexicon entries that hurt precision without editing the lexicons themselves.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from kgbuild.extract.resources import PATTERN_DIR, lexicon_patterns, lexicon_texts_by_label, read_jsonl, split_patterns
from kgbuild.names import identity_key

LABEL_TO_TYPE = {"DATASET": "Dataset", "METRIC": "Metric", "TASK": "Task", "METHOD": "Method", "SPLIT": "Split"}


def _stopped() -> tuple[set[str], set[tuple[str, str]]]:
    """Patterns to ignore: everywhere (``{"pattern"}``) or for one label (``{"pattern", "label"}``)."""
    anywhere, per_label = set(), set()
    for row in read_jsonl(PATTERN_DIR / "lexicon_stop.jsonl"):
        if row.get("label"):
            per_label.add((row["label"], row["pattern"].lower()))
        else:
            anywhere.add(row["pattern"].lower())
    return anywhere, per_label


class LexiconMatcher:
    """Finds lexicon phrases in a Doc; returns plain ``(start_char, end_char, type, key)``."""

    def __init__(self, nlp: Language) -> None:
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._labels: dict[int, tuple[str, str]] = {}
        anywhere, per_label = _stopped()
        rows = list(lexicon_patterns()) + list(read_jsonl(PATTERN_DIR / "extra_terms.jsonl"))
        # split names ("test-dev", "val set") are matched case-insensitively; their key is the split
        for row in split_patterns():
            rows.append({"label": "SPLIT", "pattern": row.get("pattern"), "id": row.get("split"), "case": "lower"})
        by_matcher: dict[tuple[str, int], list] = {}
        for row in rows:
            label, text = row.get("label"), row.get("pattern")
            if label not in LABEL_TO_TYPE or not isinstance(text, str) or not text.strip():
                continue
            if text.lower() in anywhere or (label, text.lower()) in per_label:
                continue
            key = row.get("id") or text
            match_id = nlp.vocab.strings.add(f"{label}\t{key}")
            self._labels[match_id] = (LABEL_TO_TYPE[label], key)
            case = "lower" if row.get("case") == "lower" else "exact"
            by_matcher.setdefault((case, match_id), []).append(text)
        for (case, match_id), texts in by_matcher.items():
            matcher = self.lower if case == "lower" else self.exact
            # make_doc is the tokenizer alone, so patterns tokenise like the texts. Case
            # changes tokenisation ("ADE20K" is ADE20|K, "ade20k" one token), so a
            # case-insensitive pattern is added as written and lower-cased.
            variants = {t for text in texts for t in ((text, text.lower()) if case == "lower" else (text,))}
            docs, seen = [], set()
            for variant in sorted(variants):
                doc = nlp.make_doc(variant)
                shape = tuple(token.lower_ if case == "lower" else token.text for token in doc)
                if shape not in seen:
                    seen.add(shape)
                    docs.append(doc)
            matcher.add(nlp.vocab.strings[match_id], docs)
        self.size = len(rows)

    def __call__(self, doc) -> list[tuple[int, int, str, str]]:
        found = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                etype, key = self._labels[match_id]
                span_start = doc[start].idx
                last = doc[end - 1]
                found.append((span_start, last.idx + len(last.text), etype, key))
        return found


@lru_cache(maxsize=1)
def _name_keys() -> tuple[frozenset[str], list[str], list[str]]:
    """Identity keys of every dataset and method pattern: (dataset keys, both sorted lists)."""
    texts = lexicon_texts_by_label()
    # (the uncached function: these 13k one-off keys would push the names of the texts out
    # of identity_key's cache, and filling it costs more than the keys themselves)
    key_of = identity_key.__wrapped__
    dataset_keys = set(map(key_of, texts.get("DATASET", ())))
    method_keys = set(map(key_of, texts.get("METHOD", ())))
    dataset_keys.discard("")
    return frozenset(dataset_keys), sorted(dataset_keys), sorted(method_keys)


def load_name_keys() -> None:
    """Make the name keys now (``rules.load_word_lists``) rather than in the first texts."""
    _name_keys()


def _prefix_count(sorted_keys: list[str], prefix: str, enough: int) -> int:
    at = bisect_left(sorted_keys, prefix)
    count = 0
    while at < len(sorted_keys) and count < enough and sorted_keys[at].startswith(prefix):
        count += 1
        at += 1
    return count


@lru_cache(maxsize=1 << 14)
def names_a_dataset(name: str) -> bool:
    """The lexicon knows ``name`` as a dataset written another way ("ImageNetVID" for
    "ImageNet VID"), or as the family of several datasets and of no method ("WikiText" of
    WikiText-2 and WikiText-103, "PASCAL" of PASCAL VOC, PASCAL Context, ...)."""
    key = identity_key(name)
    datasets, sorted_datasets, sorted_methods = _name_keys()
    if key in datasets:
        return True
    return len(key) >= 4 and _prefix_count(sorted_datasets, key, 2) >= 2 and not _prefix_count(sorted_methods, key, 1)
