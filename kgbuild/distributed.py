"""Extraction on a Dask cluster: ``kgbuild extract --executor dask --scheduler ADDRESS``.

The output is byte-for-byte what the single-process ``extract_to_jsonl`` writes for the
same inputs, with the same counts and the same rejects file. How:

1. **Plan** (driver). The inputs are expanded into the ordered list of files that
   ``read_papers`` reads. Consecutive runs of files are grouped into partitions of about
   equal size (bytes on disk). A large *plain JSON Lines* file (``.jsonl``/``.ndjson``/
   ``.json`` in lines form, or ``--format jsonl``/``arxiv``, not gzip-compressed) is also
   cut into byte ranges at line starts, so one huge file spreads over several workers.
   Other files (listing pages, CSV, JSON arrays, gzip) are never split: their records
   span lines or need the file's start.
2. **Scan** (one task per partition). Each task reads its partition and returns, for
   every record in order, only the paper id and title, plus the number of lines in each
   byte range. Reading is cheap next to extraction.
3. **Deduplicate** (driver). The driver runs the very ``Deduplicator`` the single-process
   run uses over those sightings, partition after partition, so "first sighting wins, by
   id and by normalised title" is decided over the whole input, exactly as one process
   would. De-duplicating inside a partition alone would not be exact: a paper dropped
   locally because it shares an id with a local paper that is itself a duplicate of an
   earlier partition's paper must be kept. The line numbers where each byte range starts
   follow from the line counts.
4. **Extract** (one task per partition). Each task reads its partition again, skips the
   sightings the driver marked as duplicates, extracts and resolves the rest, and writes a
   JSON Lines shard (``OUT.shards/part-00007.jsonl``) and its rejects next to ``OUT``.
   It returns only counts and the shard's path.
5. **Merge** (driver). Shards are appended to ``OUT`` in partition order as they finish,
   likewise the rejects; ``OUT`` replaces the previous file only when every partition
   succeeded, and the shards are then removed.

What it shares with the single-process run (``kgbuild.runner``): the readers and ``admit``
(on the workers), the ``Deduplicator`` (on the driver), ``RejectsWriter`` (the workers write
their rejects shards with it; the driver reads them back and passes every reject to the
run's ``RunTally``, so the counts, the rejects file and its format are the runner's), the
``RunTally``'s counts and clock, and ``JsonLinesFile`` for OUT. What it cannot share is the
runner's loop itself: reading is split over the workers and de-duplication needs a scan
before extraction, so the single-process ``run`` (one pass, extraction streamed in order)
does not fit.

Requirements on a real cluster (see docs/cluster.md): every worker runs the same
environment as the driver (kgbuild and its data files; the driver checks the extractor
version of every worker), and the inputs and ``OUT``'s directory are on storage mounted at
the same absolute path on the driver and on every worker.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from kgbuild import exit_codes
from kgbuild.build import ExtractSummary
from kgbuild.errors import InputError, KgbuildError
from kgbuild.models import Paper, Rejected
from kgbuild.runner import ProgressHook, RunCounts, RunTally
from kgbuild.sources import Deduplicator, admit, file_format, read_file, read_papers
from kgbuild.sources.files import (
    GZIP_MAGIC,
    READ_ERRORS,
    UTF8_BOM,
    cannot_read,
    expand_paths,
)
from kgbuild.sources.jsonish import read_json_lines
from kgbuild.stores.jsonl_file import JsonLinesFile
from kgbuild.stores.rejects_file import RejectsWriter

INSTALL_HINT = 'install the Dask extra into the environment kgbuild runs in: pip install "kgbuild[dask]"'
# Default plan: this many partitions per worker thread (small tasks balance the load;
# each costs ~milliseconds), but no partition below MIN_PARTITION_BYTES.
PARTITIONS_PER_THREAD = 4
MIN_PARTITION_BYTES = 64 * 1024
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler
WORKER_TIMEOUT = 60.0  # seconds to wait for its first worker
# Formats read one record per line, whose files can be cut at any line start.
_LINE_FORMATS = ("json", "jsonl", "arxiv")


class DistributedError(KgbuildError):
    """The Dask cluster cannot run the job as asked (no workers, wrong environment, ...)."""


class SchedulerUnreachableError(DistributedError):
    """No Dask scheduler answers at the given address."""

    exit_code = exit_codes.UNAVAILABLE


class DaskExtractSummary(ExtractSummary):
    executor: str = "dask"
    scheduler: str
    workers: int
    partitions: int


# -- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One piece of a partition: a whole file, a byte range of one, or a listing error."""

    name: str  # the file name as the single-process run reports it (records carry it)
    path: str = ""  # absolute, so that a worker with another working directory opens it
    size: int | None = None  # bytes, as the driver saw it; None when it could not see it
    start: int = 0
    end: int | None = None  # None: the whole file; else a byte range [start, end)
    first_line: int = 1  # line number of ``start``; set by the driver once known
    rejected: Rejected | None = None  # a directory that could not be walked

    @property
    def is_range(self) -> bool:
        return self.end is not None

    @property
    def weight(self) -> int:
        if self.is_range:
            return self.end - self.start
        return self.size or 0


def plan_partitions(inputs: list[str], fmt: str | None, partitions: int,
                    min_bytes: int = 0, on_skip: Callable[[str], None] | None = None) -> list[list[Unit]]:
    """The inputs as about ``partitions`` runs of consecutive units, in reading order.

    Partitions are filled to about total/``partitions`` bytes (at least ``min_bytes``);
    a splittable file larger than that is cut into byte ranges of about that size.
    """
    units = []
    for entry in expand_paths(inputs, on_skip):
        if isinstance(entry, Rejected):
            units.append(Unit(name=entry.file, rejected=entry))
            continue
        try:
            size = entry.stat().st_size if entry.is_file() else None
        except OSError:
            size = None
        units.append(Unit(name=str(entry), path=os.path.abspath(entry), size=size))
    total = sum(unit.weight for unit in units)
    target = max(1, min_bytes, math.ceil(total / max(1, partitions)))
    pieces: list[Unit] = []
    for unit in units:
        if unit.size and unit.size > target and _splittable(Path(unit.path), fmt):
            pieces.extend(_byte_ranges(unit, math.ceil(unit.size / target)))
        else:
            pieces.append(unit)
    # Each piece goes to the partition its middle byte falls in: consecutive runs of
    # about ``target`` bytes, never more than ``count`` of them.
    count = max(1, math.ceil(total / target))
    plan: list[list[Unit]] = []
    plan_slot = -1
    done = 0
    for piece in pieces:
        slot = min(count - 1, int((done + piece.weight / 2) // target))
        if slot > plan_slot:
            plan.append([])
            plan_slot = slot
        plan[-1].append(piece)
        done += piece.weight
    return plan


def _splittable(path: Path, fmt: str | None) -> bool:
    """A plain file read one record per line (not gzip, not a JSON array)."""
    chosen = file_format(path, fmt)  # as read_papers chooses
    if chosen not in _LINE_FORMATS or path.name.lower().endswith(".gz"):
        return False
    try:
        with path.open("rb") as handle:
            if handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
                return False
            if chosen == "jsonl":  # read line by line whatever the first line is
                return True
            handle.seek(0)
            for number, raw in enumerate(handle, 1):
                if number == 1 and raw.startswith(UTF8_BOM):
                    raw = raw[len(UTF8_BOM):]
                if raw.strip():  # read_json's test: an array starts with "["
                    return not raw.lstrip().startswith(b"[")
    except OSError:
        return False
    return False


def _byte_ranges(unit: Unit, count: int) -> list[Unit]:
    """``count`` ranges of about equal size (fewer for very long lines), each from a line start."""
    size = unit.size or 0
    bounds = [0]
    with open(unit.path, "rb") as handle:
        for i in range(1, count):
            handle.seek(max(bounds[-1], size * i // count - 1))
            handle.readline()  # to just after the next newline: a line start
            position = handle.tell()
            if bounds[-1] < position < size:
                bounds.append(position)
    bounds.append(size)
    return [replace(unit, start=a, end=b) for a, b in zip(bounds, bounds[1:])]


# -- worker side ---------------------------------------------------------------------------

# Threads of one worker process share one extractor; extraction is CPU-bound and holds the
# GIL, so run workers with one thread each (dask worker --nthreads 1) and one process per core.
_EXTRACT_LOCK = threading.Lock()


class _RangeLines:
    """``(line_number, bytes)`` over ``[start, end)`` of an open binary file, as NumberedLines."""

    def __init__(self, handle, unit: Unit) -> None:
        self._handle = handle
        self._unit = unit
        self.line_number = unit.first_line - 1

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        unit, handle = self._unit, self._handle
        handle.seek(unit.start)
        position = unit.start
        while position < unit.end:
            raw = handle.readline()
            if not raw:
                return
            if position == 0 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM):]
                position += len(UTF8_BOM)
            position += len(raw)
            self.line_number += 1
            yield self.line_number, raw


class _LineCount:
    lines: int | None = None


def _read_range(unit: Unit, fmt: str | None, count: _LineCount) -> Iterator[Paper | Rejected]:
    arxiv = fmt == "arxiv"  # arXiv metadata is chosen by --format arxiv only, never by extension
    try:
        with open(unit.path, "rb") as handle:
            lines = _RangeLines(handle, unit)
            try:
                for item in read_json_lines(lines, unit.name, arxiv=arxiv):
                    yield admit(item)
            except READ_ERRORS as error:
                yield Rejected(file=unit.name, line=lines.line_number + 1, reason=cannot_read(error))
            count.lines = lines.line_number - unit.first_line + 1
    except OSError as error:
        yield Rejected(file=unit.name, line=0, reason=cannot_read(error))


def _relabel(item: Paper | Rejected, name: str) -> Paper | Rejected:
    """Records name the file as given on the driver, not by the absolute path opened here."""
    if isinstance(item, Rejected):
        return item.model_copy(update={"file": name})
    return item.model_copy(update={"source": item.source.model_copy(update={"file": name})})


def _read_unit(unit: Unit, fmt: str | None, count: _LineCount) -> Iterator[Paper | Rejected]:
    if unit.rejected is not None:
        yield unit.rejected
    elif unit.is_range:
        yield from _read_range(unit, fmt, count)
    else:
        for item in read_file(unit.path, fmt=fmt):
            yield item if unit.path == unit.name else _relabel(item, unit.name)


def _unseen(units: list[Unit]) -> list[str]:
    """Files the driver could see that this worker cannot: storage not shared as required."""
    return [unit.name for unit in units if unit.size is not None and not os.path.exists(unit.path)]


def scan_partition(units: list[Unit], fmt: str | None) -> dict[str, Any]:
    """Task: each record's (paper id, title) in order, the rejects count, each range's lines."""
    sightings: list[tuple[str, str]] = []
    rejected = 0
    lines: list[int | None] = []
    unseen = _unseen(units)
    if unseen:
        return {"unseen": unseen, "host": _host()}
    for unit in units:
        count = _LineCount()
        for item in _read_unit(unit, fmt, count):
            if isinstance(item, Rejected):
                rejected += 1
            else:
                sightings.append((item.id, item.title))
        lines.append(count.lines)
    return {"sightings": sightings, "rejected": rejected, "lines": lines}


def extract_partition(units: list[Unit], fmt: str | None, dropped: list[int], shard: str,
                      rejects_shard: str) -> dict[str, Any]:
    """Task: extract the partition's kept papers into ``shard``; only counts come back."""
    from kgbuild.extract import extract
    from kgbuild.extract.jsonl import extraction_to_line
    from kgbuild.resolve import resolve

    skip = frozenset(dropped)
    counts = {"entries": 0, "papers": 0, "rejected": 0}
    token = uuid.uuid4().hex[:8]  # a retried task never writes into its predecessor's file
    Path(shard).parent.mkdir(parents=True, exist_ok=True)
    shard_tmp = f"{shard}.{token}.tmp"
    rejects = RejectsWriter(Path(rejects_shard))

    def kept_papers() -> Iterator[Paper]:
        for unit in units:
            for item in _read_unit(unit, fmt, _LineCount()):
                if isinstance(item, Rejected):
                    counts["rejected"] += 1
                    rejects(item)
                    continue
                index = counts["entries"]
                counts["entries"] += 1
                if index not in skip:
                    counts["papers"] += 1
                    yield item

    try:
        with _EXTRACT_LOCK, open(shard_tmp, "wb") as handle:
            for extraction in resolve(extract(kept_papers(), workers=1)):
                handle.write(extraction_to_line(extraction))
        rejects.close()
        os.replace(shard_tmp, shard)
    except BaseException:
        rejects.close(complete=False)
        if os.path.exists(shard_tmp):
            os.unlink(shard_tmp)
        raise
    return {**counts, "shard": shard, "rejects": rejects.written_to}


def worker_fingerprint() -> str:
    """What must match between driver and workers for identical output."""
    from kgbuild.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def _host() -> str:
    import socket

    return socket.gethostname()


# -- driver side ---------------------------------------------------------------------------


class _Sighting(NamedTuple):
    """What Deduplicator looks at in a paper: its id, title and source."""

    position: int  # in the partition's sequence of papers
    id: str
    title: str
    source: None = None


def _import_dask():
    try:
        import distributed
    except ImportError as error:
        raise InputError(f"--executor dask needs Dask, which is not installed ({error.msg})",
                         hint=INSTALL_HINT) from None
    return distributed


def _probe(address: str, timeout: float) -> None:
    """Fail early, without a half-built Client, when nothing answers at ``address``."""
    from distributed.comm import connect
    from distributed.security import Security

    async def knock() -> None:
        comm = await connect(address, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    try:
        # In a thread of its own: the caller may already run an event loop (Jupyter).
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, knock()).result()
    except ValueError as error:  # e.g. no port, unknown scheme
        raise InputError(f"bad Dask scheduler address {address!r}: {error}",
                         hint="give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from None
    except OSError as error:  # refused, unknown host, timed out
        raise SchedulerUnreachableError(
            f"cannot reach the Dask scheduler at {address}: {error}",
            hint="start one (dask scheduler, then dask worker ADDRESS on each host) and check the "
                 "address, port and firewall; or leave out --scheduler to run a local Dask cluster",
        ) from None


def _check_workers(client, address: str, timeout: float) -> dict[str, int]:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise DistributedError(f"the Dask scheduler at {address} has no workers (waited {timeout:g} s)",
                               hint="start workers: dask worker " + address) from None
    expected = worker_fingerprint()
    seen = client.run(worker_fingerprint, on_error="return")
    for worker, version in seen.items():
        if isinstance(version, BaseException):
            raise DistributedError(
                f"Dask worker {worker} cannot run kgbuild: {type(version).__name__}: {version}",
                hint="every worker needs the same environment as this machine: install this kgbuild "
                     "(same version and data files) on each worker, e.g. the docker/ image",
            )
        if version != expected:
            raise DistributedError(
                f"Dask worker {worker} has extractor {version}, this machine {expected}",
                hint="run the same kgbuild version and data files on every worker, or results would differ",
            )
    return client.nthreads()


class _Shards:
    """Where the tasks write: ``OUT.shards/part-NNNNN.jsonl`` (and ``.rejects.jsonl``)."""

    def __init__(self, out: Path, directory: Path | None) -> None:
        self.directory = (directory or out.with_name(out.name + ".shards")).absolute()
        self.directory.mkdir(parents=True, exist_ok=True)
        for stale in self.directory.glob("part-*"):
            stale.unlink()

    def shard(self, index: int) -> str:
        return str(self.directory / f"part-{index:05d}.jsonl")

    def rejects(self, index: int) -> str:
        return str(self.directory / f"part-{index:05d}.rejects.jsonl")

    def remove(self) -> None:
        for path in self.directory.glob("part-*"):
            path.unlink()
        try:
            self.directory.rmdir()
        except OSError:
            pass  # something else lives there: leave it


def extract_with_dask(inputs: list[str], out: Path, *, scheduler: str | None = None, fmt: str | None = None,
                      rejects_path: Path | None = None, partitions: int | None = None,
                      progress: ProgressHook | None = None, local_workers: int | None = None,
                      timeout: float = CONNECT_TIMEOUT, worker_timeout: float = WORKER_TIMEOUT,
                      shard_dir: Path | None = None,
                      keep_shards: bool = False) -> DaskExtractSummary:
    """What ``extract_to_jsonl`` does, on a Dask cluster; the same bytes in ``out``.

    ``scheduler`` is the address of a running Dask scheduler (``tcp://host:8786``). Without
    one, a temporary ``LocalCluster`` of ``local_workers`` processes (default: one per CPU)
    is started on this machine and closed at the end. ``partitions`` is about how many
    tasks the inputs are cut into (default: 4 per worker thread, none below 64 KiB).
    ``timeout`` bounds connecting to the scheduler, ``worker_timeout`` waiting for its first
    worker. Shards go to ``shard_dir`` (default ``OUT.shards``), removed at the end unless
    ``keep_shards``.
    """
    distributed = _import_dask()
    read_papers([], fmt=fmt)  # an unknown format fails here, before any cluster work
    tally = RunTally(Path(rejects_path) if rejects_path else None)
    out = Path(out)
    shard_dir = Path(shard_dir) if shard_dir else None
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(n_workers=local_workers or os.cpu_count() or 1, threads_per_worker=1,
                                           processes=True, dashboard_address=":0")
        address = cluster.scheduler_address
    else:
        address = scheduler
        _probe(address, timeout)
    client = None
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
        nthreads = _check_workers(client, address, worker_timeout)
        if partitions:
            plan = plan_partitions([str(i) for i in inputs], fmt, partitions, on_skip=tally.skipped_files.append)
        else:
            plan = plan_partitions([str(i) for i in inputs], fmt, PARTITIONS_PER_THREAD * sum(nthreads.values()),
                                   min_bytes=MIN_PARTITION_BYTES, on_skip=tally.skipped_files.append)
        _run(client, plan, out, fmt, tally, progress, shard_dir, keep_shards)
    finally:
        tally.close(complete=False)  # a no-op after a completed run: _run closed it
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    report = tally.report()
    return DaskExtractSummary(
        inputs=[str(i) for i in inputs], out=str(out), counts=report.counts, rejects_file=report.rejects_file,
        skipped_files=report.skipped_files, scheduler=scheduler or "local cluster", workers=len(nthreads),
        partitions=len(plan), seconds=report.seconds,
    )


def _run(client, plan: list[list[Unit]], out: Path, fmt: str | None, tally: RunTally,
         progress: ProgressHook | None, shard_dir: Path | None, keep_shards: bool) -> RunCounts:
    run = uuid.uuid4().hex[:8]
    shards = _Shards(out, shard_dir)
    output = JsonLinesFile(out)
    scans = [client.submit(scan_partition, units, fmt, key=f"kgbuild-scan-{run}-{i:05d}")
             for i, units in enumerate(plan)]
    extractions = []
    dedup = Deduplicator()
    next_line: dict[str, int] = {}  # file -> the line number its next byte range starts on
    try:
        # Scans finish early (they are cheap and were queued first); each partition's
        # extraction is queued as soon as every earlier partition has been de-duplicated.
        for i, (units, scan) in enumerate(zip(plan, scans)):
            found = scan.result()
            scan.release()
            if "unseen" in found:
                raise DistributedError(
                    f"a Dask worker on {found['host']} cannot see input {found['unseen'][0]!r}",
                    hint="put the inputs on storage every worker mounts at the same path as this "
                         "machine (shared filesystem), or run the driver where they are")
            sightings = [_Sighting(n, paper, title) for n, (paper, title) in enumerate(found["sightings"])]
            kept = {s.position for s in dedup.dedupe(sightings)}
            dropped = [s.position for s in sightings if s.position not in kept]
            placed = []
            for unit, lines in zip(units, found["lines"]):
                if unit.is_range:
                    unit = replace(unit, first_line=next_line.get(unit.name, 1))
                    next_line[unit.name] = unit.first_line + (lines or 0)
                placed.append(unit)
            extractions.append((len(found["sightings"]), found["rejected"], client.submit(
                extract_partition, placed, fmt, dropped, shards.shard(i), shards.rejects(i),
                key=f"kgbuild-extract-{run}-{i:05d}")))
        tally.deduplicated(dedup)
        for entries, rejected, future in extractions:
            done = future.result()
            future.release()
            if (done["entries"], done["rejected"]) != (entries, rejected):
                raise DistributedError("the inputs changed while they were being extracted",
                                       hint="run again once nothing writes to the input files")
            output.append_file(done["shard"])
            if done["rejects"]:
                with open(done["rejects"], "rb") as lines:
                    for line in lines:  # back through the run's own writer and counts
                        tally.reject(Rejected.model_validate_json(line))
            tally.counts.papers += done["papers"]
            if progress:
                progress(done["papers"])
        output.finish()
        tally.close()
    except BaseException:
        client.cancel(scans + [future for *_, future in extractions])
        output.abort()
        raise
    finally:
        if not keep_shards:
            shards.remove()
    return tally.counts
