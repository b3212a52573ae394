"""Which written tokens look like the proper name of a model or algorithm.

Named methods are written the way product names are: internal capitals (ResNet, HuBERT,
ViT), letters mixed with digits (YOLOv3, T5, GPT-4), or hyphenated size/config suffixes
(Swin-L, OverLoCK-T).  Plain capitalised English words are not taken on shape alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kgbuild.extract.resources import lowered_term_list, term_list

# A word-like chunk that may carry internal hyphens, dots between digits, underscores
# ("NetInfoF_Probe", a subscript "CNN_{3L}") and a "++" suffix; never swallows
# sentence-final punctuation.  It starts where a word starts (the
# first character is a word character, so ``\b`` before it says that none stands before it):
# the regex engine skips to word boundaries faster than it tests a look-behind at every letter.
# The runs are possessive (nothing after them can fail, so greedy runs never give back a
# character): the engine keeps no backtracking points, a tenth faster on abstracts.
NAME_TOKEN_RE = re.compile(r"\b[A-Za-z0-9]++(?:[-.][A-Za-z0-9]++|_[A-Za-z0-9]++|_\{[A-Za-z0-9]++\})*+"
                           r"(?:\+\+|\+(?!\w)|)")
# The same chunks in a text of ASCII characters without "_": there the word characters are
# exactly [A-Za-z0-9], and a chunk ends before a character that is none (its runs are
# possessive) or with one ("+"), so every letter or digit the search tries stands after a
# character that is no word character: the "\b" always holds. Without it the pattern opens
# with one character class, which the regex engine skips ahead to (a sixth fewer
# instructions over the sample's abstracts).
# Both end in a "++" or "+" suffix written as alternatives with an empty last one rather than
# an optional group: the same matches (the suffix is the last thing matched, so nothing can
# backtrack into it), but an optional group runs the engine's general repeat machinery at
# every word, where alternatives are passed over by one test of their first character (a
# twelfth fewer instructions for the sample's words).
ASCII_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9]*+(?:[-.][A-Za-z0-9]++)*+(?:\+\+|\+(?!\w)|)")
INTERNAL_CAPITAL_RE = re.compile(r"[A-Za-z0-9][a-z0-9]*[A-Z]")
LETTER_DIGIT_RE = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]")
ORDINAL_OR_UNIT_RE = re.compile(
    r"^(?:\d+(?:\.\d+)?(?:[a-zA-Z]{1,3}|D|d|K|M|B|G|T|x|X|th|st|nd|rd|fps|ms|px)?|[IVX]+|\d+D|\d+-D)$"
)
YEAR_RE = re.compile(r"^(?:19|20)\d\d[a-z]?$")
SIZE_SUFFIXES = term_list("size_suffixes")


NAME_SUFFIX_WORDS = term_list("name_suffix_words")
TRAILING_DIGITS_RE = re.compile(r"\d+$")
NAME_PART_SEPARATOR_RE = re.compile(r"[-.]")


# a capital letter hyphened to a capitalised word: "K-Planes", "X-Decoder"
LETTER_JOINED_WORD_RE = re.compile(r"[A-Z]-[A-Z][a-z]{2,}$")
# What a year or an ordinal, unit or numeral (YEAR_RE, ORDINAL_OR_UNIT_RE) can begin with
# besides a digit: words that begin otherwise skip both patterns.
NUMERAL_LETTERS = "IVX"


@lru_cache(maxsize=1 << 14)  # asked again for the same words in every abstract
def is_name_shaped(word: str) -> bool:
    """True for tokens written like a model name: LWGANet, CBNetV2, ViT, GPT-4, Swin-L."""
    if len(word) < 2:
        return False
    first = word[0]
    # (``\d`` is a decimal digit, ``str.isdecimal``; a text's first words are new to the
    # cache, and most begin with a letter: the two patterns are tried on few)
    if (first.isdecimal() or first in NUMERAL_LETTERS) and (YEAR_RE.match(word) or ORDINAL_OR_UNIT_RE.match(word)):
        return False
    # (in ASCII, lower case changes the capitals and nothing else)
    has_capital = word != word.lower() if word.isascii() else any(c.isupper() for c in word)
    if not first.isalpha() and not has_capital:
        return False
    parts = NAME_PART_SEPARATOR_RE.split(word) if "-" in word or "." in word else [word]
    if any(map(INTERNAL_CAPITAL_RE.match, parts)):
        return True
    if has_capital and LETTER_DIGIT_RE.search(word):
        return True  # T5, YOLOv3, GPT-4, ResNet50
    if len(parts) > 1 and parts[0][:1].isupper() and any(p.isupper() for p in parts[1:]):
        return True  # Swin-L, Mask-RCNN
    if len(parts) > 1 and parts[0][:1].isupper() and parts[-1].isdigit() and len(parts[0]) > 1:
        return True  # Inception-3, Llama-2
    if len(parts) > 1 and all(p[:1].isupper() for p in parts) and parts[-1] in NAME_SUFFIX_WORDS:
        return True  # Base-Net, Focus-Net
    if LETTER_JOINED_WORD_RE.match(word):
        return True  # K-Planes, X-Decoder
    return False


def is_all_caps_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters[:-1]) and (letters[-1].isupper() or word.endswith("s"))


NOT_METHODS = term_list("not_methods")
NOT_METHODS_LOWER = lowered_term_list("not_methods_lower")
NEVER_ENTITIES = term_list("never_entities")


def is_generic_term(word: str) -> bool:
    """Acronyms and words that look like names but denote families, units, devices or fields."""
    if word in NOT_METHODS or word.lower() in NOT_METHODS_LOWER:
        return True
    # (only a word that ends in a digit, or in a line break after one, has digits to strip)
    stem = TRAILING_DIGITS_RE.sub("", word) if word[-1:].isdecimal() or word.endswith("\n") else word
    if stem in NEVER_ENTITIES or word in NEVER_ENTITIES:
        return True  # "iPhone12", "A100"
    if "-" not in word:
        return False  # (what follows reads the parts between hyphens)
    parts = word.split("-")
    if len(parts) > 1 and parts[0] in NEVER_ENTITIES:
        return True  # "GPU-Computation"
    if len(parts) > 1 and ("to" in parts[1:-1] or parts[0].islower()):
        return True  # "Text-to-3D" (a task shape), "post-GELU" (a position, not a name)
    return False


def split_size_suffix(name: str) -> tuple[str, str] | None:
    """``("OverLoCK", "T")`` for "OverLoCK-T"; None when the name has no size suffix."""
    base, sep, suffix = name.rpartition("-")
    if sep and base and suffix.lower() in SIZE_SUFFIXES:
        return base, suffix
    return None
