"""The two runs of the pipeline that end in kgbuild's own outputs, through ``kgbuild.runner``:
``build`` into a graph store (skipping unchanged papers, replacing changed ones) and
``extract_to_jsonl`` into a JSON Lines file.

Everything streams: papers go through in chunks, so memory depends on the chunk size and
the number of distinct paper ids, not on the size of the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field

from kgbuild.errors import PruneRefusedError
from kgbuild.extract import EXTRACTOR_VERSION
from kgbuild.extract.jsonl import extraction_to_line
from kgbuild.extract.parallel import CHUNK_SIZE
from kgbuild.graph import GraphBatch, to_graph
from kgbuild.models import Extraction, GraphCounts, Paper
from kgbuild.resolve import resolve_batch
from kgbuild.runner import (
    DEFAULT_CHUNK,
    InputGroup,
    ProgressHook,
    RunCounts,
    SeenPapers,
    input_groups,
    new_run_id,
    run,
)
from kgbuild.sources.records import DEFAULT_ID_FIELD
from kgbuild.stores.base import GraphWriter
from kgbuild.stores.jsonl_file import JsonLinesFile

DEFAULT_MAX_PRUNE = 0.2
T = TypeVar("T")

# Kept importable from here, where callers found them before the runner took them over.
__all__ = ["DEFAULT_CHUNK", "DEFAULT_MAX_PRUNE", "BuildSummary", "ExtractSummary", "GraphStoreSink", "InputGroup",
           "JsonLinesSink", "ProgressHook", "RunCounts", "build", "extract_to_jsonl", "graph_rows", "json_lines",
           "new_run_id", "prune_guard"]


class BuildSummary(BaseModel):
    inputs: list[str]
    store: str
    counts: RunCounts
    run_id: str = ""
    # Files a directory walk passed over (not named like any input format).
    skipped_files: list[str] = Field(default_factory=list)
    # A --full run: every stored paper was re-extracted and rewritten (``replaced`` counts them).
    full: bool = False
    written: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    graph: GraphCounts = Field(default_factory=GraphCounts)
    rejects_file: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    seconds: float = 0.0


def graph_rows(extractions: list[Extraction]) -> GraphBatch:
    """A chunk's records resolved and turned into the rows a store writes: what the
    extraction workers of a build hand back (plain rows cross processes cheaply)."""
    return to_graph(resolve_batch(extractions), EXTRACTOR_VERSION)


def json_lines(extractions: list[Extraction]) -> bytes:
    """A chunk's records resolved, as the lines ``kgbuild extract`` writes."""
    return b"".join(extraction_to_line(x) for x in resolve_batch(extractions))


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class GraphStoreSink:
    """A build's sink: only changed papers are extracted, and their rows written to ``store``.

    Change detection compares each paper's content hash (title, abstract, extractor version)
    with the stored one; ``force`` (``--full``) rewrites every paper. At the end the later
    sightings of stored papers are recorded and, with ``prune``, stored papers missing from
    the inputs are removed unless ``prune_guard`` refuses. A stop half-way needs no undo: each
    written batch is complete (the store's write journal), and the next run carries on.
    """

    prepare = staticmethod(graph_rows)

    def __init__(self, store: GraphWriter, summary: BuildSummary, *, chunk_size: int, force: bool,
                 prune: bool, max_prune: float) -> None:
        self.store = store
        self.summary = summary
        self.chunk_size = chunk_size
        self.force = force
        self.prune = prune
        self.max_prune = max_prune

    def select(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        """Drop papers whose stored content hash says they are already loaded as they are."""
        for chunk in _batched(papers, self.chunk_size):
            stored = {} if self.force else self.store.stored_hashes([p.id for p in chunk])
            for paper in chunk:
                if stored.get(paper.id) == paper.content_hash(EXTRACTOR_VERSION):
                    self.summary.unchanged += 1
                else:
                    yield paper

    def write(self, batch: GraphBatch) -> None:
        report = self.store.write(batch, rewrite=self.force)
        self.summary.written += report.written
        self.summary.replaced += report.replaced
        self.summary.unchanged += report.unchanged

    def finish(self, seen: SeenPapers) -> None:
        if seen.later_sources:
            self.store.record_sightings(seen.later_sources)
        if self.prune:
            stored = self.store.paper_ids()
            gone = sorted(set(stored) - seen.ids)
            prune_guard(len(gone), len(stored), self.max_prune, seen.lost_sources)
            self.store.delete_papers(gone)
            self.summary.removed = len(gone)
        self.summary.graph = self.store.counts()

    def abort(self) -> None:
        """Nothing to undo: every batch written is complete."""


def build(inputs: list[str], store: GraphWriter, *, workers: int = 1, chunk_size: int = DEFAULT_CHUNK,
          rejects_path: Path | None = None, fmt: str | None = None, force: bool = False,
          progress: ProgressHook | None = None, groups: list[InputGroup] | None = None,
          prune: bool = False, max_prune: float = DEFAULT_MAX_PRUNE, run_id: str | None = None,
          id_field: str = DEFAULT_ID_FIELD) -> BuildSummary:
    """Load ``inputs`` into an open ``store``; unchanged papers are skipped, changed ones replaced.

    ``groups`` gives paths with a format each instead of ``inputs``/``fmt``. With ``prune``,
    stored papers that are no longer in the inputs are removed with their facts, unless
    ``prune_guard`` refuses (``PruneRefusedError``, raised before anything is removed).
    """
    groups = groups or input_groups(inputs, fmt, id_field)
    summary = BuildSummary(inputs=[p for paths, _, _ in groups for p in paths],
                           store=getattr(store, "location", store.name), counts=RunCounts(),
                           run_id=run_id or new_run_id(), full=force)
    sink = GraphStoreSink(store, summary, chunk_size=chunk_size, force=force, prune=prune, max_prune=max_prune)
    report = run(groups, sink, rejects_path=rejects_path, run_id=summary.run_id, workers=workers,
                 chunk_size=chunk_size, progress=progress)
    summary.counts, summary.skipped_files = report.counts, report.skipped_files
    summary.rejects_file, summary.seconds = report.rejects_file, report.seconds
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


class JsonLinesSink:
    """``extract``'s sink: every distinct paper, resolved, as one JSON line, in input order."""

    prepare = staticmethod(json_lines)

    def __init__(self, out: Path) -> None:
        self.file = JsonLinesFile(out)

    def select(self, papers: Iterable[Paper]) -> Iterable[Paper]:
        return papers

    def write(self, lines: bytes) -> None:
        self.file.write(lines)

    def finish(self, seen: SeenPapers) -> None:
        self.file.finish()

    def abort(self) -> None:
        self.file.abort()


def extract_to_jsonl(inputs: list[str], out: Path, *, workers: int = 1, rejects_path: Path | None = None,
                     fmt: str | None = None, progress: ProgressHook | None = None,
                     id_field: str = DEFAULT_ID_FIELD) -> ExtractSummary:
    """Extraction only: one JSON object per distinct paper, in input order. OUT (and its
    rejects) are replaced only by a complete run; a failed one leaves them as they were."""
    report = run(input_groups(inputs, fmt, id_field), JsonLinesSink(out), rejects_path=rejects_path,
                 workers=workers, chunk_size=CHUNK_SIZE, progress=progress)
    return ExtractSummary(inputs=[str(i) for i in inputs], out=str(out), counts=report.counts,
                          rejects_file=report.rejects_file, skipped_files=report.skipped_files,
                          seconds=report.seconds)
