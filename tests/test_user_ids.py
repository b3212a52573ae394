"""A user's own record ids survive: as the paper's identity (unless it has an arXiv id or a
DOI), always as its ``record_id``, in extract output, in the graph and in the query packs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from kgbuild.build import build, extract_to_jsonl
from kgbuild.cli import cli
from kgbuild.queries import load_packs

TEXT = {"title": "BoxNet: Simple Boxes for Object Detection",
        "abstract": "We propose BoxNet, a detector built on a ResNet-50 backbone. "
                    "BoxNet achieves 48.1% box AP on COCO test-dev and is evaluated on Pascal VOC."}
OTHER = {"title": "SegNeXt2: Segmenting Everything",
         "abstract": "We present SegNeXt2 for semantic segmentation. SegNeXt2 reaches 52.0% mIoU on ADE20K."}


def _jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _csv_keyed_by_paper_key(path: Path) -> Path:
    """The same text twice, under the ids K-1 and K-2 in a "Paper Key" column."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Paper Key", "title", "abstract"])
        writer.writerow(["K-1", TEXT["title"], TEXT["abstract"]])
        writer.writerow(["K-2", TEXT["title"], TEXT["abstract"]])
    return path


def _papers(store) -> list[list]:
    return store.query("MATCH (p:Paper) RETURN p.id, p.record_id, p.arxiv_id ORDER BY p.id").rows


def _evaluations(store, paper: str) -> list[list]:
    return store.query("MATCH (m:Method)-[e:EVALUATED_ON {paper: $p}]->(d:Dataset) RETURN m.key, d.key "
                       "ORDER BY m.key, d.key", {"p": paper}).rows


def test_jsonl_ids_name_papers_and_the_same_text_under_two_ids_stays_two_papers(open_store, tmp_path: Path):
    inputs = _jsonl(tmp_path / "mine.jsonl",
                    {"id": "my-corpus-0001", **TEXT},
                    {"id": "my-corpus-0002", **TEXT},  # the same text, another record of the user's
                    {"id": "arXiv:2101.00002v3", **OTHER})
    with open_store() as store:
        summary = build([str(inputs)], store)
        assert (summary.counts.papers, summary.counts.duplicates, summary.written) == (3, 0, 3)
        assert _papers(store) == [
            ["arxiv:2101.00002", "arXiv:2101.00002v3", "2101.00002"],  # an arXiv id keeps its identity
            ["id:my-corpus-0001", "my-corpus-0001", None],
            ["id:my-corpus-0002", "my-corpus-0002", None],
        ]
        facts = _evaluations(store, "id:my-corpus-0001")
        assert facts and _evaluations(store, "id:my-corpus-0002") == facts

        # A changed abstract under one id replaces exactly that paper's facts.
        changed = dict(TEXT, abstract="We propose BoxNet. BoxNet achieves 49.0% box AP on KITTI.")
        _jsonl(inputs, {"id": "my-corpus-0001", **changed}, {"id": "my-corpus-0002", **TEXT},
               {"id": "arXiv:2101.00002v3", **OTHER})
        again = build([str(inputs)], store)
        assert (again.written, again.replaced, again.unchanged) == (0, 1, 2)
        assert _evaluations(store, "id:my-corpus-0001") == [["boxnet", "kitti"]]
        assert _evaluations(store, "id:my-corpus-0002") == facts


def test_csv_ids_from_a_chosen_column_with_id_field(tmp_path: Path):
    path = _csv_keyed_by_paper_key(tmp_path / "mine.csv")
    store_dir = tmp_path / "store"
    result = CliRunner().invoke(cli, ["build", str(path), "--store", str(store_dir), "--id-field", "paper key",
                                      "--json", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["papers"] == 2
    from kgbuild.stores.falkordb_store import FalkorDBStore

    with FalkorDBStore(store_dir, read_only=True) as store:
        assert [row[:2] for row in _papers(store)] == [["id:K-1", "K-1"], ["id:K-2", "K-2"]]
    # Without --id-field the CSV has no id column: one paper, named by its title.
    other = CliRunner().invoke(cli, ["build", str(path), "--store", str(tmp_path / "s2"), "--json", "-q"])
    summary = json.loads(other.output)
    assert (summary["counts"]["papers"], summary["counts"]["duplicates"]) == (1, 1)


def test_neo4j_import_export_takes_the_id_field_as_build_does(tmp_path: Path):
    path = _csv_keyed_by_paper_key(tmp_path / "mine.csv")
    out = tmp_path / "import"
    result = CliRunner().invoke(cli, ["export", "--format", "neo4j-import", "--out", str(out), str(path),
                                      "--id-field", "paper key"])
    assert result.exit_code == 0, result.output
    with (out / "Paper.csv").open(newline="") as handle:
        header = (out / "Paper.header.csv").read_text().strip().split(",")
        rows = [dict(zip(header, row)) for row in csv.reader(handle)]
    assert sorted((r["id:ID(Paper)"], r["record_id"]) for r in rows) == [("id:K-1", "K-1"), ("id:K-2", "K-2")]

def test_extract_output_keeps_the_record_id(tmp_path: Path):
    inputs = _jsonl(tmp_path / "mine.jsonl", {"id": "A-1", **TEXT}, {"id": "A-2", **TEXT},
                    {"id": "2101.00002", **OTHER})
    out = tmp_path / "out.jsonl"
    extract_to_jsonl([str(inputs)], out)
    papers = [json.loads(line)["paper"] for line in out.read_text().splitlines()]
    assert [(p["id"], p["record_id"]) for p in papers] == [("id:A-1", "A-1"), ("id:A-2", "A-2"),
                                                           ("arxiv:2101.00002", "2101.00002")]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    # the two records' facts are the same, each pointing at its own paper
    assert [r["evidence"]["paper"] for r in lines[0]["relations"]] == ["id:A-1"] * len(lines[0]["relations"])
    strip = lambda line: json.dumps({k: v for k, v in line.items() if k != "paper"}).replace("A-2", "A-1")  # noqa: E731
    assert strip(lines[0]) == strip(lines[1])


def test_paper_card_finds_a_paper_by_record_id_arxiv_id_doi_or_title_prefix(tmp_path: Path):
    inputs = _jsonl(tmp_path / "mine.jsonl",
                    {"id": "my-corpus-0001", **TEXT},
                    {"id": "2101.00002", **OTHER},
                    {"id": "rec-9", "doi": "10.1000/XYZ.42", "title": "KiteDet: Lightweight Detection",
                     "abstract": "We propose KiteDet, evaluated on COCO."})
    store_dir = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(inputs), "--store", str(store_dir), "-q"]).exit_code == 0

    def card(paper: str) -> set[tuple[str, str]]:
        result = runner.invoke(cli, ["query", "paper-card", "-p", f"paper={paper}", "--format", "json",
                                     "--store", str(store_dir)])
        assert result.exit_code == 0, result.output
        return {(row["paper"], row["record_id"]) for row in json.loads(result.output)}

    assert card("my-corpus-0001") == {("id:my-corpus-0001", "my-corpus-0001")}
    assert card("id:my-corpus-0001") == {("id:my-corpus-0001", "my-corpus-0001")}
    for spelling in ("2101.00002", "arXiv:2101.00002v1", "https://arxiv.org/abs/2101.00002", "arxiv:2101.00002"):
        assert card(spelling) == {("arxiv:2101.00002", "2101.00002")}, spelling
    for spelling in ("10.1000/xyz.42", "https://doi.org/10.1000/XYZ.42", "rec-9"):
        assert card(spelling) == {("doi:10.1000/xyz.42", "rec-9")}, spelling
    assert card("boxnet: simple") == {("id:my-corpus-0001", "my-corpus-0001")}
    # entity-lookup lists the papers by the ids their input gave them
    lookup = runner.invoke(cli, ["query", "entity-lookup", "-p", "name=BoxNet", "--format", "json",
                                 "--store", str(store_dir)])
    assert json.loads(lookup.output)[0]["first_papers"] == ["my-corpus-0001"]


def test_the_readme_states_the_identity_rule():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "--id-field" in readme and "record_id" in readme
    assert "paper-card" in load_packs() and "record_id" in load_packs()["paper-card"].cypher


def test_an_id_no_store_can_key_on_is_a_reject_and_the_rest_loads(tmp_path: Path):
    """FalkorDB 4.16 crashes checking a uniqueness constraint on a string holding U+0001;
    a record whose id would hold it is set aside with its file and line."""
    from kgbuild.stores.falkordb_store import FalkorDBStore

    inputs = _jsonl(tmp_path / "mine.jsonl", {"id": "bad\x01id", **TEXT}, {"id": "fine", **OTHER},
                    {"doi": "10.1000/x\x01y", "title": "T", "abstract": "A."})
    with FalkorDBStore(tmp_path / "store") as store:
        summary = build([str(inputs)], store, rejects_path=tmp_path / "rejects.jsonl")
        assert (summary.counts.papers, summary.counts.rejected) == (1, 2)
        assert [row[:2] for row in _papers(store)] == [["id:fine", "fine"]]
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"].split(",")[0]) for r in rejects] == [
        (1, "id holds U+0001 at character 6"), (3, "id holds U+0001 at character 13")]
    assert all(r["file"] == str(inputs) for r in rejects)
