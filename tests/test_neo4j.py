"""The Neo4j backend against a real Neo4j 5: the server tests/neo4j builds from Maven Central.

conftest.py starts it once per run (``neo4j_target``: 127.0.0.1, free ports, a temporary data
directory, authentication on with a generated password) or uses the one NEO4J_URI names. Tests
that kill a server or import into one start their own (``neo4j_servers``). Besides these, the
store contract suites (test_store_*_contract.py) and the query packs' golden answers
(test_packs.py) run on the same server.
"""

from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner
from conftest import Neo4jTarget
from factories import paper_extraction
from neo4j import exceptions as neo4j_errors
from neo4j_server import Neo4jStartError, neo4j_admin, start_neo4j
from test_neo4j_bolt import PASSWORD, corpus, pack_params
from test_neo4j_import import store_graph

from kgbuild.cli import cli
from kgbuild.errors import StoreError
from kgbuild.graph import to_graph
from kgbuild.queries import load_packs
from kgbuild.stores import dialect
from kgbuild.stores import statements as st
from kgbuild.stores.falkordb_store import FalkorDBStore
from kgbuild.export.neo4j_import import export_for_neo4j_import
from kgbuild.stores.neo4j_store import Neo4jStore

SAMPLE_FILE = Path(__file__).parent.parent / "examples" / "sample" / "000_41274441ca6ed97e.txt"
BATCH = 5  # rows per transaction: the 12-paper corpus takes several transactions per statement


@pytest.fixture
def target(neo4j_target: Neo4jTarget) -> Neo4jTarget:
    """The session's Neo4j, emptied."""
    neo4j_target.wipe()
    return neo4j_target


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):
    """The corpus as the embedded store holds it: what Neo4j must hold too."""
    with FalkorDBStore(tmp_path_factory.mktemp("reference"), batch_size=BATCH) as store:
        store.write(corpus())
        packs = {name: store.query(query.cypher, pack_params(query)) for name, query in load_packs().items()}
        return {"counts": store.counts(), "export": store.export(), "packs": packs}


def count(target_or_uri, auth, cypher: str, database: str | None = None) -> int:
    """Counted through a driver of its own, not through the store under test."""
    with neo4j.GraphDatabase.driver(target_or_uri, auth=auth) as driver:
        return driver.execute_query(cypher, database_=database).records[0][0]


# -- the server ---------------------------------------------------------------------------------

def test_the_server_is_neo4j_5_on_loopback_with_authentication(launched_neo4j):
    server = launched_neo4j
    assert server.bolt_uri.startswith("bolt://127.0.0.1:") and server.http_uri.startswith("http://127.0.0.1:")
    with neo4j.GraphDatabase.driver(server.bolt_uri, auth=server.auth) as driver:
        agent = driver.get_server_info().agent
        listen = driver.execute_query("CALL dbms.listConfig('server.bolt.listen_address') YIELD value "
                                      "RETURN value", database_="system").records[0][0]
        auth_on = driver.execute_query("CALL dbms.listConfig('dbms.security.auth_enabled') YIELD value "
                                       "RETURN value", database_="system").records[0][0]
    assert agent == f"Neo4j/{server.version}" and server.version.startswith(("5.", "202"))
    assert server.edition == "community"
    assert listen.rsplit(":", 1)[0] == "127.0.0.1" and auth_on == "true"  # port 0: the kernel picked it
    with neo4j.GraphDatabase.driver(server.bolt_uri, auth=None) as anonymous:
        with pytest.raises(neo4j_errors.AuthError):
            anonymous.verify_connectivity()
    # What it tells HTTP clients (Neo4j Browser among them) names the ports it listens on, so
    # routing (neo4j://) works too; and Neo4j Browser is served.
    with urllib.request.urlopen(server.http_uri) as response:
        discovery = json.load(response)
    assert discovery["bolt_direct"] == server.bolt_uri
    assert discovery["bolt_routing"] == server.bolt_uri.replace("bolt://", "neo4j://")
    with Neo4jStore(discovery["bolt_routing"], user=server.user, password=server.password) as store:
        assert store.query("RETURN 1 AS one").rows == [[1]]
    with urllib.request.urlopen(f"{server.http_uri}/browser/") as response:
        assert "<title>Neo4j Browser</title>" in response.read().decode()


def test_a_server_that_cannot_start_says_why(launched_neo4j, tmp_path: Path):
    taken = int(launched_neo4j.bolt_uri.rsplit(":", 1)[1])
    with pytest.raises(Neo4jStartError) as caught:
        start_neo4j(tmp_path / "second", bolt_port=taken, timeout=180)
    message = str(caught.value)
    assert "the test Neo4j" in message and "exited with 2" in message
    assert f"127.0.0.1:{taken}" in message or "already in use" in message.lower(), message
    assert str(tmp_path / "second") in message  # where its logs are


# -- schema -------------------------------------------------------------------------------------

def test_schema_is_every_constraint_and_index_and_is_created_once(target: Neo4jTarget):
    class Counting(Neo4jStore):
        schema_writes = 0

        def _schema_write(self, statement):
            Counting.schema_writes += 1
            super()._schema_write(statement)

    with neo4j.GraphDatabase.driver(target.uri, auth=target.auth) as driver:
        for row in driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name", database_=target.database).records:
            driver.execute_query(f"DROP CONSTRAINT `{row[0]}`", database_=target.database)
        for row in driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
                                        database_=target.database).records:
            driver.execute_query(f"DROP INDEX `{row[0]}`", database_=target.database)
    with Counting(target.uri, user=target.user, password=target.password, database=target.database) as store:
        assert store.schema_dialect == "neo4j" and store.schema_notes == []
        constraints = store.query("SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties "
                                  "RETURN type, entityType, labelsOrTypes, properties").rows
        indexes = store.query("SHOW INDEXES YIELD name, type, state, entityType, labelsOrTypes, properties "
                              "RETURN name, type, state, entityType, labelsOrTypes, properties").rows
    created = Counting.schema_writes
    assert created == len(dialect.neo4j_schema()) + 1  # and db.awaitIndexes()
    assert sorted((labels[0], props[0]) for kind, entity, labels, props in constraints
                  if kind.endswith("UNIQUENESS") and entity == "NODE") == sorted(st.NODE_KEYS.items())
    assert len(constraints) == len(st.NODE_KEYS)
    assert all(state == "ONLINE" for _, _, state, *_ in indexes)
    ranged = {(entity, labels[0], props[0]) for _, kind, _, entity, labels, props in indexes if kind == "RANGE"}
    assert {("NODE", label, prop) for label, prop in dialect.EXTRA_INDEXES} <= ranged
    assert {("RELATIONSHIP", rel, prop) for rel, prop in dialect.RELATIONSHIP_INDEXES} <= ranged
    assert dialect.neo4j_missing_schema(
        [row for row in constraints], [[k, e, ls, ps] for _, k, _, e, ls, ps in indexes]) == []
    # Opened again, and asked explicitly: nothing is created twice, nothing fails.
    with Counting(target.uri, user=target.user, password=target.password, database=target.database) as store:
        store.ensure_schema()
    assert Counting.schema_writes == created


def test_a_duplicate_key_is_refused_by_the_constraint_and_the_batch_writes_nothing(target: Neo4jTarget):
    with target.store(batch_size=BATCH) as store:
        store.write(corpus())
        before = store.counts()
        with pytest.raises(StoreError) as caught:
            # One statement, three rows: the third repeats a key, so the whole transaction fails.
            store._write("UNWIND $rows AS row CREATE (p:Paper {id: row.id, title: row.title})",
                         {"rows": [{"id": "new-1", "title": "a"}, {"id": "new-2", "title": "b"},
                                   {"id": "new-1", "title": "c"}]})
        assert "ConstraintValidationFailed" in str(caught.value)
        assert store.counts() == before
    assert count(target.uri, target.auth, "MATCH (p:Paper) WHERE p.id STARTS WITH 'new-' RETURN count(p)",
                 target.database) == 0


# -- loads ----------------------------------------------------------------------------------------

def test_load_matches_the_embedded_store_reload_changes_nothing_and_packs_agree(target: Neo4jTarget, reference):
    with target.store(batch_size=BATCH) as store:
        first = store.write(corpus())
        counts, export = store.counts(), store.export()
        second = store.write(corpus())
        assert (store.counts(), store.export()) == (counts, export)
        packs = {name: store.query(query.cypher, pack_params(query)) for name, query in load_packs().items()}
    assert (first.written, second.unchanged, second.written, second.replaced) == (12, 12, 0, 0)
    assert counts == reference["counts"]
    assert export == reference["export"]
    assert packs == reference["packs"]
    assert count(target.uri, target.auth, "MATCH (p:Paper) RETURN count(p)", target.database) == 12
    assert count(target.uri, target.auth, "MATCH ()-[r]->() RETURN count(r)", target.database) == sum(
        counts.relationships.values())


def test_a_changed_paper_is_loaded_incrementally(target: Neo4jTarget):
    with target.store(batch_size=BATCH) as store:
        store.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"]), paper_extraction("p2", "CBNet", ["COCO"])],
                             "v1"))
        report = store.write(to_graph([paper_extraction("p1", "LWGANet", ["DIOR"], value=3.0),
                                       paper_extraction("p2", "CBNet", ["COCO"])], "v1"))
        rows = store.query("MATCH (m:Method)-[:EVALUATED_ON]->(d:Dataset) RETURN m.key, d.key ORDER BY m.key").rows
    assert (report.replaced, report.unchanged, report.written) == (1, 1, 0)
    assert rows == [["cbnet", "coco"], ["lwganet", "dior"]]


class KillInTransaction(Neo4jStore):
    """Kills the server while the first CREATE_EVALUATIONS transaction is open: its statement
    has run (the transaction sees its relationships), the commit never reaches the server."""

    server = None
    seen: dict = {}

    def _write(self, cypher, params):
        if cypher != st.CREATE_EVALUATIONS or self.seen:
            return super()._write(cypher, params)
        evaluations = "MATCH ()-[e:EVALUATED_ON]->() RETURN count(e)"

        def work(tx):
            if self.seen:  # a retry by the driver: the server is gone, nothing to do
                return
            before = tx.run(evaluations).single()[0]
            tx.run(cypher, dict(params)).consume()
            self.seen.update(before=before, inside=tx.run(evaluations).single()[0])
            self.server.kill()

        try:
            self._get_session().execute_write(work)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise self._store_error(exc, writing=True) from exc


def test_server_killed_mid_transaction_keeps_nothing_of_it_and_a_rerun_converges(neo4j_servers, tmp_path: Path,
                                                                               reference):
    directory = tmp_path / "killed"
    server = neo4j_servers(directory)
    KillInTransaction.server, KillInTransaction.seen = server, {}
    with pytest.raises(StoreError) as caught:
        with KillInTransaction(server.bolt_uri, user=server.user, password=server.password, batch_size=BATCH,
                               retry_time=2.0, connection_timeout=5.0) as store:
            store.write(corpus())
    assert "lost the connection to Neo4j" in str(caught.value)
    assert "run the same command again" in caught.value.hint
    seen = KillInTransaction.seen
    assert seen["inside"] > seen["before"], "the transaction had written when the server died"

    restarted = neo4j_servers(directory, password=server.password)  # same data, new ports
    with Neo4jStore(restarted.bolt_uri, user=restarted.user, password=restarted.password, batch_size=BATCH,
                    retry_time=5.0) as store:
        # Recovery replayed what was committed and nothing of the open transaction.
        assert store.query("MATCH ()-[e:EVALUATED_ON]->() RETURN count(e)").rows == [[seen["before"]]]
        hashes = store.stored_hashes([f"p{i:02d}" for i in range(1, 13)])
        assert len(hashes) == 12 and all(h is None for h in hashes.values()), "the papers' load is open"
        report = store.write(corpus())
        assert (report.replaced, report.written, report.unchanged) == (12, 0, 0)
        assert store.counts() == reference["counts"]
        assert store.export() == reference["export"]
    # Stopped as at the end of a run: cleanly, and the port is closed.
    restarted.stop()
    assert restarted.process.returncode == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(restarted.bolt_uri.rsplit(":", 1)[1])), timeout=2).close()


# -- failures a user meets ------------------------------------------------------------------------

def test_wrong_password_is_a_clear_error_without_the_password(target: Neo4jTarget, caplog):
    caplog.set_level("DEBUG")
    with pytest.raises(StoreError) as caught:
        with target.store(password=PASSWORD):
            pass
    assert f"refused to log in user '{target.user or 'neo4j'}'" in str(caught.value)
    assert "NEO4J_PASSWORD" in caught.value.hint
    assert PASSWORD not in f"{caught.value} {caught.value.hint} {caught.value!r}"
    assert not [r for r in caplog.records if PASSWORD in r.getMessage()]


def test_unknown_database_is_a_clear_error(target: Neo4jTarget):
    with pytest.raises(StoreError) as caught:
        with target.store(database="kgbuild-no-such-database"):
            pass
    assert "no database 'kgbuild-no-such-database'" in str(caught.value)
    assert "--database" in caught.value.hint


def test_unreachable_server_is_a_clear_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        uri = f"bolt://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(StoreError) as caught:
        with Neo4jStore(uri, user="neo4j", password=PASSWORD, retry_time=0.5, connection_timeout=2.0):
            pass
    assert f"cannot reach Neo4j at {uri}" in str(caught.value)
    assert "bolt://HOST:7687" in caught.value.hint


# -- the command line with --neo4j-uri -------------------------------------------------------------

def kgbuild(target: Neo4jTarget | None, *args: str, expect: int = 0) -> str:
    env = target.env() if target else {"NEO4J_URI": None, "NEO4J_PASSWORD": None, "NEO4J_USERNAME": None}
    neo4j_args = ["--neo4j-uri", target.uri] if target else []
    command, *rest = args
    result = CliRunner().invoke(cli, [command, *neo4j_args, *rest], env=env, catch_exceptions=False)
    assert result.exit_code == expect, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def sample_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file of the bundled sample: enough papers for every fact type, quick to extract."""
    directory = tmp_path_factory.mktemp("cli-input")
    shutil.copy(SAMPLE_FILE, directory)
    return directory


@pytest.fixture(scope="module")
def embedded_sample(sample_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli-embedded") / "store"
    kgbuild(None, "build", str(sample_input), "--store", str(store), "--quiet")
    return store


def test_cli_build_query_stats_export_match_the_embedded_store(target: Neo4jTarget, sample_input: Path,
                                                              embedded_sample: Path, tmp_path: Path):
    embedded = ["--store", str(embedded_sample)]
    first = kgbuild(target, "build", str(sample_input), "--quiet", "--batch-size", "50")
    again = kgbuild(target, "build", str(sample_input), "--quiet")
    papers = json.loads(kgbuild(None, "stats", "--format", "json", *embedded))["papers"]
    assert papers > 20 and f"papers         {papers} distinct" in first
    assert f"0 new, 0 changed, {papers} unchanged" in again
    assert (kgbuild(target, "stats", "--format", "json")
            == kgbuild(None, "stats", "--format", "json", *embedded))
    for query, params in [("backbones-evaluated-on", ["--param", "dataset=COCO"]), ("methods-evaluated-on",
                                                                                   ["--param", "dataset=COCO"])]:
        on_neo4j = kgbuild(target, "query", query, *params, "--format", "json")
        assert on_neo4j == kgbuild(None, "query", query, *params, "--format", "json", *embedded)
        assert json.loads(on_neo4j), f"{query} found nothing in the sample file"
    kgbuild(target, "export", "--format", "json", "--out", str(tmp_path / "neo4j.json"))
    kgbuild(None, "export", "--format", "json", "--out", str(tmp_path / "embedded.json"), *embedded)
    assert json.loads((tmp_path / "neo4j.json").read_text()) == json.loads((tmp_path / "embedded.json").read_text())


def test_cli_rebuild_on_neo4j_is_incremental_and_recorded(target: Neo4jTarget, sample_input: Path, tmp_path: Path):
    config = tmp_path / "kgbuild.toml"
    config.write_text(f'[[sources]]\npaths = ["{sample_input.as_posix()}"]\n\n[store]\nbackend = "neo4j"\n\n'
                      f'[options]\nstate_dir = "{(tmp_path / "state").as_posix()}"\n')
    first = json.loads(_rebuild(target, config))
    second = json.loads(_rebuild(target, config))
    assert first["outcome"] == second["outcome"] == "succeeded"
    assert first["papers_added"] > 20 and second["papers_added"] == 0
    assert second["papers_unchanged"] == first["papers_added"]
    with target.store() as store:
        runs = store.query("MATCH (r:BuildRun) RETURN r.outcome ORDER BY r.started").rows
    assert runs == [["succeeded"], ["succeeded"]]


def _rebuild(target: Neo4jTarget, config: Path) -> str:
    """kgbuild rebuild takes its store from the configuration, the connection from the environment."""
    result = CliRunner().invoke(cli, ["rebuild", "--config", str(config), "--json", "--quiet"], env=target.env(),
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_wrong_password_and_unknown_database_fail_clearly(target: Neo4jTarget):
    wrong = Neo4jTarget(target.uri, target.user or "neo4j", PASSWORD, target.database)
    output = kgbuild(wrong, "stats", expect=1)
    assert "refused to log in" in output and PASSWORD not in output
    output = kgbuild(target, "stats", "--database", "kgbuild-no-such-database", expect=1)
    assert "no database 'kgbuild-no-such-database'" in output


# -- neo4j-admin database import full ---------------------------------------------------------------

def test_neo4j_admin_imports_the_export_into_the_graph_the_loader_builds(neo4j_servers, sample_input: Path,
                                                                       embedded_sample: Path, tmp_path: Path):
    summary = export_for_neo4j_import([str(sample_input)], tmp_path / "import")
    assert summary.argv[0] == "neo4j-admin"
    home = tmp_path / "home"
    imported = neo4j_admin(summary.argv[1:], home)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "IMPORT DONE" in imported.stdout + imported.stderr
    server = neo4j_servers(home)
    with Neo4jStore(server.bolt_uri, user=server.user, password=server.password) as store:
        assert store.schema_dialect == "neo4j"  # the constraints go on the imported data
        on_neo4j = store_graph(store)
        hashes = store.stored_hashes([key for label, key in on_neo4j[0] if label == "Paper"])
    with FalkorDBStore(embedded_sample) as store:
        assert on_neo4j == store_graph(store)
    assert hashes and all(hashes.values())  # a later build skips the imported papers
