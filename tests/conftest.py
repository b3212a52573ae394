from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kgbuild.stores.neo4j_store import Neo4jStore
from kgbuild.stores.statements import NODE_KEYS

sys.path.insert(0, str(Path(__file__).parent))

from neo4j_server import (  # noqa: E402  (tests/ is on the path from here on)
    Neo4jServer,
    Neo4jStartError,
    Neo4jUnavailable,
    missing_tools,
    pinned_version,
    start_neo4j,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="session")
def extractor():
    """One extractor with the shipped models, shared by the tests that run texts through it:
    building one takes about a second, and none of them changes it."""
    from kgbuild.extract.pipeline import Extractor  # (loads spaCy: only for the tests that ask)

    return Extractor()


def _embedded(directory: Path):
    from kgbuild.stores.falkordb_store import FalkorDBStore

    return FalkorDBStore(directory)


# -- Neo4j backend: a real Neo4j, or FalkorDB's Bolt port where Java is missing ---------------

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Labels kgbuild writes; a database holding any other label is not wiped by the tests.
KGBUILD_LABELS = set(NODE_KEYS)
# FalkorDB 4.16's Bolt server crashes on a request larger than about 4 KB.
BOLT_REQUEST_LIMIT = 3500
# Rows per transaction over FalkorDB's Bolt: small, to stay under that limit.
BOLT_BATCH_SIZE = 5
# Contract tests FalkorDB's Bolt cannot pass, and why. strict: a pass would be reported.
BOLT_KNOWN_LIMITS = {
    "test_query_is_read_only": "FalkorDB's Bolt server ignores the read access mode, so a read "
                               "transaction can write; Neo4j refuses",
    "test_hostile_parameter_is_data_not_cypher": "FalkorDB's Bolt server splices string parameters "
                               "into the query text without escaping quotes: a value with a quote "
                               "fails, or runs as Cypher; Neo4j keeps parameters apart",
}


def real_neo4j_runs() -> bool:
    """Whether this run tests against a real Neo4j: the one NEO4J_URI names, else the one
    tests/neo4j_server.py starts, which needs Java and Maven. Under CI it always does (a
    missing Java fails there); elsewhere, without Java, FalkorDB's Bolt port stands in."""
    return bool(os.environ.get("NEO4J_URI")) or IN_CI or not missing_tools()


@dataclass
class Neo4jTarget:
    """Where the Neo4j tests connect: the server this run started, or NEO4J_URI's."""

    uri: str
    user: str | None
    password: str | None = field(repr=False)
    database: str | None
    server: Neo4jServer | None = None  # None: an external server (NEO4J_URI)

    @property
    def auth(self):
        return (self.user or "neo4j", self.password or "") if (self.user or self.password) else None

    def store(self, **overrides) -> Neo4jStore:
        settings = {"user": self.user, "password": self.password, "database": self.database,
                    "retry_time": 5.0, **overrides}
        return Neo4jStore(self.uri, **settings)

    def env(self) -> dict[str, str]:
        """The environment a kgbuild command needs to use this Neo4j."""
        env = {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.user or "", "NEO4J_PASSWORD": self.password or ""}
        if self.database:
            env["NEO4J_DATABASE"] = self.database
        return env

    def wipe(self) -> None:
        wipe_neo4j(self.uri, self.auth, self.database)


def _require_launcher() -> None:
    """Where Java or Maven is missing, the test is skipped, except under CI, where it fails."""
    missing = missing_tools()
    if not missing:
        return
    reason = (f"cannot run the test Neo4j: {' and '.join(missing)} not found "
              f"(it needs a JDK 17+ and Maven, from JAVA_HOME or PATH)")
    if IN_CI:
        pytest.fail(f"{reason}: CI must test against a real Neo4j", pytrace=False)
    pytest.skip(reason)


def _start_or_fail(directory: Path, **kwargs) -> Neo4jServer:
    """A Neo4j from tests/neo4j, or a test failed with the reason it did not start."""
    _require_launcher()
    try:
        return start_neo4j(directory, **kwargs)
    except (Neo4jUnavailable, Neo4jStartError) as exc:
        failure = str(exc)
    pytest.fail(failure, pytrace=False)


@pytest.fixture(scope="session")
def neo4j_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jTarget]:
    """The session's Neo4j: NEO4J_URI's if set, else one started from Maven Central's artifacts
    (once per run; stopped at the end). Tests using it wipe it first."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jTarget(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME"),
                          os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE"))
        return
    server = _start_or_fail(tmp_path_factory.mktemp("neo4j"))
    try:
        yield Neo4jTarget(server.bolt_uri, server.user, server.password, None, server)
    finally:
        server.stop()


@pytest.fixture
def launched_neo4j(neo4j_target: Neo4jTarget) -> Neo4jServer:
    """The session's Neo4j, for tests about the server this run starts itself."""
    if neo4j_target.server is None:
        pytest.skip("NEO4J_URI names an external Neo4j: the launcher in tests/neo4j is not used")
    return neo4j_target.server


@pytest.fixture
def neo4j_servers() -> Iterator:
    """Start more Neo4j servers from tests/neo4j (a test may kill them); all stop after the test."""
    _require_launcher()
    started: list[Neo4jServer] = []

    def start(directory: Path, **kwargs) -> Neo4jServer:
        server = _start_or_fail(directory, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


class BoltCheckedStore(Neo4jStore):
    """A Neo4jStore for FalkorDB's Bolt port that fails clearly, instead of crashing the
    server, when a test sends a request over FalkorDB's size limit."""

    def _write(self, cypher, params):
        _check_request_size(cypher, params)
        super()._write(cypher, params)

    def _read(self, cypher, params=None, **options):
        _check_request_size(cypher, params or {})
        return super()._read(cypher, params, **options)


def bolt_checked_store(uri: str, **kwargs) -> BoltCheckedStore:
    kwargs.setdefault("batch_size", BOLT_BATCH_SIZE)
    kwargs.setdefault("retry_time", 1.0)
    kwargs.setdefault("connection_timeout", 5.0)
    return BoltCheckedStore(uri, **kwargs)


def _check_request_size(cypher, params) -> None:
    size = len(cypher.encode()) + len(json.dumps(params, default=str).encode())
    assert size < BOLT_REQUEST_LIMIT, (
        f"a {size}-byte request would crash FalkorDB's Bolt server (limit ~4 KB): "
        f"use smaller rows or a smaller batch_size in this test")


# "neo4j" is opened through the neo4j_target fixture.
BACKENDS = {"embedded": _embedded, "neo4j-bolt": bolt_checked_store}


def _backend_params() -> list[str]:
    return ["embedded", "neo4j" if real_neo4j_runs() else "neo4j-bolt"]


def wipe_neo4j(uri: str, auth, database: str | None) -> None:
    """Delete every node and relationship of the database (after checking it is kgbuild's)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=auth) as driver:
        labels = driver.execute_query("MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label",
                                      database_=database).records
        foreign = sorted({r["label"] for r in labels} - KGBUILD_LABELS)
        if foreign:
            pytest.fail(f"refusing to wipe database {database or '(default)'} at {uri}: it holds nodes "
                        f"labelled {foreign}, which kgbuild never writes; point NEO4J_DATABASE at a "
                        f"scratch database")
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)


@pytest.fixture(params=_backend_params())
def open_store(request: pytest.FixtureRequest, tmp_path: Path):
    """A factory for stores of one backend, all opened on the same underlying graph."""
    if request.param == "neo4j":
        target = request.getfixturevalue("neo4j_target")
        target.wipe()
        return lambda: target.store(batch_size=50)
    factory = BACKENDS[request.param]
    location = tmp_path / "store"
    if request.param == "neo4j-bolt":
        request.getfixturevalue("bolt_no_goodbye")
        location = request.getfixturevalue("falkordb_bolt").uri
        wipe_neo4j(location, None, None)

    def opener():
        return factory(location)

    return opener


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bolt_stand_in: runs on FalkorDB's Bolt port in place of Neo4j; "
                                       "deselected where a real Neo4j runs (see real_neo4j_runs)")


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get("NEO4J_URI"):
        return "neo4j: the server NEO4J_URI names"
    if real_neo4j_runs():
        return f"neo4j: {pinned_version()} started from tests/neo4j (Maven Central)"
    return f"neo4j: FalkorDB's Bolt port stands in ({' and '.join(missing_tools())} not found)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if real_neo4j_runs():
        stand_ins = [item for item in items if item.get_closest_marker("bolt_stand_in")]
        if stand_ins:
            config.hook.pytest_deselected(items=stand_ins)
            items[:] = [item for item in items if not item.get_closest_marker("bolt_stand_in")]
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("open_store") != "neo4j-bolt":
            continue
        reason = BOLT_KNOWN_LIMITS.get(item.originalname)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


# -- FalkorDB servers with their Bolt port open -------------------------------------------------

def _bolt_server_class():
    from kgbuild.stores.embedded_server import LOG_FILE, PID_FILE, EmbeddedServer, _binaries

    class BoltFalkorDB(EmbeddedServer):
        """The embedded server, launched with Bolt open and without the append-only file.

        FalkorDB 4.16 aborts (assertion ``server.also_propagate.numops == 0`` in blocked.c)
        on the first write that arrives over Bolt while appendonly is on, which the embedded
        store always turns on. Without it, data reaches the disk on ``save()`` and on stop.
        """

        def _launch(self) -> None:
            server, module = _binaries()
            if os.path.exists(self.socket_path):
                os.unlink(self.socket_path)
            self._process = subprocess.Popen(
                [server, "--port", "0", "--unixsocket", self.socket_path, "--unixsocketperm", "700",
                 "--dir", str(self.directory), "--dbfilename", "graph.rdb", "--appendonly", "no",
                 "--save", "", "--pidfile", str(self.directory / PID_FILE),
                 "--logfile", str(self.directory / LOG_FILE),
                 "--loadmodule", module, "BOLT_PORT", str(self.bolt_port)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True)

    return BoltFalkorDB


@dataclass
class BoltServer:
    server: object  # BoltFalkorDB
    port: int
    # The graph every Bolt request goes to, whatever database the client names.
    graph: str = "falkordb"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.server._process.pid

    def redis(self):
        import redis

        return redis.Redis(unix_socket_path=self.server.socket_path, socket_timeout=10)

    def save(self) -> None:
        """Write the data to disk now (what a committed transaction is on Neo4j)."""
        self.redis().execute_command("SAVE")

    def count(self, cypher: str) -> int:
        """Ask the server over its own socket, not over Bolt: an independent check."""
        reply = self.redis().execute_command("GRAPH.RO_QUERY", self.graph, cypher)
        return int(reply[1][0][0]) if reply[1] else 0

    def stop(self) -> None:
        self.server.stop()


def _port_is_free(port: int) -> bool:
    # FalkorDB listens on every interface: the port must be free on all of them.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _listening(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def start_bolt_server(directory: Path) -> BoltServer:
    """A FalkorDB server keeping its data in ``directory``, with Bolt on a free port.

    FalkorDB 4.16 silently ignores a BOLT_PORT above 32767, so the port is drawn below the
    kernel's ephemeral range rather than asked of the kernel; a port taken between the check
    and the server's bind shows as a port that never opens, and another one is drawn.
    """
    server_class = _bolt_server_class()
    for _attempt in range(5):
        port = random.randint(20000, 32767)
        if not _port_is_free(port):
            continue
        server = server_class(directory, bolt_port=port)
        server.start()
        if _listening(port, timeout=10):
            return BoltServer(server, port)
        server.stop()
    pytest.fail("could not start FalkorDB with an open Bolt port (5 ports tried)")


@pytest.fixture
def bolt_no_goodbye(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drivers drop their connections instead of saying GOODBYE, for this test.

    FalkorDB 4.16's Bolt server stops accepting connections for good once a client has sent
    GOODBYE (what the driver does on close); existing connections keep working. Measured:
    open, query, close one driver, and the next driver hangs in the handshake. Dropping the
    socket instead is what a client that crashes does, which the server handles.
    """
    from neo4j._sync.io import Bolt

    monkeypatch.setattr(Bolt, "close", Bolt.kill)


@pytest.fixture(scope="session")
def falkordb_bolt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """One FalkorDB server speaking Bolt, shared by the session; tests wipe it before use."""
    server = start_bolt_server(tmp_path_factory.mktemp("falkordb-bolt"))
    yield server
    server.stop()


@pytest.fixture
def bolt_servers(bolt_no_goodbye) -> Iterator:
    """Start FalkorDB Bolt servers a test may kill; all are stopped after the test."""
    started: list[BoltServer] = []

    def start(directory: Path) -> BoltServer:
        server = start_bolt_server(directory)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
