"""What a user of an installed kgbuild (not a checkout) relies on: the shipped packs and
sample, their own packs beside them, and the smaller promises of a first hour's walkthrough."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.queries import PACKS_ENV, load_packs

REPO = Path(__file__).parent.parent

MY_EVALUATION = """// name: papers-on-dataset
// description: My own question: papers that evaluate something on a dataset.
// params: dataset (string)
MATCH (p:Paper)-[:MENTIONS {evaluated: true}]->(d:Dataset {key: $dataset})
RETURN p.id AS paper
"""


def test_packs_come_from_the_package_not_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PACKS_ENV, raising=False)
    queries = load_packs()
    assert {"backbones-evaluated-on", "paper-card", "entity-lookup"} <= set(queries)
    assert {q.origin for q in queries.values()} == {"shipped"}
    # cypher/ stays the source: the installed packs are its files, not copies that can drift.
    assert queries["leaderboard"].pack == "evaluation"
    shipped_names = {p.stem for p in (REPO / "cypher" / "packs").glob("*.cypher")}
    assert {q.pack for q in queries.values()} == shipped_names


def test_a_user_pack_named_like_a_shipped_one_replaces_it_and_packs_says_where_each_is_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mine = tmp_path / "mypacks"
    mine.mkdir()
    (mine / "evaluation.cypher").write_text(MY_EVALUATION)
    (mine / "extra.cypher").write_text(MY_EVALUATION.replace("papers-on-dataset", "my-extra-query"))
    monkeypatch.setenv(PACKS_ENV, str(mine))
    queries = load_packs()
    assert "leaderboard" not in queries  # the shipped evaluation pack is replaced as a whole
    assert queries["papers-on-dataset"].origin == str(mine / "evaluation.cypher")
    assert queries["my-extra-query"].pack == "extra"
    assert queries["paper-card"].origin == "shipped"
    listing = CliRunner().invoke(cli, ["packs"])
    assert listing.exit_code == 0
    header, _, *rows = listing.output.splitlines()
    assert header.split()[-1] == "from"
    assert any("papers-on-dataset" in row and "evaluation.cypher" in row for row in rows)
    assert any("paper-card" in row and row.rstrip().endswith("shipped") for row in rows)
    shown = CliRunner().invoke(cli, ["packs", "show", "papers-on-dataset"])
    assert f"// from: {mine / 'evaluation.cypher'} (pack evaluation)" in shown.output


def test_a_packs_directory_that_does_not_exist_is_a_usage_error_saying_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(PACKS_ENV, str(tmp_path / "nowhere"))
    result = CliRunner().invoke(cli, ["packs"])
    assert result.exit_code == 2
    assert "nowhere not found" in result.output and f"unset it" in result.output


@pytest.mark.parametrize("typed, suggested", [
    ("backbone-evaluated-on", "backbones-evaluated-on"),
    ("leaderbord", "leaderboard"),
    ("papercard", "paper-card"),
])
def test_a_misspelled_query_name_gets_a_did_you_mean(typed: str, suggested: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(PACKS_ENV, raising=False)
    result = CliRunner().invoke(cli, ["query", typed, "--store", "unused"])
    assert result.exit_code == 2
    assert f"no query named '{typed}'" in result.output
    assert "did you mean" in result.output and suggested in result.output.split("did you mean", 1)[1]


# -- the sample and the example configuration ship with kgbuild ------------------------------------


def test_build_sample_builds_the_shipped_sample_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # no examples/ here
    result = CliRunner().invoke(cli, ["build", "--sample", "--json", "-q"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["counts"]["entries"], summary["counts"]["papers"]) == (321, 292)
    assert summary["skipped_files"] == [] and summary["store"] == "kgbuild-data"
    query = CliRunner().invoke(cli, ["query", "backbones-evaluated-on", "--param", "dataset=COCO", "--format", "json"])
    assert query.exit_code == 0 and json.loads(query.output)
    both = CliRunner().invoke(cli, ["build", "--sample", "more.jsonl"])
    assert both.exit_code == 2 and "--sample builds the bundled sample and takes no INPUTS" in both.output


def test_rebuild_init_writes_a_commented_configuration_that_runs(tmp_path: Path):
    runner = CliRunner()
    config = tmp_path / "jobs" / "kgbuild.toml"
    written = runner.invoke(cli, ["rebuild", "--init", str(config)])
    assert written.exit_code == 0, written.output
    assert f"put your papers in {config.parent / 'papers'}" in written.output
    text = config.read_text()
    assert text.count("\n#") >= 10 and "[options]" in text and "max_prune" in text  # every setting, commented
    from kgbuild.config import load_config

    loaded = load_config(config)
    assert loaded.input_groups()[0][0] == [str(config.parent / "papers")]
    assert loaded.store_config().directory == config.parent / "kgbuild-data"
    missing = runner.invoke(cli, ["rebuild", "--config", str(config), "-q"])
    assert missing.exit_code == 2 and "input not found" in missing.output  # no papers yet: says so
    (config.parent / "papers").mkdir()
    (config.parent / "papers" / "mine.jsonl").write_text(json.dumps(
        {"id": "p-1", "title": "BoxNet: Boxes", "abstract": "We propose BoxNet, evaluated on COCO."}) + "\n")
    ran = runner.invoke(cli, ["rebuild", "--config", str(config), "-q"])
    assert ran.exit_code == 0, ran.output
    assert "1 added" in ran.output
    again = runner.invoke(cli, ["rebuild", "--init", str(config)])
    assert again.exit_code == 2 and "already exists" in again.output
    bare = runner.invoke(cli, ["rebuild"])
    assert bare.exit_code == 2 and "kgbuild rebuild --init" in bare.output


# -- smaller frictions -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "query", "stats", "export", "schema", "runs", "analyze"])
def test_the_store_default_is_shown_once(command: str):
    help_text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert help_text.count("default: ./kgbuild-data") == 1
    assert "[default: kgbuild-data]" not in help_text


def test_no_message_tells_an_installed_user_to_pip_install_from_a_checkout(monkeypatch: pytest.MonkeyPatch):
    import sys

    from kgbuild.distributed import _import_dask
    from kgbuild.errors import InputError

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    with pytest.raises(InputError) as raised:
        _import_dask()
    assert 'pip install "kgbuild[dask]"' in raised.value.hint and " -e " not in raised.value.hint
    package = REPO / "kgbuild"
    offenders = [str(p.relative_to(REPO)) for p in package.rglob("*.py") if "pip install -e" in p.read_text()]
    assert offenders == []


def _small_graph(tmp_path: Path) -> Path:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "a", "title": "BoxNet: Simple Boxes for Object Detection",
         "abstract": "We propose BoxNet, a detector built on a ResNet-50 backbone. "
                     "BoxNet achieves 48.1% box AP on COCO test-dev and is evaluated on Pascal VOC."},
        {"id": "b", "title": "SegNeXt2: Segmenting Everything",
         "abstract": "We present SegNeXt2 for semantic segmentation. SegNeXt2 reaches 52.0% mIoU on ADE20K."},
    ]))
    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["build", str(inputs), "--store", str(store), "-q"]).exit_code == 0
    return store


def test_a_name_no_entity_has_is_an_error_with_the_closest_names(tmp_path: Path):
    store = _small_graph(tmp_path)
    runner = CliRunner()
    wrong = runner.invoke(cli, ["query", "backbones-evaluated-on", "-p", "dataset=COCCO", "--store", str(store)])
    assert wrong.exit_code == 2  # exit_codes.USAGE: a bad query parameter
    assert "no dataset named 'COCCO' in the graph" in wrong.output and "did you mean COCO" in wrong.output
    method = runner.invoke(cli, ["query", "method-papers", "-p", "method=BoxNett", "--store", str(store)])
    assert method.exit_code == 2 and "no method named 'BoxNett'" in method.output and "BoxNet" in method.output
    # a dataset that exists but has no answer is an empty answer, not an error
    empty = runner.invoke(cli, ["query", "backbones-evaluated-on", "-p", "dataset=ADE20K", "--store", str(store)])
    assert (empty.exit_code, empty.output.strip()) == (0, "(no rows)")
    right = runner.invoke(cli, ["query", "backbones-evaluated-on", "-p", "dataset=MS COCO", "--store", str(store)])
    assert right.exit_code == 0 and "ResNet-50" in right.output


# -- progress against the size of the input ----------------------------------------------------------


def test_reading_reports_bytes_that_add_up_to_the_input_size(tmp_path: Path):
    import gzip

    from kgbuild.sources import input_size, read_papers

    record = json.dumps({"title": "T", "abstract": "A " * 200}) + "\n"
    (tmp_path / "plain.jsonl").write_text(record * 500 + "{not json\n")
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress((record * 500).encode()))
    (tmp_path / "notes.md").write_text("not an input")
    seen: list[int] = []
    items = list(read_papers([tmp_path], on_bytes=seen.append))
    assert len(items) == 1001
    total = input_size([tmp_path])
    assert total == (tmp_path / "plain.jsonl").stat().st_size + (tmp_path / "packed.jsonl.gz").stat().st_size
    assert sum(seen) == total and len(seen) > 4  # reported as it goes, not once per file


def test_the_build_progress_bar_has_a_total_and_reaches_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import kgbuild.cli

    monkeypatch.setattr(kgbuild.cli, "_stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["build", str(REPO / "examples" / "sample"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    bar = result.stderr.replace("\r", "\n").strip().splitlines()[-1]
    size = sum(p.stat().st_size for p in (REPO / "examples" / "sample").glob("*.txt"))
    kib = f"{size / 1024:.0f}k"
    assert bar.startswith("reading: 100%") and f"{kib}/{kib}" in bar  # bytes of the listing pages, with a total
