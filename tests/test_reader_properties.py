"""Property tests: whatever bytes a reader is given, it does not crash, and every record
comes out either as a paper or as a reject with a reason and a line."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgbuild.models import Paper, Rejected
from kgbuild.sources import read_papers

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


def _read(path: Path, fmt: str | None = None) -> list[Paper | Rejected]:
    items = list(read_papers([path], fmt=fmt))
    assert all(isinstance(i, (Paper, Rejected)) for i in items)
    for item in items:
        if isinstance(item, Rejected):
            assert item.reason and item.line >= 0 and item.file == str(path)
        else:
            assert item.abstract.strip()
    return items


@SETTINGS
@given(lines=st.lists(st.one_of(text, st.binary(max_size=40).map(lambda b: b.decode("latin-1"))), max_size=15))
def test_listing_pages_of_any_text(tmp_path: Path, lines: list[str]):
    path = tmp_path / "page.txt"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    line_count = path.read_bytes().count(b"\n") + 1
    for item in _read(path):
        assert 0 <= item.line <= line_count if isinstance(item, Rejected) else 1 <= item.source.line <= line_count


@SETTINGS
@given(records=st.lists(st.one_of(
    st.fixed_dictionaries({"title": text, "abstract": text}),
    st.dictionaries(st.sampled_from(["id", "title", "abstract", "authors", "categories", "doi"]),
                    st.one_of(text, st.integers(), st.lists(text, max_size=3), st.none()), max_size=5),
    st.integers(), st.lists(st.integers(), max_size=2)), max_size=10),
    cut=st.integers(min_value=0, max_value=400))
def test_json_arrays_whole_or_truncated(tmp_path: Path, records: list, cut: int):
    data = json.dumps(records).encode()
    path = tmp_path / "papers.json"
    path.write_bytes(data[: max(1, len(data) - cut)])
    items = _read(path)
    if cut == 0:
        assert len(items) == len(records)


@SETTINGS
@given(rows=st.lists(st.fixed_dictionaries({
    "id": st.one_of(st.from_regex(r"\A[0-9]{4}\.[0-9]{5}(v[0-9])?\Z"), text),
    "title": st.one_of(text, st.integers()),
    "abstract": st.one_of(text, st.none()),
    "authors": st.one_of(text, st.lists(text, max_size=3)),
    "categories": text,
    "update_date": text,
}), max_size=10))
def test_arxiv_snapshot_lines_add_up(tmp_path: Path, rows: list[dict]):
    path = tmp_path / "arxiv.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert len(_read(path, fmt="arxiv")) == len(rows)


@SETTINGS
@given(rows=st.lists(st.tuples(text, text, text), max_size=10))
def test_csv_rows_with_quotes_and_newlines_add_up(tmp_path: Path, rows: list[tuple[str, str, str]]):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "abstract"])
    writer.writerows(rows)
    path = tmp_path / "papers.csv"
    path.write_text(buffer.getvalue())
    assert len(_read(path)) == len(rows)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_random_bytes_behind_a_gzip_name(tmp_path: Path, data: bytes):
    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(data)
    _read(path)


@SETTINGS
@given(payload=st.binary(max_size=300))
def test_corrupted_gzip_streams(tmp_path: Path, payload: bytes):
    whole = gzip.compress(b'{"title": "A", "abstract": "B"}\n' * 3 + payload)
    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    _read(path)


def test_huge_records_are_read_or_rejected_whole(tmp_path: Path):
    huge = "word " * 1_000_000  # a 5 MB abstract
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"title": "Huge", "abstract": huge}) + "\n"
                    + json.dumps({"title": "Small", "abstract": "fine"}) + "\n")
    items = _read(path)
    assert len(items) == 2
    assert isinstance(items[1], Paper) and items[1].title == "Small"
    csv_path = tmp_path / "huge.csv"
    csv_path.write_text(f'title,abstract\nHuge,"{huge}"\nSmall,fine\n')
    items = _read(csv_path)
    assert len(items) == 2 and items[1].title == "Small"
