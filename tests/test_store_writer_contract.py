"""The writer contract (``kgbuild.stores.GraphWriter``): what a load needs of a store.

Every backend passes these: the embedded store always, Neo4j (the real server of the
``neo4j_target`` fixture, or FalkorDB's Bolt port standing in where none runs). The facts a
write leaves are checked through the reader's ``query``, ``counts`` and ``export``.
"""

from __future__ import annotations

from factories import paper_extraction

from kgbuild.graph import to_graph
from kgbuild.models import SourceRef
from kgbuild.stores import GraphWriter
from kgbuild.stores import statements as st

VERSION = "test-1"


def _load(store, *extractions):
    return store.write(to_graph(list(extractions), VERSION))


def _snapshot(store):
    nodes, relationships = store.export()
    return nodes, relationships


def test_every_backend_is_a_graph_writer(open_store):
    with open_store() as store:
        assert isinstance(store, GraphWriter)


def test_ensure_schema_is_idempotent(open_store):
    with open_store() as store:
        store.ensure_schema()
        store.ensure_schema()
        assert store.counts().papers == 0


def test_write_creates_papers_entities_and_facts(open_store):
    with open_store() as store:
        report = _load(store, paper_extraction("p1", "LWGANet", ["DOTA", "DIOR"], backbone="ResNet-50",
                                               repo="https://github.com/acme/lwganet"))
        counts = store.counts()
    assert report.written == 1
    assert counts.papers == 1
    assert counts.entities == {"Method": 2, "Dataset": 2, "Metric": 1, "Task": 0, "Repo": 1}
    assert counts.relationships["EVALUATED_ON"] == 2
    assert counts.relationships["PROPOSES"] == 1
    assert counts.relationships["USES_BACKBONE"] == 1
    assert counts.relationships["HAS_CODE"] == 1
    assert counts.relationships["MENTIONS"] == 6
    assert counts.results == 1


def test_same_input_twice_changes_nothing(open_store):
    extractions = [paper_extraction("p1", "LWGANet", ["DOTA"]), paper_extraction("p2", "CBNet", ["COCO", "DOTA"])]
    with open_store() as store:
        _load(store, *extractions)
        before = (store.counts(), _snapshot(store))
        second = _load(store, *extractions)
        after = (store.counts(), _snapshot(store))
    assert second.unchanged == 2 and second.written == 0 and second.replaced == 0
    assert before == after


def test_changed_paper_replaces_exactly_its_own_facts(open_store):
    first = paper_extraction("p1", "LWGANet", ["DOTA", "DIOR"], value=40.0)
    other = paper_extraction("p2", "CBNet", ["DOTA"], value=60.0)
    changed = paper_extraction("p1", "LWGANet", ["NWPU"], value=41.0,
                               abstract="We propose LWGANet. LWGANet reaches 41.0% mAP on NWPU.")
    with open_store() as store:
        _load(store, first, other)
        report = _load(store, changed)
        counts = store.counts()
        evaluated = store.query(
            "MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset) RETURN m.key, d.key, e.paper ORDER BY m.key, d.key")
        datasets = store.query("MATCH (d:Dataset) RETURN d.key ORDER BY d.key")
        values = store.query("MATCH (r:Result) RETURN r.paper, r.value ORDER BY r.paper")
    assert report.replaced == 1
    assert evaluated.rows == [["cbnet", "dota", "p2"], ["lwganet", "nwpu", "p1"]]
    # DOTA stays (p2 still mentions it); DIOR, only p1 mentioned it, is gone.
    assert [r[0] for r in datasets.rows] == ["dota", "nwpu"]
    assert values.rows == [["p1", 41.0], ["p2", 60.0]]
    assert counts.papers == 2


def test_delete_papers_removes_them_and_entities_no_one_mentions(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]), paper_extraction("p2", "CBNet", ["DOTA"]))
        store.delete_papers(["p1"])
        counts = store.counts()
        methods = store.query("MATCH (m:Method) RETURN m.key ORDER BY m.key").rows
        ids = store.paper_ids()
    assert ids == ["p2"]
    assert counts.papers == 1
    assert methods == [["cbnet"]]
    assert counts.entities["Dataset"] == 1
    assert counts.relationships["EVALUATED_ON"] == 1


def test_stored_hashes_tell_unchanged_papers(open_store):
    extraction = paper_extraction("p1", "LWGANet", ["DOTA"])
    with open_store() as store:
        _load(store, extraction)
        hashes = store.stored_hashes(["p1", "missing"])
    assert hashes == {"p1": extraction.paper.content_hash(VERSION)}


def test_sightings_are_recorded_on_the_paper(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]))
        store.record_sightings({"p1": [SourceRef(file="b.txt", line=7), SourceRef(file="c.txt", line=3)]})
        rows = store.query("MATCH (p:Paper {id: 'p1'}) RETURN p.also_seen_in").rows
    assert rows == [[["b.txt:7", "c.txt:3"]]]


def test_data_survives_closing_and_reopening(open_store):
    with open_store() as store:
        _load(store, paper_extraction("p1", "LWGANet", ["DOTA"]))
        before = store.counts()
    with open_store() as store:
        assert store.counts() == before


def test_aliases_of_every_paper_in_a_batch_are_kept(open_store):
    first = paper_extraction("p1", "LWGANet", ["DOTA"])
    second = paper_extraction("p2", "CBNet", ["DOTA-v1.0"])
    for entity in second.entities:
        if entity.type == "Dataset":
            entity.key = "dota"  # resolved to the same dataset, written differently
    for relation in second.relations:
        relation.target.key = "dota"
    for result in second.results:
        result.dataset.key = "dota"
    with open_store() as store:
        _load(store, first, second)
        rows = store.query("MATCH (d:Dataset {key: 'dota'}) RETURN d.aliases, d.lookup").rows
    aliases, lookup = rows[0]
    assert set(aliases) == {"DOTA", "DOTA-v1.0"}
    assert {"dota", "dotav10"} <= set(lookup)


_SUMMARIES = """
MATCH (m:Method)-[s:EVALUATION_SUMMARY]->(d:Dataset)
RETURN m.key AS method, d.key AS dataset, s.papers AS papers, s.first_paper AS first_paper
ORDER BY method, dataset
"""
_FROM_FACTS = """
MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset)
WITH m, d, count(e) AS papers, min(e.paper) AS first_paper
RETURN m.key AS method, d.key AS dataset, papers, first_paper
ORDER BY method, dataset
"""


def _summaries(store):
    summaries = store.query(_SUMMARIES).rows
    assert summaries == store.query(_FROM_FACTS).rows, "summaries disagree with the EVALUATED_ON facts"
    return summaries


def test_evaluation_summaries_follow_writes_replacements_and_deletions(open_store):
    with open_store() as store:
        # two new papers of one batch on the same pair, then a third in a later batch
        _load(store, paper_extraction("p2", "CBNet", ["DOTA"]), paper_extraction("p3", "CBNet", ["DOTA", "DIOR"]))
        assert _summaries(store) == [["cbnet", "dior", 1, "p3"], ["cbnet", "dota", 2, "p2"]]
        _load(store, paper_extraction("p1", "CBNet", ["DOTA"]))
        assert _summaries(store) == [["cbnet", "dior", 1, "p3"], ["cbnet", "dota", 3, "p1"]]
        # p1 changes to DIOR while a new paper p4 evaluates on DOTA, in the same batch
        _load(store, paper_extraction("p1", "CBNet", ["DIOR"], value=1.0), paper_extraction("p4", "CBNet", ["DOTA"]))
        assert _summaries(store) == [["cbnet", "dior", 2, "p1"], ["cbnet", "dota", 3, "p2"]]
        store.delete_papers(["p2", "p3", "p4"])
        assert _summaries(store) == [["cbnet", "dior", 1, "p1"]]
        store.delete_papers(["p1"])
        assert _summaries(store) == []


def test_papers_of_a_load_cut_off_half_way_are_written_again_without_duplicate_facts(open_store):
    extractions = [paper_extraction("p1", "LWGANet", ["DOTA", "DIOR"], backbone="ResNet-50"),
                   paper_extraction("p2", "CBNet", ["COCO"])]
    with open_store() as store:
        _load(store, *extractions)
        complete = _snapshot(store)
        # What a load killed after its first statement leaves: its journal, naming p1.
        store._write(st.OPEN_JOURNAL, {"ids": ["p1"]})
        assert store.stored_hashes(["p1", "p2"])["p1"] is None
        assert store.stored_hashes(["p1", "p2"])["p2"] is not None
        report = _load(store, *extractions)
        assert (report.replaced, report.unchanged) == (1, 1)
        assert store.stored_hashes(["p1"])["p1"] is not None
        assert _snapshot(store) == complete
