"""The whole pipeline on small real inputs: incremental loads, dedup across files, rejects."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.build import build, extract_to_jsonl
from kgbuild.stores.falkordb_store import FalkorDBStore

DETECTOR = {
    "id": "2101.00001",
    "title": "BoxNet: Simple Boxes for Object Detection",
    "abstract": "We propose BoxNet, a detector built on a ResNet-50 backbone. "
                "BoxNet achieves 48.1% box AP on COCO test-dev and is evaluated on Pascal VOC.",
}
SEGMENTER = {
    "id": "2101.00002",
    "title": "SegNeXt2: Segmenting Everything",
    "abstract": "We present SegNeXt2 for semantic segmentation. "
                "SegNeXt2 reaches 52.0% mIoU on ADE20K and is also evaluated on COCO.",
}


def _write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _facts_of(store: FalkorDBStore, arxiv_id: str) -> list[list]:
    paper_id = f"arxiv:{arxiv_id}"
    return store.query(
        "MATCH (m:Method)-[e:EVALUATED_ON {paper: $p}]->(d:Dataset) RETURN m.key, d.key ORDER BY m.key, d.key",
        {"p": paper_id}).rows


def test_changed_abstract_replaces_only_its_own_facts(tmp_path: Path):
    inputs = _write_jsonl(tmp_path / "in.jsonl", DETECTOR, SEGMENTER)
    with FalkorDBStore(tmp_path / "store") as store:
        build([str(inputs)], store)
        segmenter_facts = _facts_of(store, SEGMENTER["id"])
        detector_before = _facts_of(store, DETECTOR["id"])
        assert ["boxnet", "pascalvoc"] in detector_before or ["boxnet", "voc"] in detector_before
        changed = dict(DETECTOR, abstract="We propose BoxNet. BoxNet achieves 49.0% box AP on COCO test-dev.")
        _write_jsonl(inputs, changed, SEGMENTER)
        summary = build([str(inputs)], store)
        assert (summary.written, summary.replaced, summary.unchanged) == (0, 1, 1)
        detector_after = _facts_of(store, DETECTOR["id"])
        assert detector_after == [["boxnet", "coco"]]
        assert _facts_of(store, SEGMENTER["id"]) == segmenter_facts
        values = store.query("MATCH (r:Result {paper: $p}) RETURN r.value", {"p": "arxiv:" + DETECTOR["id"]}).rows
        assert values == [[49.0]]
        # COCO stays: the segmenter paper still mentions it.
        assert store.query("MATCH (d:Dataset {key: 'coco'}) RETURN count(d)").rows == [[1]]


def test_new_file_adds_only_its_papers(tmp_path: Path):
    first = _write_jsonl(tmp_path / "a.jsonl", DETECTOR)
    second = _write_jsonl(tmp_path / "b.jsonl", SEGMENTER)
    with FalkorDBStore(tmp_path / "store") as store:
        build([str(first)], store)
        summary = build([str(first), str(second)], store)
        assert (summary.written, summary.replaced, summary.unchanged) == (1, 0, 1)
        assert store.counts().papers == 2


def test_same_paper_in_two_formats_is_one_paper_with_both_sources(tmp_path: Path):
    jsonl = _write_jsonl(tmp_path / "a.jsonl", DETECTOR)
    listing = tmp_path / "b.txt"
    listing.write_text(f"Subscribe\n\n{DETECTOR['title']}\n\n{DETECTOR['abstract']}\n")
    with FalkorDBStore(tmp_path / "store") as store:
        summary = build([str(jsonl), str(listing)], store)
        assert (summary.counts.entries, summary.counts.papers, summary.counts.duplicates) == (2, 1, 1)
        rows = store.query("MATCH (p:Paper) RETURN p.id, p.source_file, p.also_seen_in").rows
    assert len(rows) == 1
    paper_id, source_file, also_seen = rows[0]
    assert source_file == str(jsonl)
    assert also_seen == [f"{listing}:3"]


def test_rejected_records_are_counted_and_written_next_to_the_output(tmp_path: Path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps(DETECTOR) + "\n" + '{"id": "x", "title": 5, \n' + b"\xff\xfe\n".decode("latin-1"))
    rejects = tmp_path / "rejects.jsonl"
    with FalkorDBStore(tmp_path / "store") as store:
        summary = build([str(inputs)], store, rejects_path=rejects)
        assert store.counts().papers == 1
    assert summary.counts.rejected == 2
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in lines] == [2, 3]


def test_each_build_adds_its_rejects_under_its_run_id_and_keeps_earlier_runs(tmp_path: Path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps(DETECTOR) + "\n{broken\n")
    rejects = tmp_path / "rejects.jsonl"
    with FalkorDBStore(tmp_path / "store") as store:
        first = build([str(inputs)], store, rejects_path=rejects)
        inputs.write_text(json.dumps(DETECTOR) + "\n")
        clean = build([str(inputs)], store, rejects_path=rejects)
        inputs.write_text("{also broken\n" + json.dumps(DETECTOR) + "\n")
        third = build([str(inputs)], store, rejects_path=rejects)
    assert clean.rejects_file is None and first.run_id != third.run_id
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["run"], r["line"]) for r in lines] == [(first.run_id, 2), (third.run_id, 1)]


def test_workers_build_the_same_graph_as_one_process(tmp_path: Path):
    sample = str(Path(__file__).resolve().parent.parent / "examples" / "sample")
    exports = []
    for workers in (1, 2):
        with FalkorDBStore(tmp_path / f"store-{workers}") as store:
            # Small chunks so that several batches come back from each worker.
            build([sample], store, workers=workers, chunk_size=20)
            exports.append(store.export())
    assert exports[0] == exports[1]
    nodes, relationships = exports[0]
    assert len(nodes) > 1000 and len(relationships) > 1000


def test_workers_extract_the_same_lines_as_one_process(tmp_path: Path):
    sample = str(Path(__file__).resolve().parent.parent / "examples" / "sample")
    one = extract_to_jsonl([sample], tmp_path / "one.jsonl", workers=1)
    two = extract_to_jsonl([sample], tmp_path / "two.jsonl", workers=2)
    assert one.counts.papers == two.counts.papers == 292
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


KILLED_MID_BATCH = """
import os, signal, sys
from kgbuild.build import build
from kgbuild.stores.falkordb_store import FalkorDBStore

real_write = FalkorDBStore._write
sent = []

def write_then_die(self, cypher, params):
    real_write(self, cypher, params)
    if sys.argv[3] in cypher:
        sent.append(cypher)
    if len(sent) == 2:  # in the second batch: part of its statements have run, the rest never come
        self._wait_for_writes()
        print("killing", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

FalkorDBStore._write = write_then_die
with FalkorDBStore(sys.argv[2]) as store:
    build([sys.argv[1]], store, chunk_size=3)
"""


@pytest.mark.parametrize(("last_statement", "complete_batches"), [
    ("CREATE (:Paper", 1),          # the second batch's papers are in, none of their facts
    ("CREATE (p)-[:MENTIONS", 0),   # the first batch has some of its mentions, not all
])
def test_a_build_killed_mid_batch_is_completed_by_the_next_one(tmp_path: Path, last_statement: str,
                                                               complete_batches: int):
    sample = Path(__file__).resolve().parent.parent / "examples" / "sample"
    inputs = [str(p) for p in sorted(sample.glob("*.txt"))[:3]]
    script = tmp_path / "killer.py"
    script.write_text(KILLED_MID_BATCH)
    joined = tmp_path / "papers.jsonl"
    with FalkorDBStore(tmp_path / "first") as store:
        build(inputs, store)
        papers = store.query("MATCH (p:Paper) RETURN p.id, p.title, p.abstract ORDER BY p.id").rows
    _write_jsonl(joined, *({"id": i, "title": t, "abstract": a} for i, t, a in papers[:9]))

    done = subprocess.run([sys.executable, str(script), str(joined), str(tmp_path / "killed"),
                           last_statement], capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "killing" in done.stdout
    with FalkorDBStore(tmp_path / "killed") as killed:  # adopts the server the kill left running
        summary = build([str(joined)], killed, chunk_size=3)
        # Papers of the cut batch are stored but named by its journal, so they are written again.
        assert (summary.unchanged, summary.replaced) == (3 * complete_batches, 3)
        assert summary.written == 9 - 3 * complete_batches - 3
        recovered = killed.export()
    with FalkorDBStore(tmp_path / "clean") as clean:
        build([str(joined)], clean, chunk_size=3)
        expected = clean.export()
    assert recovered == expected


def test_full_build_reextracts_and_rewrites_every_paper_on_the_embedded_store(tmp_path: Path):
    """``build --full`` on unchanged inputs rewrites every paper: a fact lost from the store
    (here deleted behind kgbuild's back) comes back, which an incremental build leaves alone."""
    from click.testing import CliRunner

    from kgbuild.cli import cli

    inputs = _write_jsonl(tmp_path / "in.jsonl", DETECTOR, SEGMENTER)
    store_dir = tmp_path / "store"
    with FalkorDBStore(store_dir) as store:
        build([str(inputs)], store)
        facts = _facts_of(store, DETECTOR["id"])
        assert facts
        store._write("MATCH (:Method)-[e:EVALUATED_ON {paper: $p}]->(:Dataset) DELETE e",
                     {"p": "arxiv:" + DETECTOR["id"]})
        incremental = build([str(inputs)], store)
        assert (incremental.written, incremental.replaced, incremental.unchanged) == (0, 0, 2)
        assert _facts_of(store, DETECTOR["id"]) == []
    runner = CliRunner()
    full = runner.invoke(cli, ["build", str(inputs), "--store", str(store_dir), "--full", "-q"])
    assert full.exit_code == 0, full.output
    assert "0 new, 2 rewritten (--full)" in full.output
    with FalkorDBStore(store_dir, read_only=True) as store:
        assert _facts_of(store, DETECTOR["id"]) == facts
        assert store.query("MATCH (p:Paper) RETURN count(p)").rows == [[2]]
    again = runner.invoke(cli, ["build", str(inputs), "--store", str(store_dir), "--json", "-q"])
    summary = json.loads(again.output)
    assert (summary["written"], summary["replaced"], summary["unchanged"], summary["full"]) == (0, 0, 2, False)
