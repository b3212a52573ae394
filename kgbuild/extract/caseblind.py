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
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import lru_cache

SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")


@lru_cache(maxsize=256)  # asked of a paper's texts again and again; a string keeps its hash
def plain_ascii(text: str) -> bool:
    """Whether the ASCII twin of a case-blind pattern matches in ``text`` (or in any part of
    it) exactly where the pattern does."""
    # (four one-character searches: each a memchr, cheaper than a character-class scan)
    return text.isascii() and not any(separator in text for separator in SEPARATORS)


class CaseBlindPattern:
    """``source`` compiled case-blind (``re.IGNORECASE`` and ``flags``), once for Unicode text
    and once with ``re.ASCII`` (the twin).  ``search``, ``match`` and ``finditer`` take the
    arguments of ``re.Pattern``'s and run the compilation that suits the text.  Where the
    string searched is a slice of a paper's text, ``for_text(text)`` gives the one to run on
    it: a slice of a plain text is plain, and ``plain_ascii`` asked of each slice would scan
    it again and crowd the texts out of its cache."""

    __slots__ = ("unicode", "ascii")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.unicode = re.compile(source, flags | re.IGNORECASE)
        self.ascii = re.compile(source, flags | re.IGNORECASE | re.ASCII)

    def for_text(self, text: str) -> re.Pattern:
        return self.ascii if plain_ascii(text) else self.unicode

    # (the call sites are hot: each method below picks the compilation itself rather than
    # through for_text, one Python call the fewer)
    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return (self.ascii if plain_ascii(text) else self.unicode).search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return (self.ascii if plain_ascii(text) else self.unicode).match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        return (self.ascii if plain_ascii(text) else self.unicode).finditer(text, pos, endpos)
