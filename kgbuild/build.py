"""The whole pipeline: read → deduplicate → skip unchanged → extract → resolve → load.

Everything streams: papers go through in chunks, so memory depends on the chunk size and
the number of distinct paper ids, not on the size of the input.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import orjson
from pydantic import BaseModel, Field

from kgbuild.errors import PruneRefusedError
from kgbuild.extract import EXTRACTOR_VERSION, extract_chunks
from kgbuild.extract.jsonl import extraction_to_line
from kgbuild.graph import GraphBatch, to_graph
from kgbuild.models import Extraction, GraphCounts, Paper, Rejected
from kgbuild.resolve import resolve_batch
from kgbuild.sources import Deduplicator, read_papers
from kgbuild.sources.files import lost_part_of_a_source
from kgbuild.stores.base import GraphWriter

DEFAULT_CHUNK = 500
DEFAULT_MAX_PRUNE = 0.2
ProgressHook = Callable[[int], None]
T = TypeVar("T")
InputGroup = tuple[list[str], str | None]


class RunCounts(BaseModel):
    """What one pass over the inputs saw."""

    entries: int = 0
    papers: int = 0
    duplicates: int = 0
    rejected: int = 0


def new_run_id() -> str:
    """Sortable by start time, unique across machines: the key of a run's rejects and record."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


class BuildSummary(BaseModel):
    inputs: list[str]
    store: str
    counts: RunCounts
    run_id: str = ""
    # Files a directory walk passed over (not named like any input format).
    skipped_files: list[str] = Field(default_factory=list)
    written: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    graph: GraphCounts = Field(default_factory=GraphCounts)
    rejects_file: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    seconds: float = 0.0


class RejectsWriter:
    """Sets malformed records aside in a JSON Lines file, created only when there is one.

    With a ``run_id`` (a store's rejects, which a scheduled job keeps adding to) every line
    names its run and the file is appended to, so no run's rejects are lost to the next.
    Without one (``extract``'s OUT.rejects.jsonl, which belongs to OUT and is replaced with
    it) the file holds this run's rejects only.
    """

    def __init__(self, path: Path | None, run_id: str | None = None) -> None:
        self.path = path
        self.run_id = run_id
        self.count = 0
        self.lost_sources: list[str] = []
        self._handle = None

    def __call__(self, rejected: Rejected) -> None:
        self.count += 1
        if lost_part_of_a_source(rejected) and rejected.file not in self.lost_sources:
            self.lost_sources.append(rejected.file)
        if self.path is None:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab" if self.run_id else "wb")
        line = rejected.model_dump()
        if self.run_id:
            line = {"run": self.run_id, **line}
        self._handle.write(orjson.dumps(line) + b"\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self.run_id is None and self.path is not None and self.path.exists():
            self.path.unlink()  # a clean run leaves no stale rejects beside its output


def _read_groups(groups: list[InputGroup], on_skip: Callable[[str], None] | None) -> Iterator[Paper | Rejected]:
    # Every path is checked before the first record is read, so a missing one fails the run
    # before anything is written.
    readers = [read_papers(paths, fmt=fmt, on_skip=on_skip) for paths, fmt in groups]
    for reader in readers:
        yield from reader


def distinct_papers(inputs: Iterable[str | Path], counts: RunCounts, dedup: Deduplicator,
                    on_reject: Callable[[Rejected], None], fmt: str | None = None,
                    progress: ProgressHook | None = None,
                    groups: list[InputGroup] | None = None,
                    on_skip: Callable[[str], None] | None = None) -> Iterator[Paper]:
    """Each distinct paper once; ``groups`` (paths with their format) replaces ``inputs``/``fmt``."""
    read = _read_groups(groups or [([str(i) for i in inputs], fmt)], on_skip)
    for item in dedup.dedupe(read):
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


def _changed_only(papers: Iterable[Paper], store: GraphWriter, size: int, summary: BuildSummary,
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


def build(inputs: list[str], store: GraphWriter, *, workers: int = 1, chunk_size: int = DEFAULT_CHUNK,
          rejects_path: Path | None = None, fmt: str | None = None, force: bool = False,
          progress: ProgressHook | None = None, groups: list[InputGroup] | None = None,
          prune: bool = False, max_prune: float = DEFAULT_MAX_PRUNE, run_id: str | None = None) -> BuildSummary:
    """Load ``inputs`` into an open ``store``; unchanged papers are skipped, changed ones replaced.

    ``groups`` gives paths with a format each instead of ``inputs``/``fmt``. With ``prune``,
    stored papers that are no longer in the inputs are removed with their facts, unless
    ``prune_guard`` refuses (``PruneRefusedError``, raised before anything is removed).
    """
    started = time.monotonic()
    groups = groups or [([str(i) for i in inputs], fmt)]
    summary = BuildSummary(inputs=[p for paths, _ in groups for p in paths],
                           store=getattr(store, "location", store.name), counts=RunCounts(),
                           run_id=run_id or new_run_id())
    rejects = RejectsWriter(rejects_path, summary.run_id)
    dedup = Deduplicator()
    try:
        papers = distinct_papers([], summary.counts, dedup, rejects, progress=progress, groups=groups,
                                 on_skip=summary.skipped_files.append)
        todo = _changed_only(papers, store, chunk_size, summary, force)
        for batch in extract_chunks(todo, graph_rows, workers=workers, chunk_size=chunk_size):
            report = store.write(batch)
            summary.written += report.written
            summary.replaced += report.replaced
            summary.unchanged += report.unchanged
        if dedup.later_sources:
            store.record_sightings(dedup.later_sources)
        if prune:
            stored = store.paper_ids()
            gone = sorted(set(stored) - dedup.seen_ids)
            prune_guard(len(gone), len(stored), max_prune, rejects.lost_sources)
            store.delete_papers(gone)
            summary.removed = len(gone)
    finally:
        rejects.close()
    summary.rejects_file = str(rejects_path) if rejects.count and rejects_path else None
    summary.graph = store.counts()
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def prune_guard(leaving: int, stored: int, max_prune: float, lost_sources: list[str]) -> None:
    """Refuse a prune that may mistake unread papers for papers that left the sources."""
    if not leaving:
        return
    if lost_sources:
        raise PruneRefusedError(
            f"not pruning: {len(lost_sources)} source(s) could not be read in full "
            f"({', '.join(lost_sources[:5])}), so the {leaving} papers missing from this run may "
            f"still be in them", hint="make the sources readable (see the rejects file) and run again")
    if leaving > max_prune * stored:
        raise PruneRefusedError(
            f"not pruning: {leaving} of {stored} stored papers ({leaving / stored:.0%}) are missing "
            f"from the sources, more than max_prune allows ({max_prune:.0%})",
            hint="check that every source is where it should be; if the papers really left, raise "
                 "max_prune in the configuration's [options] or pass --max-prune 1 for this run")


class ExtractSummary(BaseModel):
    inputs: list[str]
    out: str
    counts: RunCounts
    rejects_file: str | None = None
    skipped_files: list[str] = Field(default_factory=list)
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
    # OUT is replaced only by a complete run; a failed one leaves the previous file as it was.
    partial = out.with_name(f"{out.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            papers = distinct_papers(inputs, summary.counts, dedup, rejects, fmt=fmt, progress=progress,
                                     on_skip=summary.skipped_files.append)
            for lines in extract_chunks(papers, json_lines, workers=workers):
                handle.write(lines)
        os.replace(partial, out)
    finally:
        rejects.close()
        if partial.exists():
            partial.unlink()
    summary.rejects_file = str(rejects_path) if rejects.count and rejects_path else None
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
