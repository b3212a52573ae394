"""The Neo4j store: the graph in a Neo4j 5 server (or cluster, or Aura), through the official driver.

All load logic is shared with the embedded store (``cypher_store.CypherStore``); this module
provides its three primitives the Neo4j way:

- every statement runs in a managed transaction (``execute_write`` / ``execute_read``), so the
  driver retries transient failures (deadlocks, leader switches, a restarting server) for up
  to ``retry_time`` seconds; reads run in read transactions, which Neo4j refuses to write in;
- every call names its database (resolved once at open when none is given);
- one session per store, so each read sees the writes before it, also on a cluster;
- driver failures become ``StoreError`` with a next step; the password never appears in one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from kgbuild import __version__
from kgbuild.errors import InputError, QueryTimeout, StoreError
from kgbuild.models import QueryResult
from kgbuild.stores import dialect
from kgbuild.stores.cypher_store import DEFAULT_BATCH_SIZE, CypherStore

log = logging.getLogger("kgbuild.stores.neo4j")

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_USER = "neo4j"
RERUN_HINT = ("run the same command again once Neo4j is reachable: papers whose load was cut off "
              "are written again and the result is the same graph as an uninterrupted run")


def _plain(value: Any) -> Any:
    """Driver values to plain Python: nodes and relationships become their property maps."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(node) for node in value.nodes]
    iso_format = getattr(value, "iso_format", None)  # neo4j.time Date, DateTime, Duration...
    if callable(iso_format):
        return iso_format()
    return value


def _error_codes(exc: Exception) -> set[str]:
    """The status codes of a failure: the driver's, and the raw one a server sent outside the
    fields the driver reads (FalkorDB's Bolt puts its codes there, e.g. on a failed login)."""
    codes = {str(getattr(exc, "code", None) or "")}
    metadata = getattr(exc, "metadata", None)
    if isinstance(metadata, dict) and metadata.get("code"):
        codes.add(str(metadata["code"]))
    return codes - {""}


def _is_forbidden(exc: Exception) -> bool:
    return isinstance(exc, neo4j_errors.Forbidden) or any(c.endswith("Security.Forbidden") for c in _error_codes(exc))


def display_uri(uri: str) -> str:
    """The URI without any user:password@ part, fit for messages and logs."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host).geturl()


class Neo4jStore(CypherStore):
    name = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, *,
                 retry_time: float = 30.0, connection_timeout: float = 30.0) -> None:
        scheme = urlsplit(uri).scheme.lower()
        if scheme not in SCHEMES:
            raise InputError(f"cannot use {display_uri(uri)!r} as a Neo4j URI",
                             hint="use bolt://HOST:7687 (one server) or neo4j://HOST:7687 (routing: clusters, "
                                  "Aura), with +s for TLS: neo4j+s://xxxx.databases.neo4j.io")
        if urlsplit(uri).password is not None:
            raise InputError("the Neo4j URI must not contain a password",
                             hint="pass the user with --neo4j-user and the password in NEO4J_PASSWORD")
        self.uri = uri
        self.user = user or (DEFAULT_USER if password else None)
        self._password = password or ""
        self.requested_database = database or None
        self.database: str | None = self.requested_database
        self.batch_size = batch_size
        self.retry_time = retry_time
        self.connection_timeout = connection_timeout
        self.schema_dialect: str | None = None  # "neo4j", or "falkordb" when a FalkorDB server answers
        self.schema_notes: list[str] = []
        self._driver: neo4j.Driver | None = None
        self._session: neo4j.Session | None = None

    def __repr__(self) -> str:
        return f"Neo4jStore({self.location!r}, user={self.user!r})"

    @property
    def location(self) -> str:
        return f"{display_uri(self.uri)} (database {self.database or 'default'})"

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Neo4jStore:
        log.debug("connecting to %s as %s", display_uri(self.uri), self.user or "(no auth)")
        try:
            try:
                self._connect(filter_notifications=True)
            except neo4j_errors.ConfigurationError as exc:
                if "otification filtering" not in str(exc):
                    raise self._store_error(exc, writing=False, doing="connect") from exc
                # Bolt < 5.2 (Neo4j before 5.7) cannot filter notifications: do without.
                self.close()
                try:
                    self._connect(filter_notifications=False)
                except neo4j_errors.ConfigurationError as again:
                    raise self._store_error(again, writing=False, doing="connect") from again
            if self.database is None:
                try:
                    self.database = self._home_database()
                except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
                    raise self._store_error(exc, writing=False, doing="connect") from exc
            self._ensure_schema(strict=False)
        except BaseException:
            self.close()
            raise
        return self

    def _connect(self, filter_notifications: bool) -> None:
        auth = neo4j.basic_auth(self.user, self._password) if self.user else None
        # Performance hints on pack queries would reach the user as log noise; the statements
        # are linted for deprecations instead (tests/test_cypher_lint.py).
        extra = {"notifications_min_severity": "OFF"} if filter_notifications else {}
        try:
            self._driver = neo4j.GraphDatabase.driver(
                self.uri, auth=auth, user_agent=f"kgbuild/{__version__}",
                max_transaction_retry_time=self.retry_time, connection_timeout=self.connection_timeout, **extra)
        except (neo4j_errors.ConfigurationError, ValueError) as exc:
            raise InputError(f"cannot use the Neo4j URI {display_uri(self.uri)}: {self._scrub(str(exc))}",
                             hint="use bolt://HOST:7687 or neo4j://HOST:7687 (+s for TLS)") from None
        try:
            self._driver.verify_connectivity()
        except neo4j_errors.ConfigurationError:
            raise
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise self._store_error(exc, writing=False, doing="connect") from exc

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        session, driver = self._session, self._driver
        self._session = self._driver = None
        self.database = self.requested_database
        for closeable in (session, driver):
            if closeable is None:
                continue
            try:
                closeable.close()
            except (neo4j_errors.DriverError, neo4j_errors.Neo4jError, OSError):
                pass  # the server is gone already; nothing is left to release on its side

    def _home_database(self) -> str | None:
        """The user's home database, so every later call can name it."""
        with self._require_driver().session(database=None) as session:
            try:
                rows = self._run_read(session, dialect.NEO4J_HOME_DATABASE, {}).rows
            except neo4j_errors.Neo4jError:
                # Not Neo4j 5 (a FalkorDB server speaking Bolt): it has one graph and ignores names.
                return None
        return str(rows[0][0]) if rows else None

    # -- primitives ---------------------------------------------------------------------------

    def _require_driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise StoreError("the Neo4j store is not open", hint="use the store inside a 'with' block")
        return self._driver

    def _get_session(self) -> neo4j.Session:
        """The store's one session: on its database, chaining each transaction after the last."""
        if self._session is None:
            self._session = self._require_driver().session(database=self.database)
        return self._session

    def _write(self, cypher: str, params: Mapping[str, Any]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(cypher, dict(params)).consume()

        try:
            self._get_session().execute_write(work)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise self._store_error(exc, writing=True) from exc

    def _read(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        try:
            return self._run_read(self._get_session(), cypher, params or {}, timeout)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            if timeout is not None and any("TransactionTimedOut" in c for c in _error_codes(exc)):
                raise QueryTimeout(f"the query was stopped after {timeout:g} s",
                                   hint="narrow it with its parameters (a smaller limit), or allow it "
                                        "longer") from exc
            raise self._store_error(exc, writing=False) from exc

    @staticmethod
    def _run_read(session: neo4j.Session, cypher: str, params: Mapping[str, Any],
                  timeout: float | None = None) -> QueryResult:
        def work(tx: neo4j.ManagedTransaction) -> QueryResult:
            result = tx.run(cypher, dict(params))
            columns = [str(key) for key in result.keys()]
            return QueryResult(columns=columns, rows=[[_plain(v) for v in record.values()] for record in result])

        # The server stops the transaction after ``timeout`` seconds (None: its own setting).
        return session.execute_read(neo4j.unit_of_work(timeout=timeout)(work) if timeout is not None else work)

    def ensure_schema(self) -> None:
        """Neo4j 5 constraints and indexes; on a FalkorDB server, its own index statements."""
        self._ensure_schema(strict=True)

    def _ensure_schema(self, strict: bool) -> None:
        """Create what is missing. Not strict (on open): a user who may not change the schema
        still gets a store to query, with a note; a load then fails on its first write."""
        try:
            missing = self._missing_neo4j_schema()
        except neo4j_errors.DriverError as exc:
            raise self._store_error(exc, writing=False, doing="read the schema") from exc
        statements = dialect.neo4j_schema() if missing is None else missing
        try:
            if statements:
                self._schema_write(statements[0])
        except neo4j_errors.Neo4jError as exc:
            if self._is_falkordb():
                self._falkordb_schema()
                return
            error = self._store_error(exc, writing=True, doing="create the schema")
            if strict or not _is_forbidden(exc):
                raise error from exc
            self.schema_dialect = "neo4j"
            self.schema_notes = [f"{error} ({error.hint})"]
            log.warning("%s", self.schema_notes[0])
            return
        except neo4j_errors.DriverError as exc:
            raise self._store_error(exc, writing=True, doing="create the schema") from exc
        try:
            for statement in statements[1:]:
                self._schema_write(statement)
            if statements:
                self._schema_write(dialect.NEO4J_AWAIT_INDEXES)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise self._store_error(exc, writing=True, doing="create the schema") from exc
        self.schema_dialect = "neo4j"
        self.schema_notes = []

    def _missing_neo4j_schema(self) -> list[str] | None:
        """The schema statements still to run, or None when the server cannot tell (not Neo4j 5,
        or no privilege to list the schema): then all of them run, being idempotent."""
        session = self._get_session()
        try:
            constraints = self._run_read(session, dialect.NEO4J_SHOW_CONSTRAINTS, {}).rows
            indexes = self._run_read(session, dialect.NEO4J_SHOW_INDEXES, {}).rows
        except neo4j_errors.Neo4jError:
            return None
        return dialect.neo4j_missing_schema(constraints, indexes)

    def _schema_write(self, statement: str) -> None:
        self._get_session().execute_write(lambda tx: tx.run(statement).consume())

    def _is_falkordb(self) -> bool:
        try:
            self._run_read(self._get_session(), dialect.FALKORDB_INDEXES, {})
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError):
            return False
        return True

    def _falkordb_schema(self) -> None:
        """What can be done over FalkorDB's Bolt: its indexes; its constraints are not Cypher."""
        try:
            rows = self._run_read(self._get_session(), dialect.FALKORDB_INDEXES, {}).rows
            indexed = {(str(label), str(prop)) for label, props in rows for prop in props}
            for statement in dialect.falkordb_bolt_schema(indexed):
                self._schema_write(statement)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise self._store_error(exc, writing=True, doing="create the FalkorDB indexes") from exc
        self.schema_dialect = "falkordb"
        self.schema_notes = [
            f"{display_uri(self.uri)} is a FalkorDB server speaking Bolt, not Neo4j: created its indexes "
            "with FalkorDB statements; uniqueness constraints cannot be created over Bolt",
        ]
        for note in self.schema_notes:
            log.warning("%s", note)

    # -- errors -------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "***")
        return re.sub(r"(\w+://)[^/@\s]*@", r"\1", text)

    def _store_error(self, exc: Exception, writing: bool, doing: str | None = None) -> StoreError:
        """A driver failure as a StoreError that says what happened and what to do."""
        where = display_uri(self.uri)
        doing = doing or ("write to the graph" if writing else "read the graph")
        code = getattr(exc, "code", None) or ""
        codes = _error_codes(exc)
        detail = self._scrub(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
        if any(c.endswith("Security.AuthenticationRateLimit") for c in codes):
            return StoreError(f"Neo4j at {where} refuses logins for now: too many failed attempts",
                              hint="wait a few seconds, then check NEO4J_USERNAME and NEO4J_PASSWORD")
        if any(c.endswith("Security.CredentialsExpired") for c in codes):
            return StoreError(f"the password of user '{self.user}' on {where} has expired",
                              hint="set a new one (Neo4j Browser asks for it at login, or ALTER CURRENT USER SET "
                                   "PASSWORD FROM ... TO ...), then put it in NEO4J_PASSWORD")
        if isinstance(exc, neo4j_errors.AuthError) or any(c.endswith("Security.Unauthorized") for c in codes):
            return StoreError(f"Neo4j at {where} refused to log in user '{self.user or '(none)'}'",
                              hint="check --neo4j-user / NEO4J_USERNAME and the password in NEO4J_PASSWORD")
        if _is_forbidden(exc):
            return StoreError(f"user '{self.user}' may not {doing} in {self.location}: {detail}",
                              hint="grant the user the needed privileges (a load needs write access and, "
                                   "for the schema, permission to create constraints and indexes)")
        if any(c.endswith("Database.DatabaseNotFound") for c in codes):
            return StoreError(f"there is no database '{self.database}' on {where}",
                              hint="pass the name of an existing database with --database / NEO4J_DATABASE, "
                                   "or leave it out to use the server's default")
        if any(c.endswith("Statement.AccessMode") for c in codes) and not writing:
            return StoreError(f"queries are read-only, and this one tries to write ({detail})",
                              hint="remove the writing clause; kgbuild build is what changes the graph")
        if isinstance(exc, neo4j_errors.IncompleteCommit):
            return StoreError(f"lost the connection to Neo4j at {where} while committing a write; "
                              "the last batch may or may not have been written", hint=RERUN_HINT)
        if isinstance(exc, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired)):
            if writing:
                return StoreError(f"lost the connection to Neo4j at {where} while trying to {doing} "
                                  f"(gave up after retrying for {self.retry_time:g}s): {detail}", hint=RERUN_HINT)
            return StoreError(f"cannot reach Neo4j at {where} ({detail})",
                              hint="check that the server is running and the URI: bolt://HOST:7687 for one "
                                   "server, neo4j://HOST:7687 for a cluster or Aura, +s for TLS")
        if isinstance(exc, neo4j_errors.TransientError):
            return StoreError(f"Neo4j kept failing to {doing} with a temporary error, also after retrying "
                              f"for {self.retry_time:g}s: {code}: {detail}",
                              hint="run the command again; if it keeps happening, lower --batch-size")
        if doing == "create the schema" and any(".Schema." in c for c in codes):
            return StoreError(f"cannot create kgbuild's constraints and indexes in {self.location}: {detail}",
                              hint="the database holds nodes with duplicate keys, or an index or constraint "
                                   "of its own on the same property (see SHOW INDEXES): drop it, or use an "
                                   "empty database")
        if isinstance(exc, neo4j_errors.ClientError) and not writing:
            return StoreError(f"query failed: {code}: {detail}", hint="check the query text and its parameters")
        if isinstance(exc, neo4j_errors.Neo4jError):
            return StoreError(f"Neo4j could not {doing} in {self.location}: {code}: {detail}",
                              hint="report this as a kgbuild bug, with the command you ran and the Neo4j version")
        if doing == "connect":
            return StoreError(f"the Neo4j driver cannot connect to {where}: {type(exc).__name__}: {detail}",
                              hint="check the URI scheme: +s needs a certificate the machine trusts, +ssc also "
                                   "accepts a self-signed one, and plain bolt:// or neo4j:// uses no TLS")
        return StoreError(f"the Neo4j driver failed to {doing} on {where}: {type(exc).__name__}: {detail}",
                          hint=RERUN_HINT)
