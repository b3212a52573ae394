"""A title glued to the front of its abstract, as SciREX distributes papers: "FractalNet :
Ultra - Deep Neural Networks without Residuals We introduce a design strategy ...".

Such records have no title field, and without one the rules that read titles (the name
before a colon, the title's method phrase, "in the title" as evidence of what a paper
proposes) see nothing.  A Title Case title is told from the sentence after it by case:
its words are capitalised but for small words ("for", "with", "of"), and the abstract's
first sentence soon has a word in lower case.  The abstract starts at the capitalised word
just before that ("... without Residuals We introduce"), or at an abstract's usual first word
close before it ("... Language Models Although SGD requires"); none when that word is the
subject of a verb right after it ("Generative Adversarial Networks are ...").  Where the word before the
lower-case one is a name ("... for CNN based Image Denoising Due to"), a usual first word
written right after another word is looked for further on; a bracket that spells the
capitalised words before it ("Generative Adversarial Networks ( GANs ) excel") starts the
abstract at those words.  Nothing is split off when in doubt: a title must have two words,
and a full stop or a symbol before the boundary means there is none.
"""

from __future__ import annotations

import re

from kgbuild.extract.resources import term_list

SMALL_WORDS = term_list("glued_title_small_words")
OPENERS = term_list("abstract_openers")
VERBS = term_list("glued_title_verbs")
TOKEN_RE = re.compile(r"\S+")
JOINERS = ("-", "–", "/")
TITLE_PUNCTUATION = (":", "&", "-", "–")
SENTENCE_ENDS = (".", "!", "?")
# how far into the text a title may reach, in characters, and how far to look on for an opener
PROBE_CHARS = 600
OPENER_REACH = 30
# the capitalised words just before the first lower-case one where an opener may be
OPENER_BACK = 3


def _units(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the tokens, with compounds joined by a spaced hyphen, dash or
    slash ("Re - ranking", "Encoder – Decoder") as one unit."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text, 0, PROBE_CHARS)]
    units = []
    i = 0
    while i < len(tokens):
        start, end, _ = tokens[i]
        while i + 2 < len(tokens) and tokens[i + 1][2] in JOINERS and tokens[i + 2][2][:1].isalnum():
            end = tokens[i + 2][1]
            i += 2
        units.append((start, end, text[start:end]))
        i += 1
    return units


def _capital(word: str) -> bool:
    return word[:1].isupper() or any(c.isdigit() for c in word)


def _title_cased(word: str) -> bool:
    """Every part of a compound capitalised ("Self - Attention", not "Meta - learning")."""
    return all(_capital(part) for part in re.split(r"\s*[-–/]\s*", word) if part)


def _name_like(word: str) -> bool:
    """An acronym or a name with digits or inner capitals: starts a name more often than a sentence."""
    return (len(word) > 1 and word.isupper()) or any(c.isdigit() for c in word) or any(
        c.isupper() for c in word[1:])


def _initials(words: list[str]) -> str:
    return "".join(part[0] for w in words for part in re.split(r"\s*[-–/]\s*", w) if part[:1].isalnum()).lower()


def glued_title(text: str) -> tuple[int, int] | None:
    """``(title_end, abstract_start)`` offsets of a Title Case title that opens ``text``, or None."""
    units = _units(text)
    capitals: list[int] = []  # units that start with a capital or hold a digit
    boundary = None
    i = 0
    while i < len(units):
        word = units[i][2]
        if word in TITLE_PUNCTUATION or (word.lower() in SMALL_WORDS and not _capital(word)):
            i += 1
            continue
        if word == "?" and i + 1 < len(units) and _capital(units[i + 1][2]):
            boundary = i + 1  # "What Do ... Learn About Syntax ? Recurrent neural ..."
            break
        if word == "(":
            close = next((j for j in range(i + 1, min(i + 8, len(units))) if units[j][2] == ")"), None)
            if close is None:
                return None
            if close + 1 < len(units) and _capital(units[close + 1][2]):
                i = close + 1  # "... by Exponential Linear Units ( ELUs ) We introduce": the title's
                continue
            boundary = _spelt_by(units, i, close)
            break
        if word == ",":
            if capitals and capitals[-1] == i - 1 and units[i - 1][2].lower() in OPENERS:
                boundary = i - 1  # "... with BERT Recently , neural models"
                break
            i += 1  # "Ask , Attend and Answer"
            continue
        if _capital(word):
            capitals.append(i)
            i += 1
            continue
        if not word[:1].isalpha() or not capitals:
            return None  # a full stop, a symbol, or no capitalised word: no title
        # a word in lower case: the abstract's first sentence has begun
        last = capitals[-1]
        recent = [c for c in capitals[-OPENER_BACK:] if c >= last - OPENER_BACK]
        opener = next((c for c in reversed(recent) if units[c][2].lower() in OPENERS), None)
        if opener is not None:
            boundary = opener
        elif _name_like(units[last][2]):
            boundary = _opener_after(units, i)
        elif last + 1 < len(units) and units[last + 1][2] in VERBS and _title_cased(units[last][2]):
            return None  # "Generative Adversarial Networks are ...": one name, the sentence's subject
        else:
            boundary = last
        break
    if boundary is None or boundary < 1:
        return None
    if sum(1 for unit in units[:boundary] if unit[2][:1].isalnum()) < 2:
        return None
    return units[boundary - 1][1], units[boundary][0]


def _spelt_by(units: list[tuple[int, int, str]], open_at: int, close: int) -> int | None:
    """Where the capitalised words that the bracketed acronym spells begin."""
    if close != open_at + 2:
        return None
    acronym = units[open_at + 1][2].lower().removesuffix("s")
    words: list[str] = []
    for j in range(open_at - 1, max(-1, open_at - 9), -1):
        words.insert(0, units[j][2])
        if _initials(words) == acronym:
            return j
    return None


def _opener_after(units: list[tuple[int, int, str]], i: int) -> int | None:
    """A sentence-case title ("Efficient Multi - Scale 3D CNN with fully connected CRF for ...
    We propose"): the abstract starts at an opener written right after a word."""
    for j in range(i + 1, min(len(units), i + OPENER_REACH)):
        word, before = units[j][2], units[j - 1][2]
        if word.endswith(SENTENCE_ENDS) or before.endswith(SENTENCE_ENDS):
            return None
        if word[:1].isupper() and word.lower() in OPENERS and before[:1].isalnum():
            return j
    return None
