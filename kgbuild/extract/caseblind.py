"""Case-blind patterns run faster on plain ASCII texts, with the same matches.

A pattern compiled with ``re.IGNORECASE`` for Unicode text looks up the lower case of every
character it compares (a call into the Unicode tables each time), which made the case-blind
cue patterns the dearest of the extractor's regexes.  Compiled with ``re.ASCII`` besides,
it compares through a small table instead.  On a text of ASCII characters the two agree
everywhere but in one place: Unicode counts the information separators U+001C-U+001F as
white space (``\\s``) and ASCII does not.  So a ``CaseBlindPattern`` holds both compilations
and runs its ASCII twin on texts of ASCII characters without those four (``plain_ascii``),
the Unicode pattern on any other; tests/test_extract_shortcuts.py compares the twins'
matches with the originals' for every ``CaseBlindPattern`` of the extractor's modules.

Faster still, where the pattern allows it: matched case-sensitively against the text in
lower case.  The engine then compares characters directly, and skips at once the
alternatives whose first letter differs, where a case-blind comparison looks up each
character's case (about a third of these patterns' work).  On plain ASCII text that copy
has the same length and the same word characters, and a character matches a lower-case
letter of the pattern case-blind exactly when its lower case is that letter; so a pattern
with no capital letter (and no case-sensitive part, ``(?-i:...)``) matches there exactly
where it matches the text.  Such a match is a place in the text (``start``, ``end``,
``span``); its ``group`` is the lower-case copy's.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import lru_cache

SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")
# Escapes whose meaning does not depend on case ("\S": not white space); any other escaped
# letter ("\x41", "\N{...}") could stand for a capital.
CASE_FREE_ESCAPES = frozenset("sSwWbBdDAZ")


@lru_cache(maxsize=256)  # asked of a paper's texts again and again; a string keeps its hash
def plain_ascii(text: str) -> bool:
    """Whether the ASCII twin of a case-blind pattern matches in ``text`` (or in any part of
    it) exactly where the pattern does."""
    # (four one-character searches: each a memchr, cheaper than a character-class scan)
    return text.isascii() and not any(separator in text for separator in SEPARATORS)


@lru_cache(maxsize=256)  # (as plain_ascii: the texts of the papers at hand)
def ascii_lowered(text: str) -> str | None:
    """``text`` in lower case where it is plain ASCII (``plain_ascii``), else None."""
    return text.lower() if plain_ascii(text) else None


def case_free(source: str) -> bool:
    """Whether a pattern holds no capital letter and nothing that could stand for one or turn
    case-blindness off (see the module): matched case-sensitively against a text in lower
    case, it then finds what it finds case-blind in the text."""
    if "(?" in source.replace("(?:", "").replace("(?=", "").replace("(?!", "").replace("(?<", ""):
        return False  # inline flags, named groups: not worth telling apart
    escaped = False
    for char in source:
        if escaped:
            if char.isalnum() and char not in CASE_FREE_ESCAPES:
                return False
            escaped = False
        elif char == "\\":
            escaped = True
        elif char.isupper():
            return False
    return True


class CaseBlindPattern:
    """``source`` compiled case-blind (``re.IGNORECASE`` and ``flags``), once for Unicode text
    and once with ``re.ASCII`` (the twin).  ``search``, ``match`` and ``finditer`` take the
    arguments of ``re.Pattern``'s and run the compilation that suits the text.  Where the
    string searched is a slice of a paper's text, ``for_text(text)`` gives the one to run on
    it: a slice of a plain text is plain, and ``plain_ascii`` asked of each slice would scan
    it again and crowd the texts out of its cache."""

    __slots__ = ("unicode", "ascii", "lowered")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.unicode = re.compile(source, flags | re.IGNORECASE)
        self.ascii = re.compile(source, flags | re.IGNORECASE | re.ASCII)
        # the twin for plain ASCII text in lower case, where the pattern allows one
        self.lowered = re.compile(source, flags | re.ASCII) if case_free(source) else None

    def for_text(self, text: str) -> re.Pattern:
        return self.ascii if plain_ascii(text) else self.unicode

    # (the call sites are hot: each method below picks the compilation itself rather than
    # through for_text, one Python call the fewer)
    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        lowered = ascii_lowered(text)
        if lowered is None:
            return self.unicode.search(text, pos, endpos)
        if self.lowered is not None:
            return self.lowered.search(lowered, pos, endpos)
        return self.ascii.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        lowered = ascii_lowered(text)
        if lowered is None:
            return self.unicode.match(text, pos, endpos)
        if self.lowered is not None:
            return self.lowered.match(lowered, pos, endpos)
        return self.ascii.match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        lowered = ascii_lowered(text)
        if lowered is None:
            return self.unicode.finditer(text, pos, endpos)
        if self.lowered is not None:
            return self.lowered.finditer(lowered, pos, endpos)
        return self.ascii.finditer(text, pos, endpos)
