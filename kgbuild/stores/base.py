"""The graph store contract every backend fulfils, and the load logic they share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from kgbuild.graph import GraphBatch
from kgbuild.models import BuildRun, GraphCounts, QueryResult, SourceRef, WriteReport


@runtime_checkable
class GraphStore(Protocol):
    """A place the graph lives. Open with ``with``; all methods are safe to call repeatedly."""

    name: str

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc: object) -> None: ...

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent)."""

    def stored_hashes(self, paper_ids: list[str]) -> dict[str, str | None]:
        """Content hash of each stored paper among ``paper_ids`` (None: stored but incomplete)."""

    def write(self, batch: GraphBatch) -> WriteReport:
        """Write papers with their facts, replacing the facts of papers already stored."""

    def delete_papers(self, paper_ids: list[str], keep_papers: bool = False) -> None:
        """Remove papers' facts (and the papers unless ``keep_papers``); drop entities left unmentioned."""

    def record_sightings(self, sightings: Mapping[str, list[SourceRef]]) -> None:
        """Remember further files a stored paper was seen in."""

    def paper_ids(self) -> list[str]:
        """Every stored paper id, sorted."""

    def query(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        """Run a read-only query; with ``timeout`` (seconds) the store stops it after that long
        and ``QueryTimeout`` is raised."""

    def counts(self) -> GraphCounts: ...

    def record_run(self, run: BuildRun) -> None:
        """Create or update the BuildRun node of a rebuild."""

    def runs(self, limit: int = 20) -> list[BuildRun]:
        """The most recent rebuilds, newest first."""

    def atomic(self) -> AbstractContextManager[None]:
        """Writes made inside become visible to readers together (embedded) or per batch (Neo4j);
        an exception or a crash inside leaves what readers saw before."""

    def export(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """All nodes (``{"id", "label", "props"}``) and relationships (``{"source", "target", "type", "props"}``)."""


def chunked(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
