"""What a graph store owes its callers, as three interfaces, and the load logic they share.

A load (``build``) needs a ``GraphWriter``; a query, ``stats``, an export or an analysis a
``GraphReader``; a scheduled rebuild also keeps its ``RunLog`` in the store. A backend is a
``GraphStore``: all three, opened and closed with ``with``. Each interface has its own
contract tests (``tests/test_store_*_contract.py``), run against every backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from kgbuild.graph import GraphBatch
from kgbuild.models import BuildRun, GraphCounts, QueryResult, SourceRef, WriteReport


@runtime_checkable
class GraphWriter(Protocol):
    """Where a load writes papers and their facts. Every method is safe to call again."""

    name: str

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent)."""

    def stored_hashes(self, paper_ids: list[str]) -> dict[str, str | None]:
        """Content hash of each stored paper among ``paper_ids`` (None: stored but incomplete)."""

    def write(self, batch: GraphBatch, rewrite: bool = False) -> WriteReport:
        """Write papers with their facts, replacing the facts of papers already stored.

        A stored paper whose content hash is the batch's is left as it is (counted unchanged),
        unless ``rewrite``: then it is replaced like a changed one (``build --full``)."""

    def delete_papers(self, paper_ids: list[str], keep_papers: bool = False) -> None:
        """Remove papers' facts (and the papers unless ``keep_papers``); drop entities left unmentioned."""

    def record_sightings(self, sightings: Mapping[str, list[SourceRef]]) -> None:
        """Remember further files a stored paper was seen in."""

    def paper_ids(self) -> list[str]:
        """Every stored paper id, sorted: what a pruning load compares with its inputs."""

    def counts(self) -> GraphCounts:
        """What the store holds (also a reader's): a load reports it when it is done."""

    def atomic(self) -> AbstractContextManager[None]:
        """Writes made inside become visible to readers together (embedded) or per batch (Neo4j);
        an exception or a crash inside leaves what readers saw before."""


@runtime_checkable
class GraphReader(Protocol):
    """Where queries, ``stats``, exports and analyses read the graph; nothing here writes."""

    name: str

    def query(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        """Run a read-only query; one that would write raises ``StoreError``. With ``timeout``
        (seconds) the store stops it after that long and ``QueryTimeout`` is raised."""

    def counts(self) -> GraphCounts:
        """Papers, entities per label, relationships per type, results."""

    def export(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """All nodes (``{"id", "label", "props"}``) and relationships (``{"source", "target", "type", "props"}``)."""


@runtime_checkable
class RunLog(Protocol):
    """The record of scheduled rebuilds, kept beside the graph they built."""

    def record_run(self, run: BuildRun) -> None:
        """Create the BuildRun of ``run.id``, or update it when it is there."""

    def runs(self, limit: int = 20) -> list[BuildRun]:
        """The most recent rebuilds, newest first."""


@runtime_checkable
class GraphStore(GraphWriter, GraphReader, RunLog, Protocol):
    """A place the graph lives: writer, reader and run log. Open with ``with``."""

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc: object) -> None: ...


def chunked(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
