"""Any text in any field of a record is stored exactly, or the record is a reject: never a
failed write batch. Runs on the real embedded store, and on the real Neo4j the test run starts
(or the one NEO4J_URI names)."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgbuild.build import build
from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.sources import read_papers
from kgbuild.sources.admissible import admit

from conftest import real_neo4j_runs

# Not "neo4j-bolt": FalkorDB's Bolt server splices string parameters into the statement
# without escaping them (see BOLT_KNOWN_LIMITS in conftest.py), so a quote alone breaks it.
ROUND_TRIP_BACKENDS = ["embedded"] + (["neo4j"] if real_neo4j_runs() else [])

# Every code point, lone surrogates included (hypothesis leaves them out by default).
any_char = st.characters(exclude_categories=())
any_text = st.text(any_char, max_size=30)
STRING_FIELDS = ("id", "title", "abstract", "url", "doi", "date")


@st.composite
def records(draw) -> dict:
    record = {name: draw(any_text) for name in STRING_FIELDS if draw(st.booleans()) or name in ("title", "abstract")}
    record["authors"] = draw(st.lists(any_text, max_size=3))
    record["categories"] = draw(st.lists(any_text, max_size=3))
    return record


def _stored_paper(store, paper_id: str) -> dict | None:
    nodes, _ = store.export()
    return next((n["props"] for n in nodes if n["label"] == "Paper" and n["props"]["id"] == paper_id), None)


@pytest.mark.parametrize("open_store", ROUND_TRIP_BACKENDS, indirect=True)
def test_any_text_in_any_field_is_stored_exactly_or_is_a_reject(open_store, tmp_path: Path):
    numbers = itertools.count()
    with open_store() as store:

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(records())
        def round_trip(record: dict) -> None:
            store.delete_papers(store.paper_ids())  # each example starts from an empty graph
            path = tmp_path / f"record-{next(numbers)}.jsonl"
            # ensure_ascii: whatever the text, the file is ASCII; lone surrogates become
            # \uD800-style escapes, which a JSON reader must refuse.
            path.write_text(json.dumps(record, ensure_ascii=True) + "\n")
            [read] = list(read_papers([path]))
            summary = build([str(path)], store, rejects_path=tmp_path / "rejects.jsonl")
            if isinstance(read, Rejected):
                assert summary.counts.rejected == 1 and summary.counts.papers == 0
                assert read.line == 1 and read.reason
                return
            assert summary.counts.rejected == 0
            stored = _stored_paper(store, read.id)
            assert stored is not None
            expected = read.model_dump(include={"title", "abstract", "record_id", "arxiv_id", "doi", "url", "date",
                                                "authors", "categories"})
            assert {k: stored.get(k) for k in expected} == expected
            assert stored["source_file"] == str(path)

        round_trip()


@given(any_text, any_text)
def test_admit_rejects_exactly_the_texts_no_store_can_hold(title: str, abstract: str):
    paper = Paper(id="x", title=title, abstract=abstract, source=SourceRef(file="f.jsonl", line=7))
    unstorable = any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in title + abstract)
    result = admit(paper)
    if unstorable:
        assert isinstance(result, Rejected) and (result.file, result.line) == ("f.jsonl", 7)
        json.dumps(result.model_dump(), ensure_ascii=False).encode("utf-8")  # writable to a rejects file
    else:
        assert result is paper


def test_file_whose_name_is_not_utf8_is_a_reject_and_the_rest_loads(open_store, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = folder / "a.jsonl"
    good.write_text(json.dumps({"id": "2303.00001", "title": "GoodNet", "abstract": "We propose GoodNet."}) + "\n")
    bad = os.path.join(os.fsencode(folder), b"b\xff.jsonl")
    with open(bad, "w") as handle:
        handle.write(json.dumps({"id": "2303.00002", "title": "BadNameNet", "abstract": "We propose it."}) + "\n")
    with open_store() as store:
        summary = build([str(folder)], store, rejects_path=tmp_path / "rejects.jsonl")
        assert store.paper_ids() == ["arxiv:2303.00001"]
    assert (summary.counts.papers, summary.counts.rejected) == (1, 1)
    [reject] = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert reject["file"].endswith("b\\xff.jsonl") and "not valid UTF-8" in reject["reason"]
