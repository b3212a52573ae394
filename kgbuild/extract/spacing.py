"""Tokenised abstracts ("ResNet - 101 achieves 71.8 % on ( MS ) COCO"), as corpora such as
SciREX distribute them, read as written prose before the rules see them.

The rules know names by their shape ("ResNet-101", "SR-CNN", "V-Net"); in tokenised text
the hyphen stands apart and no name has that shape.  ``despace`` joins hyphens, dashes and
slashes between words and closes up brackets, and returns, for every character of the
joined text, its offset in the original, so mentions and evidence still point at the text
as stored.
"""

from __future__ import annotations

import re

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


def point_at_original(extraction: Extraction, origins: dict[str, list[int]]) -> None:
    """Mentions and evidence of an extraction made on joined text, moved to the original."""
    texts = {"title": extraction.paper.title or "", "abstract": extraction.paper.abstract or ""}

    def moved(field: str, start: int, end: int) -> tuple[int, int, str]:
        origin = origins[field]
        first, last = origin[start], origin[end - 1] + 1 if end > start else origin[start]
        return first, last, texts[field][first:last]

    for entity in extraction.entities:
        for mention in entity.mentions:
            mention.start, mention.end, mention.text = moved(mention.field, mention.start, mention.end)
    evidences = [r.evidence for r in extraction.relations] + [r.evidence for r in extraction.results]
    for evidence in {id(e): e for e in evidences}.values():
        evidence.start, evidence.end, evidence.text = moved(evidence.field, evidence.start, evidence.end)
