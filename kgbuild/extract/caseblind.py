"""Case-blind patterns run faster on plain ASCII texts, with the same matches.

A pattern compiled with ``re.IGNORECASE`` for Unicode text looks up the lower case of every
character it compares (a call into the Unicode tables each time), which made the case-blind
cue patterns the dearest of the extractor's regexes.  Compiled with ``re.ASCII`` besides,
it compares through a small table instead.  On a text of ASCII characters the two agree
everywhere but in one place: Unicode counts the information separators U+001C-U+001F as
white space (``\\s``) and ASCII does not.  So the ASCII twin is used on texts of ASCII
characters without those four (``plain_ascii``); tests/test_extract_shortcuts.py compares
the twins' matches with the originals'.
"""

from __future__ import annotations

import re
from functools import lru_cache

SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")


def ascii_twin(pattern: re.Pattern) -> re.Pattern:
    """``pattern`` (case-blind) compiled with ``re.ASCII``: to use only on ``plain_ascii`` texts."""
    return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)


@lru_cache(maxsize=256)  # asked of a paper's texts again and again; a string keeps its hash
def plain_ascii(text: str) -> bool:
    """Whether the ASCII twin of a case-blind pattern matches in ``text`` (or in any part of
    it) exactly where the pattern does."""
    # (four one-character searches: each a memchr, cheaper than a character-class scan)
    return text.isascii() and not any(separator in text for separator in SEPARATORS)
