"""The data files the extractor reads: lexicons (built elsewhere) and our rule lists.

Every file is JSON Lines.  A missing lexicon is tolerated (the extractor then relies on
its shape rules alone) so that the package works while lexicons are being rebuilt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import orjson

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_DIR = DATA_DIR / "lexicons"
PATTERN_DIR = DATA_DIR / "patterns"
MODEL_DIR = DATA_DIR / "models"
LEXICON_FILES = ("datasets.jsonl", "metrics.jsonl", "tasks.jsonl", "methods.jsonl")


def read_jsonl(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for raw in handle:
            raw = raw.strip()
            if raw and not raw.startswith(b"//"):
                yield orjson.loads(raw)


def lexicon_patterns() -> Iterator[dict]:
    for name in LEXICON_FILES:
        yield from read_jsonl(LEXICON_DIR / name)


@lru_cache(maxsize=1)
def lexicon_texts_by_label() -> dict[str, tuple[str, ...]]:
    """The lexicon's pattern strings by label, from one reading of the files: the rules
    derive several word sets from them (task words, task endings, name keys), and each
    reading of the ~18k rows costs about as much as deriving one set.
    ``rules.load_word_lists`` drops this once the sets are made."""
    texts: dict[str, list[str]] = {}
    for row in lexicon_patterns():
        if isinstance(row.get("pattern"), str):
            texts.setdefault(row.get("label"), []).append(row["pattern"])
    return {label: tuple(patterns) for label, patterns in texts.items()}


def canonical_entries() -> Iterator[dict]:
    return read_jsonl(LEXICON_DIR / "canonical.jsonl")


def split_patterns() -> Iterator[dict]:
    return read_jsonl(LEXICON_DIR / "splits.jsonl")


@lru_cache(maxsize=None)
def term_list(name: str) -> frozenset[str]:
    """A pattern file of ``{"term": ...}`` lines as a set of exact strings."""
    return frozenset(row["term"] for row in read_jsonl(PATTERN_DIR / f"{name}.jsonl"))


@lru_cache(maxsize=None)
def term_sequence(name: str) -> tuple[str, ...]:
    """A pattern file's terms in file order, for lists whose order shows (features, regexes)."""
    return tuple(row["term"] for row in read_jsonl(PATTERN_DIR / f"{name}.jsonl"))


@lru_cache(maxsize=None)
def alternation(name: str) -> str:
    """A pattern file of ``{"pattern": ...}`` regex fragments joined as alternatives, in file order."""
    return "|".join(row["pattern"] for row in read_jsonl(PATTERN_DIR / f"{name}.jsonl"))


@lru_cache(maxsize=None)
def lowered_term_list(name: str) -> frozenset[str]:
    return frozenset(term.lower() for term in term_list(name))


def data_fingerprint() -> str:
    """A short hash of every data file (lists, lexicons, trained models), so that changing
    one changes the extractor version and stored papers are re-extracted."""
    digest = hashlib.sha256()
    for folder in (LEXICON_DIR, PATTERN_DIR, MODEL_DIR):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json*")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
