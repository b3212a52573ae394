"""Rule detectors that work on raw text with compiled regexes (no per-token Python loop).

Each returns plain tuples ``(start, end, type, origin)``; the pipeline decides which
candidates survive.  Word lists live in ``data/patterns``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress

from spacy.lang.en.stop_words import STOP_WORDS

from kgbuild.extract.caseblind import CaseBlindPattern
from kgbuild.extract.names import ASCII_NAME_TOKEN_RE, NAME_TOKEN_RE, is_generic_term, is_name_shaped
from kgbuild.extract.resources import (PATTERN_DIR, alternation, lexicon_texts_by_label, lowered_term_list,
                                       read_jsonl, term_list, term_sequence)

STOP = frozenset(STOP_WORDS) | term_list("extra_stop_words")
WORD_BACK_RE = re.compile(r"([A-Za-z0-9][\w\-^]*)(\s+)$")
# Modifiers in "-ing" are usually verbs ("improving detection") except these nouns.
ING_NOUNS = term_list("ing_task_nouns")
# Heads that name a task only with a modifier that is itself a known term (too generic
# otherwise: "fast inference", "model compression" stays, "joint learning" does not).
WEAK_HEADS = term_list("weak_task_heads")
METHOD_HEAD_WORDS = term_list("method_head_words")
# Written to begin with the capital (the "not after a word" test follows it) so that the
# regex engine can skip ahead to capitals instead of trying every position.  Within a word
# the runs are possessive: what follows a run (a hyphen, white space, the end of the name)
# is never a character of the run, so giving one back could not help, and the engine keeps
# no backtracking points for them (a third fewer instructions); the run of middle words
# still backtracks, as the last word must be taken back from it.
TITLE_CASE_RUN_RE = re.compile(
    r"[A-Z](?<![\w-][A-Z])[\w]*+(?:-[A-Za-z0-9][\w]*+)*+\s++(?:[A-Z][\w]*+(?:-[A-Za-z0-9][\w]*+)*+\s++){0,3}"
    r"[A-Z][\w]*+(?:-[A-Za-z0-9][\w]*+)*+(?![\w-])"
)
NAMED_CUES = term_sequence("named_cues")
NAMED_CUE_RE = re.compile(
    rf"""\b(?:{alternation('naming_words')})\s+(?:as\s+)?(?:the\s+)?[\"'“]?"""
    r"(?P<name>[A-Z][\w]*(?:[-.+][\w]+)*(?:\+\+)?(?:\s+[A-Z][\w]*(?:-[\w]+)*){0,3})"
)
# "a model called NeO 360 for ...", "named Florence 2.": a number right after the name, before
# punctuation or a lower-case word, is part of the name
NUMBER_AFTER_NAME_RE = re.compile(r" (\d+(?:\.\d+)?)(?=[,.;:)]|\s+[a-z]|\s*$)")
WORD_AFTER_RE = re.compile(r"\s+([A-Za-z]+)")
COUNTED_NOUNS = lowered_term_list("counted_nouns")
# "the leading diffusion-based method, Marigold, while ...": a name in apposition to a noun for
# a method, closed by punctuation or a clause.  Found from the comma: a scan for a comma before
# a capital is far cheaper than one for the nouns, and the noun and determiner are checked behind it.
COMMA_BEFORE_CAPITAL_RE = re.compile(r",\s+[A-Z]")
APPOSITION_HEAD_RE = re.compile(rf"\b(?:{alternation('apposition_heads')})s?\s*$")
APPOSED_NAME_RE = re.compile(
    r"[A-Z]\w*(?:[-.+]\w+)*(?:\s+[A-Z]\w*(?:-\w+)*){0,2}(?=\s*[,.(]|\s+(?:which|and)\b)")
DETERMINER_BEFORE_RE = re.compile(r"\b(?:the|a|an|our|its|their)\s+(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
# "In our model, Attention (A) is ...": an opening phrase, after which a capital starts the clause
OPENING_PHRASE_RE = re.compile(r"(?:^|[.;:!?]\s+)(?:in|for|with|by|under|within|through|from|on|to)\s+"
                               r"(?:the|a|an|our|its|their|this|each)\s+(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
TITLE_PREFIX_RE = re.compile(r"^\s*(?P<name>[^:]{1,40}?)\s*:\s+\S")
DATASET_TITLE_RE = CaseBlindPattern(rf"\b(?:{alternation('dataset_title_words')})\b")


@lru_cache(maxsize=1)
def task_modifier_vocabulary() -> frozenset[str]:
    """Words known to occur inside task names: the task lexicon's words plus the words of
    annotated task spans in the training data (seen at least twice)."""
    words = set()
    for pattern in lexicon_texts_by_label().get("TASK", ()):
        words.update(pattern.lower().split()[:-1])
    for row in read_jsonl(PATTERN_DIR / "task_vocab.jsonl"):
        if row.get("count", 0) >= 2:
            words.add(row["term"])
    return frozenset(words - lowered_term_list("task_modifier_stop"))


@lru_cache(maxsize=1)
def known_task_endings() -> frozenset[str]:
    """Last two words of every task name in the lexicon and the training data."""
    endings = set()
    rows = list(lexicon_texts_by_label().get("TASK", ()))
    rows += [row["term"] for row in read_jsonl(PATTERN_DIR / "task_phrases_train.jsonl")]
    for phrase in rows:
        if isinstance(phrase, str):
            words = phrase.lower().split()
            if len(words) >= 2:
                endings.add(" ".join(words[-2:]))
    return frozenset(endings)


WORD_LISTS = ("never_entities", "not_methods", "not_methods_lower", "task_heads", "task_modifier_stop",
              "task_stop", "weak_metrics")


def load_word_lists() -> None:
    """Read every rule list now, so that the first texts do not pay for it.

    The sets made from the lexicon (task words and endings here, the name keys of
    ``lexicon.names_a_dataset``) share one reading of it, which is then let go: made
    lazily, the name keys had cost the first texts a reading of their own."""
    from kgbuild.extract.lexicon import load_name_keys  # (lexicon imports spaCy's matcher)

    for name in WORD_LISTS:
        lowered_term_list(name)
    task_modifier_vocabulary()
    known_task_endings()
    load_name_keys()
    lexicon_texts_by_label.cache_clear()


# Word classes, decided once per distinct word and memoised: abstracts reuse words, and
# one dict lookup per word is far cheaper than running the shape tests again.
NAME, TASK_HEAD, DATASET_HEAD, MEASURE_HEAD = 1, 2, 4, 8
_WORD_CLASS: dict[str, int] = {}
_WORD_CLASS_LIMIT = 200_000
DATASET_HEADS = term_list("dataset_head_words")
MEASURE_HEADS = lowered_term_list("measure_heads")
TASK_HEADS = lowered_term_list("task_heads")
NEVER_ENTITIES = term_list("never_entities")


def word_class(word: str) -> int:
    flags = _WORD_CLASS.get(word)
    if flags is None:
        flags = 0
        # every name shape has a capital after the first letter, a digit or a hyphen, so
        # plain words ("the", "Transformer") skip the shape tests
        if not (word[1:].islower() and word.isalpha()) and is_name_shaped(word) and not is_generic_term(word) \
                and word not in NEVER_ENTITIES:
            flags |= NAME
        lower = word.lower()
        if lower in TASK_HEADS:
            flags |= TASK_HEAD
        if lower in DATASET_HEADS:
            flags |= DATASET_HEAD
        if lower in MEASURE_HEADS:
            flags |= MEASURE_HEAD
        if len(_WORD_CLASS) > _WORD_CLASS_LIMIT:
            _WORD_CLASS.clear()
        _WORD_CLASS[word] = flags
    return flags


_MATCHED_TEXT = re.Match.group  # (called on a match alone: the whole matched text)


class WordScan:
    """The words of one text (NAME_TOKEN_RE chunks) and which of them matter, in one pass."""

    __slots__ = ("text", "words", "names", "task_heads", "dataset_heads", "measure_heads")

    def __init__(self, text: str) -> None:
        self.text = text
        chunks = ASCII_NAME_TOKEN_RE if text.isascii() and "_" not in text else NAME_TOKEN_RE
        self.words = words = list(chunks.finditer(text))
        # The look-ups run in C (map, compress); Python only sees the few words that
        # matter and the words met for the first time.
        classes = list(map(_WORD_CLASS.get, map(_MATCHED_TEXT, words)))
        if None in classes:
            for index, flags in enumerate(classes):
                if flags is None:
                    classes[index] = word_class(words[index].group())
        flagged = [(index, classes[index]) for index in compress(range(len(classes)), classes)]
        self.names = [index for index, flags in flagged if flags & NAME]
        self.task_heads = [index for index, flags in flagged if flags & TASK_HEAD]
        self.dataset_heads = [index for index, flags in flagged if flags & DATASET_HEAD]
        self.measure_heads = [index for index, flags in flagged if flags & MEASURE_HEAD]

    def previous(self, index: int):
        """The word before ``index`` when only spaces separate them, else None."""
        if index <= 0:
            return None
        before, current = self.words[index - 1], self.words[index]
        gap = self.text[before.end():current.start()]
        if gap and not gap.isspace():
            return None
        return before


APPROACH_ENDINGS = tuple(sorted(lowered_term_list("approach_modifier_endings")))
# "dense prediction tasks", "the classification problem"; a title's "... for Classification"
TASK_NOUN_AFTER_RE = re.compile(rf"\s+(?:{'|'.join(map(re.escape, term_sequence('task_context_nouns')))})\b")
TITLE_TASK_CUE_BEFORE_RE = re.compile(rf"\b(?:{'|'.join(map(re.escape, term_sequence('title_task_cues')))})\s+$",
                                      re.IGNORECASE)


def _said_as_task(text: str, start: int, end: int, in_title: bool) -> bool:
    """The text calls the span a task: "... tasks" after it, or a title's "for" before it."""
    return TASK_NOUN_AFTER_RE.match(text, end) is not None or (
        in_title and TITLE_TASK_CUE_BEFORE_RE.search(text, max(0, start - 8), start) is not None)


def task_phrases(scan: WordScan, in_title: bool) -> list[tuple[int, int, bool]]:
    """"oriented object detection", "Monocular Video Depth Estimation" (head noun + modifiers),
    each with ``loose``: True for a span the word lists alone would not vouch for, left to the
    entity model to judge (its source feature says so):

    - a hyphenated modifier outside the task vocabulary ("arbitrary-shaped text detection");
    - a head written as a task by its context ("dense prediction tasks", a title's "for
      Classification") that the lists would have dropped: bare ("classification tasks") or a
      generic head with an unknown ending ("dense prediction")."""
    found = []
    text = scan.text
    modifier_stop = lowered_term_list("task_modifier_stop")
    vocabulary = task_modifier_vocabulary()
    for index in scan.task_heads:
        head = scan.words[index]
        if not can_end_task(text, head, in_title):
            continue
        head_word = head.group()
        head_capital = head_word[0].isupper()
        end = head.end()
        n_modifiers = 0
        loose = False
        cursor = head.start()
        position = index
        while n_modifiers < 4:
            back = scan.previous(position)
            if back is None:
                break
            word = back.group()
            lower = word.lower()
            if lower in STOP or lower in modifier_stop or (lower.endswith("ing") and lower not in ING_NOUNS):
                break
            if lower.endswith("ly"):
                break
            if lower not in vocabulary:
                # a hyphenated compound is rarely a verb or an evaluation ("improves", "accurate"),
                # but one that says how or how well ("diffusion-based", "high-quality") is no part
                # of the task's name either
                if "-" in lower and not head_capital and word[0].islower() and not lower.endswith(APPROACH_ENDINGS):
                    loose = True
                else:
                    break
            if not _task_word_case_ok(word, head_capital) and not (
                # "Gaussian process regression"; but not "ImageNet classification"
                word[0].isupper() and not is_name_shaped(word) and not is_sentence_start(text, back.start())
            ):
                break
            cursor = back.start()
            position -= 1
            n_modifiers += 1
        if n_modifiers == 0:
            if (in_title or not head_capital) and _said_as_task(text, cursor, end, in_title):
                found.append((cursor, end, True))
            continue
        if text[cursor:end].lower() in lowered_term_list("task_stop"):
            continue
        if head_word.lower() in WEAK_HEADS:
            # "token prediction", "context reasoning": generic heads need a known task ending
            last_two = " ".join(text[cursor:end].lower().split()[-2:])
            if last_two not in known_task_endings():
                if _said_as_task(text, cursor, end, in_title):
                    found.append((cursor, end, True))
                continue
        found.append((cursor, end, loose))
    return found


def can_end_task(text: str, head: re.Match, in_title: bool) -> bool:
    """Whether a task head word (its match in ``text``) can end a task's name where it stands:
    not a capitalised sentence start ("Detection of ..."), not part of a longer word
    ("detection-based")."""
    if head.group()[0].isupper() and not in_title and head.start() > 0 and \
            not preceded_by_capital_word(text, head.start()):
        return False
    end = head.end()
    return not (text[end:end + 1] == "-" or (end < len(text) and text[end].isalnum()))


def _task_word_case_ok(word: str, head_capital: bool) -> bool:
    if word[0].isdigit():
        return True  # "3D object detection", "6-DoF pose estimation"
    if head_capital:
        return word[0].isupper() and not (len(word) > 1 and word.isupper())
    return word[0].islower()


def preceded_by_capital_word(text: str, pos: int) -> bool:
    back = WORD_BACK_RE.search(text, max(0, pos - 40), pos)
    return bool(back and back.group(1)[0].isupper())


def dataset_phrases(scan: WordScan, in_title: bool) -> list[tuple[int, int]]:
    """Named items right before "dataset(s)/benchmark(s)/corpus", including lists of them."""
    found = []
    text = scan.text
    for index in scan.dataset_heads:
        head = scan.words[index]
        cursor = head.start()
        while True:
            name = _name_before(text, cursor, in_title)
            if name is None:
                break
            if cursor == head.start() and head.group() == "Challenge":
                name = (name[0], head.end())  # "WAD 2018 Challenge": the capitalised head is part of the name
            found.append(name)
            # continue over a coordinated list: "A, B, and C datasets"
            sep = LIST_SEPARATOR_RE.search(text, max(0, name[0] - 8), name[0])
            if not sep:
                break
            cursor = sep.start()
    return found


LIST_SEPARATOR_RE = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*/\s*)$")
# The word and the white space that end a text: its word characters (and "-.+") run up to the
# white space, which runs to the end, so the runs are taken whole (possessive) rather than a
# character at a time with a test for the end after each (the same match, a third of the work).
WORD_AT_END_RE = re.compile(r"([A-Za-z0-9][\w\-.+]*+)(\s*+)$")
NUMERIC_NAME_RE = re.compile(r"\d+[KkMm]?|v\d+(?:\.\d+)?")


def _name_before(text: str, cursor: int, in_title: bool) -> tuple[int, int] | None:
    """The 1-3 name-like words that end right before ``cursor`` (only spaces between)."""
    end = None
    start = cursor
    words = 0
    has_name = False
    while words < 3:
        back = WORD_AT_END_RE.search(text[max(0, start - 40):start])
        if not back or not back.group(1):
            break
        word = back.group(1)
        word_start = start - len(back.group(0))
        if words == 0 and back.group(2) == "" and start != cursor:
            break
        shaped = is_name_shaped(word)
        capital = word[0].isupper() and word.lower() not in STOP
        numeric = bool(NUMERIC_NAME_RE.fullmatch(word))
        if not (shaped or (capital and not in_title) or (numeric and words == 0)):
            break
        if capital and not shaped and is_sentence_start(text, word_start):
            break
        has_name = has_name or shaped or capital
        if end is None:
            end = word_start + len(word)
        start = word_start
        words += 1
    if end is None or not has_name:
        return None
    return start, end


def is_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:"


GLUED_CAPITAL_WORD_RE = re.compile(r"([A-Z][a-z]+)( )$")
# "an efficient framework.LWGANet was evaluated": a sentence whose full stop lost its space
SENTENCE_END_GLUED_RE = re.compile(r"[a-z]{3,}\.(?=[A-Z])")


def shaped_names(scan: WordScan, in_title: bool = False) -> list[tuple[int, int]]:
    """Tokens shaped like model names, extended left over capitalised words ("Mask R-CNN")."""
    found = []
    text = scan.text
    for index in scan.names:
        match = scan.words[index]
        word = match.group()
        if word.isupper() and len(word) >= 3 and (
            _in_capitals_run(text, match.start(), match.end()) or text[match.start() - 1:match.start()] in "\"“'"
            and match.start() > 0
        ):
            continue  # "COPY-PASTE" written for emphasis, not a name
        start = match.start()
        if "." in word:
            glued_end = SENTENCE_END_GLUED_RE.match(word)
            if glued_end:
                start += glued_end.end()
                found.append((start, match.end()))
                continue
        # "Mask R-CNN", "Cascade Mask R-CNN": capitalised words glued by one space (not in
        # titles, where every word is capitalised)
        for _ in range(0 if in_title else 2):
            back = GLUED_CAPITAL_WORD_RE.search(text, max(0, start - 20), start)
            if not back or back.group(1).lower() in STOP:
                break
            word_start = back.start()
            if is_sentence_start(text, word_start):
                break
            start = word_start
        found.append((start, match.end()))
    return found


CAPITALS_BEFORE_RE = re.compile(r"[A-Z]{3,}[\s&/-]+$")
CAPITALS_AFTER_RE = re.compile(r"^[\s&/-]+[A-Z]{3,}\b")


def _in_capitals_run(text: str, start: int, end: int) -> bool:
    """An all-capitals word next to another all-capitals word of 3+ letters."""
    before = text[max(0, start - 12):start]
    after = text[end:end + 12]
    return bool(CAPITALS_BEFORE_RE.search(before) or CAPITALS_AFTER_RE.match(after))


# "Convolutional Projection and Feature Refinement modules": a part noun after a Title Case
# run, or after the run it is coordinated with, makes it the name of a part
PART_NOUN_AFTER_RUN_RE = re.compile(
    rf"(?:\s+and(?:\s+[A-Z][\w-]*){{1,4}})?[ -](?:{alternation('part_nouns')})\b")


def title_case_methods(text: str) -> list[tuple[int, int]]:
    """"Vision Transformer", "Prior-Data Fitted Networks": Title Case runs ending in a method
    noun or followed by a part's ("Feature Refinement module")."""
    found = []
    for match in TITLE_CASE_RUN_RE.finditer(text):
        words = match.group(0).split()
        while words and words[0].lower() in STOP:
            words = words[1:]
        if len(words) < 2 or (words[-1].split("-")[-1] not in METHOD_HEAD_WORDS
                              and not PART_NOUN_AFTER_RUN_RE.match(text, match.end())):
            continue
        start = match.end() - len(" ".join(words))
        if text[start:match.end()] != " ".join(words):
            continue  # irregular spacing; skip rather than guess offsets
        if is_sentence_start(text, start) and not any(is_name_shaped(w) for w in words):
            continue
        found.append((start, match.end()))
    return found


def named_cues(text: str) -> list[tuple[int, int]]:
    """"... dubbed DiffusionNAG", "named X": the name that follows the cue."""
    found = []
    numbered: list[str] = []  # names written with a number after them
    for match in _named_cue_matches(text):
        name = match.group("name").rstrip(".,;")
        start = match.start("name")
        first = name.split()[0]
        if first.lower() in STOP:
            continue
        if len(name.split()) > 1 and not all(w[0].isupper() for w in name.split()):
            name = first
        end = start + len(name)
        number = NUMBER_AFTER_NAME_RE.match(text, end)
        if number and not _counts_something(text, number.end()):
            numbered.append(text[start:number.end()])
            end = number.end()
        found.append((start, end))
    for name in numbered:
        # the text writes the name again with its number ("NeO 360 outperforms ..."), where
        # only the words' shape would otherwise find the name, without the number
        for again in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-]|\.\d)", text):
            if again.span() not in found:
                found.append(again.span())
    return found


def apposition_names(text: str) -> list[tuple[int, int]]:
    """"the leading diffusion-based method, Marigold, while ...": the name beside the noun."""
    found = []
    for comma in COMMA_BEFORE_CAPITAL_RE.finditer(text):
        head = APPOSITION_HEAD_RE.search(text, max(0, comma.start() - 16), comma.start())
        if not head:
            continue
        name = APPOSED_NAME_RE.match(text, comma.end() - 1)
        if not name or name.group().split()[0].lower() in STOP:
            continue
        before = max(0, head.start() - 60)
        if DETERMINER_BEFORE_RE.search(text, before, head.start()) and not OPENING_PHRASE_RE.search(
                text, before, head.start()):
            found.append(name.span())
    return found


def _named_cue_matches(text: str):
    """``NAMED_CUE_RE.finditer(text)``.  Each naming word opens with a naming cue
    (``NAMED_CUES``; tests/test_extract_shortcuts.py), so a match starts where a cue is
    written: the pattern is tried there alone, found by plain substring searches (far cheaper
    than the regex's attempt at every position), in order, as ``finditer`` would meet them."""
    starts = set()
    for cue in NAMED_CUES:
        at = text.find(cue)
        while at >= 0:
            starts.add(at)
            at = text.find(cue, at + 1)
    searched_to = 0
    for at in sorted(starts):
        if at < searched_to:
            continue  # inside the last match: finditer goes on from its end
        match = NAMED_CUE_RE.match(text, at)
        if match is not None:
            searched_to = match.end()
            yield match


def _counts_something(text: str, number_end: int) -> bool:
    """The word after a number is a noun it counts ("3 times", "2 layers"): a measure, not a name."""
    word = WORD_AFTER_RE.match(text, number_end)
    return bool(word and word.group(1).lower() in COUNTED_NOUNS)


@lru_cache(maxsize=256)  # asked by the title's candidates and again by the pipeline
def title_prefix(title: str) -> tuple[int, int, str] | None:
    """"LWGANet: A Lightweight ..." -> the span of "LWGANet" and whether it is a Method or Dataset."""
    match = TITLE_PREFIX_RE.match(title)
    if not match:
        return None
    name = match.group("name")
    words = name.split()
    if len(words) > 3:
        return None
    if not (any(is_name_shaped(w) for w in words) or (len(words) == 1 and words[0][:1].isupper())):
        return None
    if len(words) > 1 and not all(w[:1].isupper() or w[:1].isdigit() for w in words):
        return None
    if any(w.lower() in STOP for w in words):
        return None
    # (searched from where the name ends rather than in a copy of the rest, so that the
    # search reads the title itself, whose lower case the case-blind pattern keeps at hand;
    # a colon or space follows the name, so no word starts there either way)
    etype = "Dataset" if DATASET_TITLE_RE.search(title, match.end("name")) else "Method"
    return match.start("name"), match.end("name"), etype
