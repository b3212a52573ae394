"""One run of the pipeline: inputs in, a sink out.

``build`` (a graph store), ``extract`` (a JSON Lines file) and the neo4j-import export
(neo4j-admin CSV files) are the same run with a different ``Sink``, so reading, admitting,
rejects, de-duplication, counting, progress and timing are written here once and a fix to
one of them (a new reject reason, a count) holds for all three:

    read → admit → reject or de-duplicate → sink.select → extract (+ sink.prepare) → sink.write
                                                                            … → sink.finish

What a sink decides: which distinct papers it still needs (a store skips the unchanged
ones), what the extraction workers make of a chunk of records (graph rows, JSON lines),
where a chunk goes, what happens once every chunk is written (a store's sightings and
pruning; renaming files into place) and what an interrupted run leaves (``abort``).

The Dask path (``kgbuild.distributed``) reads in partitions on its workers, so it cannot use
``run``; its driver uses the same ``RunTally`` (counts, rejects file, skipped files, timing)
and the same ``Deduplicator``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, Field

from kgbuild.extract import extract_chunks
from kgbuild.models import Extraction, Paper, Rejected, SourceRef
from kgbuild.sources import Deduplicator, read_papers
from kgbuild.sources.records import DEFAULT_ID_FIELD
from kgbuild.stores.rejects_file import RejectsWriter

DEFAULT_CHUNK = 500
ProgressHook = Callable[[int], None]  # bytes of the input files read since the last call
# Paths, their format (None: by extension) and the field holding a record's own id.
InputGroup = tuple[list[str], str | None, str]
R = TypeVar("R")


class RunCounts(BaseModel):
    """What one pass over the inputs saw."""

    entries: int = 0
    papers: int = 0
    duplicates: int = 0
    rejected: int = 0


class RunReport(BaseModel):
    """What every run reports, whatever its sink; the entry points' summaries add their own."""

    counts: RunCounts
    skipped_files: list[str] = Field(default_factory=list)  # passed over by a directory walk
    rejects_file: str | None = None  # set when this run set records aside in one
    seconds: float = 0.0


@dataclass(frozen=True)
class SeenPapers:
    """What de-duplication and the rejects saw over the whole input, for ``Sink.finish``.
    (A dataclass, not a model: it holds every distinct paper id and every later sighting,
    already typed, which validating again would copy for nothing.)"""

    later_sources: Mapping[str, list[SourceRef]]  # paper id -> the later sightings of it
    ids: frozenset[str]  # every distinct paper id read
    lost_sources: list[str]  # files (or their rest) that could not be read: their papers are unknown


def new_run_id() -> str:
    """Sortable by start time, unique across machines: the key of a run's rejects and record."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def input_groups(inputs: Iterable[str | Path], fmt: str | None = None,
                 id_field: str = DEFAULT_ID_FIELD) -> list[InputGroup]:
    """Paths read alike, as the one group ``run`` takes."""
    return [([str(i) for i in inputs], fmt, id_field)]


class Sink(Protocol[R]):
    """Where a run's distinct papers go, extracted."""

    # What an extraction worker makes of a chunk's records: a module-level function (it is
    # sent to the extraction processes), typically resolving and serialising them.
    prepare: Callable[[list[Extraction]], R]

    def select(self, papers: Iterable[Paper]) -> Iterable[Paper]:
        """The papers still to be extracted, in order (all of them, for a new output)."""

    def write(self, chunk: R) -> None:
        """Take one chunk, in input order."""

    def finish(self, seen: SeenPapers) -> None:
        """Every chunk is written: complete the output."""

    def abort(self) -> None:
        """The run stopped (an error, a signal): leave no half output that looks complete."""


class RunTally:
    """A run's counts, rejects file, skipped files and clock: opened when the run starts,
    ``report`` when it ends."""

    def __init__(self, rejects_path: Path | None, run_id: str | None = None) -> None:
        self.started = time.monotonic()
        self.counts = RunCounts()
        self.skipped_files: list[str] = []
        self.rejects = RejectsWriter(rejects_path, run_id)

    def reject(self, rejected: Rejected) -> None:
        self.counts.rejected += 1
        self.rejects(rejected)

    def deduplicated(self, dedup: Deduplicator) -> None:
        self.counts.entries = dedup.entries
        self.counts.duplicates = dedup.duplicates

    def close(self, complete: bool = True) -> None:
        self.rejects.close(complete)

    def report(self) -> RunReport:
        return RunReport(counts=self.counts.model_copy(), skipped_files=list(self.skipped_files),
                         rejects_file=self.rejects.written_to,
                         seconds=round(time.monotonic() - self.started, 2))


def distinct_papers(groups: list[InputGroup], tally: RunTally, dedup: Deduplicator,
                    progress: ProgressHook | None = None) -> Iterator[Paper]:
    """Each distinct paper of the inputs once, in order; rejects and counts go to ``tally``.
    ``progress`` hears of the bytes of the input files read."""
    # Every path is checked before the first record is read, so a missing one fails the run
    # before anything is written.
    readers = [read_papers(paths, fmt=fmt, on_skip=tally.skipped_files.append, id_field=id_field,
                           on_bytes=progress)
               for paths, fmt, id_field in groups]
    for item in dedup.dedupe(record for reader in readers for record in reader):
        if isinstance(item, Rejected):
            tally.reject(item)
            continue
        tally.counts.papers += 1
        yield item
    tally.deduplicated(dedup)


def run(groups: list[InputGroup], sink: Sink[R], *, rejects_path: Path | None, run_id: str | None = None,
        workers: int = 1, chunk_size: int = DEFAULT_CHUNK, progress: ProgressHook | None = None) -> RunReport:
    """Read ``groups``, extract every distinct paper ``sink`` selects and hand it the chunks.

    Rejects go to ``rejects_path``: appended, each line naming ``run_id``, when there is a
    run id (a store's rejects); else replacing the file when the run completes (the rejects
    of an output file). The timing covers ``sink.finish``.
    """
    tally = RunTally(rejects_path, run_id)
    dedup = Deduplicator()
    complete = False
    try:
        papers = distinct_papers(groups, tally, dedup, progress)
        for chunk in extract_chunks(sink.select(papers), sink.prepare, workers=workers, chunk_size=chunk_size):
            sink.write(chunk)
        sink.finish(SeenPapers(later_sources=dedup.later_sources, ids=dedup.seen_ids,
                               lost_sources=tally.rejects.lost_sources))
        complete = True
    except BaseException:
        sink.abort()
        raise
    finally:
        tally.close(complete)
    return tally.report()
