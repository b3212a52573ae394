"""Acronym definitions written as "long form (SF)" (Schwartz & Hearst, 2003).

The short form inherits what its long form is: "remote sensing (RS)" makes RS a task
alias, "Vision Transformer (ViT)" makes both one method.  Only the letters of the short
form are matched against the long form, right to left, so that "Prior-Data Fitted
Networks (PFNs)" and "context-mixing dynamic convolution (ContMix)" are both found.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PAREN_RE = re.compile(r"\(\s*([^()\s][^()]{0,18}?)\s*[);,]")
WORD_RE = re.compile(r"[^\s]+")
# the opening quote of each closing quote a long form can be written in
OPENING_QUOTE = {'"': '"', "”": "“", "'": "'", "’": "‘"}


class Definition(NamedTuple):
    long_start: int
    long_end: int
    short_start: int
    short_end: int


def _is_short_form(candidate: str) -> bool:
    words = candidate.split()
    if len(words) > 2 or not 2 <= len(candidate) <= 12:
        return False
    if not candidate[0].isalnum():
        return False
    letters = [c for c in candidate if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 1 and not candidate.islower()


def _best_long_form(short: str, long_text: str) -> int | None:
    """Offset in ``long_text`` where the long form starts, or None (Schwartz-Hearst match)."""
    s_chars = [c.lower() for c in short if c.isalnum()]
    if short.endswith("s") and len(s_chars) > 2 and short[-2].isupper():
        s_chars = s_chars[:-1]  # plural short form: "PFNs"
    lowered = long_text.lower()
    if len(lowered) != len(long_text) or any(len(c) != 1 for c in s_chars):
        return _best_long_form_by_character(s_chars, long_text)
    # each letter of the short form, right to left, at its nearest occurrence to the left
    # (str.rfind rather than a character loop); the first one must start a word
    l_index = len(long_text) - 1
    for s_index in range(len(s_chars) - 1, -1, -1):
        l_index = lowered.rfind(s_chars[s_index], 0, l_index + 1)
        while s_index == 0 and l_index > 0 and long_text[l_index - 1].isalnum():
            l_index = lowered.rfind(s_chars[0], 0, l_index)
        if l_index < 0:
            return None
        l_index -= 1
    return long_text.rfind(" ", 0, l_index + 1) + 1


def _best_long_form_by_character(s_chars: list[str], long_text: str) -> int | None:
    """The same match for the rare texts whose lower case changes length ("İ")."""
    s_index = len(s_chars) - 1
    l_index = len(long_text) - 1
    while s_index >= 0:
        char = s_chars[s_index]
        while l_index >= 0 and (
            long_text[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and long_text[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        s_index -= 1
        l_index -= 1
    start = long_text.rfind(" ", 0, l_index + 1) + 1
    return start


def _last_words(text: str, n: int) -> list[re.Match]:
    """The last ``n`` words of ``text``, read from a tail long enough for them where possible."""
    tail_start = max(0, len(text) - 12 * (n + 1))
    words = list(WORD_RE.finditer(text, tail_start))
    if len(words) <= n and tail_start > 0:  # very long words: the tail may have cut one
        words = list(WORD_RE.finditer(text))
    return words[-n:]


def _before_closing_quotes(before: str, window_start: int, end: int) -> int:
    """Where a long form ends without its closing quotes: '"Sparse Token Mixer" (STM)', and
    in tokenised text "` ` Frechet Inception Distance ' '" (the opening quotes are skipped
    like any other leading sign). A closing quote goes only with an opening one before it."""
    while end > window_start and before[end - 1] in OPENING_QUOTE \
            and before.rfind(OPENING_QUOTE[before[end - 1]], window_start, end - 1) >= 0:
        end -= 1
        while end > window_start and before[end - 1].isspace():
            end -= 1
    return end


def find_definitions(text: str) -> list[Definition]:
    found = []
    for match in PAREN_RE.finditer(text):
        short = match.group(1)
        if not _is_short_form(short):
            continue
        paren = match.start()
        n_chars = sum(c.isalnum() for c in short)
        # look back at most min(|SF| + 5, 2|SF|) words, as in the original algorithm
        window_words = min(n_chars + 5, n_chars * 2)
        before = text[:paren].rstrip()
        words = _last_words(before, window_words)
        if not words:
            continue
        window_start = words[0].start()
        # never cross a clause boundary
        for cut in (",", ";", ":", ". "):
            pos = before.rfind(cut, window_start)
            if pos >= 0:
                window_start = pos + len(cut)
        long_text = before[window_start:]
        offset = _best_long_form(short, long_text)
        if offset is None:
            continue
        long_start = window_start + offset
        while long_start < len(before) and not before[long_start].isalnum():
            long_start += 1
        long_end = _before_closing_quotes(before, window_start, len(before))
        long_form = text[long_start:long_end]
        if len(long_form) <= len(short) or long_form.count(" ") >= 10:
            continue
        short_start = match.start(1)
        found.append(Definition(long_start, long_end, short_start, short_start + len(short)))
    return found
