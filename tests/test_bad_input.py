"""Bad input loses nothing: odd characters, huge texts, missing paths and empty inputs,
through the command line on the real embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.sources import MAX_TEXT_CHARS
from kgbuild.stores.falkordb_store import FalkorDBStore


def run(*args: str, expect: int) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.output


def _paper(n: int, **fields: str) -> dict:
    return {"id": f"2302.{n:05d}", "title": f"Net{n}: paper {n}",
            "abstract": f"We propose Net{n}. Net{n} reaches {40 + n}.5% mAP on COCO.", **fields}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _rejects(store: Path) -> list[dict]:
    return [json.loads(line) for line in (store / "rejects.jsonl").read_text().splitlines()]


def _stored_titles(store: Path) -> dict[str, str]:
    with FalkorDBStore(store) as opened:
        nodes, _ = opened.export()
    return {n["props"]["id"].removeprefix("arxiv:"): n["props"]["title"] for n in nodes if n["label"] == "Paper"}


def test_nul_in_one_title_is_a_reject_and_the_rest_of_its_batch_loads(tmp_path: Path):
    data = _write(tmp_path / "papers.jsonl", [_paper(1), _paper(2, title="Bad\u0000Net"), _paper(3)])
    store = tmp_path / "store"
    output = run("build", str(data), "--store", str(store), "-q", expect=3)
    assert "rejected       1" in output
    assert sorted(_stored_titles(store)) == ["2302.00001", "2302.00003"]
    [reject] = _rejects(store)
    assert (reject["file"], reject["line"]) == (str(data), 2)
    assert "title holds a NUL character (U+0000) at character 3" in reject["reason"]


def test_binary_file_read_as_a_listing_page_costs_only_its_own_records(tmp_path: Path):
    good = _write(tmp_path / "a.jsonl", [_paper(1)])
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"Title line\x00\x01\x02\n" + bytes(range(1, 256)).replace(b"\n", b"") + b"\x00\x00\n")
    store = tmp_path / "store"
    run("build", str(good), str(binary), "--store", str(store), "-q", expect=3)
    assert list(_stored_titles(store)) == ["2302.00001"]
    assert {r["file"] for r in _rejects(store)} == {str(binary)}


# Whitespace among them (U+000B, U+000C, U+001C-U+001F, U+0085) folds to one space, as all
# whitespace in a title or abstract does; these are the ones that are not whitespace.
@pytest.mark.parametrize("odd", ["\x01\x07\x08\x1b", "\x7f", "\x80\x9f", "\ufffe\uffff",
                                 "\u202e\u2066\u2069\u200f\u061c", "\ufeff", "\U0001f600"],
                         ids=["C0 controls", "DEL", "C1 controls", "noncharacters", "bidi controls", "BOM",
                              "astral"])
def test_other_odd_characters_are_stored_exactly(tmp_path: Path, odd: str):
    data = tmp_path / "papers.jsonl"
    # JSON escapes, so the file itself stays valid JSON Lines whatever the character.
    data.write_text(json.dumps(_paper(1, title=f"Odd{odd}Net: a paper"), ensure_ascii=True) + "\n")
    store = tmp_path / "store"
    run("build", str(data), "--store", str(store), "-q", expect=0)
    assert _stored_titles(store) == {"2302.00001": f"Odd{odd}Net: a paper"}


def test_text_over_the_size_limit_is_a_reject_and_the_rest_loads_and_extracts(tmp_path: Path):
    huge = "We propose HugeNet. " + "x" * MAX_TEXT_CHARS
    data = _write(tmp_path / "papers.jsonl", [_paper(1), _paper(2, abstract=huge), _paper(3)])
    store = tmp_path / "store"
    run("build", str(data), "--store", str(store), "-q", expect=3)
    assert sorted(_stored_titles(store)) == ["2302.00001", "2302.00003"]
    [reject] = _rejects(store)
    assert reject["line"] == 2 and f"over the limit of {MAX_TEXT_CHARS:,}" in reject["reason"]

    out = tmp_path / "out.jsonl"
    output = run("extract", str(data), "--out", str(out), "-q", expect=3)
    assert "rejected  1" in output
    assert [json.loads(line)["paper"]["id"].removeprefix("arxiv:") for line in out.read_text().splitlines()] == [
        "2302.00001", "2302.00003"]


def test_missing_input_path_is_an_error_naming_it_and_creates_no_store(tmp_path: Path):
    good = _write(tmp_path / "a.jsonl", [_paper(1)])
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["build", str(good), str(tmp_path / "typo.jsonl"), "--store", str(store)])
    assert result.exit_code == 2
    assert f"input not found: {tmp_path / 'typo.jsonl'}" in result.output
    assert not store.exists()


def test_wrong_format_that_rejects_every_record_exits_nothing_loaded(tmp_path: Path):
    data = _write(tmp_path / "a.jsonl", [_paper(1), _paper(2)])
    output = run("build", str(data), "--format", "csv", "--store", str(tmp_path / "store"), "-q", expect=4)
    assert "nothing loaded" in output


def test_empty_input_file_exits_nothing_loaded(tmp_path: Path):
    empty = tmp_path / "a.jsonl"
    empty.write_text("")
    run("build", str(empty), "--store", str(tmp_path / "store"), "-q", expect=4)
    run("extract", str(empty), "--out", str(tmp_path / "out.jsonl"), "-q", expect=4)


def test_files_a_directory_walk_skips_are_listed_in_the_summary(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "a.jsonl", [_paper(1)])
    (folder / "b.jsonl.bak").write_text(json.dumps(_paper(2)))
    output = run("build", str(folder), "--store", str(tmp_path / "store"), "-q", expect=0)
    assert f"skipped        1 files of no input type (name them, or give --format): {folder / 'b.jsonl.bak'}" in output


def test_directory_without_any_input_file_is_an_error_naming_it(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.md").write_text("no papers here")
    result = CliRunner().invoke(cli, ["build", str(folder), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert f"{folder} holds no readable input file" in result.output


def test_extract_that_fails_part_way_leaves_the_previous_output_as_it_was(tmp_path: Path):
    good = _write(tmp_path / "a.jsonl", [_paper(1), _paper(2)])
    out = tmp_path / "out.jsonl"
    run("extract", str(good), "--out", str(out), "-q", expect=0)
    before = out.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    _write(good, [_paper(3)])
    result = CliRunner().invoke(cli, ["extract", str(good), str(empty), "--out", str(out), "-q"])
    assert result.exit_code == 2 and "holds no readable input file" in result.output
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "empty", "out.jsonl"]
