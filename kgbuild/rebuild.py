"""Unattended, incremental rebuilds for cron, systemd timers and containers.

One rebuild at a time per target (a lock file that the OS releases with its process, so a
crash never leaves it held; a run that died is detected from what it left in the file and
reported). The load happens inside ``store.atomic()``: readers see the previous graph until
the new one is complete. Every run is recorded in the graph as a BuildRun node.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from kgbuild import exit_codes
from kgbuild.build import ProgressHook, build, new_run_id
from kgbuild.config import RebuildConfig
from kgbuild.errors import KgbuildError, RebuildLockedError
from kgbuild.extract import EXTRACTOR_VERSION
from kgbuild.models import BuildRun, GraphCounts
from kgbuild.sources import require_paths
from kgbuild.stores import open_store

LOCK_FILE = "rebuild.lock"
EXIT_SUCCEEDED = exit_codes.SUCCEEDED
EXIT_FAILED = exit_codes.FAILED
EXIT_SUCCEEDED_WITH_REJECTS = exit_codes.SUCCEEDED_WITH_REJECTS
EXIT_LOCKED = exit_codes.BUSY


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@contextmanager
def rebuild_lock(state_dir: Path, target: str) -> Iterator[str]:
    """Hold the target's rebuild lock; yields a note about a previous run that died, if any."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            raise RebuildLockedError(
                f"another rebuild of {target} is running (pid {holder.get('pid', '?')} on "
                f"{holder.get('host', '?')}, since {holder.get('started', '?')})",
                hint="let it finish; schedule runs further apart if this happens often",
            ) from None
        previous = _read_holder(fd)
        stale = ""
        if previous.get("state") == "running":
            stale = (f"the previous rebuild (pid {previous.get('pid')}, started {previous.get('started')}) "
                     "did not finish; its partial work was discarded and this run redoes it")
        _write_holder(fd, {"pid": os.getpid(), "host": socket.gethostname(), "started": _now(),
                           "state": "running", "target": target})
        yield stale
        _write_holder(fd, {"pid": os.getpid(), "host": socket.gethostname(), "finished": _now(),
                           "state": "finished", "target": target})
    finally:
        os.close(fd)  # closing releases the lock


def _read_holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (ValueError, UnicodeDecodeError):
        return {}


def _write_holder(fd: int, holder: dict) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)
    os.fsync(fd)


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after.get(key, 0) - before.get(key, 0) for key in sorted(set(before) | set(after))}


def rebuild(config: RebuildConfig, *, full: bool = False, progress: ProgressHook | None = None,
            max_prune: float | None = None) -> BuildRun:
    """Run one rebuild; the returned BuildRun says what happened (also when it failed).

    ``max_prune`` overrides the configuration's share for this run.
    """
    target = config.store_config()
    state_dir = config.state_dir
    for paths, _, _ in config.input_groups():
        require_paths(paths)  # before the store is opened: a mistyped source changes nothing
    with rebuild_lock(state_dir, target.describe()) as stale_note:
        run = BuildRun(id=new_run_id(), started=_now(),
                       extractor_version=EXTRACTOR_VERSION,
                       inputs=[p for paths, _, _ in config.input_groups() for p in paths])
        started = time.monotonic()
        rejects = state_dir / "rejects.jsonl"
        with open_store(target) as store:
            before = store.counts()
            try:
                with store.atomic():
                    summary = build([], store, groups=config.input_groups(), workers=config.options.workers,
                                    chunk_size=config.options.chunk_size,
                                    rejects_path=rejects, force=full, prune=config.options.prune,
                                    max_prune=config.options.max_prune if max_prune is None else max_prune,
                                    run_id=run.id, progress=progress)
            except KgbuildError as exc:
                run.outcome, run.message = "failed", f"{exc} ({exc.hint})" if exc.hint else str(exc)
                _finish(run, started, before, store.counts(), stale_note)
                store.record_run(run)
                raise
            run.papers_added, run.papers_changed = summary.written, summary.replaced
            run.papers_unchanged, run.papers_removed = summary.unchanged, summary.removed
            run.papers_rejected = summary.counts.rejected
            run.rejects_file = summary.rejects_file
            run.outcome = exit_codes.outcome(summary.counts.papers, summary.counts.rejected)
            if full:
                run.message = f"--full: {summary.replaced} stored papers re-extracted and rewritten"
            if summary.skipped_files:
                run.message += "; " if run.message else ""
                run.message += f"skipped {len(summary.skipped_files)} files of no input type: " + ", ".join(
                    summary.skipped_files[:10]) + (", ..." if len(summary.skipped_files) > 10 else "")
            _finish(run, started, before, summary.graph, stale_note)
            store.record_run(run)
    return run


def _finish(run: BuildRun, started: float, before: GraphCounts, after: GraphCounts, note: str) -> None:
    run.finished = _now()
    run.seconds = round(time.monotonic() - started, 2)
    run.entity_delta = _delta({**before.entities, "Paper": before.papers, "Result": before.results},
                              {**after.entities, "Paper": after.papers, "Result": after.results})
    run.relationship_delta = _delta(before.relationships, after.relationships)
    if note:
        run.message = f"{note}. {run.message}".strip()


def exit_code(run: BuildRun) -> int:
    return exit_codes.OUTCOMES.get(run.outcome, EXIT_FAILED)
