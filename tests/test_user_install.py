"""What a user of an installed kgbuild (not a checkout) relies on: the shipped packs and
sample, their own packs beside them, and the smaller promises of a first hour's walkthrough."""

from __future__ import annotations

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
