"""How many words before a task's head word belong to its name: a trained choice.

The rule (``rules.task_phrases``) walks back from a head word ("detection", "estimation")
through the modifiers its word lists vouch for and stops at the first one they do not know,
so a name such as "arbitrary-shaped scene text detection" is cut short and "point cloud
completion" can be missed.  Here every head offers the spans that end at it, with up to
``MAX_MODIFIERS`` words before it (no stop word, adverb or punctuation inside), the
``task_span`` model scores each from the words in and around it and from the rule's own
verdict, and the likeliest span of each head becomes a Task candidate when its probability
reaches the model's threshold (chosen in training).  The probability goes on, in three
bands, as the candidate's source, which the entity model reads: it makes the final call.

Without the model the rule's spans stand, as before; a training run (``trace``) sees every
span offered, labelled by whether the gold annotation names a task so.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from kgbuild.extract import rules
from kgbuild.extract.linear import LinearModel
from kgbuild.extract.resources import lowered_term_list

MAX_MODIFIERS = 4


def modifier_shape(word: str) -> str:
    """A coarse class of a word before a task head: hyphenated, a number, capitals, a verb-like
    or plural ending, or plain lower case."""
    if "-" in word:
        return "hyphen"
    first = word[0]
    if first.isdigit():
        return "digit"
    if first.isupper():
        return "caps" if len(word) > 1 and word.isupper() else "capital"
    if word.endswith("ing"):
        return "ing"
    if word.endswith("ed"):
        return "ed"
    if word.endswith("s") and not word.endswith("ss"):
        return "s"
    return "lower"


def _edge_before(text: str, start: int) -> str:
    """The punctuation (or stop word, or the text's start) before a span the walk could not
    take further."""
    left = text[max(0, start - 24):start].rstrip()
    if not left:
        return "^"
    if left[-1].isalnum():
        return left.rsplit(None, 1)[-1].lower()
    return left[-1]


WORD_OR_MARK_AFTER_RE = re.compile(r"\s*(?:([^\W_]+)|(\S))")


def _edge_after(text: str, end: int) -> str:
    """The word (lower case) or mark right after a head, or "$" at the text's end."""
    match = WORD_OR_MARK_AFTER_RE.match(text, end)
    if match is None:
        return "$"
    word = match.group(1)
    return word.lower() if word is not None else match.group(2)


_WORD_FEATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
_WORD_FEATURES_LIMIT = 50_000


def word_features(word: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """A modifier's features as a span's first word, as the word just outside a span, and
    whether the task vocabulary knows it: the same for every head, so made once per word."""
    made = _WORD_FEATURES.get(word)
    if made is None:
        lower = word.lower()
        shape = modifier_shape(word)
        known = lower in rules.task_modifier_vocabulary()
        made = ((f"f={lower}", f"fs={shape}", f"fv={known}", f"f3={lower[-3:]}"),
                (f"o={lower}", f"os={shape}", f"ov={known}"), known)
        if len(_WORD_FEATURES) >= _WORD_FEATURES_LIMIT:
            _WORD_FEATURES.clear()
        _WORD_FEATURES[word] = made
    return made


RULE_FEATURES = {(relation, loose): (f"rule={relation}", f"rule+loose={relation}{loose}")
                 for relation in ("same", "longer", "shorter") for loose in (False, True)}
K_FEATURES = ("k=0", "k=1", "k=2", "k=3", "k=3")
KNOWN_FEATURES = {(k, known): f"k+fv={k}{known}" for k in range(1, 5) for known in (False, True)}


def span_options(scan: rules.WordScan, index: int, in_title: bool):
    """What the head word at ``index`` offers: (the head's match, the matches of the words
    before it that a span may take, nearest first), or None when the word cannot end a
    task's name here."""
    text = scan.text
    head = scan.words[index]
    if not rules.can_end_task(text, head, in_title):
        return None
    # (``scan.previous`` written out: asked about 4,000 times a pass)
    words, stop = scan.words, rules.STOP
    modifiers = []
    current = head
    while len(modifiers) < MAX_MODIFIERS and index > 0:
        index -= 1
        back = words[index]
        gap = text[back.end():current.start()]
        if gap and not gap.isspace():
            break
        lower = back.group().lower()
        if lower in stop or lower.endswith("ly"):
            break
        modifiers.append(back)
        current = back
    return head, modifiers


@lru_cache(maxsize=8)  # (per model: a training run makes several)
def _rare_heads(model: LinearModel) -> frozenset[str]:
    return frozenset(model.extra.get("rare_heads", ()))


class TaskSpans:
    """The Task candidates of one text's head words (``choose``), by the model when there is one."""

    def __init__(self, model: LinearModel | None, trace, style: str, lowered: dict[str, str]) -> None:
        self.model = model
        self.trace = trace
        self.style = style
        self.lowered = lowered

    def choose(self, scan: rules.WordScan, in_title: bool) -> list[tuple[int, int, bool, float | None]]:
        """(start, end, loose, probability): the rule's spans with no probability when there
        is no model; else each head's likeliest span, from the model's threshold on."""
        ruled = rules.task_phrases(scan, in_title)
        model, trace = self.model, self.trace
        if model is None and trace is None:
            return [(start, end, loose, None) for start, end, loose in ruled]
        by_end = {end: (start, loose) for start, end, loose in ruled}
        text = scan.text
        own = self.lowered["title" if in_title else "abstract"]
        other = self.lowered["abstract" if in_title else "title"]
        task_stop = lowered_term_list("task_stop")
        endings = rules.known_task_endings()
        if model is not None:
            weights = model.feature_weights(self.style)
            known_weights = weights.keys()
            floor = model.threshold_logit - model.bias[0]
            rare = _rare_heads(model)
        chosen = []
        for index in scan.task_heads:
            head = scan.words[index]
            head_word = head.group()
            head_lower = head_word.lower()
            if model is not None and head_lower in rare:
                continue
            offered = span_options(scan, index, in_title)
            if offered is None:
                continue
            modifiers = offered[1]
            end = head.end()
            rule = by_end.get(end)
            after = _edge_after(text, end)
            common = [f"h={head_lower}", f"a={after}", f"h+a={head_lower}+{after}"]
            if in_title:
                common.append("title")
            if head_word[0].isupper():
                common.append("head_capital")
            if head_lower in rules.WEAK_HEADS:
                common.append("weak_head")
            # "... tasks" after the head: said of every span it ends
            if rules.TASK_NOUN_AFTER_RE.match(text, end) is not None:
                common.append("said_task")
            words = [m.group() for m in modifiers]
            described = [word_features(word) for word in words]
            modified = []  # the features of every span with a modifier
            if words:
                nearest = words[0].lower()
                modified.append(f"n={nearest}")
                if f"{nearest} {head_lower}" in endings:
                    modified.append("known_ending")
            base = sum(map(weights.__getitem__, known_weights & common)) if model is not None else 0.0
            best = None
            all_known = True
            for k in range(len(modifiers) + 1):
                start = modifiers[k - 1].start() if k else head.start()
                feats = [K_FEATURES[k]]
                if k:
                    first, _, known = described[k - 1]
                    all_known = all_known and known
                    feats += modified
                    feats += first
                    feats += (KNOWN_FEATURES[k, known], f"{first[1]}+{head_lower}")
                    if all_known:
                        feats.append("all_known")
                if k < len(modifiers):
                    feats += described[k][1]
                else:
                    feats.append(f"o={_edge_before(text, start)}")
                if rule is None:
                    feats.append("rule=none")
                else:
                    relation = "same" if rule[0] == start else ("longer" if rule[0] < start else "shorter")
                    feats += RULE_FEATURES[relation, rule[1]]
                if in_title and rules.TITLE_TASK_CUE_BEFORE_RE.search(text, max(0, start - 8), start) is not None:
                    feats.append("title_for")
                written = own[start:end]
                if written in task_stop:
                    feats.append("task_stop")
                if k:
                    if other.find(written) >= 0:
                        feats.append("echo")
                    if own.count(written) > 1:
                        feats.append("repeat")
                if trace is not None:
                    feats += common
                    trace("task_span", {"type": "Task", "forms": [text[start:end]]},
                          feats + [f"{self.style}|{f}" for f in feats])
                    if model is None:
                        continue
                    score = sum(map(weights.__getitem__, known_weights & feats))
                else:
                    score = base + sum(map(weights.__getitem__, known_weights & feats))
                if best is None or score > best[2]:
                    best = (start, end, score)
            if best is not None and best[2] >= floor:
                probability = 1.0 / (1.0 + math.exp(-(best[2] + model.bias[0])))
                chosen.append((best[0], best[1], False, probability))
        if model is None:
            return [(start, end, loose, None) for start, end, loose in ruled]
        return chosen
