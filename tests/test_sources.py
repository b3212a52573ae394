"""Ingest: every input format, identity and de-duplication, rejects, on real files."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kgbuild.errors import InputError
from kgbuild.models import Paper, Rejected
from kgbuild.sources import (
    Deduplicator,
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
    paper_id,
    read_papers,
)

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = FIXTURES / "sources"
CORPUS = Path(__file__).parent.parent / "examples" / "sample"
UNDECODABLE = "undecodable bytes (not UTF-8)"


def read(
    paths: Iterable[str | Path], fmt: str | None = None, id_field: str = "id"
) -> tuple[list[Paper], list[Rejected]]:
    papers: list[Paper] = []
    rejected: list[Rejected] = []
    for item in read_papers(paths, fmt, id_field=id_field):
        if isinstance(item, Paper):
            papers.append(item)
        else:
            rejected.append(item)
    return papers, rejected


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- listing pages -----------------------------------------------------------------


def test_packed_listing_strips_glued_furniture() -> None:
    papers, rejected = read([SOURCES / "listing_packed.txt"])

    assert rejected == []
    assert [p.title for p in papers] == [
        "TinyNet: A Small Network for Small Images",
        "Does Size Matter? A Study of Tiny Models",
        "xLSTM-Tiny: Small Recurrent Models Still Work",
        "Scaling Laws Without Full Stops",
    ]
    assert [p.source.line for p in papers] == [3, 5, 7, 9]
    # Whitespace runs collapse; the URL ending without a full stop is still abstract text.
    assert papers[1].abstract == (
        "We study tiny models on ten benchmarks. We find that data matters more than size. "
        "Code is available at https://example.org/tiny"
    )
    # One long sentence with no full stop is still too long to be a title.
    assert papers[3].abstract.startswith("We fit scaling laws")
    assert papers[3].abstract.endswith("https://example.org/laws")
    assert all(p.id.startswith("title:") for p in papers)


def test_blank_line_listing_joins_abstract_paragraphs() -> None:
    papers, rejected = read([SOURCES / "listing_blank.txt"])

    assert rejected == []
    assert [(p.title, p.source.line) for p in papers] == [
        ("Graph Networks Revisited", 11),
        ("Poincaré Embeddings for Trees", 19),
    ]
    assert papers[0].abstract == (
        "Graph networks are popular for relational data. We revisit them on five datasets. "
        "Our second paragraph reports that simple baselines match them on Cora and PubMed."
    )


def test_listing_rejects_orphan_text_and_title_without_abstract() -> None:
    papers, rejected = read([SOURCES / "listing_rejects.txt"])

    assert [p.title for p in papers] == ["Sparse Mixtures of Experts at Scale"]
    assert [(r.line, r.reason) for r in rejected] == [
        (1, "abstract text with no title line before it"),
        (7, "title line with no abstract after it"),
    ]
    assert rejected[1].raw == "A Title Whose Abstract Was Cut Off"


def test_listing_glued_furniture_variants(tmp_path: Path) -> None:
    page = (
        "newGet trending papers in your email inbox!Subscribe\n"
        "Mar 12Subscriber Churn Prediction with Graph Networks\n"
        "We predict subscriber churn from call graphs. Our model improves AUC by 4 points.\n"
    )
    papers, rejected = read([write(tmp_path / "page.txt", page.encode())])

    assert rejected == []
    # "Subscriber" is a word here, not the "Subscribe" button glued to a title.
    assert [(p.title, p.source.line) for p in papers] == [
        ("Subscriber Churn Prediction with Graph Networks", 2)
    ]


def test_listing_bad_bytes_reject_only_their_entry(tmp_path: Path) -> None:
    page = (
        b"First Paper\n"
        b"An abstract with a bad byte \xff here. It has two sentences.\n"
        b"Second Paper\n"
        b"A clean abstract. Also two sentences.\n"
    )
    papers, rejected = read([write(tmp_path / "page.txt", page)])

    assert [p.title for p in papers] == ["Second Paper"]
    assert [(r.line, r.reason) for r in rejected] == [(2, UNDECODABLE)]


def test_corpus_yields_321_entries_and_292_distinct_papers() -> None:
    files = sorted(CORPUS.glob("*.txt"))
    assert len(files) == 4
    deduplicator = Deduplicator()
    items = list(deduplicator.dedupe(read_papers([CORPUS])))

    assert [item for item in items if isinstance(item, Rejected)] == []
    assert deduplicator.entries == 321
    assert deduplicator.distinct == 292
    assert deduplicator.duplicates == 29
    assert sum(len(sources) for sources in deduplicator.later_sources.values()) == 29

    papers = [item for item in items if isinstance(item, Paper)]
    assert len(papers) == 292
    first = papers[0]
    assert first.title.startswith("LWGANet: A Lightweight Group Attention Backbone")
    assert first.source.line == 3  # the line where "Subscribe" was glued to the title
    # Every title is the text of the line the paper says it starts on, and every abstract
    # is the next non-blank line: nothing was merged or split (one abstract writes "é" as
    # LaTeX does, "Poincar\'e", and reads with the letter).
    lines_of = {str(f): f.read_text(encoding="utf-8").splitlines() for f in files}
    for paper in papers:
        lines = lines_of[paper.source.file]
        assert lines[paper.source.line - 1].endswith(paper.title)
        following = next(line for line in lines[paper.source.line :] if line.strip())
        assert paper.abstract == following.replace("\\'e", "é")


# --- JSON -----------------------------------------------------------------------------


def test_jsonl_fields_ids_and_rejects() -> None:
    papers, rejected = read([SOURCES / "papers.jsonl"])

    by_line = {p.source.line: p for p in papers}
    assert sorted(by_line) == [1, 2, 3, 4, 5, 10, 12]

    local = by_line[1]
    assert local.title == "Does Size Matter? A Study of Tiny Models"
    assert local.abstract == (
        "We study tiny models on ten benchmarks. We find that data matters more than size."
    )
    # "local-1" is no arXiv id and the record has no DOI: the record's own id names the paper
    assert (local.id, local.record_id) == ("id:local-1", "local-1")
    assert local.authors == ["Ada Lovelace", "Alan Turing"]
    assert local.categories == ["cs.LG", "cs.CV"]
    assert local.date == "2024-03-13"

    assert by_line[2].id == "arxiv:2103.14030"  # from "id", prefix and version dropped
    assert by_line[2].abstract == "We present a hierarchical vision transformer."  # from "text"
    assert by_line[3].id == "arxiv:2010.11929"  # from the PDF url
    assert by_line[3].abstract == "An image is worth 16x16 words."  # from "summary"
    assert by_line[4].id == "doi:10.18653/v1/n19-1423"
    assert by_line[4].authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee"]
    assert (by_line[5].title, by_line[5].id) == ("", "id:note-7")  # no title: its own id names it
    assert by_line[10].title == "2024"

    reasons = {r.line: r.reason for r in rejected}
    assert reasons[7].startswith("invalid JSON: ")
    assert reasons[8] == "missing abstract"
    assert reasons[9] == "expected a JSON object, found an array"
    assert reasons[11].startswith("authors: ")
    assert len(rejected) == 4
    assert by_line[12].title == "Last record"  # reading went on past every bad line


def test_json_records_missing_title_and_abstract(tmp_path: Path) -> None:
    data = (
        b'{"id": "x", "url": "https://example.org"}\n'
        b'{"id": "local-9", "title": "", "abstract": "  "}\n'
        b'{"abstract": "Text but neither title nor id."}\n'
    )
    papers, rejected = read([write(tmp_path / "bad.jsonl", data)])

    assert papers == []
    assert [(r.line, r.reason) for r in rejected] == [
        (1, "missing title and abstract"),
        (2, "missing title and abstract"),
        (3, "missing title (and no id to name the paper by)"),
    ]


def test_json_array_is_split_into_elements_with_their_lines() -> None:
    papers, rejected = read([SOURCES / "papers_array.json"])

    assert [(p.title, p.source.line) for p in papers] == [
        ('Brackets [inside] {strings}, and "quotes", are not structure', 2),
        ("Second", 7),
        ("Fourth", 9),
    ]
    assert papers[0].abstract == "An abstract with a comma, a ] and a } in it."
    assert papers[0].authors == ["Ada Lovelace", "Alan Turing Jr."]
    assert [(r.line, r.reason[:13]) for r in rejected] == [(8, "invalid JSON:")]


def test_truncated_json_array_keeps_complete_elements(tmp_path: Path) -> None:
    data = b'[{"title": "Kept", "abstract": "Complete element."},\n {"title": "Lost", "abs'
    papers, rejected = read([write(tmp_path / "cut.json", data)])

    assert [p.title for p in papers] == ["Kept"]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, rejected[0].reason),
        (2, "JSON array is not closed (file truncated?)"),
    ]
    assert rejected[0].reason.startswith("invalid JSON")


def test_text_after_json_array_is_rejected(tmp_path: Path) -> None:
    data = (
        b'[{"title": "A", "abstract": "One."}]\n'
        b'[{"title": "B", "abstract": "Two."}]\n'
        b"trailing junk\n"
    )
    papers, rejected = read([write(tmp_path / "two.json", data)])

    assert [p.title for p in papers] == ["A", "B"]
    assert [(r.line, r.reason) for r in rejected] == [
        (3, "unexpected text after the end of the JSON array")
    ]


def test_arxiv_snapshot_lines(tmp_path: Path) -> None:
    data = (
        b'{"id": "0704.0001", "title": "Calculation of prompt diphoton\\n  production", '
        b'"abstract": "  A fully differential calculation.\\n  It is done.\\n", '
        b'"authors": "C. Bal\\u00e1zs, E. L. Berger, P. M. Nadolsky and C.-P. Yuan", '
        b'"authors_parsed": [["Bal\\u00e1zs", "C.", ""], ["Berger", "E. L.", ""]], '
        b'"categories": "hep-ph hep-th", "update_date": "2008-11-13", '
        b'"doi": "10.1103/PhysRevD.76.013009", "journal-ref": "Phys.Rev.D76:013009,2007"}\n'
        b'{"id": "hep-th/9901001v3", "title": "An old-style id", "abstract": "Before 2007.", '
        b'"authors": "A. Author and B. Author", "categories": "hep-th"}\n'
    )
    path = write(tmp_path / "arxiv-snapshot.json", data)
    papers, rejected = read([path], fmt="arxiv")

    assert rejected == []
    first, second = papers
    assert first.id == "arxiv:0704.0001"
    assert first.arxiv_id == "0704.0001"
    assert first.title == "Calculation of prompt diphoton production"
    assert first.abstract == "A fully differential calculation. It is done."
    assert first.authors == ["C. Balázs", "E. L. Berger"]  # authors_parsed wins over the string
    assert first.categories == ["hep-ph", "hep-th"]
    assert first.date == "2008-11-13"
    assert first.doi == "10.1103/physrevd.76.013009"
    assert second.id == "arxiv:hep-th/9901001"
    assert second.authors == ["A. Author", "B. Author"]
    # The same file read without fmt: ids that look like arXiv ids are still taken.
    assert [p.id for p in read([path])[0]] == [first.id, second.id]


def test_latex_accents_read_as_the_letters_they_write(tmp_path: Path) -> None:
    # arXiv's metadata keeps the LaTeX a listing shows as a letter: both must read the same
    record = {
        "id": "2401.00001",
        "title": r'Schr\"odinger Nets',
        "abstract": r"We propose Poincar\'e Net and compare it with Erd{\H o}s graphs, x \' y and a \\ b.",
        "authors": r"Ren{\'e} Fr\'{e}chet",
    }
    path = write(tmp_path / "snapshot.json", json.dumps(record).encode() + b"\n")
    (paper,), rejected = read([path], fmt="arxiv")
    assert rejected == []
    assert paper.title == "Schrödinger Nets"
    assert paper.abstract.startswith("We propose Poincaré Net")
    # commands that are not accents, and a backslash before a space, are kept as written
    assert paper.abstract.endswith(r"Erd{\H o}s graphs, x \' y and a \\ b.")
    assert paper.authors == ["René Fréchet"]


def test_arxiv_format_trusts_ids_that_do_not_look_like_arxiv(tmp_path: Path) -> None:
    data = b'{"id": "quant-ph0101001", "title": "Odd id", "abstract": "Text."}\n'
    path = write(tmp_path / "odd.jsonl", data)

    assert read([path], fmt="arxiv")[0][0].id == "arxiv:quant-ph0101001"
    # read as plain JSON Lines it is no arXiv id, but still the record's own id
    assert read([path])[0][0].id == "id:quant-ph0101001"
    assert read([path], id_field="no-such-field")[0][0].id.startswith("title:")


# --- CSV ------------------------------------------------------------------------------


def test_csv_with_header_and_multiline_quoted_abstract() -> None:
    papers, rejected = read([SOURCES / "papers.csv"])

    assert [(p.title, p.source.line) for p in papers] == [
        ("Plain Row", 2),
        ("Quoted, Multi-line", 3),
        ("Last Row", 8),
    ]
    assert papers[0].authors == ["Ada Lovelace", "Alan Turing"]
    assert papers[1].abstract == 'First line of the abstract, second line "quoted", third line.'
    assert papers[1].id == "doi:10.1000/xyz"
    assert [(r.line, r.reason) for r in rejected] == [
        (6, "expected 4 fields as in the header, found 2"),
        (7, "missing abstract"),
    ]


def test_csv_without_header_is_one_reject(tmp_path: Path) -> None:
    data = b"A Title,An abstract.\nAnother,Another abstract.\n"
    papers, rejected = read([write(tmp_path / "noheader.csv", data)])

    assert papers == []
    assert len(rejected) == 1
    assert rejected[0].line == 1
    assert "header" in rejected[0].reason


def test_csv_huge_field_and_bad_bytes(tmp_path: Path) -> None:
    huge = "word " * 60_000  # 300 KB, beyond csv's default field size limit
    data = f'title,abstract\nBig,"{huge}"\n'.encode() + b"Bad,caf\xe9 au lait\nGood,Fine.\n"
    papers, rejected = read([write(tmp_path / "big.csv", data)])

    assert [(p.title, len(p.abstract)) for p in papers] == [("Big", len(huge) - 1), ("Good", 5)]
    assert [(r.line, r.reason) for r in rejected] == [(3, UNDECODABLE)]


# --- files: gzip, decoding, paths, formats --------------------------------------------


def test_gzip_by_name_and_by_magic_bytes(tmp_path: Path) -> None:
    record = b'{"title": "Zipped", "abstract": "Read through gzip."}\n'
    named = write(tmp_path / "a.jsonl.gz", gzip.compress(record))
    disguised = write(tmp_path / "b.jsonl", gzip.compress(record))
    page = (SOURCES / "listing_packed.txt").read_bytes()
    listing = write(tmp_path / "c.txt.gz", gzip.compress(page))

    papers, rejected = read([named, disguised, listing])

    assert rejected == []
    assert [p.title for p in papers[:2]] == ["Zipped", "Zipped"]
    assert [p.source.line for p in papers[2:]] == [3, 5, 7, 9]


def test_truncated_gzip_reports_where_reading_stopped(tmp_path: Path) -> None:
    lines = b"".join(b'{"title": "T%d", "abstract": "A."}\n' % i for i in range(2000))
    compressed = gzip.compress(lines)
    path = write(tmp_path / "cut.jsonl.gz", compressed[: len(compressed) // 2])

    papers, rejected = read([path, SOURCES / "papers.csv"])

    read_before_failure = len([p for p in papers if p.source.file == str(path)])
    assert 0 < read_before_failure < 2000
    assert (rejected[0].file, rejected[0].line) == (str(path), read_before_failure + 1)
    assert rejected[0].reason.startswith("cannot read file: ")
    assert any(p.source.file.endswith("papers.csv") for p in papers)  # the next file was read


def test_undecodable_jsonl_line_is_rejected_and_bom_is_stripped(tmp_path: Path) -> None:
    data = (
        b'\xef\xbb\xbf{"title": "After BOM", "abstract": "First line."}\n'
        b'{"title": "Caf\xe9", "abstract": "Latin-1, not UTF-8."}\n'
        b'{"title": "Third", "abstract": "Still read."}\n'
    )
    papers, rejected = read([write(tmp_path / "mixed.jsonl", data)])

    assert [p.title for p in papers] == ["After BOM", "Third"]
    assert [(r.line, r.reason) for r in rejected] == [(2, UNDECODABLE)]


def test_missing_path_is_an_error_naming_it_before_anything_is_read(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError, match="input not found: .*nope.jsonl"):
        read_papers([SOURCES / "listing_packed.txt", missing])


def test_file_that_vanishes_after_the_check_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    doomed = tmp_path / "doomed.jsonl"
    doomed.write_text('{"title": "T", "abstract": "A."}\n')
    reading = read_papers([doomed, SOURCES / "listing_packed.txt"])
    doomed.unlink()
    items = list(reading)
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(items) - len(rejected) == 4
    assert [(r.file, r.line, r.reason) for r in rejected] == [
        (str(doomed), 0, "cannot read file: No such file or directory")]


def test_directory_without_a_readable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not an input")
    with pytest.raises(InputError, match="holds no readable input file"):
        list(read_papers([tmp_path]))


def test_files_a_directory_walk_passes_over_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", b'{"title": "T", "abstract": "A."}\n')
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "data.parquet").write_bytes(b"PAR1")
    skipped: list[str] = []
    papers = list(read_papers([tmp_path], on_skip=skipped.append))
    assert len(papers) == 1
    assert sorted(skipped) == [str(tmp_path / "README.md"), str(tmp_path / "data.parquet")]


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    write(tmp_path / "b" / "x.jsonl", b'{"title": "From b", "abstract": "B."}\n')
    write(tmp_path / "a" / "deeper" / "y.ndjson", b'{"title": "From a/deeper", "abstract": "D."}\n')
    write(tmp_path / "a" / "z.csv", b"title,abstract\nFrom a,A.\n")
    write(tmp_path / "a" / "notes.md", b"# not an input file\n")

    papers, rejected = read([tmp_path])

    assert rejected == []
    assert [p.title for p in papers] == ["From a", "From a/deeper", "From b"]


def test_fmt_overrides_extension_and_unknown_fmt_raises(tmp_path: Path) -> None:
    listing_named_dat = write(tmp_path / "page.dat", (SOURCES / "listing_packed.txt").read_bytes())

    assert len(read([listing_named_dat], fmt="listing")[0]) == 4
    [unknown] = read([listing_named_dat])[1]
    assert unknown.line == 0
    assert unknown.reason.startswith("cannot read file: unknown file type")

    with pytest.raises(InputError) as raised:
        read_papers([listing_named_dat], fmt="yaml")  # raises at the call, before iterating
    assert "listing" in raised.value.hint


def test_reading_streams_line_by_line(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs a named pipe")
    pipe_path = tmp_path / "stream.jsonl"
    os.mkfifo(pipe_path)
    first_paper_read = threading.Event()
    second_line_waited_for_reader: list[bool] = []

    def produce() -> None:
        with open(pipe_path, "wb") as pipe:
            pipe.write(b'{"title": "One", "abstract": "First."}\n')
            pipe.flush()
            # A reader that slurped the file would still be waiting for end-of-file here.
            second_line_waited_for_reader.append(first_paper_read.wait(timeout=10))
            pipe.write(b'{"title": "Two", "abstract": "Second."}\n')

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        items = read_papers([pipe_path])
        first = next(items)
        first_paper_read.set()
        rest = list(items)
    finally:
        first_paper_read.set()
        producer.join(timeout=15)

    assert second_line_waited_for_reader == [True]
    assert [p.title for p in [first, *rest]] == ["One", "Two"]  # type: ignore[union-attr]


# --- identity and de-duplication ------------------------------------------------------


def test_normalise_title() -> None:
    assert normalise_title("  Attention Is All You Need!  ") == "attention is all you need"
    assert normalise_title("ﬁne-tuning  BERT—quickly") == "fine tuning bert quickly"  # ligature
    assert normalise_title("ＧＰＴ_4: Ｔｅｃｈ Report") == "gpt 4 tech report"  # full width
    assert normalise_title("Poincaré ResNet") == "poincaré resnet"
    assert normalise_title("?!") == ""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2103.14030", "2103.14030"),
        ("2103.14030v2", "2103.14030"),
        ("arXiv:2103.14030", "2103.14030"),
        ("ARXIV: 0704.0001v1", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136v2", "math.GT/0309136"),
        ("local-17", None),
        ("12345", None),
    ],
)
def test_normalise_arxiv_id(given: str, expected: str | None) -> None:
    assert normalise_arxiv_id(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("10.1000/ABC.def", "10.1000/abc.def"),
        ("https://doi.org/10.1000/XYZ", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("n/a", None),
    ],
)
def test_normalise_doi(given: str, expected: str | None) -> None:
    assert normalise_doi(given) == expected


def test_paper_id_precedence() -> None:
    assert paper_id("T", "A", arxiv_id="arXiv:2103.14030v1", doi="10.1/x") == "arxiv:2103.14030"
    assert paper_id("T", "A", doi="DOI:10.1000/X") == "doi:10.1000/x"
    assert paper_id("Deep  Learning!") == paper_id("deep learning") != paper_id("Deep Learning 2")
    assert paper_id("", "Some text.").startswith("text:")
    assert paper_id("", "Some text.") == paper_id("", "some   TEXT")


def test_arxiv_doi_and_url_give_the_arxiv_id(tmp_path: Path) -> None:
    data = (
        b'{"title": "By DOI", "abstract": "x", '
        b'"doi": "https://doi.org/10.48550/arXiv.2103.14030"}\n'
        b'{"title": "By URL", "abstract": "y", "url": "https://arxiv.org/abs/2103.14030v1"}\n'
    )
    papers, _ = read([write(tmp_path / "ids.jsonl", data)])
    assert [p.id for p in papers] == ["arxiv:2103.14030", "arxiv:2103.14030"]


def test_dedup_across_files_first_seen_wins(tmp_path: Path) -> None:
    listing = SOURCES / "listing_packed.txt"
    jsonl = SOURCES / "papers.jsonl"
    deduplicator = Deduplicator()

    # Read without record ids: "local-1" would otherwise name its own paper (the next test).
    items = list(deduplicator.dedupe(chain(read_papers([listing]), read_papers([jsonl], id_field="none"))))
    papers = [item for item in items if isinstance(item, Paper)]

    # "Does Size Matter?" is in both: the listing's copy (read first) is kept.
    size_matters = [p for p in papers if p.title.startswith("Does Size Matter")]
    assert len(size_matters) == 1
    assert size_matters[0].source.file == str(listing)
    assert deduplicator.later_sources == {size_matters[0].id: [read([jsonl])[0][0].source]}
    assert size_matters[0].record_id is None
    assert deduplicator.later_sources[size_matters[0].id][0].line == 1
    assert (deduplicator.entries, deduplicator.duplicates, deduplicator.distinct) == (11, 1, 10)
    assert deduplicator.rejected == 4
    assert len(items) == 10 + 4  # rejects pass through
    assert len({p.id for p in papers}) == len(papers)


def test_a_title_written_with_a_latex_accent_is_the_same_paper(tmp_path: Path) -> None:
    typed = write(tmp_path / "typed.jsonl", json.dumps(
        {"title": "Poincaré Nets for Trees", "abstract": "We propose Poincaré Nets."}).encode() + b"\n")
    latex = write(tmp_path / "latex.jsonl", json.dumps(
        {"title": r"Poincar\'e Nets for Trees", "abstract": r"We propose Poincar\'e Nets."}).encode() + b"\n")
    deduplicator = Deduplicator()
    papers = list(deduplicator.dedupe(read_papers([typed, latex])))
    assert [p.title for p in papers] == ["Poincaré Nets for Trees"]
    assert deduplicator.duplicates == 1


# --- robustness -----------------------------------------------------------------------

def _whole_or_truncated(line: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(0, len(line)).map(lambda cut: line[:cut] if cut else line)


_json_like_lines = st.lists(
    st.one_of(
        st.binary(max_size=80),
        st.sampled_from(
            [
                b'{"title": "T", "abstract": "A."}',
                b'{"title": "T", "abstract": "A.", "authors": {"x": 1}}',
                b'{"abstract": 3, "id": "2103.14030"}',
                b'{"title": [], "abstract": "x"}',
                b"[1, 2]",
                b"null",
                b'"\xff"',
            ]
        ).flatmap(_whole_or_truncated),
    ),
    max_size=12,
)


# tmp_path is shared by the examples of one test; each example overwrites its file.
_property_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_property_settings
@given(lines=_json_like_lines)
def test_random_jsonl_bytes_every_line_is_a_paper_or_a_reject(
    tmp_path: Path, lines: list[bytes]
) -> None:
    data = b"\n".join(lines)
    assume(not data.startswith(b"\x1f\x8b"))  # that would be a (broken) gzip file
    path = write(tmp_path / "random.jsonl", data)

    items = list(read_papers([path], fmt="jsonl"))

    non_blank = [line for line in data.removeprefix(b"\xef\xbb\xbf").split(b"\n") if line.strip()]
    assert len(items) == len(non_blank)
    assert all(isinstance(item, (Paper, Rejected)) for item in items)
    assert all(item.abstract for item in items if isinstance(item, Paper))


@_property_settings
@given(
    header=st.sampled_from([b"title,abstract\n", b"Title,Text,doi\n", b""]),
    body=st.binary(max_size=300),
)
def test_random_csv_bytes_never_crash(tmp_path: Path, header: bytes, body: bytes) -> None:
    data = header + body
    assume(not data.startswith(b"\x1f\x8b"))
    path = write(tmp_path / "random.csv", data)

    items = list(read_papers([path]))

    physical_lines = data.count(b"\n") + 1
    assert all(isinstance(item, (Paper, Rejected)) for item in items)
    assert len(items) <= physical_lines
    assert all(1 <= item.source.line <= physical_lines for item in items if isinstance(item, Paper))
    assert all(item.abstract for item in items if isinstance(item, Paper))
