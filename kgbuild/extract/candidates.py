"""Candidate mentions of one text field, and the choice of which ones survive.

Sources, strongest first: lexicon phrases, acronym definitions, cue rules ("dubbed X",
title "X: ..."), phrase rules (task head nouns, "X dataset", Title Case method names),
and finally name-shaped tokens.  Overlaps are settled longest-first, then by strength.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kgbuild.extract import rules
from kgbuild.extract.acronyms import Definition, find_definitions
from kgbuild.extract.author_lines import author_lines
from kgbuild.extract.caseblind import CaseBlindPattern
from kgbuild.extract.names import is_all_caps_acronym, is_generic_term, is_name_shaped
from kgbuild.extract.resources import alternation, lowered_term_list, term_list
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.extract.task_spans import TaskSpans

# Strength of the evidence behind a candidate's type: lower wins.
LEXICON, DEFINED, CUE, PHRASE, SHAPE, LOOSE = 0, 1, 2, 3, 4, 5
# Task spans chosen by the ``task_span`` model, by how likely it found them (``span_rank``)
SPAN_LIKELY, SPAN_FAIR, SPAN_DOUBTFUL = 6, 7, 8

METHOD_NOUNS_AFTER_PAREN = term_list("method_nouns_after_paren")
METHOD_LF_HEADS = frozenset(w.lower() for w in rules.METHOD_HEAD_WORDS) | term_list("method_long_form_heads")
DATASET_LF_HEADS = term_list("dataset_long_form_heads")
METRIC_LF_HEADS = term_list("metric_long_form_heads")
DATASET_HEAD_WORDS = term_list("dataset_head_words")
SIZE_WORD_RE = re.compile(r"^[A-Z0-9][\w]*$")
GLUE_SUFFIX_RE = re.compile(rf"-(?:{alternation('glue_suffixes')})$", re.I)


@dataclass(slots=True)
class Found:
    """One accepted mention in one field."""

    field: str
    start: int
    end: int
    etype: str
    key: str | None
    rank: int
    text: str
    entity: int = -1


URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|io|net|ai|edu)/\S*")
# What every URL_RE match contains; the regex itself is slow on long texts with a slash.
URL_SIGN_RE = re.compile(r"://|www\.|\.(?:com|org|io|net|ai|edu)/")
DIGIT_RE = re.compile(r"\d")
# A number that measures something: not an enumeration marker ("(1)") and not part of a
# name ("T5", "ResNet-50", "3D", "NLVR2"); a unit may be glued to it ("140fps", "2.7x").
MEASUREMENT_RE = re.compile(
    r"(?<![\w\-(])\d+(?:[.,]\d+)?(?![\w\-])(?!\))"
    r"|(?<![\w\-])\d+(?:\.\d+)?(?=%|×|(?:x|fps|FPS|ms|s|[KMGT]B|[KMGB]|FLOPs)\b)"
)
# "higher accuracy than Adapter", "in terms of precision and recall", "the accuracy and latency
# trade-off": a measure used as one.
MEASURE_CUE_RE = CaseBlindPattern(
    rf"\b(?:{alternation('measure_comparatives')})\b[^.;]{{0,80}}?\bthan\b|\b(?:compared (?:to|with)|comparable to|"
    rf"on par with|in terms of|trade-?offs?)\b",
)
# "reduce the training memory footprint": a measure something is said to lower.
LOWERED_BEFORE_RE = re.compile(rf"\b(?:{alternation('lowering_stems')})\w*(?:\W+\w+){{0,2}}\W+$", re.IGNORECASE)
# "the lowest latency", "2x faster speed", "less memory": compared as a measure.
COMPARATIVE_BEFORE_RE = re.compile(rf"\b(?:{'|'.join(sorted(term_list('measure_adjectives_before')))})\s+$", re.IGNORECASE)


def _used_as_measure(text: str, start: int, sentences: SentenceIndex, after_comparative: bool = False) -> bool:
    """A weak measure word ("accuracy", "memory cost") counts when its sentence measures,
    compares or lowers it; "improve accuracy" alone is the vague use the guideline leaves out."""
    s_start, s_end = sentences.spans[sentences.of(start)]
    window = text[max(s_start, start - 60):start]
    return _sentence_measures(text, s_start, s_end) or bool(LOWERED_BEFORE_RE.search(window)) or (
        after_comparative and bool(COMPARATIVE_BEFORE_RE.search(window)))


@lru_cache(maxsize=256)  # asked for each measure word of a sentence, and sentences hold several
def _sentence_measures(text: str, s_start: int, s_end: int) -> bool:
    """The sentence holds a measurement or compares something."""
    # Every MEASUREMENT_RE match starts at a digit (its look-behinds leave the engine nothing
    # to skip ahead to): a one-class search finds the first digit fast, or that there is none.
    digit = DIGIT_RE.search(text, s_start, s_end)
    return bool(digit and MEASUREMENT_RE.search(text, digit.start(), s_end)
                or MEASURE_CUE_RE.search(text, s_start, s_end))


# A word that can modify a measure's head ("test", "one-shot", "rank-1", "frame"): lower case,
# maybe hyphenated or with digits; written right before the head or the next modifier.
# (what may stand before the word is tested once its first letter is read, so that the
# engine skips ahead to small letters; the runs are taken whole, as nothing after them could
# take a character back)
MEASURE_MODIFIER_BACK_RE = re.compile(r"([a-z](?<![^\s(][a-z])[a-z0-9]*+(?:-[a-z0-9]++)*+) $")
MAX_MEASURE_MODIFIERS = 3
PERCENT_BEFORE_RE = re.compile(r"\d\s*%\s*$")
# "F1-Score@N", "Recall@K": a cut-off written after the measure belongs to it.
CUTOFF_AFTER_RE = re.compile(r"@(?:\d+|[A-Za-z])\b")


def _measure_modifiers_start(text: str, head_start: int, task_spans: list[tuple[int, int]]) -> int:
    """Where the modifiers of a measure's head begin ("frame classification error rate"):
    up to three plain lower-case words, none a function word or a judgement ("higher"), nor
    part of a task's name ("link prediction accuracy" is the accuracy of a task)."""
    stop = lowered_term_list("measure_modifier_stop")
    start = head_start
    for _ in range(MAX_MEASURE_MODIFIERS):
        back = MEASURE_MODIFIER_BACK_RE.search(text, max(0, start - 40), start)
        if not back:
            break
        word = back.group(1)
        if word in rules.STOP or word in stop or word.endswith(("ly", "ed")):
            break
        if any(t_start < back.end(1) and back.start(1) < t_end for t_start, t_end in task_spans):
            break
        start = back.start(1)
    return start


def _said_when(text: str, start: int) -> bool:
    """"at inference time", "at test time": when something happens, not how much it takes."""
    return text[max(0, start - 3):start].lower() == "at "


def measure_phrases(scan: rules.WordScan, metric_hits: list[tuple[int, int]], sentences: SentenceIndex,
                    task_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Measures named by a head with modifiers: "test accuracy", "one-shot accuracy", "model
    size", "sequence recovery rate".  The head is a metric the lexicon found (and the gate let
    through) or a measure head noun whose sentence measures or compares it; the phrase is a
    candidate, the entity model decides."""
    phrase_stop = lowered_term_list("measure_phrase_stop")
    heads = list(metric_hits)
    taken = {start for start, _ in heads}
    text = scan.text
    for index in scan.measure_heads:  # (found in the one pass over the words the rules make)
        word = scan.words[index]
        if word.start() not in taken and _used_as_measure(text, word.start(), sentences):
            heads.append(word.span())
    phrases = []
    for head_start, head_end in heads:
        start = _measure_modifiers_start(text, head_start, task_spans)
        if start == head_start:
            if PERCENT_BEFORE_RE.search(text, max(0, head_start - 12), head_start) and head_start not in taken:
                phrases.append((head_start, head_end))  # "3.57% error": a bare head scored in percent
            continue
        words = text[start:head_end].lower().split()
        if any(" ".join(words[i:]) in phrase_stop for i in range(len(words) - 1)):
            continue  # "mini-batch size": a setting, whatever its modifiers
        if _said_when(text, start):
            continue
        phrases.append((start, head_end))
    return phrases


def _written_as_name(text: str, start: int, end: int, sentences: SentenceIndex) -> bool:
    """Proper names show it: a capital that is not just sentence-initial, or a digit."""
    span = text[start:end]
    if DIGIT_RE.search(span) or any(c.isupper() for c in span[1:]):
        return True
    if not span[:1].isupper():
        return False
    sentence_start = sentences.spans[sentences.of(start)][0]
    return start != sentence_start and not text[sentence_start:start].rstrip().endswith(":")


# the rule's task spans: a chooser with no model and no trace
RULE_TASK_SPANS = TaskSpans(None, None, "plain", {})


def span_rank(probability: float) -> int:
    return SPAN_LIKELY if probability >= 0.7 else SPAN_FAIR if probability >= 0.45 else SPAN_DOUBTFUL


def field_candidates(text: str, field: str, lexicon_hits, is_title: bool, sentences: SentenceIndex,
                     confirmed: set[tuple[str, str]] | None = None, lower_methods: bool = False,
                     task_chooser: TaskSpans | None = None) -> tuple[list[Found], list[Definition]]:
    """Accepted mentions of one field and its acronym definitions.

    ``confirmed``: (type, key) of lexicon entities already found in the abstract; a title,
    where every word is capitalised, only gets Method/Dataset lexicon hits that are
    name-shaped or confirmed by the abstract.  ``lower_methods``: lexicon methods written in
    lower case ("batch normalization", "beam search") are candidates too (tokenised corpora
    annotate such techniques; the entity model decides).  ``task_chooser``: the trained choice of
    task spans (default: the rule's).
    """
    cands: list[tuple[int, int, str, str | None, int]] = []
    lex_spans = []
    never = term_list("never_entities")
    weak_metrics = lowered_term_list("weak_metrics")
    metric_hits: list[tuple[int, int]] = []
    for start, end, etype, key in lexicon_hits:
        if etype == "Split":
            continue
        written = text[start:end]
        if written in never:
            continue
        if etype == "Method" and is_generic_term(written):
            continue  # lexicons list families ("CNNs", "LLMs") the guideline does not count as named
        if etype in ("Method", "Dataset"):
            if is_title:
                if not (is_name_shaped(written) or (confirmed and (etype, key) in confirmed)):
                    continue
            elif not _written_as_name(text, start, end, sentences) and not (
                    lower_methods and etype == "Method"):
                continue  # "performer", "For instance": common words that happen to be names
        elif etype == "Metric" and written.isupper() and CAPS_WORD_AFTER_RE.match(text, end):
            continue  # "AR COPY & PASTE": an acronym inside an all-capitals name is no measure
        elif etype == "Metric" and "loss" in text[end:end + 80].lower() and LOSS_AFTER_RE.match(
                text, end, min(len(text), end + 80)):
            continue
        elif etype == "Metric" and written.lower() in weak_metrics:
            if not _used_as_measure(text, start, sentences, after_comparative=True) or _said_when(text, start):
                continue
        if etype == "Metric":
            metric_hits.append((start, end))
        cands.append((start, end, etype, key, LEXICON))
        lex_spans.append((start, end, etype, key))

    if is_title:
        prefix = rules.title_prefix(text)
        if prefix:
            cands.append((prefix[0], prefix[1], prefix[2], None, CUE))
    for start, end in rules.named_cues(text) + rules.apposition_names(text):
        cands.append((start, end, "Method", None, CUE))
    scan = rules.WordScan(text)
    task_spans = [(c[0], c[1]) for c in cands if c[2] == "Task"]
    for start, end, loose, probability in (task_chooser or RULE_TASK_SPANS).choose(scan, is_title):
        rank = (LOOSE if loose else PHRASE) if probability is None else span_rank(probability)
        cands.append((start, end, "Task", None, rank))
        task_spans.append((start, end))
    for start, end in measure_phrases(scan, metric_hits, sentences, task_spans):
        cands.append((start, end, "Metric", None, PHRASE))
    for start, end in rules.dataset_phrases(scan, is_title):
        cands.append((start, end, "Dataset", None, PHRASE))
    if not is_title:
        for start, end in rules.title_case_methods(text):
            cands.append((start, end, "Method", None, PHRASE))
    for start, end in rules.shaped_names(scan, is_title):
        if _markup_or_glued(text, start, end):
            continue
        glued = GLUE_SUFFIX_RE.search(text, start, end) if text.find("-", start, end) >= 0 else None
        if glued:
            end = glued.start()
            if is_generic_term(text[start:end]):
                continue  # "CNN-based": a family once the suffix is gone
        cands.append((start, end, "Method", None, SHAPE))

    # what names nothing: URLs, and an abstract's author lines
    set_aside = _url_spans(text)
    if not is_title:
        set_aside += author_lines(text)
    if set_aside:
        cands = [c for c in cands if not any(s0 <= c[0] < s1 for s0, s1 in set_aside)]
    if "D " in text:
        dimensions = {m.end(): m.start() for m in DIMENSION_RE.finditer(text)}
        if dimensions:
            cands = [(dimensions[c[0]], c[1], "Method", None, c[4]) if c[2] == "Method" and c[0] in dimensions else c
                     for c in cands]
    lexicon_at = _spans_by_edge(lex_spans)
    cands = [_with_cutoff(c, text) for c in (_inherit_lexicon_type(c, lexicon_at, text) for c in cands) if c is not None]
    chosen = _select(cands)
    found = [Found(field, s, e, t, k, r, text[s:e]) for s, e, t, k, r in chosen]
    definitions = find_definitions(text)
    found = _apply_definitions(text, field, found, definitions)
    found.sort(key=lambda f: f.start)
    method_lexicon_starts = {start for start, _, etype, _ in lex_spans if etype == "Method"}
    _datasets_by_context(text, found, method_lexicon_starts)
    _coordinated_datasets(text, found)
    _task_acronyms_listed_with_datasets(text, found)
    if not is_title:
        found = _listed_datasets(text, found)
    found = _dataset_versions(text, found)
    found = _coordinated_editions(text, found)
    for f in found:
        if f.etype == "Dataset" and PART_NOUN_AFTER_RE.match(text, f.end):
            f.etype, f.key = "Method", None  # "the ARC module": a part of a model, whatever ARC names elsewhere
    return found, definitions


# "the binary cross entropy, structural similarity and IoU losses": measures named as
# training losses are not reported metrics.
LOSS_AFTER_RE = re.compile(
    r"(?:[\s,/]+(?!(?:with|on|for|of|in|to|by|than|while|at|is|are|was|were|the)\b)[\w-]+\b){0,6}?"
    r"[\s-]+loss(?:es)?\b",
    re.IGNORECASE,
)

CAPS_WORD_AFTER_RE = re.compile(r"\s+[A-Z]{2,}\b(?!\s*[(\d])")

PART_NOUN_AFTER_RE = re.compile(rf"[ -](?:{alternation('part_nouns')})\b")
PART_NOUN_RE = re.compile(alternation("part_nouns"))
COORDINATION_RE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)")
# a comma alone joins two names into a list only when the list goes on around them
LIST_BEFORE_RE = re.compile(r"[\w)\]-]\s*(?:,|\band|\bor)\s*$")
LIST_AFTER_RE = re.compile(r"\s*(?:\([^)]{0,20}\)\s*)?(?:,|and\b|or\b)")
WORD_AFTER_SHORT_FORM_RE = re.compile(r"\)?\s*[-\s]?([A-Za-z]+)")


# "we release GNN-Bank-101, a large-scale dataset of ...": the apposition says what it is
DATASET_APPOSITION_RE = re.compile(r"\s*(?:\([^)]{1,30}\)\s*)?,\s*(?:a|an|the|our)\s+(?:[\w-]+\s+){0,4}?"
                                   rf"(?:{'|'.join(sorted(DATASET_HEAD_WORDS))})\b", re.IGNORECASE)


# "Experiments on A, B, and C", "evaluated on the A and B": a list of what was evaluated on
EVALUATED_LIST_CUE_RE = CaseBlindPattern(
    rf"\b(?:{alternation('evaluated_list_cues')})\s+(?:\w+\s+)?(?:on|over|across)\s+(?:the\s+)?"
    rf"(?:(?:{alternation('evaluated_list_adjectives')})\s+)*$",
)
STRICT_LIST_GAP_RE = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _datasets_by_context(text: str, found: list[Found], method_lexicon_starts: set[int]) -> None:
    """A name only its shape or a naming cue called a method is a dataset where the lexicon
    knows it as one written another way (``lexicon.names_a_dataset``), where an apposition
    calls it a dataset or benchmark, or where it stands in a list of names an evaluation was
    run on ("Experiments on UnrealStereo4K, MVS-Synth, and ..."), no member of which the
    lexicon knows as a method."""
    from kgbuild.extract.lexicon import names_a_dataset

    def shape_only(f: Found) -> bool:
        return f.etype == "Method" and not f.key and f.rank >= CUE and " " not in f.text \
            and f.start not in method_lexicon_starts

    for f in found:
        if not shape_only(f):
            continue
        if names_a_dataset(f.text) or DATASET_APPOSITION_RE.match(text, f.end, f.end + 90):
            f.etype, f.rank = "Dataset", PHRASE
    i = 0
    while i < len(found):
        head = found[i]
        # (a head no list member follows changes nothing and moves on by one, cue or not: the
        # cue, the dearer test, is searched only before a list)
        if not (shape_only(head) or head.etype == "Dataset") or i + 1 >= len(found) \
                or not STRICT_LIST_GAP_RE.fullmatch(text, head.end, found[i + 1].start) \
                or not EVALUATED_LIST_CUE_RE.search(text, max(0, head.start - 80), head.start):
            i += 1
            continue
        members = [head]
        while i + len(members) < len(found) and STRICT_LIST_GAP_RE.fullmatch(
                text, members[-1].end, found[i + len(members)].start):
            members.append(found[i + len(members)])
        if len(members) >= 2 and all(shape_only(m) or m.etype == "Dataset" for m in members) \
                and any(shape_only(m) for m in members):
            for m in members:
                m.etype, m.rank = "Dataset", min(m.rank, PHRASE)
        i += len(members)


# a dataset's edition written as a year ("ISLES 2015", "PASCAL VOC 2007 and 2012")
YEAR = r"(?:19|20)\d\d"
# "on LLFF and Blender.": a capitalised word closing a list that a known dataset opens
LISTED_WORD_RE = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?"
                            rf"([A-Z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*(?: {YEAR})?)")
LIST_CLOSED_BY_RE = re.compile(r"\b(?:and|or)\b")
LIST_CLOSE_RE = re.compile(rf"\s*(?:[.;:)]|,\s|$)|\s+(?:{alternation('list_closing_words')})\b")


def _listed_datasets(text: str, found: list[Found]) -> list[Found]:
    """Names no rule took that close a list whose other members are datasets ("LLFF and
    Blender", "BlogCatalog, Flickr, and YouTube", "UnrealStereo4K, MVS-Synth, and Middleburry 2014")."""
    added: list[Found] = []
    starts = {f.start: f for f in found}
    for f in found:
        if f.etype != "Dataset" or f.rank > PHRASE:
            continue
        cursor, chain = f.end, []
        while True:
            word = LISTED_WORD_RE.match(text, cursor)
            if not word:
                break
            if word.start(1) in starts:
                other = starts[word.start(1)]
                if other.etype != "Dataset":
                    break
                cursor = other.end
                continue
            name = word.group(1)
            if name.lower() in rules.STOP or is_generic_term(name) or any(
                    g.start < word.end(1) and word.start(1) < g.end for g in found):
                break
            chain.append((word.start(1), word.end(1)))
            cursor = word.end(1)
        if chain and LIST_CLOSE_RE.match(text, cursor) and LIST_CLOSED_BY_RE.search(text, f.end, cursor):
            for start, end in chain:
                if start not in starts:
                    added.append(Found(f.field, start, end, "Dataset", None, PHRASE, text[start:end]))
                    starts[start] = added[-1]
    if not added:
        return found
    return sorted(found + added, key=lambda f: f.start)


# "MovieLens 100K", "ISLES 2015": a dataset's size or edition written after it
DATASET_VERSION_RE = re.compile(rf"[ -](?:{YEAR}|\d+(?:\.\d+)?[KM])(?![\w-])")


# "WMT'14", "Switchboard Hub5’00": an edition by its year's last two digits
APOSTROPHE_EDITION_RE = re.compile(r"[’']\d\d(?![\w’'-])")
# "WMT 2014 English-to-German", "WMT'14 En-De": the translation direction names the dataset
LANGUAGE = f"(?:{'|'.join(sorted(term_list('language_names')))})"
LANGUAGE_PAIR_RE = re.compile(rf" {LANGUAGE}(?:-to-|-|–|→|/){LANGUAGE}(?![\w-])", re.IGNORECASE)


def _dataset_versions(text: str, found: list[Found]) -> list[Found]:
    starts = {f.start for f in found}
    inside_pairs: list[Found] = []
    for f in found:
        if f.etype != "Dataset":
            continue
        version = APOSTROPHE_EDITION_RE.match(text, f.end)
        if version is None and not f.text[-1:].isdigit():
            version = DATASET_VERSION_RE.match(text, f.end)
        if version and not any(f.end < s < version.end() for s in starts):
            f.end = version.end()
            f.text = text[f.start:f.end]
            f.key = None  # an edition or a size of its own ("MovieLens 100K" beside "MovieLens 1M")
        pair = LANGUAGE_PAIR_RE.match(text, f.end) if text[f.end:f.end + 1] == " " else None
        if pair and not any(f.end < g.start < pair.end() and g.etype != "Task" for g in found):
            # (a task read into the direction, "French translation" of "English-to-French
            # translation task", goes)
            inside_pairs += [g for g in found if f.end < g.start < pair.end()]
            f.end = pair.end()
            f.text = text[f.start:f.end]
            f.key = None  # one direction of a translation benchmark: a dataset of its own
    if inside_pairs:
        return [f for f in found if not any(f is g for g in inside_pairs)]
    return found


YEAR_END_RE = re.compile(rf"(?<![\w-]){YEAR}$")
# "PASCAL VOC 2007 and 2012", "CoNLL 2005 , 2012": more editions of the dataset just named
MORE_EDITIONS_RE = re.compile(rf"(?:\s*(?:,|and|&|/)\s*(?:and\s+)?{YEAR}(?![\w-]|\.\d))+")
EDITION_RE = re.compile(YEAR)


# "CIFAR-10/100", "ModelNet10/40", "ImageNet-1K/22K": the dataset in another size (the
# guideline's combined names)
SIZE_END_RE = re.compile(r"(?<!\d)\d{1,4}[KM]?$")
MORE_SIZES_RE = re.compile(r"(?:/\d{1,4}[KM]?(?![\w.-]))+")
SIZE_RE = re.compile(r"\d+[KM]?")


def _coordinated_editions(text: str, found: list[Found]) -> list[Found]:
    """Each further year after a dataset named with its year is that dataset's edition too, and
    each further size after a slash ("CIFAR-10/100") its size."""
    added = []
    for f in found:
        if f.etype != "Dataset" or not f.text[-1:].isdigit() and f.text[-1:] not in "KM":
            continue
        year = YEAR_END_RE.search(f.text)
        if year:
            more, last, numbers = MORE_EDITIONS_RE.match(text, f.end), year, EDITION_RE
        else:
            last = SIZE_END_RE.search(f.text)
            more, numbers = MORE_SIZES_RE.match(text, f.end), SIZE_RE
        if more is None:
            continue
        base = f.text[:last.start()]
        for edition in numbers.finditer(text, f.end, more.end()):
            added.append(Found(f.field, edition.start(), edition.end(), "Dataset", None, f.rank,
                               base + edition.group()))
    if not added:
        return found
    taken = {(f.start, f.end) for f in found}
    found = found + [a for a in added if (a.start, a.end) not in taken]
    found.sort(key=lambda f: f.start)
    return found


def _coordinated_datasets(text: str, found: list[Found]) -> None:
    """"on CTW1500 and Total-Text": a shape-only name coordinated with a known dataset is one too."""
    for _ in range(2):  # twice, so that a list propagates from its known member both ways
        for left, right in zip(found, found[1:]):
            if SHAPE not in (left.rank, right.rank) or "Dataset" not in (left.etype, right.etype):
                continue  # (cheap tests first: the pair can change nothing)
            gap = COORDINATION_RE.fullmatch(text, left.end, right.start)
            if not gap:
                continue
            if gap.group().strip() == "," and not _list_around(text, left, right):
                continue  # "from GTA5 to Cityscapes, IBN-Net achieves": a clause boundary, no list
            for known, other in ((left, right), (right, left)):
                if known.etype == "Dataset" and known.rank <= PHRASE and other.rank == SHAPE:
                    other.etype, other.rank = "Dataset", PHRASE


def _list_around(text: str, left: Found, right: Found) -> bool:
    """The two coordinated mentions stand in a list that goes on before or after them."""
    return bool(LIST_BEFORE_RE.search(text, max(0, left.start - 40), left.start) or LIST_AFTER_RE.match(text, right.end))


def _task_acronyms_listed_with_datasets(text: str, found: list[Found]) -> None:
    """"(VQA, GQA, NLVR2, MSCOCO)": an acronym the lexicon knows as a task names the
    benchmark of that task where it stands in a list of datasets."""
    for i, f in enumerate(found):
        if f.etype != "Task" or " " in f.text or not is_all_caps_acronym(f.text):
            continue
        pairs = ([(found[i - 1], f)] if i else []) + ([(f, found[i + 1])] if i + 1 < len(found) else [])
        for left, right in pairs:
            if (right if left is f else left).etype != "Dataset":
                continue
            if COORDINATION_RE.fullmatch(text, left.end, right.start) and _list_around(text, left, right):
                f.etype, f.key, f.rank = "Dataset", None, PHRASE
                break


# "VAEname = VAE , description = VariationalAutoencoder": key = value markup left in a text
# (a glossary macro) names nothing; nor do words run together with a small word between
# them ("HarbinInstituteofTechnology", an author line that lost its spaces;
# "GRADCOcomputesthe28matricesinminutes", a sentence that did).
MARKUP_AFTER_RE = re.compile(r"\s*=")
MARKUP_BEFORE_RE = re.compile(r"=\s*$")
GLUED_SMALL_WORD_RE = re.compile(r"[a-z]{2}(?:of|and|for|the|with)[A-Z]|[a-z]{2}(?:the|with)\d")


def _markup_or_glued(text: str, start: int, end: int) -> bool:
    # (markup needs an "=", which most texts lack: one fast scan for it spares two patterns)
    return bool("=" in text and (MARKUP_AFTER_RE.match(text, end) or MARKUP_BEFORE_RE.search(text, max(0, start - 4), start))
                or GLUED_SMALL_WORD_RE.search(text, start, end))


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URL_RE matches.  A match never spans whitespace and holds a URL sign, so
    only the whitespace-free runs around the signs are searched: the regex is slow on prose."""
    spans: list[tuple[int, int]] = []
    if "/" not in text and "www." not in text:
        return spans  # every sign holds one of the two: two memchr-fast tests beat the regex's scan
    searched_to = 0
    for sign in URL_SIGN_RE.finditer(text):
        if sign.start() < searched_to:
            continue  # this run was searched already
        run_start = sign.start()
        while run_start > 0 and not text[run_start - 1].isspace():
            run_start -= 1
        run_end = sign.end()
        while run_end < len(text) and not text[run_end].isspace():
            run_end += 1
        spans.extend(m.span() for m in URL_RE.finditer(text, run_start, run_end))
        searched_to = run_end
    return spans


def _spans_by_edge(lex_spans) -> dict[tuple[str, int], list[tuple[int, tuple]]]:
    """Lexicon spans by ("start", offset) and, for metrics, by ("metric end", offset), each
    with its position in ``lex_spans`` (the first matching span decides, as in a scan)."""
    index: dict[tuple[str, int], list[tuple[int, tuple]]] = {}
    for position, span in enumerate(lex_spans):
        index.setdefault(("start", span[0]), []).append((position, span))
        if span[2] == "Metric":
            index.setdefault(("metric end", span[1]), []).append((position, span))
    return index


def _inherit_lexicon_type(cand, lexicon_at, text):
    """A rule candidate that starts with a lexicon phrase is a variant of it
    ("ImageNet-1K" of ImageNet, "ResNet-101" of ResNet): it takes the lexicon's type. One
    word before a measure names a kind of that measure ("Ads CTR", "box AP"): a Metric."""
    start, end, etype, key, rank = cand
    if rank == LEXICON or etype in ("Task",):
        return cand
    nearby = lexicon_at.get(("start", start), []) + lexicon_at.get(("metric end", end), [])
    for _, (l_start, l_end, l_type, _) in sorted(nearby, key=lambda entry: entry[0]):
        if l_start == start and l_end < end and text_boundary_ok(l_end, end):
            if l_type == "Metric" and _measure_follows(lexicon_at, l_end, end, text):
                return None  # "PSNR-FLOP trade-offs": two measures, not one name
            if l_type == "Task" and rank == SHAPE:
                continue  # "SR-CNN", "VQA-Net": a model named after its task
            return (start, end, l_type, None, rank)
        before = text[start:l_start]
        if l_type == "Metric" and l_end == end and before.endswith(" ") and before.strip() \
                and " " not in before.rstrip():
            return (start, end, "Metric", None, rank)
    return cand


# "3D U-Net", "2D ControlNet": a dimension written before a method's name is part of it (the
# text keeps the 3D model apart from the 2D one)
# (the test for what precedes the digit follows it, so that the regex engine can skip ahead
# to the digits rather than try the look-behind at every position)
DIMENSION_RE = re.compile(r"[1-4](?<![\w.-][1-4])D (?=\w)")


def _with_cutoff(cand, text: str):
    """A measure takes the cut-off written right after it ("F1-Score@N")."""
    if cand[2] != "Metric" or text[cand[1]:cand[1] + 1] != "@":
        return cand
    cutoff = CUTOFF_AFTER_RE.match(text, cand[1])
    return (cand[0], cutoff.end(), *cand[2:]) if cutoff else cand


def _measure_follows(lexicon_at, joint: int, end: int, text: str) -> bool:
    """A second lexicon measure fills the rest of the span after a hyphen or slash."""
    if text[joint:joint + 1] not in ("-", "/"):
        return False
    weak = lowered_term_list("weak_metrics")  # "Top1-acc": one measure, "acc" is a weak head
    return any(l_start == joint + 1 and l_type == "Metric" and text[l_start:end].lower() not in weak
               for _, (l_start, _, l_type, _) in lexicon_at.get(("metric end", end), []))


def text_boundary_ok(inner_end: int, outer_end: int) -> bool:
    return outer_end > inner_end


def _select(cands):
    """Longest first; among equal spans the strongest source; no overlaps."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[4], c[0]))
    taken: list[tuple[int, int]] = []
    covered = bytearray(max((c[1] for c in cands), default=0) + 1)  # 1 where a chosen span lies
    chosen = []
    for cand in cands:
        start, end = cand[0], cand[1]
        if end > start:
            if 1 in covered[start:end]:
                continue
        elif any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        covered[start:end] = b"\x01" * (end - start)
        chosen.append(cand)
    return chosen


def _apply_definitions(text: str, field: str, found: list[Found], definitions: list[Definition]) -> list[Found]:
    """Type short forms by their long forms and add the long form as a linked mention."""
    by_start = {f.start: f for f in found}
    drop: set[int] = set()
    added: list[Found] = []
    for d in definitions:
        short = by_start.get(d.short_start)
        if short is not None and short.end != d.short_end:
            short = None
        long_cover = [f for f in found if d.long_start <= f.start and f.end == d.long_end]
        long_exact = next((f for f in long_cover if f.start == d.long_start), None)
        long_text = text[d.long_start:d.long_end]
        short_text = text[d.short_start:d.short_end]
        etype, key = _definition_type(text, d, short, long_cover, long_text, short_text)
        if etype is None:
            # an acronym of something that is no named method ("Text-Attributed Graphs (TAGs)"):
            # none of its shape-only mentions is a method either
            drop.update(id(f) for f in found if f.rank == SHAPE and f.text == short_text)
            continue
        if short is None:
            if any(f.start < d.short_end and d.short_start < f.end for f in found):
                continue
            short = Found(field, d.short_start, d.short_end, etype, None, DEFINED, short_text)
            added.append(short)
        elif short.rank > DEFINED or short.etype != etype:
            # (a lexicon short form keeps its type unless its definition names a method)
            if short.rank > LEXICON or etype != short.etype and (short.rank >= DEFINED or etype == "Method"):
                short.etype, short.rank = etype, DEFINED
                short.key = short.key if short.rank == LEXICON else key
        if long_exact is None:
            overlapping = [f for f in found if f.start < d.long_end and d.long_start < f.end]
            if all(f.rank >= SHAPE or (f.etype == etype) for f in overlapping):
                for f in overlapping:
                    drop.add(id(f))
                long_exact = Found(field, d.long_start, d.long_end, etype, key, DEFINED, long_text)
                added.append(long_exact)
        elif long_exact.etype != etype and long_exact.rank > LEXICON:
            long_exact.etype = etype
    result = [f for f in found if id(f) not in drop] + added
    return result


def _long_form_names_a_method(text: str, d: Definition, words: list[str], last: str, short_text: str) -> bool:
    """A Title Case long form ending in a method's head word, of a short form that is no
    plural ("Adaptive Rotated Convolution (ARC)", not "Graph Neural Networks (GNNs)")."""
    if last not in METHOD_LF_HEADS or len(words) < 2 or short_text.endswith("s"):
        return False
    initial = rules.is_sentence_start(text, d.long_start)  # a capital there proves nothing
    return all(w[0].isupper() for i, w in enumerate(words) if i or not initial)


def follow_definitions(found: list[Found], definitions: list[tuple[str, Definition]]) -> None:
    """Where a definition typed its short form against the lexicon ("Adaptive Rotated
    Convolution (ARC)"), the paper's other mentions of that short form, in either field,
    follow the definition: the lexicon's reading (AI2's ARC dataset) is not this paper's."""
    if not definitions:
        return
    at = {(f.field, f.start, f.end): f for f in found if f.rank == DEFINED}
    defined = {}
    for field, d in definitions:
        short = at.get((field, d.short_start, d.short_end))
        if short is not None:
            defined.setdefault(short.text, short.etype)
    if not defined:
        return
    for f in found:
        etype = defined.get(f.text)
        if etype is not None and f.rank == LEXICON and f.etype != etype:
            f.etype, f.key, f.rank = etype, None, DEFINED


def _definition_type(text, d: Definition, short, long_cover, long_text: str, short_text: str):
    """What a defined acronym names, judged from both forms and the word after "(SF)"."""
    for f in long_cover:
        if f.rank == LEXICON and f.start <= d.long_start + 2:
            return f.etype, f.key
    words = long_text.replace("-", " ").split()
    last = words[-1].lower() if words else ""
    after = WORD_AFTER_SHORT_FORM_RE.match(text[d.short_end:d.short_end + 20])
    after_word = after.group(1).lower() if after else ""
    if after_word in METHOD_NOUNS_AFTER_PAREN and (
            last not in lowered_term_list("task_heads") or PART_NOUN_RE.fullmatch(after_word)
            or len(words) > 1 and all(w[:1].isupper() for w in words[1:])):
        # "Fourier Contour Embedding (FCE) method", "adaptive feature enhancement (AFE) module",
        # "Fast Progressive Combining Search (FPCS) strategy": the text says what it is
        return "Method", None
    if short is not None and short.rank == LEXICON:
        if short.etype == "Dataset" and _long_form_names_a_method(text, d, words, last, short_text):
            # "we propose Adaptive Rotated Convolution (ARC), a module ...": the paper's own
            # definition says what its ARC is, whatever dataset the lexicon knows by that name
            # (a task's acronym stays one: "Network Architecture Search (NAS)")
            return "Method", None
        return short.etype, short.key
    if last in DATASET_LF_HEADS or after_word in DATASET_LF_HEADS:
        return "Dataset", None
    if last in lowered_term_list("task_heads") and last not in ("learning",) or (
        last == "learning" and not any(w[0].isupper() for w in words)
    ):
        return "Task", None
    for f in long_cover:
        if f.etype in ("Task", "Metric", "Dataset") and f.start <= d.long_start + 2:
            return f.etype, f.key
    if last in METRIC_LF_HEADS and not any(w[0].isupper() for w in words[:-1]):
        return "Metric", None
    initial = rules.is_sentence_start(text, d.long_start)  # a capital there proves nothing
    capitals = sum(w[0].isupper() for i, w in enumerate(words) if i or not initial)
    capitalised = capitals >= max(1, len(words) - 1)
    plural_acronym = len(short_text) > 2 and short_text.endswith("s") and short_text[-2].isupper()
    if last in METHOD_LF_HEADS or after_word in METHOD_NOUNS_AFTER_PAREN:
        if capitalised or not (plural_acronym or last.endswith("s")):
            return "Method", None
        return None, None  # "graph neural networks (GNNs)": a family, not a named method
    vocabulary = rules.task_modifier_vocabulary()
    if len(words) >= 2 and not capitalised and all(w.lower() in vocabulary and w.lower() not in rules.STOP
                                                   for w in words):
        return "Task", None  # "remote sensing (RS)": a field/problem written in task words
    if capitalised and len(words) >= 2 and not plural_acronym:
        return "Method", None  # "Non-Maximum Suppression (NMS)": a Title Case named technique
    if is_name_shaped(short_text) and not is_all_caps_acronym(short_text):
        return "Method", None  # "ContMix", "ViL": mixed-case coinages
    if capitalised and short is not None and short.etype == "Method" and last in METHOD_LF_HEADS:
        return "Method", None
    return None, None
