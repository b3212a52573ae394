"""String helpers of the lexicon builder: spacing, tokens, acronyms and the canonical key."""

from __future__ import annotations

import re
import unicodedata

# the key the resolver looks lexicon names up by (NFKC, lower case, letters and digits)
from kgbuild.names import identity_key as canonical_key

from lexicons.seeds import word_set

_WS = re.compile(r"\s+")
_ACRONYM_STOP_WORDS = word_set("acronym_stop_words")

__all__ = ["canonical_key", "clean_space", "detok", "alnum_len", "words", "word_parts", "is_acronym_token",
           "acronym_matches", "acronym_pair", "looks_named", "metric_parts", "Vocab"]


def clean_space(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    return _WS.sub(" ", text).strip()


def detok(tokens: list[str]) -> str:
    """Undo the space-separated tokenisation of SciREX/TDMSci spans."""
    s = " ".join(tokens)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = re.sub(r"(\d)\s*\.\s*(\d)", r"\1.\2", s)
    s = re.sub(r"\s+'\s*s\b", "'s", s)
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"(\d)\s+([KMB])\b", r"\1\2", s)
    s = re.sub(r"\s+([,;:])", r"\1", s)
    return clean_space(s)


def alnum_len(text: str) -> int:
    return len(canonical_key(text))


def words(text: str) -> list[str]:
    return [w for w in text.split(" ") if w]


def word_parts(text: str) -> list[str]:
    """Lower-case alphabetic parts of a name, split on spaces, hyphens, slashes."""
    return [p for p in re.split(r"[\s\-/_.,:;()&+]+", text.lower()) if p]


def metric_parts(s: str) -> list[str]:
    return [p for p in re.findall(r"[a-z]+|\d+", unicodedata.normalize("NFKC", s).lower()) if not p.isdigit()]


def is_acronym_token(tok: str) -> bool:
    """A short mostly-upper-case token such as VQA, mIoU, SQuAD, CoQA, WER."""
    core = re.sub(r"[^A-Za-z0-9]", "", tok)
    if not (2 <= len(core) <= 10) or " " in tok.strip():
        return False
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 and upper / len(letters) >= 0.4


def acronym_matches(short: str, long: str) -> bool:
    """Our own backward letter matcher: can `short` be read as an acronym of `long`?

    Every letter/digit of the short form must be found, in order, in the long form; the
    first one must start the first content word of the long form, and the long form
    may not have many more content words than the short form has characters.
    """
    if not is_acronym_token(short):
        return False
    lw = words(long)
    if len(lw) < 2 or len(lw) > 10:
        return False
    s = re.sub(r"[^a-z0-9]", "", short.lower())
    content = [w for w in lw if w.lower() not in _ACRONYM_STOP_WORDS]
    if not content or len(content) > len(s) + 2:
        return False
    l_text = long.lower()
    first_word_start = l_text.find(content[0].lower())
    j = len(l_text) - 1
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        while j >= 0:
            if l_text[j] == c and (i > 0 or j == 0 or not l_text[j - 1].isalnum()):
                break
            j -= 1
        if j < 0:
            return False
        if i == 0 and j != first_word_start:
            return False
        j -= 1
    # every content word should contribute: at least the first letter of half of them
    initials = [w[0].lower() for w in content if w[0].isalnum()]
    hits = sum(1 for ch in initials if ch in s)
    return hits * 2 >= len(initials)


def acronym_pair(a: str, b: str) -> bool:
    return acronym_matches(a, b) or acronym_matches(b, a)


def looks_named(s: str) -> bool:
    """A proper-name look: an inner capital, a digit next to letters, or an all-caps token."""
    for w in words(s):
        core = re.sub(r"[^A-Za-z0-9]", "", w)
        if not core:
            continue
        if any(c.isupper() for c in core[1:]) or (
            any(c.isdigit() for c in core) and any(c.isalpha() for c in core)
        ):
            return True
    return False


class Vocab:
    """Ordinary English words: ``core`` (stop words, a small dictionary, generic ML words) and
    ``wide`` (core plus a large dictionary); see ``seeds.common_words``."""

    def __init__(self, core: set[str], wide: set[str] | None = None):
        self.core = core
        self.wide = core if wide is None else wide

    def is_common(self, text: str) -> bool:
        """Is this one word an ordinary English word (large dictionary)?"""
        return text.lower() in self.wide

    def all_common(self, text: str) -> bool:
        """Is every part of this phrase a common English word (small dictionary)?"""
        parts = [p for p in word_parts(text) if not p.isdigit()]
        return bool(parts) and all(p in self.core for p in parts)
