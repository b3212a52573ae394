"""Our own hand-written inputs under ``scripts/lexicon_seeds/``, read as they are.

- ``datasets/methods/metrics/tasks.jsonl``: seed entities (a name, aliases, case and plural
  rules, a parent), which always survive and decide what their names mean;
- ``blocklist.jsonl``: keys or single spellings never to emit;
- ``software.jsonl``: software frameworks and libraries, never emitted as any type;
- ``common_words.jsonl``: dictionary words met in candidate names (``--refresh-common-words``);
- ``splits.jsonl``: split and subset names, written out as ``splits.jsonl``;
- ``word_sets/*.jsonl``: the word sets the builder's rules use (one ``{"word": ...}`` a line).

Lines starting with ``//`` are comments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "scripts" / "lexicon_seeds"
WORD_SETS_DIR = SEEDS_DIR / "word_sets"
ENTITY_SEED_FILES = ("datasets.jsonl", "methods.jsonl", "metrics.jsonl", "tasks.jsonl")
COMMON_WORDS_FILE = SEEDS_DIR / "common_words.jsonl"


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    if not path.exists():
        return rows
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # a broken seed line is a bug: say where
                raise SystemExit(f"{path}:{n}: bad JSON: {exc}") from exc
    return rows


@lru_cache(maxsize=None)
def word_set(name: str) -> frozenset[str]:
    """``word_sets/<name>.jsonl`` as a set; a missing file is an error, not an empty set."""
    path = WORD_SETS_DIR / f"{name}.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path}: missing word set")
    return frozenset(row["word"] for row in load_jsonl(path))


def metric_plurals() -> dict[str, str]:
    """A metric's last word -> its plural ("score" -> "scores")."""
    return {row["word"]: row["plural"] for row in load_jsonl(WORD_SETS_DIR / "metric_plurals.jsonl")}


def split_forms() -> dict[str, list[str]]:
    """Canonical split -> the forms written for it."""
    return {row["split"]: row["forms"] for row in load_jsonl(SEEDS_DIR / "splits.jsonl")}


def entity_seeds() -> Iterator[tuple[Path, dict]]:
    """(file, row) of every seed entity, file by file."""
    for name in ENTITY_SEED_FILES:
        path = SEEDS_DIR / name
        for row in load_jsonl(path):
            yield path, row


def blocklist() -> list[dict]:
    return load_jsonl(SEEDS_DIR / "blocklist.jsonl")


def software_names() -> list[str]:
    """Frameworks and libraries (``software.jsonl``): blocked as names of every type."""
    return [row["name"] for row in load_jsonl(SEEDS_DIR / "software.jsonl")]


def common_words() -> tuple[set[str], set[str]]:
    """(core, wide): core = stop words + a small dictionary; wide adds a large dictionary.

    A one-word name is judged against the wide list ("Titanic", "SALSA" are words); a
    phrase is judged against the core list only, so that brand-like words in the large
    dictionary ("Amazon Polarity") do not make a named phrase look generic.
    """
    core = function_words() | word_set("generic_words")
    wide = set(core)
    for row in load_jsonl(COMMON_WORDS_FILE):
        w = row["word"].lower()
        wide.add(w)
        if row.get("list") == "small":
            core.add(w)
    return core, wide


def function_words() -> set[str]:
    """spaCy's English stop words, lower-cased."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.lower() for w in STOP_WORDS}
