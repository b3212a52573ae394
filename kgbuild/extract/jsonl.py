"""The JSON Lines output contract: one object per paper (what ``kgbuild extract --out`` writes)."""

from __future__ import annotations

import orjson

from kgbuild.models import Extraction


def extraction_to_json(extraction: Extraction) -> dict:
    """``{"paper": {...}, "entities": [...], "relations": [...], "results": [...]}``."""
    return extraction.model_dump(mode="json")


def extraction_to_line(extraction: Extraction) -> bytes:
    return orjson.dumps(extraction_to_json(extraction)) + b"\n"
