"""Finding input files and reading them as numbered byte lines.

Readers get raw byte lines, not text: decoding happens per record so that one bad
byte costs one record, not the whole file.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kgbuild.errors import InputError
from kgbuild.models import Rejected

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
READABLE_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".json", ".csv")
RAW_EXCERPT_CHARS = 500
UNDECODABLE = "undecodable bytes (not UTF-8)"
# How bytes that are not UTF-8 look after decoding with errors="surrogateescape".
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")

# Everything that can go wrong while pulling bytes out of an opened file, including
# a truncated or corrupt gzip stream, which surfaces only when that part is read.
READ_ERRORS = (OSError, EOFError, zlib.error)


def format_suffix(path: Path) -> str:
    """The suffix that names the format: ``papers.jsonl.gz`` -> ``.jsonl``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    return os.path.splitext(name)[1]


def has_readable_name(path: Path) -> bool:
    return format_suffix(path) in READABLE_SUFFIXES


def expand_paths(paths: Iterable[str | Path],
                 on_skip: Callable[[str], None] | None = None) -> Iterator[Path | Rejected]:
    """Files as given, and the readable files under each directory, walked in sorted order.

    Paths that do not exist are passed through so that opening them reports why. A
    directory holding no readable file at all raises ``InputError``: as a source it
    would otherwise read as "no papers" (and, to a pruning rebuild, as "all papers left").
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_directory(path, on_skip or (lambda _: None))
        else:
            yield path


def _walk_directory(directory: Path, on_skip: Callable[[str], None]) -> Iterator[Path | Rejected]:
    walk_errors: list[OSError] = []
    found = 0
    for folder, subfolders, filenames in os.walk(directory, onerror=walk_errors.append):
        subfolders.sort()  # os.walk descends in the order left in this list
        for filename in sorted(filenames):
            candidate = Path(folder, filename)
            if has_readable_name(candidate):
                found += 1
                yield candidate
            else:
                on_skip(str(candidate))
        while walk_errors:
            error = walk_errors.pop(0)
            found += 1
            yield Rejected(
                file=str(error.filename or directory), line=0, reason=cannot_read(error)
            )
    for error in walk_errors:  # e.g. the top directory itself was unreadable
        found += 1  # reported as a reject, not as an empty directory
        yield Rejected(file=str(error.filename or directory), line=0, reason=cannot_read(error))
    if not found:
        raise InputError(f"{directory} holds no readable input file (names ending in "
                         f"{', '.join(READABLE_SUFFIXES)}, optionally .gz)",
                         hint="point at the files themselves, or at the directory that holds them")


CANNOT_READ = "cannot read file"


def cannot_read(error: BaseException) -> str:
    why = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return f"{CANNOT_READ}: {why}"


def lost_part_of_a_source(rejected: Rejected) -> bool:
    """Whether the reject stands for a file, or the rest of one, that could not be read:
    the papers it holds are unknown, not gone."""
    return rejected.line == 0 or rejected.reason.startswith(CANNOT_READ)


BytesHook = Callable[[int], None]
# How many bytes of a file are read between two reports to a BytesHook.
REPORT_EVERY_BYTES = 1 << 16


def input_size(paths: Iterable[str | Path]) -> int:
    """The bytes on disk of every input file under ``paths`` (compressed files as stored):
    the total a progress bar of ``on_bytes`` reports counts towards."""
    total = 0
    for given in paths:
        try:
            for entry in expand_paths([given]):
                if isinstance(entry, Path):
                    try:
                        total += entry.stat().st_size
                    except OSError:
                        pass  # reading it will make a reject of it
        except InputError:
            pass  # a directory without one input file: the run says so when it gets there
    return total


class NumberedLines:
    """Iterates ``(line_number, bytes)`` over a binary stream, 1-based.

    ``line_number`` stays readable after an error so the caller can say where
    reading stopped. A UTF-8 byte-order mark on the first line is dropped.
    ``on_bytes`` hears, now and then, how many more bytes of the file on disk were read
    (``raw_file``, when given, is that file under a decompressing ``stream``).
    """

    def __init__(self, stream: BinaryIO, on_bytes: BytesHook | None = None,
                 raw_file: BinaryIO | None = None) -> None:
        self._stream = stream
        self._on_bytes = on_bytes
        self._raw_file = raw_file
        self.line_number = 0
        self.reported = 0

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        if self._on_bytes is not None:
            yield from self._metered()
            return
        for raw in self._stream:
            self.line_number += 1
            if self.line_number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            yield self.line_number, raw

    def _metered(self) -> Iterator[tuple[int, bytes]]:
        on_bytes, raw_file = self._on_bytes, self._raw_file
        assert on_bytes is not None
        read = 0
        for raw in self._stream:
            self.line_number += 1
            if raw_file is None:
                read += len(raw)
            if read - self.reported >= REPORT_EVERY_BYTES or (raw_file is not None and self.line_number % 256 == 0):
                if raw_file is not None:
                    read = raw_file.tell()
                on_bytes(read - self.reported)
                self.reported = read
            if self.line_number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            yield self.line_number, raw


@contextmanager
def open_lines(path: Path, on_bytes: BytesHook | None = None) -> Iterator[NumberedLines]:
    """Open a file for line reading, through gzip when named ``.gz`` or gzip-compressed.

    ``on_bytes`` hears of the bytes of the file read as the lines are taken, and of the
    rest of its size when it is closed (read in full or not), so the reports of all files
    add up to their ``input_size``."""
    with open(path, "rb") as plain:
        stream: BinaryIO = plain
        compressed = path.name.lower().endswith(".gz") or plain.peek(len(GZIP_MAGIC)).startswith(GZIP_MAGIC)
        if compressed:
            stream = io.BufferedReader(gzip.GzipFile(fileobj=plain, mode="rb"))
        lines = NumberedLines(stream, on_bytes, plain if compressed else None)
        try:
            yield lines
        finally:
            if stream is not plain:
                stream.close()
            if on_bytes is not None:
                try:
                    rest = os.fstat(plain.fileno()).st_size - lines.reported
                except OSError:
                    rest = 0
                if rest > 0:
                    on_bytes(rest)


def decode_line(raw: bytes) -> str:
    """Strict UTF-8; raises ``UnicodeDecodeError`` so the caller can reject the record."""
    return raw.decode("utf-8")


def excerpt(raw: bytes | str) -> str:
    """A bounded, printable copy of offending input for a ``Rejected``."""
    if isinstance(raw, bytes):
        text = raw[: RAW_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    else:
        # Text decoded with surrogateescape may hold lone surrogates; pydantic and JSON
        # writers cannot carry those, so show them as replacement characters.
        text = raw[:RAW_EXCERPT_CHARS].encode("utf-8", errors="surrogateescape").decode(
            "utf-8", errors="replace"
        )
    return text[:RAW_EXCERPT_CHARS].strip()
