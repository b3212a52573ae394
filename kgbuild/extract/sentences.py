"""Sentence boundaries on raw text, as character spans.

A regex splitter rather than a parser: abstracts are edited prose, and the only traps
are abbreviations ("e.g.", "et al.", "Fig."), decimals and URLs, which never have
whitespace right after the full stop or are listed below.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from kgbuild.extract.resources import term_list

# A candidate end: ., ! or ? (optionally closed by a quote/bracket) followed by space and
# something that can start a sentence.
# A full stop that lost its space ("an efficient framework.LWGANet was ...") ends a sentence
# too, where a lower-case word of three letters or more stands before it and a capitalised
# word after it (not "e.g.", "arxiv.org", "v1.5").
BOUNDARY_RE = re.compile(r"[.!?](?:[\"')\]]?\s+(?=[A-Z0-9\"'(\[])|(?<=[a-z]{3}\.)(?=[A-Z][A-Za-z]))")
ABBREVIATIONS = term_list("abbreviations")
WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[(start, end), ...]`` covering the sentences of ``text`` (whitespace trimmed)."""
    spans = []
    start = 0
    for match in BOUNDARY_RE.finditer(text):
        end = match.start() + 1
        word = WORD_BEFORE_RE.search(text, max(0, end - 12), end - 1)
        if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
            continue
        if word and len(word.group(1)) == 1 and word.group(1).isupper():
            continue  # an initial ("J. Smith") or a one-letter variant name
        close = match.group(0)[1:].rstrip()
        spans.append((start, end + len(close)))
        start = match.end()
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]


class SentenceIndex:
    """Maps a character offset to the index of the sentence that holds it."""

    __slots__ = ("spans", "_starts")

    def __init__(self, text: str) -> None:
        self.spans = sentence_spans(text) or [(0, len(text))]
        self._starts = [s for s, _ in self.spans]

    def of(self, offset: int) -> int:
        index = bisect_right(self._starts, offset) - 1
        return index if index > 0 else 0  # (asked tens of thousands of times: no max() call)
