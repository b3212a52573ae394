"""The command line through click's runner, on the real embedded store."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kgbuild.cli import cli

SAMPLE = Path(__file__).parent.parent / "examples" / "sample"


def run(*args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("cli") / "store"
    output = run("build", str(SAMPLE), "--store", str(store), "--quiet")
    return store, output


def test_build_reports_the_distinct_papers_of_the_sample(sample_store):
    _, output = sample_store
    assert "papers         292 distinct (321 entries read, 29 duplicates)" in output
    assert "rejected       0" in output
    assert "Method" in output and "EVALUATED_ON" in output


def test_stats_json_has_the_documented_shape(sample_store):
    store, _ = sample_store
    stats = json.loads(run("stats", "--format", "json", "--store", str(store)))
    assert stats["papers"] == 292
    assert set(stats["entities"]) == {"Method", "Dataset", "Metric", "Task", "Repo"}
    assert all(stats["entities"][t] > 0 for t in ("Method", "Dataset", "Metric", "Task", "Repo"))
    assert stats["relationships"]["EVALUATED_ON"] > 0


def test_building_twice_leaves_stats_identical(sample_store):
    store, _ = sample_store
    before = run("stats", "--format", "json", "--store", str(store))
    output = run("build", str(SAMPLE), "--store", str(store), "--quiet")
    assert "0 new, 0 changed, 292 unchanged" in output
    assert run("stats", "--format", "json", "--store", str(store)) == before


def test_query_answers_which_backbones_were_evaluated_on_coco(sample_store):
    store, _ = sample_store
    rows = json.loads(run("query", "backbones-evaluated-on", "--param", "dataset=coco", "--format", "json",
                          "--store", str(store)))
    assert rows, "the sample has backbones evaluated on COCO"
    assert all(row["dataset"] == "COCO" for row in rows)
    assert {"backbone", "papers", "example_paper"} <= set(rows[0])


def test_query_csv_and_table_formats(sample_store):
    store, _ = sample_store
    text = run("query", "methods-evaluated-on", "-p", "dataset=ImageNet", "--format", "csv", "--store", str(store))
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["method", "dataset", "papers", "evidence"]
    assert len(table) > 1
    assert "rows)" in run("query", "methods-evaluated-on", "-p", "dataset=ImageNet", "--store", str(store))


def test_unknown_query_is_one_clear_error(sample_store):
    store, _ = sample_store
    output = run("query", "no-such-query", "--store", str(store), expect=2)
    assert "error: no query named 'no-such-query'" in output
    assert "kgbuild packs" in output


def test_missing_and_malformed_parameters_are_clear_errors(sample_store):
    store, _ = sample_store
    output = run("query", "backbones-evaluated-on", "--store", str(store), expect=2)
    assert "needs --param dataset=" in output
    output = run("query", "backbones-evaluated-on", "--param", "dataset", "--store", str(store), expect=2)
    assert "--param needs key=value" in output
    output = run("query", "backbones-evaluated-on", "-p", "dataset=COCO", "-p", "limit=many",
                 "--store", str(store), expect=2)
    assert "must be a int" in output or "must be an int" in output


def test_reading_commands_refuse_a_missing_store(tmp_path: Path):
    output = run("stats", "--store", str(tmp_path / "nothing-here"), expect=2)
    assert "no graph store at" in output
    assert not (tmp_path / "nothing-here").exists()


def test_packs_lists_queries_and_shows_cypher():
    listing = run("packs")
    assert "backbones-evaluated-on" in listing and "leaderboard" in listing
    shown = run("packs", "show", "backbones-evaluated-on")
    assert "MATCH" in shown and "$dataset" in shown


def test_extract_writes_one_line_per_distinct_paper(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    output = run("extract", str(SAMPLE), "--out", str(out), "--quiet")
    assert "papers    292 distinct" in output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 292
    first = lines[0]
    assert set(first) >= {"paper", "entities", "relations", "results"}
    for entity in first["entities"]:
        for mention in entity["mentions"]:
            text = first["paper"][mention["field"]]
            assert text[mention["start"]:mention["end"]] == mention["text"]


def test_malformed_records_are_set_aside_and_the_run_goes_on(tmp_path: Path):
    data = tmp_path / "papers.jsonl"
    data.write_text(
        json.dumps({"id": "a", "title": "GoodNet: a paper", "abstract": "We propose GoodNet for detection."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b"}) + "\n"
        + json.dumps({"id": "c", "title": "OtherNet", "abstract": "OtherNet is evaluated on COCO."}) + "\n"
    )
    store = tmp_path / "store"
    output = run("build", str(data), "--store", str(store), "--quiet", expect=3)
    assert "papers         2 distinct" in output
    assert "rejected       2" in output
    rejects = [json.loads(line) for line in (store / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["file"]) for r in rejects] == [(2, str(data)), (3, str(data))]
    assert all(r["reason"] for r in rejects)


def test_export_graphml_and_json_read_back_with_networkx(sample_store, tmp_path: Path):
    store, _ = sample_store
    stats = json.loads(run("stats", "--format", "json", "--store", str(store)))
    graphml = tmp_path / "g.graphml"
    run("export", "--format", "graphml", "--out", str(graphml), "--store", str(store))
    graph = nx.read_graphml(graphml)
    papers = [n for n, d in graph.nodes(data=True) if d.get("label") == "Paper"]
    assert len(papers) == stats["papers"]
    exported = tmp_path / "g.json"
    run("export", "--format", "json", "--out", str(exported), "--store", str(store))
    data = json.loads(exported.read_text())
    assert sum(1 for n in data["nodes"] if n["label"] == "Dataset") == stats["entities"]["Dataset"]


@pytest.mark.parametrize("command", ["build", "extract", "query", "packs", "stats", "export", "eval", "schema",
                                     "rebuild", "runs", "analyze", "browser-assets"])
def test_every_command_has_help_with_an_example(command: str):
    output = run(command, "--help")
    assert "Example" in output


def test_no_inputs_is_a_clear_error(tmp_path: Path):
    output = run("build", "--store", str(tmp_path / "s"), expect=2)
    assert "error: no input files given" in output



# What a process writing into a pipe whose reader has gone gets: EPIPE on the next write.
# A real pipe cannot be made to fail on cue here (the writes of a short query land in the
# pipe's buffer before the reader goes), so stdout fails the way it would after one line.
CLOSED_PIPE_AFTER_ONE_LINE = """
import io, sys
from kgbuild.cli import main

class ReaderWentAway(io.TextIOWrapper):
    delivered_a_line = False
    def write(self, text):
        if self.delivered_a_line:
            raise BrokenPipeError(32, "Broken pipe")
        line, newline, rest = text.partition("\\n")
        super().write(line + newline)
        self.delivered_a_line = bool(newline)
        if rest:
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

sys.stdout = ReaderWentAway(sys.stdout.buffer, write_through=True)
sys.argv = ["kgbuild", *sys.argv[1:]]
main()
"""


def test_a_reader_closing_the_pipe_ends_the_command_quietly(sample_store):
    # "kgbuild query ... | head -1": the reader exits after one line while kgbuild still writes.
    store, _ = sample_store
    finished = subprocess.run(
        [sys.executable, "-c", CLOSED_PIPE_AFTER_ONE_LINE, "query", "top-datasets", "--store", str(store),
         "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert finished.stderr == ""
    assert finished.returncode == 128 + signal.SIGPIPE
    assert finished.stdout.count("\n") == 1
