"""Ingest: read paper records from listing pages, JSON, JSON Lines, arXiv metadata and CSV.

``read_papers`` streams one ``Paper`` per readable record and one ``Rejected`` per
record (or file) that cannot be used; bad data never raises. ``Deduplicator``
then keeps the first sighting of each paper.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kgbuild.errors import InputError
from kgbuild.models import Paper, Rejected
from kgbuild.sources.admissible import MAX_TEXT_CHARS, admit, printable, unstorable_reason
from kgbuild.sources.files import (
    READ_ERRORS,
    READABLE_SUFFIXES,
    NumberedLines,
    cannot_read,
    expand_paths,
    format_suffix,
    open_lines,
)
from kgbuild.sources.identity import (
    Deduplicator,
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
    paper_id,
)
from kgbuild.sources.jsonish import read_arxiv, read_json, read_json_lines
from kgbuild.sources.listing import read_listing
from kgbuild.sources.tabular import read_csv

__all__ = [
    "FORMATS",
    "MAX_TEXT_CHARS",
    "Deduplicator",
    "normalise_arxiv_id",
    "normalise_doi",
    "normalise_title",
    "paper_id",
    "admit",
    "file_format",
    "read_file",
    "read_papers",
    "require_paths",
]

Reader = Callable[[NumberedLines, str], Iterator[Paper | Rejected]]

_READERS: dict[str, Reader] = {
    "listing": read_listing,
    "jsonl": read_json_lines,
    "json": read_json,
    "csv": read_csv,
    "arxiv": read_arxiv,
}
FORMATS = tuple(_READERS)

_FORMAT_BY_SUFFIX = {
    ".txt": "listing",
    # Auto-detected: a JSON array when the file starts with "[", else JSON Lines.
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".csv": "csv",
}


def file_format(path: Path, fmt: str | None = None) -> str | None:
    """The format a file is read in: ``fmt`` when given, else the one its extension names."""
    return fmt or _FORMAT_BY_SUFFIX.get(format_suffix(path))


def read_papers(paths: Iterable[str | Path], fmt: str | None = None,
                on_skip: Callable[[str], None] | None = None) -> Iterator[Paper | Rejected]:
    """Stream the papers in ``paths`` (files or directories), in order, duplicates included.

    ``fmt`` forces one format for every file instead of choosing by extension. Only the
    caller's mistakes raise (``InputError``), at the call, before any file is opened: an
    unknown ``fmt`` or a path that does not exist. A directory without one readable file
    raises when it is reached. ``on_skip`` hears of each file a directory walk passes over.
    """
    if fmt is not None and fmt not in _READERS:
        raise InputError(
            f"unknown input format {fmt!r}",
            hint=f"use one of: {', '.join(FORMATS)}; or leave it out to choose by file extension",
        )
    if isinstance(paths, (str, Path)):  # one path given where a list was meant
        paths = [paths]
    paths = list(paths)
    require_paths(paths)
    return _read_all(paths, fmt, on_skip)


def require_paths(paths: Iterable[str | Path]) -> None:
    """Raise ``InputError`` naming every given path that does not exist."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise InputError(f"input not found: {', '.join(missing)}",
                         hint="check the spelling and the working directory; nothing was read or written")


def _read_all(paths: list[str | Path], fmt: str | None,
              on_skip: Callable[[str], None] | None) -> Iterator[Paper | Rejected]:
    for entry in expand_paths(paths, on_skip):
        if isinstance(entry, Rejected):
            yield entry
        else:
            yield from read_file(entry, fmt)


def read_file(path: Path | str, fmt: str | None = None) -> Iterator[Paper | Rejected]:
    """The records of one file; one that cannot be opened (even a missing one) is a reject."""
    for item in _read_file(Path(path), fmt):
        yield admit(item)


def _read_file(path: Path, fmt: str | None) -> Iterator[Paper | Rejected]:
    name = str(path)
    if unstorable_reason(name):  # a file name that is not valid UTF-8
        yield Rejected(file=printable(name), line=0,
                       reason="cannot read file: its name is not valid UTF-8, and every record "
                              "names its file; rename the file")
        return
    chosen = file_format(path, fmt)
    if chosen is None:
        yield Rejected(
            file=name,
            line=0,
            reason=f"cannot read file: unknown file type (expected a name ending in "
            f"{', '.join(READABLE_SUFFIXES)}, optionally .gz; or choose a format)",
        )
        return
    try:
        with open_lines(path) as lines:
            try:
                yield from _READERS[chosen](lines, name)
            except READ_ERRORS as error:  # e.g. a truncated gzip stream, found mid-file
                yield Rejected(file=name, line=lines.line_number + 1, reason=cannot_read(error))
    except OSError as error:
        yield Rejected(file=name, line=0, reason=cannot_read(error))
