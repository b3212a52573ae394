"""What the learned result decisions look at: every number of a sentence that names a measure.

A candidate is a number written in a sentence with a metric mention (including numbers the
rules of ``facts.find_results`` skip: efficiency figures such as "77M parameters" or
"4.5G FLOPs", members of "86.2%/87.8%" or "59.5@5%").  Three kinds of feature lists:

- ``number_features``: is this number an absolute reported result (not a delta, a bound, a
  count, a year)?  The rules' tests (delta and bound cues, the glued metric) are features;
- ``metric_pair_features``: is this metric mention the measure of this number?
- ``dataset_pair_features``: is this dataset mention where this number was measured?
  (coordinated lists "60.2 AP, 41.4 mAP and 77.2 mIoU on VOC, COCO and Cityscapes" pair
  element by element: the order of the number's metric among the sentence's metrics against
  the order of the dataset among its datasets is a feature.)

Everything reads the raw text and the extractor's plain records, like ``features``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from kgbuild.extract.candidates import Found
from kgbuild.extract.caseblind import CaseBlindPattern
from kgbuild.extract.facts import (
    CHANGE_AFTER_METRIC_RE,
    DELTA_AFTER_RE,
    DELTA_BEFORE_RE,
    FROM_TO_RE,
    METRIC_AFTER_GLUE_RE,
    METRIC_BEFORE_GLUE_RE,
    NUMBER_RE as RULE_NUMBER_RE,
    TRAIN_ONLY_BEFORE_RE,
    _metric_for,
)
from kgbuild.extract.features import PaperView, words_after, words_before
from kgbuild.extract.resources import alternation, term_list, term_sequence

# A number with what may follow it: a percent sign, a magnitude letter ("77M", "4.5G"), a
# magnitude word ("14 million").  Digits glued to letters before them (AP50, x400) are not numbers.
# (the test for what precedes the number follows its first digit, written once for both of
# its forms, so that the regex engine can skip ahead to digits)
CANDIDATE_RE = re.compile(
    r"(\d(?<![\w.]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"
    r"(?:(\s?%|\s?percent\b)|([KMBGT])(?=[A-Z]|\b)|\s(thousand|million|billion)\b)?"
)
BOUND_BEFORE = term_sequence("bound_words")
EMPHASIS_BEFORE = term_sequence("emphasis_words")
# words of a change (not of a level): aggregated into one feature, so that what all of them
# share is learned from every example of any of them
STRONG_DELTA = term_list("strong_delta_words")
DELTA_WORDS = term_sequence("delta_words")
EFFICIENCY_AFTER_RE = re.compile(rf"\s*(?:[KMBGT]\s?)?(?:[a-z-]+\s)?(?:{alternation('efficiency_units')})",
                                 re.IGNORECASE)
FROM_VALUE_RE = re.compile(r"\s*(?:%|percent)?\s+to\s+\d")
FROM_BEFORE_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
FROM_TO_GAP_RE = re.compile(r"^\s*(?:of\s+|scores?\s+)?from\s+[\d.,]+\s?%?\s+to\s*$", re.IGNORECASE)
# a comparative later in the number's clause: "which are 2.6 AP, 0.8 mAP ... better than"
CLAUSE_COMPARATIVE_RE = CaseBlindPattern(rf"\b(?:{alternation('comparative_words')})\b")
WHICH_IS_RE = re.compile(r"\b(?:which|that|these|this) (?:is|are|was|were)\b")
PRETRAINING_AFTER_RE = re.compile(r"-|\s+(?:pre-?train|supervised|weights|initiali)", re.IGNORECASE)
LIST_GLUE_RE = re.compile(r"(?:\s*(?:%|percent|/|[\d.]+))*\s*")  # use with fullmatch
# "53.2%/55.6% box AP on COCO": the words between a measure and the dataset it was taken on
MEASURE_ON_RE = re.compile(r"\s*(?:on|in|over|across|for)\s+(?:the\s+)?", re.IGNORECASE)
SLASH_GAP_RE = re.compile(r"\s*(?:%|percent)?\s*/\s*")  # "41.4 / 40.5", "86.2%/87.8%": one list element
# What ends the clause of a number: ";", "while", "whereas", "but", "which", ", and". Each word's
# leading boundary is tested once its first letter is read ("w(?<=\\bw)hile": a "w" with no word
# character before it), so that every alternative opens with a letter and the engine skips
# ahead to the letters they open with, instead of trying every alternative at every position.
CLAUSE_STOP_RE = re.compile(r"[;]|w(?<=\bw)hile\b|w(?<=\bw)hereas\b|b(?<=\bb)ut\b|w(?<=\bw)hich\b|, and\b")
PUNCT_CLASS = {"(": "paren", ")": "paren", "/": "slash", "@": "at", ",": "comma", ";": "semi", ":": "colon",
               "±": "pm", "+": "plus", "-": "dash", "~": "tilde", "=": "eq", "[": "paren", "]": "paren", "x": "x",
               "×": "x", "%": "pct", "<": "lt", ">": "gt", "$": "dollar", "^": "caret", "{": "brace"}


@dataclass(slots=True)
class NumberCandidate:
    field: str
    start: int
    end: int
    value: float
    unit: str | None
    sentence: int
    s_start: int
    s_end: int
    metrics: list[Found] = field(default_factory=list)  # metric mentions it may be the value of
    metrics_from: str = "same"  # "same" sentence, or "prev": the nearest earlier sentence with one
    rule_metric: Found | None = None
    rule_result: bool = False
    # what ``_rule_verdict`` found out on the way, for ``number_features`` to read (None: not
    # looked at): a number the rules' pattern reads, "from ... to" before it, a delta cue
    # before it, and after it (the last only where the rules' number ends where this one does)
    rule_number: bool | None = None
    from_to: bool | None = None
    delta_before: bool | None = None
    delta_after: bool | None = None


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def number_candidates(view: PaperView) -> list[NumberCandidate]:
    """Numbers of sentences that name a measure (or follow one that does), not inside a mention."""
    out = []
    for fld, text in view.texts.items():
        in_field = [f for f in view.found if f.field == fld]
        metrics = [f for f in in_field if f.etype == "Metric"]
        if not metrics:
            continue
        index = view.sentences[fld]
        by_sentence: dict[int, list[Found]] = {}
        for m in metrics:
            by_sentence.setdefault(index.of(m.start), []).append(m)
        covered = sorted((f.start, f.end) for f in in_field)
        covered_starts = [c[0] for c in covered]
        longest = max((e - s for s, e in covered), default=0)
        scanned = sorted({s for s in by_sentence} | {s + 1 for s in by_sentence if s + 1 < len(index.spans)})
        for number in (n for s in scanned for n in CANDIDATE_RE.finditer(text, *index.spans[s])):
            start, end = number.span()
            first = bisect_left(covered_starts, start - longest)
            last = bisect_right(covered_starts, start)
            if any(start < covered[i][1] for i in range(first, last)):
                continue
            sentence = index.of(start)
            s_start, s_end = index.spans[sentence]
            same = by_sentence.get(sentence)
            source = "same"
            if same is None:
                prev = sentence - 1
                if prev not in by_sentence or not _paren_number(text, start, end):
                    continue
                same, source = by_sentence[prev], "prev"
            if FROM_BEFORE_RE.search(text, max(0, start - 8), start) and FROM_VALUE_RE.match(text, end):
                continue  # the level a change starts from ("from 56.4% to 21.6%"): never a result
            raw = number.group(1).replace(",", "")
            try:
                value = float(raw)
            except ValueError:
                continue
            unit = "%" if number.group(2) else None
            if unit and value > 100:
                continue
            cand = NumberCandidate(fld, start, end, value, unit, sentence, s_start, s_end, same, source)
            _rule_verdict(view, cand, in_field)
            out.append(cand)
    return out


def _paren_number(text: str, start: int, end: int) -> bool:
    """"MobileNetV2 (0.872)": a bare number in brackets after the sentence that named the measure."""
    return start > 0 and text[start - 1] == "(" and text[end:end + 1] == ")"


def _rule_verdict(view: PaperView, cand: NumberCandidate, in_field: list[Found]) -> None:
    """What the rules of ``facts.find_results`` say about the number (as features)."""
    text = view.texts[cand.field]
    rule = RULE_NUMBER_RE.match(text, cand.start)
    cand.rule_number = rule is not None
    if rule is None or rule.start() != cand.start:
        return
    start, end = rule.span()
    from_to = FROM_TO_RE.search(text, max(0, start - 60), start)
    cand.from_to = from_to is not None
    if from_to is None:
        cand.delta_before = DELTA_BEFORE_RE.search(text, max(0, start - 40), start) is not None
        if cand.delta_before:
            return
    delta_after = DELTA_AFTER_RE.match(text, end, min(len(text), end + 30)) is not None
    if end == cand.end:
        cand.delta_after = delta_after
    if delta_after:
        return
    if from_to is not None:
        # "reduces FID from 56.45% to 21.62%": the measure named right before "from"
        metric = next((f for f in reversed(in_field) if f.etype == "Metric" and cand.s_start <= f.start
                       and 0 <= from_to.start() - f.end <= 30), None)
    else:
        metric = _metric_for(text, in_field, start, end, cand.s_start, cand.s_end)
    cand.rule_metric = metric
    if metric is None:
        return
    if start < metric.start and CHANGE_AFTER_METRIC_RE.match(text, metric.end):
        return
    cand.rule_result = True


def _carried_or_found(carried: bool | None, search) -> bool:
    """The rules' verdict the candidate carries, else whether ``search()`` finds the cue now
    (``_rule_verdict`` stops before asking when an earlier cue or no rule match settles it)."""
    return carried if carried is not None else search() is not None


def number_features(view: PaperView, cand: NumberCandidate, numbers_in_sentence: int) -> list[str]:
    """Is this number an absolute reported result?"""
    text = view.texts[cand.field]
    lowered = view.lowered[cand.field]
    feats = [f"unit={cand.unit or 'none'}", f"metrics_from={cand.metrics_from}"]
    if cand.rule_result:
        feats.append("rule_result")
    elif not cand.rule_number:  # (``_rule_verdict`` tried the rules' pattern on every candidate)
        feats.append("rule_skips_number")
    if cand.rule_metric is not None:
        feats.append("rule_metric_glued")
    raw = text[cand.start:cand.end]
    value = cand.value
    feats.append("decimal" if "." in raw.split("%")[0] else "integer")
    feats.append(f"magnitude={_bucket(int(value), (0, 9, 99, 999))}")
    if "." not in raw and 1900 <= value <= 2030:
        feats.append("year_like")
    tail = re.sub(r"^[\d,.]+", "", raw).strip()
    if tail and tail != "%" and tail != "percent":
        feats.append(f"scale={tail.lower()}")
    prev_char = text[cand.start - 1] if cand.start else "<s>"
    next_char = text[cand.end] if cand.end < len(text) else "</s>"
    next_nonspace = text[cand.end:cand.end + 3].strip()[:1] or "</s>"
    prev_nonspace = text[max(0, cand.start - 3):cand.start].strip()[-1:] or "<s>"
    feats.append(f"prev_char={PUNCT_CLASS.get(prev_char, 'space' if prev_char == ' ' else 'other')}")
    feats.append(f"next_char={PUNCT_CLASS.get(next_char, 'space' if next_char == ' ' else 'other')}")
    feats.append(f"prev_ns={PUNCT_CLASS.get(prev_nonspace, 'word')}")
    feats.append(f"next_ns={PUNCT_CLASS.get(next_nonspace, 'word')}")
    before = words_before(text, cand.start, 3, cand.s_start)
    after = words_after(text, cand.end, 3, cand.s_end)
    feats += [f"b={w}" for w in before]
    feats += [f"a={w}" for w in after]
    if before:
        feats.append(f"b1={before[-1]}")
        if len(before) > 1:
            feats.append(f"b2={before[-2]}_{before[-1]}")
    else:
        feats.append("b1=<s>")
    if after:
        feats.append(f"a1={after[0]}")
        if len(after) > 1:
            feats.append(f"a2={after[0]}_{after[1]}")
    window_before = lowered[max(cand.s_start, cand.start - 25):cand.start]
    words_b = window_before.split()
    set_b = set(words_b)
    tail_b = window_before[-3:]
    for word in BOUND_BEFORE:
        if word in set_b or (not word.isalpha() and word in tail_b):
            feats.append(f"bound:{word}")
    last_two = words_b[-2:]
    for word in EMPHASIS_BEFORE:
        if word in last_two:
            feats.append("emphasis")
    window_after = lowered[cand.end:min(cand.s_end, cand.end + 30)]
    words_a = window_after.split()[:3]
    first_after = words_a[:2]
    if first_after and first_after[0] in ("and", "or", "while", "with", "but", ",", "respectively"):
        first_after = []
    strong = STRONG_DELTA.intersection(words_b[-3:]) or STRONG_DELTA.intersection(first_after)
    if set_b or words_a:
        for word in DELTA_WORDS:
            if word in set_b:
                feats.append(f"delta_b:{word}")
            if word in words_a:
                feats.append(f"delta_a:{word}")
    if EFFICIENCY_AFTER_RE.match(text, cand.end):
        feats.append("efficiency_after")
    if _carried_or_found(cand.from_to, lambda: FROM_TO_RE.search(text, max(0, cand.start - 60), cand.start)):
        feats.append("from_to")
    # (no "from_value", the level a change starts from: ``number_candidates`` leaves those out)
    stop = CLAUSE_STOP_RE.search(text, cand.end, cand.s_end)
    clause_end = stop.start() if stop else cand.s_end
    comparative = CLAUSE_COMPARATIVE_RE.search(text, cand.end, min(clause_end, cand.end + 80))
    if comparative and _over_list_material(view, cand, comparative.start()):
        feats.append("list_then_comparative")  # "2.6 AP, 0.8 mAP and 1.0 mIoU better than ..."
    if comparative:
        feats.append("clause_comparative")
        if "than" in lowered[comparative.end():comparative.end() + 6]:
            feats.append("clause_comparative_than")
    which = WHICH_IS_RE.search(lowered, max(cand.s_start, cand.start - 80), cand.start)
    if which and ";" not in lowered[which.end():cand.start]:
        feats.append("which_is_before")
    if "efficiency_after" in feats:
        feats.append(f"efficiency&{'decimal' if '.' in raw else 'integer'}")
        if tail:
            feats.append("efficiency&scale")
    if _carried_or_found(cand.delta_before, lambda: DELTA_BEFORE_RE.search(text, max(0, cand.start - 40), cand.start)):
        feats.append("rule_delta_before")
    if _carried_or_found(cand.delta_after, lambda: DELTA_AFTER_RE.match(text, cand.end, min(len(text), cand.end + 30))):
        feats.append("rule_delta_after")
    after_metrics = [m for m in cand.metrics if m.start >= cand.end and m.start - cand.end <= 12]
    if after_metrics and CHANGE_AFTER_METRIC_RE.match(text, min(after_metrics, key=lambda m: m.start).end):
        feats.append("metric_then_change")  # "0.2% session lift": the change of a measure
    cues = strong or [f for f in feats if f.startswith(("rule_delta", "list_then_comparative",
                                                        "metric_then_change"))]
    bounds = [f for f in feats if f.startswith("bound:")]
    feats.append("any_delta" if cues else "no_delta")
    feats.append("any_bound" if bounds else "no_bound")
    if not cues and not bounds:
        feats.append("clean" + ("&rule_result" if cand.rule_result else ""))
    # where the nearest measure is
    nearest = min(cand.metrics, key=lambda m: _gap(cand, m))
    side = "metric_after" if nearest.start >= cand.end else "metric_before"
    feats.append(side)
    feats.append(f"metric_gap={_bucket(_gap(cand, nearest), (1, 4, 10, 25, 60))}")
    feats.append(f"{side}&gap={_bucket(_gap(cand, nearest), (1, 4, 10, 25, 60))}")
    feats.append(f"numbers={_bucket(numbers_in_sentence, (1, 2, 4, 8))}")
    feats += [f"sent_{c}" for c in view.sentence_cues(cand.field, cand.sentence)]
    if cand.field == "title":
        feats.append("in_title")
    if cand.unit:
        feats.append(f"pct&{side}")
    return feats


LIST_MATERIAL_RE = re.compile(r"(?:\s*(?:%|percent|/|,|and|\x00|\d+(?:\.\d+)?))*\s+")


def _over_list_material(view: PaperView, cand: NumberCandidate, stop: int) -> bool:
    """Only numbers, measures and list punctuation lie between the number and ``stop``, and no
    comma right before it: the list's members share what follows ("... and 1.0 mIoU better")."""
    text = view.texts[cand.field]
    segment = list(text[cand.end:stop])
    for m in cand.metrics:
        if cand.end <= m.start and m.end <= stop:
            segment[m.start - cand.end:m.end - cand.end] = ["\x00"] * (m.end - m.start)
    squeezed = re.sub("\x00+", "\x00", "".join(segment))
    return bool(LIST_MATERIAL_RE.fullmatch(squeezed)) and not squeezed.rstrip().endswith(",")


def _gap(cand: NumberCandidate, m: Found) -> int:
    if m.start >= cand.end:
        return m.start - cand.end
    if m.end <= cand.start:
        return cand.start - m.end
    return 0


def _between(items, lo: int, hi: int) -> int:
    return sum(1 for s, _ in items if lo <= s < hi)


def metric_pair_features(view: PaperView, cand: NumberCandidate, metric: Found,
                         numbers: list[tuple[int, int]]) -> list[str]:
    """Is ``metric`` the measure of the number?  ``numbers``: the sentence's candidate spans."""
    text = view.texts[cand.field]
    feats = [f"from={cand.metrics_from}"]
    after = metric.start >= cand.end
    side = "after" if after else "before"
    gap_text = text[cand.end:metric.start] if after else text[metric.end:cand.start]
    gap = len(gap_text)
    feats += [side, f"gap={_bucket(gap, (0, 1, 3, 8, 15, 30, 60))}", f"{side}&gap={_bucket(gap, (0, 1, 3, 8, 15, 30))}"]
    lo, hi = (cand.end, metric.start) if after else (metric.end, cand.start)
    nums_between = _between(numbers, lo, hi)
    mets_between = sum(1 for m in cand.metrics if m is not metric and lo <= m.start < hi)
    feats.append(f"{side}&nums_between={min(nums_between, 3)}")
    feats.append(f"{side}&metrics_between={min(mets_between, 2)}")
    glue = (METRIC_AFTER_GLUE_RE if after else METRIC_BEFORE_GLUE_RE).match(gap_text)
    if glue and gap <= (12 if after else 30):
        feats.append(f"{side}&glued")
    for mark in (",", ";", "(", ")", "/", " and ", " vs", " on ", " with ", " of ", " than ", " by ", " terms "):
        if mark in gap_text:
            feats.append(f"{side}&gap_has={mark.strip()}")
    words = gap_text.lower().split()
    if STRONG_DELTA.intersection(words):
        feats.append(f"{side}&gap_has_change")
    before_metric = view.lowered[metric.field][max(0, metric.start - 40):metric.start].split()[-3:]
    if STRONG_DELTA.intersection(before_metric):
        feats.append("metric_after_change_word")
    if before_metric[-2:] == ["terms", "of"] or before_metric[-3:-1] == ["terms", "of"]:
        feats.append("metric_in_terms_of")  # "in terms of mIoU, ... on X (59.5)": the sentence's measure
    feats.append(f"{side}&gapwords={_bucket(len(words), (0, 1, 2, 4, 8))}")
    if not after and FROM_TO_GAP_RE.match(gap_text):
        feats.append("before&from_to")
    if after and LIST_GLUE_RE.fullmatch(gap_text):
        feats.append("after&list_glued")
    if len(words) <= 3:
        feats += [f"{side}&gapw={w}" for w in words] or [f"{side}&gap_empty"]
    # the nearest measure on its side, and overall
    same_side = [m for m in cand.metrics if (m.start >= cand.end) == after]
    if min(same_side, key=lambda m: _gap(cand, m)) is metric:
        feats.append(f"{side}&nearest_on_side")
    if min(cand.metrics, key=lambda m: _gap(cand, m)) is metric:
        feats.append("nearest")
    if cand.rule_metric is metric:
        feats.append("rule_metric")
    if anchor_metric(cand, text) is metric:
        feats.append("anchor_metric")
    if len({m.entity for m in cand.metrics}) == 1:
        feats.append("only_metric")
    if cand.unit:
        feats.append(f"pct&{side}")
    name = view.drafts[metric.entity].name.lower()
    if "error" in name or "err" == name:
        feats.append("metric_error")
        if "error" in text[cand.end:cand.end + 15].lower():
            feats.append("error_right_after")
    return feats


def _in_parentheses(text: str, start: int, floor: int) -> bool:
    before = text[floor:start]
    return before.count("(") > before.count(")")


def glued_metric(cand: NumberCandidate, text: str) -> Found | None:
    """The measure written with the number: the first one after it with only numbers between
    ("41.4 / 40.5 mAP"), else the one the rules glue to it ("mAP of 41.4", "reduces FID from
    56.4 to 21.6"); None when neither holds."""
    after = [m for m in cand.metrics if m.start >= cand.end and LIST_GLUE_RE.fullmatch(text, cand.end, m.start)]
    if after:
        return min(after, key=lambda m: m.start)
    return cand.rule_metric


def anchor_metric(cand: NumberCandidate, text: str) -> Found:
    """A deterministic guess at the number's measure: the glued one, else the nearest."""
    return glued_metric(cand, text) or min(cand.metrics, key=lambda m: _gap(cand, m))


def dataset_rules(view: PaperView, cand: NumberCandidate, metric: Found | None, sentence_datasets: list[Found],
                  numbers: list[tuple[int, int]]) -> tuple[int | None, int | None]:
    """Two deterministic readings of where the number was measured: (paired, guess).

    ``paired``: the dataset the sentence itself pairs with the number, when it does so plainly:
    the one of the same rank in coordinated lists of measures or numbers and of datasets ("60.2
    AP, 41.4 / 40.5 mAP and 77.2 mIoU on VOC, COCO and Cityscapes"), else the one written after
    its measure ("53.2% box AP on COCO"). ``guess``, a feature: ``paired``; else the first
    dataset after the number with no other number between; else the nearest one before it."""
    text = view.texts[cand.field]
    listed: list[int] = []
    for d in sentence_datasets:
        if d.entity in listed or _in_parentheses(text, d.start, cand.s_start):
            continue
        if TRAIN_ONLY_BEFORE_RE.search(text, max(0, d.start - 60), d.start) or PRETRAINING_AFTER_RE.match(text, d.end):
            continue
        listed.append(d.entity)
    paired = _paired_dataset(text, cand, metric, sentence_datasets, numbers, listed)
    if paired is not None:
        return paired, paired
    after = [d for d in sentence_datasets if d.start >= cand.end and d.entity in listed
             and _between(numbers, cand.end, d.start) == 0]
    if after:
        return None, min(after, key=lambda d: d.start).entity
    before = [d for d in sentence_datasets if d.end <= cand.start and d.entity in listed]
    if before:
        return None, max(before, key=lambda d: d.end).entity
    return None, None


def _paired_dataset(text: str, cand: NumberCandidate, metric: Found | None, sentence_datasets: list[Found],
                    numbers: list[tuple[int, int]], listed: list[int]) -> int | None:
    if len(listed) > 1:
        if metric is not None:
            measures = _measures_in_order(cand)
            if len(measures) == len(listed) and metric.entity in measures:
                return listed[measures.index(metric.entity)]
        first_listed = min(d.start for d in sentence_datasets if d.entity in listed)
        if cand.end <= first_listed:
            leading = [n for n in numbers if n[1] <= first_listed]
            if _list_element(text, leading, (first_listed, first_listed)) == len(listed):
                return listed[_list_element(text, leading, (cand.start, cand.end))]
    if metric is not None and metric.field == cand.field and metric.start >= cand.end:
        # (after the lists: in "61.3 AP, 42.7 mAP and 78.4 mIoU on VOC, COCO and ..." the
        # last measure is followed by the first dataset of the list)
        for d in sentence_datasets:
            if d.start >= metric.end and MEASURE_ON_RE.fullmatch(text, metric.end, d.start):
                return d.entity
    return None


def _measures_in_order(cand: NumberCandidate) -> list[int]:
    """The measures of the number's sentence, each once, in the order they are written."""
    measures: list[int] = []
    for m in sorted(cand.metrics, key=lambda m: m.start):
        if m.entity not in measures:
            measures.append(m.entity)
    return measures


def _list_element(text: str, numbers: list[tuple[int, int]], span: tuple[int, int]) -> int:
    """How many list elements come before ``span`` (a number's start and end), numbers joined
    by a slash being one element."""
    element, previous_end = 0, None
    for start, end in numbers:
        if start >= span[0]:
            break
        if previous_end is None or not SLASH_GAP_RE.fullmatch(text, previous_end, start):
            element += 1
        previous_end = end
    if previous_end is not None and SLASH_GAP_RE.fullmatch(text, previous_end, span[0]):
        element -= 1
    return element


def dataset_pair_features(view: PaperView, cand: NumberCandidate, dataset: Found, metric: Found | None,
                          sentence_datasets: list[Found], numbers: list[tuple[int, int]],
                          rule_choice: int | None = None) -> list[str]:
    """Was the number measured on ``dataset``?  ``sentence_datasets``: the dataset mentions of
    the number's sentence, in order; ``metric``: the measure chosen for the number."""
    text = view.texts[cand.field]
    feats = []
    if rule_choice is not None:
        feats.append("rule_choice" if rule_choice == dataset.entity else "rule_chose_another")
    after_ds = words_after(view.texts[dataset.field], dataset.end, 1)
    if after_ds:
        feats.append(f"ds_a1={after_ds[0]}")
    if PRETRAINING_AFTER_RE.match(view.texts[dataset.field], dataset.end):
        feats.append("ds_modifies_next")
    if _in_parentheses(view.texts[dataset.field], dataset.start, view.sentence_of(dataset)[1]):
        feats.append("ds_in_parentheses")
    if dataset.field != cand.field:
        place = "other_field"
    else:
        d_sentence = view.sentences[dataset.field].of(dataset.start)
        place = "same" if d_sentence == cand.sentence else "earlier" if d_sentence < cand.sentence else "later"
        if place == "earlier" and d_sentence == cand.sentence - 1:
            place = "prev"
    feats.append(f"place={place}")
    n_sentence = len({d.entity for d in sentence_datasets})
    feats.append(f"datasets_in_sentence={min(n_sentence, 3)}")
    lowered = view.lowered[dataset.field]
    before_ds = words_before(view.texts[dataset.field], dataset.start, 2)
    if before_ds:
        feats.append(f"{place}&ds_b1={before_ds[-1]}")
    if TRAIN_ONLY_BEFORE_RE.search(view.texts[dataset.field], max(0, dataset.start - 60), dataset.start):
        feats.append("trained_on")
    if place == "same":
        after = dataset.start >= cand.end
        side = "after" if after else "before"
        lo, hi = (cand.end, dataset.start) if after else (dataset.end, cand.start)
        gap = hi - lo
        feats += [side, f"{side}&gap={_bucket(gap, (3, 8, 15, 30, 60, 120))}"]
        feats.append(f"{side}&nums_between={min(_between(numbers, lo, hi), 3)}")
        others_between = sum(1 for d in sentence_datasets if d.entity != dataset.entity and lo <= d.start < hi)
        feats.append(f"{side}&ds_between={min(others_between, 2)}")
        same_side = [d for d in sentence_datasets if (d.start >= cand.end) == after]
        nearest = min(same_side, key=lambda d: _gap(cand, d))
        if nearest.entity == dataset.entity:
            feats.append(f"{side}&nearest_on_side")
        if min(sentence_datasets, key=lambda d: _gap(cand, d)).entity == dataset.entity:
            feats.append("nearest")
        gap_text = lowered[lo:hi]
        for mark in (";", "(", " and ", " while ", " whereas ", " but ", " than ", " compared ", " vs"):
            if mark in gap_text:
                feats.append(f"{side}&gap_has={mark.strip()}")
        # element-by-element pairing of coordinated lists
        order = []
        for d in sentence_datasets:
            if d.entity not in order:
                order.append(d.entity)
        listed = [e for e in order if any(d.entity == e and not _in_parentheses(text, d.start, cand.s_start)
                                          for d in sentence_datasets)]
        order = listed if dataset.entity in listed else order
        d_rank = order.index(dataset.entity)
        if d_rank == 0:
            feats.append("first_dataset")
        if metric is not None and metric.field == cand.field:
            m_order = _measures_in_order(cand)
            if metric.entity in m_order and len(order) > 1:
                m_rank = m_order.index(metric.entity)
                feats.append("metric_rank_matches" if m_rank == d_rank else "metric_rank_differs")
                if len(m_order) == len(order):
                    feats.append("lists_same_length&" + ("match" if m_rank == d_rank else "differ"))
        result_numbers = [s for s, _ in numbers if s < cand.start]
        n_rank = len(result_numbers)
        if len(order) > 1:
            feats.append("number_rank_matches" if n_rank == d_rank else "number_rank_differs")
    else:
        if any(d.field == cand.field and view.sentences[cand.field].of(d.start) == cand.sentence
               for d in view.found if d.etype == "Dataset"):
            feats.append("sentence_has_datasets")
        else:
            feats.append("sentence_has_no_dataset")
    if dataset.field == "title":
        feats.append("in_title")
    return feats
