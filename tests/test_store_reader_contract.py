"""The reader contract (``kgbuild.stores.GraphReader``): what queries, ``stats``, exports and
analyses need of a store. Every backend passes these (see test_store_writer_contract.py)."""

from __future__ import annotations

import time

import pytest
from factories import paper_extraction

from kgbuild.errors import QueryTimeout, StoreError
from kgbuild.graph import to_graph
from kgbuild.models import GraphCounts
from kgbuild.stores import GraphReader

VERSION = "test-1"


def _load(store, *extractions):
    return store.write(to_graph(list(extractions), VERSION))


def test_every_backend_is_a_graph_reader(open_store):
    with open_store() as store:
        assert isinstance(store, GraphReader)


def test_an_empty_store_counts_nothing_and_exports_nothing(open_store):
    with open_store() as store:
        store.ensure_schema()
        counts = store.counts()
        nodes, relationships = store.export()
    assert counts == GraphCounts(papers=0, entities={label: 0 for label in counts.entities},
                                 relationships={kind: 0 for kind in counts.relationships}, results=0)
    assert set(counts.entities) == {"Method", "Dataset", "Metric", "Task", "Repo"}
    assert (nodes, relationships) == ([], [])


def test_export_names_every_node_and_relationship_by_label_and_key(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]))
        nodes, relationships = store.export()
        counts = store.counts()
    ids = {node["id"] for node in nodes}
    assert {"Paper:p1", "Method:lwganet", "Dataset:dota"} <= ids
    assert all(node["id"].startswith(node["label"] + ":") and isinstance(node["props"], dict) for node in nodes)
    assert len(nodes) == counts.papers + sum(counts.entities.values()) + counts.results
    assert len(relationships) == sum(counts.relationships.values())
    evaluated = [r for r in relationships if r["type"] == "EVALUATED_ON"]
    assert [(r["source"], r["target"], r["props"]["paper"]) for r in evaluated] == [("Method:lwganet", "Dataset:dota", "p1")]
    assert all(r["source"] in ids and r["target"] in ids for r in relationships)


def test_query_is_read_only(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]))
        with pytest.raises(StoreError):
            store.query("MATCH (p:Paper) DETACH DELETE p")
        assert store.counts().papers == 1


def test_hostile_parameter_is_data_not_cypher(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]))
        hostile = "DOTA'}) MATCH (n) DETACH DELETE n RETURN 1 //"
        rows = store.query("MATCH (d:Dataset) WHERE d.name = $name RETURN d.key", {"name": hostile}).rows
        assert rows == []
        assert store.counts().papers == 1


def test_results_link_method_dataset_and_metric(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"], metric="mAP", value=78.5))
        rows = store.query(
            "MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:OF_METHOD]->(m:Method) "
            "MATCH (r)-[:ON_DATASET]->(d:Dataset) MATCH (r)-[:MEASURED_BY]->(x:Metric) "
            "RETURN p.id, m.name, d.name, x.name, r.value, r.unit").rows
    assert rows == [["p1", "LWGANet", "DOTA", "mAP", 78.5, "%"]]


def test_every_fact_keeps_its_provenance(open_store):
    extraction = paper_extraction("p1", "LWGANet", ["DOTA"])
    with open_store() as store:
        _load(store, extraction)
        rows = store.query(
            "MATCH (:Method)-[e:EVALUATED_ON]->(:Dataset) RETURN e.paper, e.field, e.sentence, e.start, e.end, e.evidence"
        ).rows
    paper, field, sentence, start, end, evidence = rows[0]
    assert (paper, field, sentence) == ("p1", "abstract", 1)
    assert extraction.paper.abstract[start:end] == evidence


def test_a_query_past_its_time_limit_is_stopped_and_the_store_goes_on(open_store):
    # 300 methods: the three-way product below is 27 million rows, far past half a second.
    with open_store() as store:
        _load(store, *(paper_extraction(f"p{i}", f"Method{i}", ["DOTA"]) for i in range(300)))
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            store.query("MATCH (a:Method), (b:Method), (c:Method) WHERE a.name + b.name = c.name "
                        "RETURN a.name LIMIT 1", timeout=0.5)
        assert time.monotonic() - started < 15
        deadline = time.monotonic() + 20
        while True:
            try:
                assert store.query("MATCH (m:Method) RETURN count(m)").rows == [[300]]
                break
            except StoreError:
                # Neo4j may take a moment to stop the abandoned work
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
