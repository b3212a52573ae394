"""The embedded store interns the strings a graph repeats (``dialect.falkordb_write``): the
statements it sends wrap them in ``intern()``, and what is read back is unchanged."""

from __future__ import annotations

from pathlib import Path

from factories import paper_extraction

from kgbuild.graph import to_graph
from kgbuild.stores import dialect
from kgbuild.stores import statements as st
from kgbuild.stores.falkordb_store import FalkorDBStore


def test_repeated_values_are_interned_where_they_are_written_not_where_they_are_matched():
    sent = dialect.falkordb_write(st.CREATE_EVALUATIONS)
    matching, writing = sent.split("CREATE", 1)
    assert "intern(" not in matching
    assert "field: intern(row.field)" in writing and "evidence: intern(row.evidence)" in writing
    # Paper ids are unique to (about) one relationship: interning them would only add a pool entry.
    assert "paper: row.paper" in writing


def test_lists_of_repeated_strings_are_interned_element_by_element():
    sent = dialect.falkordb_write(st.create_mentions("Dataset"))
    assert "texts: [s IN row.texts | intern(s)]" in sent
    assert "roles: [s IN row.roles | intern(s)]" in sent
    assert "MATCH (e:Dataset {key: row.key})" in sent


def test_updates_intern_like_creates():
    sent = dialect.falkordb_write(st.UPDATE_PAPERS)
    assert "MATCH (p:Paper {id: row.id})" in sent
    assert "p.source_file = intern(row.source_file)" in sent
    assert "p.categories = [s IN row.categories | intern(s)]" in sent
    assert "p.abstract = row.abstract" in sent


def test_statements_without_stored_row_values_are_sent_as_they_are():
    for statement in (st.PAPER_HASHES, st.DELETE_PAPERS, st.create_entities("Method"), st.ADD_SIGHTINGS):
        assert dialect.falkordb_write(statement) == statement


def test_interned_values_read_back_as_the_strings_written(tmp_path: Path):
    shared_sentence = "Both reach 50.0% mAP on COCO and VOC"
    batch = to_graph([
        paper_extraction("p1", "AlphaNet", ["COCO", "VOC"], abstract=f"We propose AlphaNet. {shared_sentence}."),
        paper_extraction("p2", "BetaNet", ["COCO"]),
    ], "test-version")
    batch.papers[0]["categories"] = ["cs.CV", "cs.LG"]
    batch.papers[1]["categories"] = ["cs.CV"]
    with FalkorDBStore(tmp_path / "store") as store:
        store.write(batch)
        evaluations = store.query(
            "MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset) "
            "RETURN m.key, d.key, e.field, e.evidence, typeof(e.evidence) ORDER BY m.key, d.key").rows
        papers = store.query("MATCH (p:Paper) RETURN p.id, p.categories, p.source_file, p.extractor_version "
                             "ORDER BY p.id").rows
        mention = store.query("MATCH (:Paper {id: 'p1'})-[r:MENTIONS]->(:Method {key: 'alphanet'}) "
                              "RETURN r.field, r.text, r.texts, r.roles").rows
        by_evidence = store.query("MATCH ()-[e:EVALUATED_ON {evidence: $s}]->() RETURN count(e)",
                                  {"s": shared_sentence + "."}).rows
        by_category = store.query("MATCH (p:Paper) WHERE 'cs.CV' IN p.categories RETURN count(p)").rows
    assert evaluations == [
        ["alphanet", "coco", "abstract", shared_sentence + ".", "String"],
        ["alphanet", "voc", "abstract", shared_sentence + ".", "String"],
        ["betanet", "coco", "abstract", "BetaNet reaches 50.0% mAP on COCO.", "String"],
    ]
    assert papers == [["p1", ["cs.CV", "cs.LG"], "fixture.jsonl", "test-version"],
                      ["p2", ["cs.CV"], "fixture.jsonl", "test-version"]]
    assert mention == [["abstract", "AlphaNet", ["AlphaNet"], []]]
    assert by_evidence == [[2]] and by_category == [[2]]
