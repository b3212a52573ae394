"""The names entities leave the extractor with.

Lexicon entries such as "COCO dataset" name the dataset plus a generic head noun; the
dataset is written "COCO", so a mention stops before the head, and so does the entity's
name, which is how facts (evaluated on, results) refer to it ("FID scores" reports FID).
"""

from __future__ import annotations

from kgbuild.extract.entities import EntityDraft
from kgbuild.extract.resources import PATTERN_DIR, read_jsonl

def _generic_tails() -> dict[str, tuple[str, ...]]:
    tails: dict[str, list[str]] = {}
    for row in read_jsonl(PATTERN_DIR / "generic_tails.jsonl"):
        tails.setdefault(row["type"], []).append(row["term"])
    return {etype: tuple(terms) for etype, terms in tails.items()}


GENERIC_TAILS = _generic_tails()


def without_generic_tail(etype: str, text: str) -> str:
    for tail in GENERIC_TAILS.get(etype, ()):
        if text.endswith(tail) and len(text) > len(tail) + 1:
            return text[: -len(tail)]
    return text


def exported_name(draft: EntityDraft) -> str:
    return without_generic_tail(draft.etype, draft.name)
