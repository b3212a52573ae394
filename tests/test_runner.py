"""One runner: every entry point reads, rejects, de-duplicates and counts the same way.

The same listing page, with an entry holding bytes that are not UTF-8, a title with no
abstract and a duplicate entry, goes through ``build`` (the embedded store), ``extract``
(JSON Lines), the neo4j-import export and the Dask path: each must set the same records
aside with the same file, line, reason and excerpt, and report the same counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from kgbuild.build import build, extract_to_jsonl
from kgbuild.distributed import extract_with_dask
from kgbuild.export.neo4j_import import export_for_neo4j_import
from kgbuild.runner import RunCounts, SeenPapers, input_groups, run
from kgbuild.sources.files import UNDECODABLE
from kgbuild.stores.falkordb_store import FalkorDBStore

DETECTOR = ("BoxNet: Simple Boxes for Object Detection",
            "We propose BoxNet, a detector built on a ResNet-50 backbone. BoxNet achieves 48.1% box AP on COCO.")
SEGMENTER = ("SegNeXt2: Segmenting Everything",
             "We present SegNeXt2 for semantic segmentation. SegNeXt2 reaches 52.0% mIoU on ADE20K.")


def _listing(path: Path) -> Path:
    lines = [
        *DETECTOR,                                                   # 1-2
        "A Title Whose Abstract Is Broken".encode(),                 # 3
        b"Its abstract holds a byte that is not UTF-8: \xff here.",  # 4: the entry is rejected here
        "A Title With No Abstract",                                  # 5: rejected, nothing follows it
        *SEGMENTER,                                                  # 6-7
        *DETECTOR,                                                   # 8-9: a duplicate of lines 1-2
    ]
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


EXPECTED_COUNTS = RunCounts(entries=3, papers=2, duplicates=1, rejected=2)


def _rejects(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _through_build(listing: Path, tmp_path: Path):
    with FalkorDBStore(tmp_path / "store") as store:
        summary = build([str(listing)], store, rejects_path=tmp_path / "rejects.jsonl")
        assert store.counts().papers == 2
    lines = _rejects(tmp_path / "rejects.jsonl")
    assert {line.pop("run") for line in lines} == {summary.run_id}  # a store's rejects name their run
    return summary, lines


def _through_extract(listing: Path, tmp_path: Path):
    out = tmp_path / "out.jsonl"
    summary = extract_to_jsonl([str(listing)], out, rejects_path=tmp_path / "out.rejects.jsonl")
    assert len(out.read_text().splitlines()) == 2
    return summary, _rejects(tmp_path / "out.rejects.jsonl")


def _through_neo4j_import(listing: Path, tmp_path: Path):
    summary = export_for_neo4j_import([str(listing)], tmp_path / "import")
    assert summary.nodes["Paper"] == 2
    return summary, _rejects(tmp_path / "import" / "rejects.jsonl")


def _through_dask(listing: Path, tmp_path: Path):
    pytest.importorskip("distributed", reason="needs the dask extra: pip install -e '.[dask]'")
    out = tmp_path / "dask.jsonl"
    summary = extract_with_dask([str(listing)], out, rejects_path=tmp_path / "dask.rejects.jsonl", local_workers=1)
    assert len(out.read_text().splitlines()) == 2
    return summary, _rejects(tmp_path / "dask.rejects.jsonl")


@pytest.mark.parametrize("through", [_through_build, _through_extract, _through_neo4j_import, _through_dask],
                         ids=["build", "extract", "neo4j-import", "dask"])
def test_every_entry_point_rejects_and_counts_a_bad_listing_entry_alike(through, tmp_path: Path):
    listing = _listing(tmp_path / "page.txt")
    summary, lines = through(listing, tmp_path)
    assert [(line["file"], line["line"]) for line in lines] == [(str(listing), 4), (str(listing), 5)]
    assert lines[0]["reason"] == UNDECODABLE
    assert lines[1]["reason"] == "title line with no abstract after it"
    assert lines == _rejects_through_extract(listing, tmp_path / "reference")  # field for field
    assert summary.counts == EXPECTED_COUNTS
    assert summary.rejects_file is not None


def _rejects_through_extract(listing: Path, folder: Path) -> list[dict]:
    folder.mkdir()
    return _through_extract(listing, folder)[1]


class _FailingSink:
    """Takes the first chunk, then fails as a full disk would; records what the runner asked."""

    @staticmethod
    def prepare(extractions):
        return len(extractions)

    def __init__(self) -> None:
        self.calls: list[str] = []

    def select(self, papers: Iterable):
        return papers

    def write(self, chunk) -> None:
        self.calls.append("write")
        raise OSError("no space left on device")

    def finish(self, seen: SeenPapers) -> None:
        self.calls.append("finish")

    def abort(self) -> None:
        self.calls.append("abort")


def test_a_failed_run_aborts_its_sink_and_keeps_the_previous_rejects_of_an_output(tmp_path: Path):
    listing = _listing(tmp_path / "page.txt")
    rejects = tmp_path / "out.rejects.jsonl"
    rejects.write_text("the previous run's rejects\n")
    sink = _FailingSink()
    with pytest.raises(OSError, match="no space"):
        run(input_groups([listing]), sink, rejects_path=rejects)
    assert sink.calls == ["write", "abort"]
    assert rejects.read_text() == "the previous run's rejects\n"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_store_run_appends_its_rejects_even_when_it_fails(tmp_path: Path):
    listing = _listing(tmp_path / "page.txt")
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text('{"run": "an-earlier-run"}\n')
    with pytest.raises(OSError):
        run(input_groups([listing]), _FailingSink(), rejects_path=rejects, run_id="this-run")
    lines = _rejects(rejects)
    assert lines[0] == {"run": "an-earlier-run"}
    assert {line["run"] for line in lines[1:]} == {"this-run"} and len(lines) >= 2
