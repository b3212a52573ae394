"""Tokenised abstracts ("ResNet - 101 achieves 71.8 % on ( MS ) COCO"), as corpora such as
SciREX distribute them, read as written prose before the rules see them.

The rules know names by their shape ("ResNet-101", "SR-CNN", "V-Net"); in tokenised text
the hyphen stands apart and no name has that shape.  ``despace`` joins hyphens, dashes and
slashes between words and closes up brackets, and returns, for every character of the
joined text, its offset in the original, so mentions and evidence still point at the text
as stored.  Such corpora also glue the title to the front of the abstract, with no title
field; ``read_spaced`` reads it off as the title (``glued_title``), its mentions and evidence
still pointing into the abstract as stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgbuild.extract.glued_title import glued_title
from kgbuild.models import Extraction

JOINED_RE = re.compile(r"(?<=\w) ([-–/]) (?=\w)|(?<=\() | (?=\))")


def despace(text: str) -> tuple[str, list[int]]:
    """The joined text and, per character (and one past the end), its original offset."""
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in JOINED_RE.finditer(text):
        pieces.append(text[last:match.start()])
        origin.extend(range(last, match.start()))
        if match.group(1):
            pieces.append(match.group(1))
            origin.append(match.start(1))
        last = match.end()
    pieces.append(text[last:])
    origin.extend(range(last, len(text) + 1))
    return "".join(pieces), origin


@dataclass(slots=True)
class Spaced:
    """A tokenised record read as prose: per field the joined text and, per character (and
    one past the end), its offset in the field as stored.  ``title_glued``: the title field was
    read off the front of the stored abstract (the record had no title), so its offsets
    point into the abstract."""

    texts: dict[str, str]
    origins: dict[str, list[int]]
    title_glued: bool = False


def read_spaced(title: str, abstract: str) -> Spaced:
    """A tokenised record's fields joined (``despace``), a title glued to the abstract read off."""
    parts = {"title": (title, 0), "abstract": (abstract, 0)}
    glued = None if title else glued_title(abstract)
    if glued is not None:
        title_end, abstract_start = glued
        parts = {"title": (abstract[:title_end], 0), "abstract": (abstract[abstract_start:], abstract_start)}
    texts, origins = {}, {}
    for field, (text, offset) in parts.items():
        texts[field], origin = despace(text)
        origins[field] = [o + offset for o in origin] if offset else origin
    return Spaced(texts, origins, glued is not None)


def point_at_original(extraction: Extraction, spaced: Spaced) -> None:
    """Mentions and evidence of an extraction made on joined text, moved to the original.
    A glued title's are moved into the abstract, where the title is stored: its sentence is
    the abstract's first, and the abstract's own sentences count on from it."""
    texts = {"title": extraction.paper.title or "", "abstract": extraction.paper.abstract or ""}
    origins = spaced.origins

    def moved(field: str, start: int, end: int) -> tuple[int, int, str]:
        origin = origins[field]
        first, last = origin[start], origin[end - 1] + 1 if end > start else origin[start]
        stored = "abstract" if spaced.title_glued else field
        return first, last, texts[stored][first:last]

    def renumbered(record) -> None:
        if spaced.title_glued:
            record.sentence = 0 if record.field == "title" else record.sentence + 1
            record.field = "abstract"

    for entity in extraction.entities:
        for mention in entity.mentions:
            mention.start, mention.end, mention.text = moved(mention.field, mention.start, mention.end)
            renumbered(mention)
    evidences = [r.evidence for r in extraction.relations] + [r.evidence for r in extraction.results]
    for evidence in {id(e): e for e in evidences}.values():
        evidence.start, evidence.end, evidence.text = moved(evidence.field, evidence.start, evidence.end)
        renumbered(evidence)
