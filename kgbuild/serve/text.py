"""A paper's title and abstract cut into pieces for display: evidence sentences, and inside
them the highlighted mentions, each at the character offsets the graph holds.

The graph stores, per paper and entity, the first mention's offsets and every spelling the
paper used; later mentions are found again by those spellings (whole words only). Every mark
keeps its offsets, so a reader (or a test) can check that the marked text is what the graph says.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

SENTENCE_END = re.compile(r"[.!?](?=\s)")
MAX_SNIPPET = 360


class Mark(BaseModel):
    """One highlighted mention."""

    start: int
    end: int
    type: str
    key: str
    name: str
    stored: bool  # at offsets the graph holds (else found again by one of the paper's spellings)

    def anchor(self, field: str) -> str:
        return mention_anchor(field, self.start)


class Run(BaseModel):
    text: str
    mark: Mark | None = None


class Block(BaseModel):
    """A stretch of text: an evidence sentence (``anchor`` set) or the text between them."""

    anchor: str | None = None
    runs: list[Run]


class Snippet(BaseModel):
    """The sentence around a mention, cut into what comes before, the mention, and after."""

    before: str
    match: str
    after: str


def mention_anchor(field: str, start: int) -> str:
    return f"m-{field}-{start}"


def sentence_anchor(field: str, start: int, end: int) -> str:
    return f"s-{field}-{start}-{end}"


def snippet(text: str, start: int, end: int) -> Snippet:
    """The sentence holding ``text[start:end]``, clipped to about MAX_SNIPPET characters."""
    if not 0 <= start <= end <= len(text):
        return Snippet(before="", match="", after=text[:MAX_SNIPPET])
    begin = 0
    for found in SENTENCE_END.finditer(text, 0, start):
        begin = found.end()
    finish = SENTENCE_END.search(text, end)
    stop = finish.end() if finish else len(text)
    spare = max(0, MAX_SNIPPET - (end - start)) // 2
    before = text[max(begin, start - spare):start].lstrip()
    after = text[end:min(stop, end + spare)].rstrip()
    return Snippet(before=("…" if start - spare > begin else "") + before, match=text[start:end],
                   after=after + ("…" if end + spare < stop else ""))


def find_marks(text: str, stored: list[Mark], spellings: dict[str, list[str]], names: dict[str, Mark]) -> list[Mark]:
    """Marks that do not overlap: the stored ones first, then further occurrences of each
    entity's spellings (``spellings``: entity key -> texts; ``names``: key -> a stored mark)."""
    taken: list[Mark] = []
    for mark in sorted(stored, key=lambda m: (m.start, -m.end)):
        if 0 <= mark.start < mark.end <= len(text) and not _overlaps(mark, taken):
            taken.append(mark)
    found = []
    for key, texts in spellings.items():
        template = names[key]
        for spelling in sorted(set(texts), key=len, reverse=True):
            if not spelling.strip():
                continue
            for hit in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", text):
                found.append(template.model_copy(update={"start": hit.start(), "end": hit.end(), "stored": False}))
    for mark in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if not _overlaps(mark, taken):
            taken.append(mark)
    return sorted(taken, key=lambda m: m.start)


def _overlaps(mark: Mark, taken: list[Mark]) -> bool:
    return any(mark.start < other.end and other.start < mark.end for other in taken)


def blocks(text: str, field: str, marks: list[Mark], sentences: list[tuple[int, int]]) -> list[Block]:
    """``text`` as blocks: evidence ``sentences`` (start, end) get an anchor; marks go inside
    the block that holds them (a mark across a block's edge is left out)."""
    spans: list[tuple[int, int]] = []
    for start, end in sorted(set(sentences)):
        if 0 <= start < end <= len(text) and all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    cuts: list[tuple[int, int, str | None]] = []
    position = 0
    for start, end in spans:
        if start > position:
            cuts.append((position, start, None))
        cuts.append((start, end, sentence_anchor(field, start, end)))
        position = end
    if position < len(text):
        cuts.append((position, len(text), None))
    return [Block(anchor=anchor, runs=_runs(text, start, end, marks)) for start, end, anchor in cuts]


def _runs(text: str, start: int, end: int, marks: list[Mark]) -> list[Run]:
    runs: list[Run] = []
    position = start
    for mark in marks:
        if mark.start < start or mark.end > end:
            continue
        if mark.start > position:
            runs.append(Run(text=text[position:mark.start]))
        runs.append(Run(text=text[mark.start:mark.end], mark=mark))
        position = mark.end
    if position < end:
        runs.append(Run(text=text[position:end]))
    return runs
