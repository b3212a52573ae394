"""The rejects file: records a run could not use, one JSON object a line (file, line, reason, raw).

Every run writes its rejects through ``RejectsWriter``, whatever it loads into (a graph
store, a JSON Lines file, neo4j-admin files) and however it reads (one process or Dask
workers), so a reject looks the same everywhere and a new field reaches every run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import orjson

from kgbuild.models import Rejected
from kgbuild.sources.files import lost_part_of_a_source


class RejectsWriter:
    """Sets unusable records aside in a JSON Lines file, created only when there is one.

    With a ``run_id`` (a store's rejects, which a scheduled job keeps adding to) every line
    names its run and the file is appended to, so no run's rejects are lost to the next.
    Without one (``extract``'s OUT.rejects.jsonl, which belongs to OUT and is replaced with
    it) the file holds this run's rejects only: they are written beside it and replace it
    when the run completes (``close()``), so a run that fails (``close(complete=False)``)
    leaves the previous run's rejects with the previous output.
    """

    def __init__(self, path: Path | None, run_id: str | None = None) -> None:
        self.path = path
        self.run_id = run_id
        self.count = 0
        self.lost_sources: list[str] = []
        self._handle = None
        # A retried Dask task must never write into its predecessor's file: hence the token.
        self._partial = (path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.partial")
                         if path is not None and run_id is None else None)

    def __call__(self, rejected: Rejected) -> None:
        self.count += 1
        if lost_part_of_a_source(rejected) and rejected.file not in self.lost_sources:
            self.lost_sources.append(rejected.file)
        if self.path is None:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab") if self.run_id else self._partial.open("wb")
        line = rejected.model_dump()
        if self.run_id:
            line = {"run": self.run_id, **line}
        self._handle.write(orjson.dumps(line) + b"\n")

    @property
    def written_to(self) -> str | None:
        """The rejects file when this run set something aside in one (what summaries name)."""
        return str(self.path) if self.count and self.path is not None else None

    def close(self, complete: bool = True) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._partial is None:
            return
        if not complete:
            self._partial.unlink(missing_ok=True)
        elif self.count:
            os.replace(self._partial, self.path)
        else:
            self.path.unlink(missing_ok=True)  # a clean run leaves no stale rejects beside its output
