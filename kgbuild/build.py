"""The whole pipeline: read → deduplicate → skip unchanged → extract → resolve → load.

Everything streams: papers go through in chunks, so memory depends on the chunk size and
the number of distinct paper ids, not on the size of the input.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import orjson
from pydantic import BaseModel, Field

from kgbuild.extract import EXTRACTOR_VERSION, extract_chunks
from kgbuild.extract.jsonl import extraction_to_line
from kgbuild.graph import GraphBatch, to_graph
from kgbuild.models import Extraction, GraphCounts, Paper, Rejected
from kgbuild.resolve import resolve_batch
from kgbuild.sources import Deduplicator, read_papers
from kgbuild.stores.base import GraphStore

DEFAULT_CHUNK = 500
ProgressHook = Callable[[int], None]
T = TypeVar("T")
InputGroup = tuple[list[str], str | None]


class RunCounts(BaseModel):
    """What one pass over the inputs saw."""

    entries: int = 0
    papers: int = 0
    duplicates: int = 0
    rejected: int = 0


class BuildSummary(BaseModel):
    inputs: list[str]
    store: str
    counts: RunCounts
    written: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    graph: GraphCounts = Field(default_factory=GraphCounts)
    rejects_file: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    seconds: float = 0.0


class RejectsWriter:
    """Sets malformed records aside in a JSON Lines file, created only when there is one."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self._handle = None

    def __call__(self, rejected: Rejected) -> None:
        self.count += 1
        if self.path is None:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("wb")
        self._handle.write(orjson.dumps(rejected.model_dump()) + b"\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self.path is not None and self.path.exists():
            self.path.unlink()  # a clean run leaves no stale rejects behind


def _read_groups(groups: Iterable[InputGroup]) -> Iterator[Paper | Rejected]:
    for paths, fmt in groups:
        yield from read_papers(paths, fmt=fmt)


def distinct_papers(inputs: Iterable[str | Path], counts: RunCounts, dedup: Deduplicator,
                    on_reject: Callable[[Rejected], None], fmt: str | None = None,
                    progress: ProgressHook | None = None,
                    groups: list[InputGroup] | None = None) -> Iterator[Paper]:
    """Each distinct paper once; ``groups`` (paths with their format) replaces ``inputs``/``fmt``."""
    for item in dedup.dedupe(_read_groups(groups or [([str(i) for i in inputs], fmt)])):
        if isinstance(item, Rejected):
            counts.rejected += 1
            on_reject(item)
            continue
        counts.papers += 1
        if progress:
            progress(1)
        yield item
    counts.entries = dedup.entries
    counts.duplicates = dedup.duplicates


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _changed_only(papers: Iterable[Paper], store: GraphStore, size: int, summary: BuildSummary,
                  force: bool) -> Iterator[Paper]:
    """Drop papers whose stored content hash says they are already loaded as they are."""
    for chunk in _batched(papers, size):
        stored = {} if force else store.stored_hashes([p.id for p in chunk])
        for paper in chunk:
            if stored.get(paper.id) == paper.content_hash(EXTRACTOR_VERSION):
                summary.unchanged += 1
            else:
                yield paper


def graph_rows(extractions: list[Extraction]) -> GraphBatch:
    """A chunk's records resolved and turned into the rows a store writes: what the
    extraction workers of a build hand back (plain rows cross processes cheaply)."""
    return to_graph(resolve_batch(extractions), EXTRACTOR_VERSION)


def json_lines(extractions: list[Extraction]) -> bytes:
    """A chunk's records resolved, as the lines ``kgbuild extract`` writes."""
    return b"".join(extraction_to_line(x) for x in resolve_batch(extractions))


def build(inputs: list[str], store: GraphStore, *, workers: int = 1, chunk_size: int = DEFAULT_CHUNK,
          rejects_path: Path | None = None, fmt: str | None = None, force: bool = False,
          progress: ProgressHook | None = None, groups: list[InputGroup] | None = None,
          prune: bool = False) -> BuildSummary:
    """Load ``inputs`` into an open ``store``; unchanged papers are skipped, changed ones replaced.

    ``groups`` gives paths with a format each instead of ``inputs``/``fmt``. With ``prune``,
    stored papers that are no longer in the inputs are removed with their facts.
    """
    started = time.monotonic()
    groups = groups or [([str(i) for i in inputs], fmt)]
    summary = BuildSummary(inputs=[p for paths, _ in groups for p in paths],
                           store=getattr(store, "location", store.name), counts=RunCounts())
    rejects = RejectsWriter(rejects_path)
    dedup = Deduplicator()
    try:
        papers = distinct_papers([], summary.counts, dedup, rejects, progress=progress, groups=groups)
        todo = _changed_only(papers, store, chunk_size, summary, force)
        for batch in extract_chunks(todo, graph_rows, workers=workers, chunk_size=chunk_size):
            report = store.write(batch)
            summary.written += report.written
            summary.replaced += report.replaced
            summary.unchanged += report.unchanged
        if dedup.later_sources:
            store.record_sightings(dedup.later_sources)
        if prune:
            gone = sorted(set(store.paper_ids()) - dedup.seen_ids)
            store.delete_papers(gone)
            summary.removed = len(gone)
    finally:
        rejects.close()
    summary.rejects_file = str(rejects_path) if rejects.count and rejects_path else None
    summary.graph = store.counts()
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


class ExtractSummary(BaseModel):
    inputs: list[str]
    out: str
    counts: RunCounts
    rejects_file: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    seconds: float = 0.0


def extract_to_jsonl(inputs: list[str], out: Path, *, workers: int = 1, rejects_path: Path | None = None,
                     fmt: str | None = None, progress: ProgressHook | None = None) -> ExtractSummary:
    """Extraction only: one JSON object per distinct paper, in input order."""
    started = time.monotonic()
    summary = ExtractSummary(inputs=[str(i) for i in inputs], out=str(out), counts=RunCounts())
    rejects = RejectsWriter(rejects_path)
    dedup = Deduplicator()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with out.open("wb") as handle:
            papers = distinct_papers(inputs, summary.counts, dedup, rejects, fmt=fmt, progress=progress)
            for lines in extract_chunks(papers, json_lines, workers=workers):
                handle.write(lines)
    finally:
        rejects.close()
    summary.rejects_file = str(rejects_path) if rejects.count and rejects_path else None
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
