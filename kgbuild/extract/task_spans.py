"""Task phrases proposed liberally and chosen by the trained ``task_span`` decision.

The rule (``rules.task_phrases``) accepts a modifier only from a closed vocabulary, which
misses open-vocabulary task names ("adversarially robust object detection", "sketch-to-image
generation", "prompt tuning").  Here every word that can head a task name (``task_heads``
and ``broad_task_heads``) proposes the spans that end with it, with 0 to ``MAX_MODIFIERS``
words before it, stopping at a function word, punctuation or a dataset or method name the
lexicon knows; the decision scores each span by its words and context (the rule's and the
lexicon's verdicts among them) and keeps, per head, the likeliest one when it is likely
enough; the entity decision then judges the task with that probability among its features.
Without the trained model the rule's spans stand.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from kgbuild.extract import rules
from kgbuild.extract.names import is_name_shaped
from kgbuild.extract.resources import (PATTERN_DIR, lexicon_patterns, lowered_term_list, read_jsonl, term_list,
                                       term_sequence)
from kgbuild.extract.rules import STOP, WordScan

MAX_MODIFIERS = 4
WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*|\d+(?:\.\d+)?")
WORD_BEFORE_RE = re.compile(r"(\S+)\s+$")
COORD_BEFORE_RE = re.compile(r"(?:,|\band|\bor|/)\s*$")
COORD_AFTER_RE = re.compile(r"\s*(?:,|and\b|or\b|/)")
PUNCT_BEFORE_RE = re.compile(r"([^\w\s])\s*$")
PUNCT_AFTER_RE = re.compile(r"^\s*([^\w\s])")
ACRONYM_AFTER_RE = re.compile(r"\s*\(\s*[A-Z][\w-]*s?\s*\)")
CUES_BEFORE = term_sequence("task_cues_before")
CUES_AFTER = term_list("task_cues_after")
TITLE_LINKS = term_list("task_title_links")
CORE_HEADS = lowered_term_list("task_heads")
head_word = rules.task_head_of


@lru_cache(maxsize=1)
def known_phrases() -> frozenset[str]:
    """Task names of the lexicon and the training sets, lower case."""
    phrases = {row["pattern"].lower() for row in lexicon_patterns()
               if row.get("label") == "TASK" and isinstance(row.get("pattern"), str)}
    phrases |= {row["term"] for row in read_jsonl(PATTERN_DIR / "task_phrases_train.jsonl")}
    return frozenset(phrases)


def alternatives(scan: WordScan, blocked: bytearray | None = None) -> list[list[tuple[int, int, int]]]:
    """Per head word, the spans ``(start, end, modifiers)`` that end with it, shortest first.
    ``blocked``: 1 at the characters of names a lexicon knows, which no span takes in as a
    modifier ("ImageNet classification" would hide the dataset ImageNet)."""
    text = scan.text
    groups = []
    for index in scan.broad_heads:
        head = scan.words[index]
        end = head.end()
        if end < len(text) and (text[end] == "-" or text[end].isalnum()):
            continue  # "detection-based", part of a longer word
        spans = [(head.start(), end, 0)]
        position = index
        for n in range(1, MAX_MODIFIERS + 1):
            back = scan.previous(position)
            if back is None:
                break
            word = back.group()
            if word.lower() in STOP or word.isdigit():
                break
            if blocked is not None and blocked[back.start()]:
                break
            position -= 1
            spans.append((back.start(), end, n))
        groups.append(spans)
    return groups


def _starts_sentence(text: str, pos: int) -> bool:
    """``rules.is_sentence_start`` without copying the text before ``pos``."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos == 0 or text[pos - 1] in ".!?:"


_CLASSES: dict[str, tuple[str, ...]] = {}
_CLASSES_LIMIT = 100_000


def _classes_of(word: str) -> tuple[str, ...]:
    """What a word is, apart from where it stands (memoised: abstracts reuse their words)."""
    classes = _CLASSES.get(word)
    if classes is None:
        lower = word.lower()
        found = []
        if lower in lowered_term_list("task_modifier_stop"):
            found.append("stopword")
        if lower.endswith("ing") and lower not in rules.ING_NOUNS:
            found.append("ing")
        if lower.endswith("ed"):
            found.append("ed")
        if lower.endswith("ly"):
            found.append("ly")
        if any(c.isdigit() for c in word):
            found.append("digit")
        if "-" in word:
            found.append("hyphen")
        if is_name_shaped(word):
            found.append("name")
        elif word[:1].isupper():
            found.append("capital")  # dropped where the sentence starts (see _word_classes)
        if head_word(lower):
            found.append("head")
        classes = tuple(found)
        if len(_CLASSES) > _CLASSES_LIMIT:
            _CLASSES.clear()
        _CLASSES[word] = classes
    return classes


def _word_classes(word: str, prefix: str, text: str, start: int) -> list[str]:
    return [prefix + c for c in _classes_of(word) if c != "capital" or not _starts_sentence(text, start)]


class TaskSpanContext:
    """What the span features read besides the span's own field: the paper's other field,
    the rule's spans and the lexicon's task hits in this field."""

    __slots__ = ("other", "lowered", "rule", "rule_ends", "lexicon", "lexicon_ends", "in_title", "known_spans")

    def __init__(self, text: str, other: str, in_title: bool, rule_spans, lexicon_spans) -> None:
        self.other = other.lower()
        self.lowered = text.lower()
        self.rule = set(rule_spans)
        self.rule_ends = {e: s for s, e in rule_spans}
        self.lexicon = set(lexicon_spans)
        self.lexicon_ends = {e: s for s, e in lexicon_spans}
        self.known_spans = self.rule | self.lexicon
        self.in_title = in_title


def head_features(text: str, head_start: int, end: int, ctx: TaskSpanContext) -> list[str]:
    """What every span ending with this head shares: the head and what follows it."""
    written = text[head_start:end]
    lower = written.lower()
    head = head_word(lower) or lower
    feats = [f"head={head}", "core_head" if head in CORE_HEADS else "broad_head"]
    if written[:1].isupper():
        feats.append("head_capital")
    if lower != head:
        feats.append("head_plural")
    punct_after = PUNCT_AFTER_RE.match(text[end:end + 3])
    if punct_after:
        feats.append(f"next={punct_after.group(1)}")
        if text[end:end + 2] == " (" and ACRONYM_AFTER_RE.match(text, end, end + 16):
            feats.append("acronym_after")
    else:
        after = WORD_RE.search(text, end, end + 40)
        if after:
            word = after.group().lower()
            feats.append(f"next={word}")
            if word in CUES_AFTER:
                feats.append("cue_after")
        else:
            feats.append("next=</s>")
    if ctx.in_title:
        rest = text[end:end + 3].strip()
        if not rest or rest[0] in ":?.":
            feats.append("title_end")
    return feats


def span_features(text: str, start: int, end: int, n_mod: int, longest: bool, ctx: TaskSpanContext,
                  shared: list[str]) -> list[str]:
    """One span's features; ``shared``: its head's (``head_features``)."""
    words = text[start:end].split()
    lower_words = [w.lower() for w in words]
    head = shared[0][5:]
    n = min(n_mod, 4)
    feats = [*shared, f"nmod={n}", f"head_nmod={head}_{min(n, 2)}"]
    if longest:
        feats.append("longest")
    vocabulary = rules.task_modifier_vocabulary()
    modifiers = lower_words[:-1]
    unknown = min(sum(1 for w in modifiers if w not in vocabulary), 3)
    feats.append(f"unknown={unknown}")
    feats.append(f"unknown_nmod={unknown}_{n}")
    if modifiers:
        feats.append(f"first={modifiers[0]}")
        feats.append("first_known" if modifiers[0] in vocabulary else "first_unknown")
        feats += _word_classes(words[0], "first_", text, start)
        feats += [f"m={w}" for w in modifiers]
        cursor = start
        for word in words[1:-1]:
            cursor = text.find(word, cursor + 1)
            feats += _word_classes(word, "inner_", text, cursor)
        if all(w[:1].isupper() for w in words):
            feats.append("all_capitalised")
        elif all(not w[:1].isupper() for w in words):
            feats.append("all_lower")
        else:
            feats.append("mixed_case")
    if not longest:  # the word a longer alternative would take in
        ext = WORD_BEFORE_RE.search(text, max(0, start - 40), start)
        if ext:
            word = ext.group(1)
            feats.append("ext_known" if word.lower() in vocabulary else "ext_unknown")
            feats += _word_classes(word, "ext_", text, ext.start(1))
    if _starts_sentence(text, start):
        feats.append("sentence_start")
    phrase = " ".join(lower_words)
    if phrase in known_phrases():
        feats.append("known_phrase")
    if len(lower_words) >= 2 and " ".join(lower_words[-2:]) in rules.known_task_endings():
        feats.append("known_ending")
    if phrase in lowered_term_list("task_stop"):
        feats.append("stop_phrase")
    # the rule's and the lexicon's verdicts on this head
    if (start, end) in ctx.rule:
        feats.append("rule")
    elif end in ctx.rule_ends:
        feats.append("rule_shorter" if ctx.rule_ends[end] > start else "rule_longer")
    else:
        feats.append("no_rule")
    if (start, end) in ctx.lexicon:
        feats.append("lexicon")
    elif end in ctx.lexicon_ends:
        feats.append("lexicon_shorter" if ctx.lexicon_ends[end] > start else "lexicon_longer")
    # the words before it
    punct_before = PUNCT_BEFORE_RE.search(text, max(0, start - 3), start)
    before = [] if punct_before else [w.lower() for w in WORD_RE.findall(text, max(0, start - 40), start)[-2:]]
    if punct_before:
        feats.append(f"prev={punct_before.group(1)}")
    elif before:
        feats.append(f"prev={before[-1]}")
        if len(before) >= 2:
            feats.append(f"prev2={before[-2]}_{before[-1]}")
    else:
        feats.append("prev=<s>")
    # coordinated with a task the rule or the lexicon found: "classification, detection and segmentation"
    if (COORD_BEFORE_RE.search(text, max(0, start - 7), start) or COORD_AFTER_RE.match(text, end, end + 7)) and any(
            0 <= start - e <= 7 or 0 <= s - end <= 7 for s, e in ctx.known_spans if (s, e) != (start, end)):
        feats.append("coordinated_known")
    window = ctx.lowered[max(0, start - 30):start]
    feats += [f"cue:{c}" for c in CUES_BEFORE if c in window]
    # the title: a task usually follows "for"/"in"/"via" and ends the title or its part
    if ctx.in_title:
        feats.append("title")
        if not before and not punct_before:
            feats.append("title_start")
        if before and before[-1] in TITLE_LINKS:
            feats.append(f"title_after_{before[-1]}")
    # the paper's other field
    at = ctx.other.find(phrase)
    if at >= 0:
        feats.append("echo")
        after_at = at + len(phrase)
        if (at == 0 or not ctx.other[at - 1].isalnum()) and (after_at >= len(ctx.other)
                                                           or not ctx.other[after_at].isalnum()):
            feats.append("echo_word")
    if ctx.lowered.count(phrase) > 1:
        feats.append("repeated")
    return feats


def adapted(feats: list[str], style: str) -> list[str]:
    """As ``PaperView.adapted``: each feature shared and once for this style of text."""
    return feats + [f"{style}|{f}" for f in feats]


_MERGED: dict[str, tuple[object, dict[str, float], float]] = {}


def _weights_for(model, style: str) -> tuple[dict[str, float], float]:
    """The model's weights with each style's own weight folded into the shared one, so that a
    span is scored on its plain features (the same sum as over ``adapted`` features)."""
    cached = _MERGED.get(style)
    if cached is None or cached[0] is not model:
        weights = model.weights[0]
        prefix = f"{style}|"
        merged = {f: w for f, w in weights.items() if "|" not in f}
        for f, w in weights.items():
            if f.startswith(prefix):
                merged[f[len(prefix):]] = merged.get(f[len(prefix):], 0.0) + w
        cached = _MERGED[style] = (model, merged, model.bias[0])
    return cached[1], cached[2]


class TaskSpanChooser:
    """The task phrases of each field of one paper, for ``field_candidates``: the likeliest
    span of each head word where the ``task_span`` model is sure enough; the rule's spans
    when there is no model (a training run collecting the spans' features through ``trace``).
    Called with the rule's spans and the lexicon's task, and dataset or method, spans.
    ``scores``: (field, start, end) -> probability of each kept span, which the entity
    decision reads."""

    __slots__ = ("texts", "style", "model", "trace", "scores")

    def __init__(self, texts: dict[str, str], style: str, model, trace) -> None:
        self.texts = texts
        self.style = style
        self.model = model
        self.trace = trace
        self.scores: dict[tuple[str, int, int], float] = {}

    def __call__(self, field: str, scan: WordScan, in_title: bool, rule_spans: list[tuple[int, int]],
                 lexicon_spans: list[tuple[int, int]], name_spans: list[tuple[int, int]] = ()
                 ) -> list[tuple[int, int]]:
        text, model, trace = scan.text, self.model, self.trace
        other = self.texts["abstract" if field == "title" else "title"]
        ctx = TaskSpanContext(text, other, in_title, rule_spans, lexicon_spans)
        if model is not None:
            weights, bias = _weights_for(model, self.style)
            get = weights.get
        chosen = []
        blocked = None
        if name_spans:
            blocked = bytearray(len(text) + 1)
            for name_start, name_end in name_spans:
                blocked[name_start:name_end] = b"\x01" * (name_end - name_start)
        for spans in alternatives(scan, blocked):
            shared = head_features(text, spans[0][0], spans[0][1], ctx)
            best, best_score = None, -math.inf
            for i, (start, end, n_mod) in enumerate(spans):
                feats = span_features(text, start, end, n_mod, i == len(spans) - 1, ctx, shared)
                if trace is not None:
                    trace("task_span", {"type": "Task", "forms": [text[start:end]]}, adapted(feats, self.style))
                if model is not None:
                    score = bias + sum(filter(None, map(get, set(feats))))
                    if score > best_score:
                        best, best_score = (start, end), score
            if best is not None:
                p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, best_score))))
                if p >= model.threshold:
                    chosen.append(best)
                    self.scores[(field, *best)] = p
        return chosen if model is not None else list(rule_spans)


def make_chooser(texts: dict[str, str], style: str, model, trace) -> TaskSpanChooser | None:
    """None (the rule's spans stand, nothing to trace) when there is neither a model nor a trace."""
    if model is None and trace is None:
        return None
    return TaskSpanChooser(texts, style, model, trace)
