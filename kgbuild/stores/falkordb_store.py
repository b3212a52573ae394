"""The embedded store: a FalkorDB server kgbuild runs itself, in one directory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from kgbuild.errors import KgbuildError, QueryTimeout, StoreError
from kgbuild.models import QueryResult
from kgbuild.stores import default_store_dir, dialect
from kgbuild.stores.cypher_store import DEFAULT_BATCH_SIZE, CypherStore
from kgbuild.stores.embedded_server import EmbeddedServer
from kgbuild.stores.falkordb_params import params_header
from kgbuild.stores.statements import NODE_KEYS
from kgbuild.stores.write_pipeline import PipelinedWriter

GRAPH_NAME = "kgbuild"
# Where an atomic rebuild writes before its result replaces GRAPH_NAME in one RENAME.
STAGING_GRAPH = "kgbuild:staging"


def _plain(value: Any) -> Any:
    """Driver values to plain Python (nodes and edges become their property maps)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    properties = getattr(value, "properties", None)
    if isinstance(properties, dict):
        return {str(k): _plain(v) for k, v in properties.items()}
    return value


class FalkorDBStore(CypherStore):
    name = "embedded"

    def __init__(self, directory: Path | str | None = None, wait: float = 0.0,
                 batch_size: int = DEFAULT_BATCH_SIZE, bolt_port: int | None = None,
                 read_only: bool = False) -> None:
        """``read_only``: a reader, served while a writer (build, rebuild) runs on the same
        directory; it sees the graph as the writer's last completed statement left it, and
        during a rebuild the previous graph."""
        self.directory = Path(directory) if directory is not None else default_store_dir()
        self.batch_size = batch_size
        self.read_only = read_only
        self._server = EmbeddedServer(self.directory, lock_timeout=wait, bolt_port=bolt_port,
                                      writer=not read_only)
        self._graph = None
        self._client: FalkorDB | None = None
        self._writer: PipelinedWriter | None = None
        self._stage_on_write = False

    def __enter__(self) -> FalkorDBStore:
        self._server.start()
        self._client = FalkorDB(unix_socket_path=self._server.socket_path)
        self._writer = PipelinedWriter(self._server.socket_path)
        self._graph = self._client.select_graph(GRAPH_NAME)
        if self.read_only:
            return self
        try:
            # A rebuild that died before its swap leaves its staging copy behind; readers
            # never saw it, and the next rebuild starts a fresh one.
            self._drop_graph(STAGING_GRAPH)
            self.ensure_schema()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            try:
                self._wait_for_writes()
            except BaseException:
                self.close()
                raise
        self.close()

    def close(self) -> None:
        try:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                writer.discard()
                writer.close()
            if self._client is not None:
                client, self._client, self._graph = self._client, None, None
                try:
                    client.connection.close()
                except (redis.exceptions.RedisError, OSError):
                    pass
        finally:
            self._server.stop()  # also when the steps above fail: no server is left running

    @property
    def location(self) -> str:
        return str(self.directory)

    # -- atomic rebuilds ---------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes go to a copy of the graph that replaces it at the end in one RENAME.

        The copy is made at the first write, so a run that changes nothing costs nothing.
        An exception (or a kill) before the swap leaves the graph as readers knew it.
        """
        self._stage_on_write = True
        try:
            yield
        except BaseException:
            self._stage_on_write = False
            if self._writer is not None:
                self._writer.discard()
            if self._client is not None:
                self._graph = self._client.select_graph(GRAPH_NAME)
                try:
                    self._drop_graph(STAGING_GRAPH)
                except (KgbuildError, redis.exceptions.RedisError):
                    pass  # the next writer to open the store drops it
            raise
        staged = self._graph is not None and self._graph.name == STAGING_GRAPH
        self._stage_on_write = False
        if staged:
            self._command("RENAME", STAGING_GRAPH, GRAPH_NAME)
            self._graph = self._client.select_graph(GRAPH_NAME)

    def _start_staging(self) -> None:
        self._stage_on_write = False
        if GRAPH_NAME in self._graph_names():
            self._command("GRAPH.COPY", GRAPH_NAME, STAGING_GRAPH)
            self._graph = self._client.select_graph(STAGING_GRAPH)
        else:
            self._graph = self._client.select_graph(STAGING_GRAPH)
            self.ensure_schema()

    def _graph_names(self) -> set[str]:
        return {n.decode() if isinstance(n, bytes) else str(n) for n in self._command("GRAPH.LIST")}

    def _drop_graph(self, name: str) -> None:
        if name in self._graph_names():
            self._command("GRAPH.DELETE", name)

    def _command(self, *args: str):
        self._wait_for_writes()
        try:
            return self._client.connection.execute_command(*args)
        except redis.exceptions.ConnectionError as exc:
            raise StoreError(f"lost the embedded FalkorDB server: {exc}",
                             hint="run the command again; the graph is as the last completed run left it") from exc

    # -- primitives ---------------------------------------------------------------------------

    def _require_graph(self):
        if self._graph is None:
            raise StoreError("the embedded store is not open", hint="use the store inside a 'with' block")
        return self._graph

    def _write(self, cypher: str, params: Mapping[str, Any]) -> None:
        """Sends the statement and returns before it has run (see write_pipeline); reads,
        commands and ``_wait_for_writes`` wait for it."""
        if self.read_only:
            raise StoreError("this store was opened for reading", hint="open it without read_only to write")
        if self._stage_on_write:
            self._start_staging()
        graph = self._require_graph()
        with self._write_errors():
            self._writer.send(graph.name, params_header(params) + dialect.falkordb_write(cypher))

    def _wait_for_writes(self) -> None:
        if self._writer is not None:
            with self._write_errors():
                self._writer.drain()

    @contextmanager
    def _write_errors(self) -> Iterator[None]:
        try:
            yield
        except redis.exceptions.ConnectionError as exc:
            raise StoreError(f"lost the embedded FalkorDB server while writing: {exc}",
                             hint="run the same command again; the load resumes where it stopped") from exc
        except redis.exceptions.ResponseError as exc:
            raise StoreError(f"the embedded store rejected a write: {exc}",
                             hint="report this as a kgbuild bug, with the command you ran") from exc

    def _read(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        self._wait_for_writes()
        # FalkorDB takes whole milliseconds; 0 would mean its default, not "at once".
        limit = max(1, round(timeout * 1000)) if timeout is not None else None
        try:
            result = self._require_graph().ro_query(params_header(params or {}) + cypher, timeout=limit)
        except redis.exceptions.ConnectionError as exc:
            raise StoreError(f"lost the embedded FalkorDB server: {exc}",
                             hint="run the command again") from exc
        except redis.exceptions.ResponseError as exc:
            if "empty key" in str(exc):  # nothing was ever written: an empty graph
                return QueryResult(columns=[], rows=[])
            if "timed out" in str(exc).lower():
                raise QueryTimeout(f"the query was stopped after {timeout:g} s",
                                   hint="narrow it with its parameters (a smaller limit), or allow it "
                                        "longer") from exc
            raise StoreError(f"query failed: {exc}", hint="check the query text and its parameters") from exc
        columns = [str(h[1]) if isinstance(h, (list, tuple)) else str(h) for h in result.header]
        return QueryResult(columns=columns, rows=[[_plain(v) for v in row] for row in result.result_set])

    def ensure_schema(self) -> None:
        # Indexes must exist before the first write: MERGE on an unindexed key is a full scan.
        self._wait_for_writes()
        graph = self._require_graph()
        indexed = self._schema_pairs("CALL db.indexes() YIELD label, properties RETURN label, properties")
        for label, prop in dialect.indexed_properties():
            if (label, prop) not in indexed:
                graph.query(dialect.falkordb_index(label, prop))
        for rel_type, prop in dialect.RELATIONSHIP_INDEXES:
            if (rel_type, prop) not in indexed:
                graph.query(dialect.falkordb_relationship_index(rel_type, prop))
        constrained = self._schema_pairs(
            "CALL db.constraints() YIELD label, properties RETURN label, properties")
        for label, prop in NODE_KEYS.items():
            if (label, prop) in constrained:
                continue
            try:
                self._client.connection.execute_command(
                    *dialect.falkordb_unique_constraint(graph.name, label, prop))
            except redis.exceptions.ResponseError as exc:
                raise StoreError(f"cannot create the uniqueness constraint on {label}.{prop}: {exc}",
                                 hint="the store may hold duplicate keys; rebuild into a new --store") from exc

    def _schema_pairs(self, cypher: str) -> set[tuple[str, str]]:
        try:
            rows = self._require_graph().ro_query(cypher).result_set
        except redis.exceptions.ResponseError as exc:
            if "empty key" in str(exc):  # a graph with nothing written yet has no schema
                return set()
            raise
        return {(label, prop) for label, props in rows for prop in props}
