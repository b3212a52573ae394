"""`kgbuild export --format neo4j-import`: the files `neo4j-admin database import full` takes.

The files are read back here by the rules of Neo4j 5's documented import format, not by the
code that wrote them: an RFC 4180 reader that keeps whether a field was quoted (an empty
unquoted field is no property, `""` is an empty string), header fields `name:ID(Space)`,
`:START_ID(Space)`, `:END_ID(Space)`, `name:type` with arrays split on the array delimiter,
and empty arrays left out (the CSV importer cannot store them). The graph read back must be
the graph the incremental loader writes into the embedded store from the same input.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kgbuild.build import build
from kgbuild.cli import cli
from kgbuild.extract import EXTRACTOR_VERSION
from kgbuild.graph import to_graph
from kgbuild.models import Entity, Evidence, Extraction, Mention, Paper, Relation, SourceRef
from kgbuild.export.neo4j_import import export_for_neo4j_import, import_command, render_command
from kgbuild.stores.falkordb_store import FalkorDBStore
from kgbuild.stores.neo4j_csv import ARRAY_DELIMITER, Neo4jImportWriter
from kgbuild.stores.statements import NODE_KEYS, RELATIONSHIP_TYPES
from factories import paper_extraction

SAMPLE = Path(__file__).parent.parent / "examples" / "sample"
NODE_LABELS = ("Paper", "Method", "Dataset", "Metric", "Task", "Repo", "Result")
TYPES = {"string", "long", "double", "boolean", "string[]"}
HEADER_FIELD = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)?(?::(?P<kind>[A-Za-z_]+(?:\[\])?))?"
                          r"(?:\((?P<space>[A-Za-z][A-Za-z0-9_-]*)\))?")


# -- reading the files as neo4j-admin does -----------------------------------------------------

def read_fields(text: str) -> list[list[tuple[str, bool]]]:
    """RFC 4180 records of ``(value, was_quoted)``; a doubled quote inside quotes is one quote."""
    records: list[list[tuple[str, bool]]] = []
    record: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            value, i = [], i + 1
            while True:
                end = text.index('"', i)
                value.append(text[i:end])
                if text[end + 1:end + 2] == '"':
                    value.append('"')
                    i = end + 2
                else:
                    i = end + 1
                    break
            record.append(("".join(value), True))
        else:
            end = i
            while end < n and text[end] not in ',\n':
                end += 1
            record.append((text[i:end], False))
            assert '"' not in text[i:end], f"bare quote in an unquoted field: {text[i:end]!r}"
            i = end
        if i >= n or text[i] == "\n":
            records.append(record)
            record = []
        else:
            assert text[i] == ",", f"field not followed by a delimiter at {i}: {text[i:i + 20]!r}"
            if i + 1 == n or text[i + 1] == "\n":
                record.append(("", False))
                records.append(record)
                record = []
                i += 1
        i += 1
    return records


def parse_header(path: Path) -> list[dict[str, str | None]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, f"{path.name}: a header file holds exactly one line"
    fields = []
    for raw in lines[0].split(","):
        match = HEADER_FIELD.fullmatch(raw)
        assert match, f"{path.name}: {raw!r} is not name[:type][(IdSpace)]"
        fields.append(match.groupdict())
    return fields


ABSENT = object()


def typed(value: tuple[str, bool], kind: str) -> Any:
    text, quoted = value
    if text == "" and not quoted:
        return ABSENT  # no property
    if kind == "string":
        return text
    if kind == "string[]":
        return text.split(ARRAY_DELIMITER)
    assert not quoted or kind == "boolean", f"{kind} value {text!r} is quoted"
    if kind == "long":
        assert re.fullmatch(r"-?\d+", text), text
        return int(text)
    if kind == "double":
        return float(text)
    assert text in ("true", "false"), f"boolean {text!r}"
    return text == "true"


class Export:
    """The exported graph as neo4j-admin would load it."""

    def __init__(self, out_dir: Path, files: list) -> None:
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self.relationships: list[tuple[str, str, str, str, str, dict[str, Any]]] = []
        self.headers: dict[str, list[dict[str, str | None]]] = {}
        for item in sorted(files, key=lambda f: f.kind != "nodes"):
            header = parse_header(Path(item.header))
            self.headers[Path(item.header).name] = header
            with open(item.data, encoding="utf-8", newline="") as handle:  # keep \r as written
                rows = read_fields(handle.read())
            assert len(rows) == item.rows, f"{item.data}: {len(rows)} rows, summary says {item.rows}"
            for row in rows:
                assert len(row) == len(header), f"{item.data}: {len(row)} fields for {len(header)} columns"
            if item.kind == "nodes":
                self._nodes(item.name, header, rows)
            else:
                self._relationships(item.name, header, rows)

    def _nodes(self, label: str, header, rows) -> None:
        ids = [i for i, f in enumerate(header) if f["kind"] == "ID"]
        assert len(ids) == 1 and header[ids[0]]["space"] == label and header[ids[0]]["name"] == NODE_KEYS[label]
        nodes = self.nodes.setdefault(label, {})
        for row in rows:
            props = {}
            for field, value in zip(header, row):
                kind = "string" if field["kind"] == "ID" else field["kind"] or "string"
                parsed = typed(value, kind)
                if parsed is not ABSENT:
                    props[field["name"]] = parsed
            node_id = props[NODE_KEYS[label]]
            assert node_id not in nodes, f"duplicate id {node_id!r} in ID space {label}"
            nodes[node_id] = props

    def _relationships(self, rel_type: str, header, rows) -> None:
        starts = [f for f in header if f["kind"] == "START_ID"]
        ends = [f for f in header if f["kind"] == "END_ID"]
        assert len(starts) == 1 and len(ends) == 1
        start_space, end_space = starts[0]["space"], ends[0]["space"]
        assert start_space in self.nodes and end_space in self.nodes, "ID spaces must be node ID spaces"
        for row in rows:
            props, start, end = {}, None, None
            for field, value in zip(header, row):
                if field["kind"] == "START_ID":
                    start = value[0]
                elif field["kind"] == "END_ID":
                    end = value[0]
                else:
                    parsed = typed(value, field["kind"] or "string")
                    if parsed is not ABSENT:
                        props[field["name"]] = parsed
            assert start in self.nodes[start_space], f"{rel_type}: no {start_space} {start!r}"
            assert end in self.nodes[end_space], f"{rel_type}: no {end_space} {end!r}"
            self.relationships.append((start_space, start, rel_type, end_space, end, props))

    def graph(self) -> tuple[dict, Counter]:
        nodes = {(label, node_id): props for label, by_id in self.nodes.items() for node_id, props in by_id.items()}
        rels = Counter((f"{sl}:{s}", t, f"{el}:{e}", json.dumps(p, sort_keys=True))
                       for sl, s, t, el, e, p in self.relationships)
        return nodes, rels


def store_graph(store: FalkorDBStore) -> tuple[dict, Counter]:
    """The embedded store's graph as the CSV importer can hold it: no empty arrays, and no
    array delimiter inside an array's values (the export replaces it with a space)."""
    def plain(props: dict) -> dict:
        return {k: [x.replace(ARRAY_DELIMITER, " ") for x in v] if isinstance(v, list) else v
                for k, v in props.items() if v is not None and v != []}

    nodes, relationships = store.export()
    by_key = {}
    for node in nodes:
        label, _, key = node["id"].partition(":")
        by_key[(label, key)] = plain(node["props"])
    rels = Counter((r["source"], r["type"], r["target"], json.dumps(plain(r["props"]), sort_keys=True))
                   for r in relationships)
    return by_key, rels


def assert_same_graph(exported: Export, store: FalkorDBStore) -> None:
    nodes, rels = exported.graph()
    want_nodes, want_rels = store_graph(store)
    assert set(nodes) == set(want_nodes)
    for node, props in want_nodes.items():
        assert nodes[node] == props, node
    assert rels == want_rels


# -- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_export(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("n4i") / "import"
    summary = export_for_neo4j_import([str(SAMPLE)], out)
    return out, summary, Export(out, summary.files)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory):
    with FalkorDBStore(tmp_path_factory.mktemp("n4i-store") / "store") as store:
        build([str(SAMPLE)], store)
        yield store


MADE_UP = [
    {"id": "2301.00001", "title": 'BoxNet: "Simple" Boxes, for Detection; Fast',
     "abstract": "We propose BoxNet, a detector built on a ResNet-50 backbone. BoxNet achieves 48.1% box AP "
                 "on COCO test-dev and is evaluated on Pascal VOC. Code: https://github.com/acme/boxnet",
     "authors": ["Doe; Jane", "Roe, Richard", 'Q. "Quote" Public'], "categories": ["cs.CV"],
     "date": "2023-01-02"},
    {"id": "2301.00002", "title": "SegNeXt2: Segmenting Everything",
     "abstract": "We present SegNeXt2 for semantic segmentation. SegNeXt2 reaches 52.0% mIoU on ADE20K "
                 "and is also evaluated on COCO with a ResNet-50 backbone."},
    {"id": "x-no-title", "abstract": "ResNet-50 is evaluated on ImageNet with 76.1% top-1 accuracy."},
    {"id": "2301.00001", "title": "BoxNet: Simple Boxes for Detection (again)", "abstract": "seen again"},
]


def _made_up(tmp_path: Path) -> list[str]:
    first = tmp_path / "a.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in MADE_UP))
    second = tmp_path / "b.jsonl"  # the second paper again, under its title only: a later sighting
    second.write_text(json.dumps({"title": "SegNeXt2: segmenting everything", "abstract": "x"}) + "\n")
    return [str(first), str(second)]


# -- the sample --------------------------------------------------------------------------------

def test_sample_exports_one_paper_row_per_distinct_paper(sample_export):
    _, summary, exported = sample_export
    assert summary.nodes["Paper"] == 292 == len(exported.nodes["Paper"])
    assert (summary.counts.entries, summary.counts.duplicates, summary.counts.rejected) == (321, 29, 0)
    assert all(summary.relationships[t] > 0 for t in RELATIONSHIP_TYPES)


def test_sample_export_is_the_graph_the_incremental_loader_builds(sample_export, sample_store):
    _, summary, exported = sample_export
    counts = sample_store.counts()
    assert summary.nodes == {"Paper": counts.papers, **counts.entities, "Result": counts.results}
    assert summary.relationships == counts.relationships
    # Every property, node and relationship, equal to the loader's, including each paper's
    # hash (so a later build against the imported database skips unchanged papers), the
    # entities' aliases and lookup keys and the papers' also_seen_in sightings.
    assert_same_graph(exported, sample_store)
    papers = exported.nodes["Paper"].values()
    assert sum(1 for p in papers if "also_seen_in" in p) > 0
    stored = sample_store.stored_hashes(list(exported.nodes["Paper"]))
    assert all(stored[pid] == props["hash"] for pid, props in exported.nodes["Paper"].items())


def test_headers_follow_the_documented_format(sample_export):
    out, summary, exported = sample_export
    headers = sorted(out.glob("*.header.csv"))
    assert len(headers) == len(summary.files) == 7 + 5 + 9
    spaces = set(NODE_LABELS)
    for item in summary.files:
        fields = exported.headers[Path(item.header).name]
        kinds = [f["kind"] for f in fields]
        assert ":LABEL" not in kinds and "LABEL" not in kinds and "TYPE" not in kinds  # given on the command line
        if item.kind == "nodes":
            assert kinds.count("ID") == 1 and fields[0]["space"] == item.name
            assert "START_ID" not in kinds and "END_ID" not in kinds
        else:
            assert kinds.count("START_ID") == 1 and kinds.count("END_ID") == 1 and "ID" not in kinds
            assert {fields[kinds.index("START_ID")]["space"], fields[kinds.index("END_ID")]["space"]} <= spaces
        for field in fields:
            if field["kind"] not in ("ID", "START_ID", "END_ID"):
                assert field["name"] and (field["kind"] is None or field["kind"] in TYPES), field
                assert field["space"] is None
    assert (out / "Paper.header.csv").read_text().startswith("id:ID(Paper),title,abstract,")
    assert (out / "Method.header.csv").read_text() == "key:ID(Method),name,url,aliases:string[],lookup:string[]\n"
    assert (out / "EVALUATED_ON.header.csv").read_text() == (
        ":START_ID(Method),:END_ID(Dataset),paper,field,sentence:long,start:long,end:long,evidence\n")
    result = (out / "Result.header.csv").read_text()
    assert "value:double" in result and "sentence:long" in result


def test_typed_values_parse_and_ids_are_unique_and_referenced(sample_export):
    _, _, exported = sample_export
    # Export() already parsed every typed field, rejected duplicate ids and dangling ends.
    papers = exported.nodes["Paper"]
    assert all(isinstance(p["source_line"], int) for p in papers.values())
    assert all(isinstance(r["value"], float) for r in exported.nodes["Result"].values())
    mentions = [p for *_, t, _, _, p in exported.relationships if t == "MENTIONS"]
    assert {type(m["proposed"]) for m in mentions} == {bool} and any(m["proposed"] for m in mentions)
    assert any("backbone" in m.get("roles", []) for m in mentions)
    assert all(isinstance(a, str) and a for e in exported.nodes["Method"].values() for a in e["aliases"])
    assert all(isinstance(p["authors"], list) for p in papers.values() if "authors" in p)


def test_files_are_read_alike_by_pythons_csv_module(sample_export):
    _, summary, _ = sample_export
    for item in summary.files:
        with open(item.data, encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle, strict=True)) == item.rows


def test_command_references_every_file_and_has_the_documented_shape(sample_export):
    out, summary, _ = sample_export
    argv = summary.argv
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]  # database before --nodes
    assert shlex.split(summary.command) == argv
    assert shlex.split(render_command(argv, wrap=True).replace("\\\n", " ")) == argv
    groups = [a for a in argv if a.startswith(("--nodes=", "--relationships="))]
    named = []
    for arg, item in zip(groups, summary.files):
        option, _, rest = arg.partition("=")
        name, _, paths = rest.partition("=")
        assert option == ("--nodes" if item.kind == "nodes" else "--relationships")
        assert name == item.name
        assert paths.split(",") == [item.header, item.data]  # header first
        named += paths.split(",")
    assert len(groups) == len(summary.files)
    written = sorted(str(p) for p in out.glob("*.csv"))
    assert sorted(named) == written and all(Path(p).is_absolute() for p in named)
    assert {a.split("=")[1] for a in groups if a.startswith("--nodes=")} == set(NODE_LABELS)
    assert {a.split("=")[1] for a in groups if a.startswith("--relationships=")} == set(RELATIONSHIP_TYPES)
    options = dict(a.split("=", 1) for a in argv[5:] if not a.startswith(("--nodes=", "--relationships=")))
    assert options == {"--delimiter": ",", "--array-delimiter": "U+001F", "--id-type": "string",
                       "--overwrite-destination": "true"}  # no --multiline-fields: no field holds a newline
    assert not summary.multiline_fields
    assert any(step.startswith("kgbuild schema --neo4j-uri") for step in summary.next_steps)
    assert not list(out.glob("*.partial")) and not list(out.glob(".kgbuild-import-*"))


# -- made-up papers, several chunks, several workers --------------------------------------------

def test_made_up_papers_in_small_chunks_match_the_loader(tmp_path: Path):
    inputs = _made_up(tmp_path)
    summary = export_for_neo4j_import(inputs, tmp_path / "out", chunk_size=2)
    exported = Export(tmp_path / "out", summary.files)
    with FalkorDBStore(tmp_path / "store") as store:
        build(inputs, store, chunk_size=2)  # the same chunks: aliases append in the same order
        assert_same_graph(exported, store)
    papers = exported.nodes["Paper"]
    assert len(papers) == 3 and summary.counts.duplicates == 2
    boxnet = papers["arxiv:2301.00001"]
    assert boxnet["title"] == 'BoxNet: "Simple" Boxes, for Detection; Fast'
    assert boxnet["authors"] == ["Doe; Jane", "Roe, Richard", 'Q. "Quote" Public']
    assert boxnet["also_seen_in"] == [f"{inputs[0]}:4"]
    assert papers["arxiv:2301.00002"]["also_seen_in"] == [f"{inputs[1]}:1"]
    untitled = next(p for pid, p in papers.items() if pid not in ("arxiv:2301.00001", "arxiv:2301.00002"))
    assert untitled["title"] == ""  # quoted "": an empty string, as the loader stores it
    assert "arxiv_id" not in untitled and "authors" not in untitled  # null and [] are no property
    resnet = exported.nodes["Method"]["resnet50"]
    assert "ResNet-50" in resnet["aliases"] and "resnet50" in resnet["lookup"]
    mentioning = {s for _, s, t, _, e, _ in exported.relationships if t == "MENTIONS" and e == "resnet50"}
    assert mentioning == set(papers)  # all three papers mention ResNet-50: one node, three relationships


def test_workers_and_spilled_entity_merges_give_the_same_files(tmp_path: Path):
    inputs = _made_up(tmp_path)
    one = export_for_neo4j_import(inputs, tmp_path / "one", chunk_size=2)
    two = export_for_neo4j_import(inputs, tmp_path / "two", chunk_size=2, workers=2, spill_rows=2)
    assert [(f.name, f.rows) for f in one.files] == [(f.name, f.rows) for f in two.files]
    for a, b in zip(one.files, two.files):
        assert Path(a.data).read_bytes() == Path(b.data).read_bytes(), a.data
        assert Path(a.header).read_bytes() == Path(b.header).read_bytes()


def test_spilled_runs_merge_like_memory_on_the_sample(tmp_path: Path, sample_export):
    _, summary, _ = sample_export
    spilled = export_for_neo4j_import([str(SAMPLE)], tmp_path / "spilled", spill_rows=50)
    for a, b in zip(summary.files, spilled.files):
        assert Path(a.data).read_bytes() == Path(b.data).read_bytes(), a.data


# -- the writer on hand-made batches ----------------------------------------------------------

def _batches() -> list[list[Extraction]]:
    tricky = Paper(id="p-tricky", title='Line one\nline "two", three', abstract="A; B\r\nC",
                   source=SourceRef(file="dir, with comma/f.jsonl", line=7),
                   authors=["Doe; Jane", f"A{ARRAY_DELIMITER}B", ""], categories=[], date="")
    first = paper_extraction("p1", "BoxNet", ["COCO", "VOC"], backbone="ResNet-50", repo="https://github.com/a/b")
    # A relation and a result naming entities this paper does not list: like the loader's
    # MATCH, they are kept only once those entities exist (here: GhostNet never does).
    ghost = Entity(type="Method", key="ghostnet", name="GhostNet")
    second = paper_extraction("p2", "SegNet", ["COCO"])
    evidence = second.relations[0].evidence
    second.relations.append(Relation(type="EVALUATED_ON", source=ghost.ref(), target=second.relations[0].target,
                                     evidence=evidence))
    second.relations.append(second.relations[0])  # the same fact twice: one relationship
    voc_again = Entity(type="Dataset", key="voc", name="PASCAL VOC",
                       mentions=[Mention(field="title", start=0, end=10, text="PASCAL VOC", sentence=0)])
    second.entities.append(voc_again)
    late = Relation(type="EVALUATED_ON", source=second.relations[0].source, target=voc_again.ref(),
                    evidence=Evidence(paper="p2", field="title", sentence=0, start=0, end=3, text="VOC"))
    second.relations.append(late)
    return [[Extraction(paper=tricky), first], [second]]


def test_writer_matches_the_store_on_the_same_batches(tmp_path: Path):
    writer = Neo4jImportWriter(tmp_path / "out", spill_rows=1)
    with FalkorDBStore(tmp_path / "store") as store:
        for chunk in _batches():
            batch = to_graph(chunk, EXTRACTOR_VERSION)
            writer.write(batch)
            store.write(batch)
        files = writer.finish({"p1": [SourceRef(file="b.jsonl", line=3), SourceRef(file="a.jsonl", line=9),
                                      SourceRef(file="a.jsonl", line=9)]})
        store.record_sightings({"p1": [SourceRef(file="b.jsonl", line=3), SourceRef(file="a.jsonl", line=9)]})
        exported = Export(tmp_path / "out", files)
        assert_same_graph(exported, store)
    tricky = exported.nodes["Paper"]["p-tricky"]
    assert tricky["title"] == 'Line one\nline "two", three' and tricky["abstract"] == "A; B\r\nC"
    assert tricky["source_file"] == "dir, with comma/f.jsonl" and tricky["date"] == ""
    assert tricky["authors"] == ["Doe; Jane", "A B", ""]  # the array delimiter cannot occur in a value
    assert "categories" not in tricky
    assert exported.nodes["Paper"]["p1"]["also_seen_in"] == ["a.jsonl:9", "b.jsonl:3"]
    assert exported.nodes["Dataset"]["voc"]["aliases"] == ["VOC", "PASCAL VOC"]  # first name, aliases appended
    assert exported.nodes["Dataset"]["voc"]["name"] == "VOC"
    evaluations = [(s, e, p["paper"]) for _, s, t, _, e, p in exported.relationships if t == "EVALUATED_ON"]
    assert sorted(evaluations) == [("boxnet", "coco", "p1"), ("boxnet", "voc", "p1"),
                                   ("segnet", "coco", "p2"), ("segnet", "voc", "p2")]
    assert writer.encoder.multiline and writer.encoder.replaced == 1
    argv = import_command(files, "papers", multiline=True)
    assert argv[4] == "papers" and "--multiline-fields=true" in argv


def test_sightings_are_added_to_papers_longer_than_csvs_default_field_limit(tmp_path: Path):
    long = Paper(id="p-long", title="Long", abstract="word " * 40_000, source=SourceRef(file="a.jsonl", line=1))
    short = Paper(id="p-short", title="Short", abstract="", source=SourceRef(file="a.jsonl", line=2))
    writer = Neo4jImportWriter(tmp_path / "out")
    writer.write(to_graph([Extraction(paper=long), Extraction(paper=short)], EXTRACTOR_VERSION))
    files = writer.finish({"p-long": [SourceRef(file="b.jsonl", line=5)]})
    papers = Export(tmp_path / "out", files).nodes["Paper"]
    assert papers["p-long"]["abstract"] == "word " * 40_000 and papers["p-long"]["also_seen_in"] == ["b.jsonl:5"]
    assert "also_seen_in" not in papers["p-short"] and papers["p-short"]["abstract"] == ""


def test_an_aborted_export_leaves_no_files(tmp_path: Path):
    writer = Neo4jImportWriter(tmp_path / "out")
    writer.write(to_graph(_batches()[0], EXTRACTOR_VERSION))
    writer.abort()
    assert list((tmp_path / "out").iterdir()) == []


# -- the command line -------------------------------------------------------------------------

def run(*args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    assert "Traceback" not in result.output
    return result.output


def test_cli_exports_and_prints_the_command(tmp_path: Path):
    inputs = _made_up(tmp_path)
    out = tmp_path / "import"
    output = run("export", "--format", "neo4j-import", "--out", str(out), *inputs, "--database", "papers")
    assert "papers         3 distinct (5 entries read, 2 duplicates)" in output
    command = output[output.index("neo4j-admin database import full papers"):output.index("\nthen:")]
    argv = shlex.split(command.replace("\\\n", " "))
    files = sorted(str(p) for p in out.resolve().glob("*.csv"))
    assert len(files) == 2 * (7 + 5 + 9)
    named = [p for a in argv if a.startswith(("--nodes=", "--relationships=")) for p in a.split("=", 2)[2].split(",")]
    assert sorted(named) == files
    assert "kgbuild schema --neo4j-uri" in output and "kgbuild build" in output


def test_cli_neo4j_import_without_inputs_is_a_clear_error(tmp_path: Path):
    output = run("export", "--format", "neo4j-import", "--out", str(tmp_path / "x"), expect=2)
    assert "error: --format neo4j-import needs the papers to export as INPUT arguments" in output
    assert "kgbuild export --format neo4j-import --out" in output
    assert not (tmp_path / "x").exists()


def test_cli_graphml_refuses_inputs(tmp_path: Path):
    output = run("export", "--format", "graphml", "--out", str(tmp_path / "g.graphml"), str(SAMPLE), expect=2)
    assert "takes no INPUT arguments" in output


def test_cli_export_help_shows_the_new_usage():
    output = run("export", "--help")
    assert "Example" in output and "neo4j-import" in output and "[INPUTS]..." in output
    assert "--workers" in output
