"""CSV input with a header row naming the columns (the same names as JSON fields)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator

from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.sources.files import ESCAPED_BYTE, UNDECODABLE, NumberedLines, excerpt
from kgbuild.sources.records import ABSTRACT_KEYS, DEFAULT_ID_FIELD, normalise_key, paper_from_fields



def _allow_huge_fields() -> None:
    """An abstract can exceed csv's default 128 KiB field limit; that is not an error."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # the C long is narrower than sys.maxsize on some platforms
            limit //= 2


class _RecordingLines:
    """Feeds decoded lines to ``csv.reader`` and remembers those of the current record."""

    def __init__(self, lines: Iterable[tuple[int, bytes]]) -> None:
        self._lines = iter(lines)
        self.current: list[str] = []

    def __iter__(self) -> Iterator[str]:
        # surrogateescape keeps non-UTF-8 bytes as lone surrogates, so the csv parser
        # still sees the record structure and only the affected record is rejected.
        for _, raw in self._lines:
            text = raw.decode("utf-8", errors="surrogateescape")
            self.current.append(text)
            yield text

    def take_raw(self) -> str:
        """The lines read since the last call, as read (excerpted when quoted)."""
        raw = "".join(self.current)
        self.current = []
        return raw


def read_csv(lines: NumberedLines, file: str, *, id_field: str = DEFAULT_ID_FIELD) -> Iterator[Paper | Rejected]:
    _allow_huge_fields()
    feed = _RecordingLines(lines)
    rows = csv.reader(feed)
    header: list[str] | None = None
    while True:
        start_line = rows.line_num + 1  # a quoted field can carry a record over many lines
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            reason = f"malformed CSV: {error}"
            yield Rejected(file=file, line=start_line, reason=reason, raw=excerpt(feed.take_raw()))
            continue
        raw = feed.take_raw()
        # A blank line is no record; a data row of empty cells is one, and gets rejected.
        if not row or (header is None and not any(cell.strip() for cell in row)):
            continue
        if header is None:
            header = [normalise_key(ESCAPED_BYTE.sub("\ufffd", name)) for name in row]
            if not any(key in header for key in ABSTRACT_KEYS):
                reason = (
                    "CSV header has no abstract, text or summary column "
                    "(the first row must name the columns)"
                )
                yield Rejected(file=file, line=start_line, reason=reason, raw=excerpt(raw))
                return
            continue
        source = SourceRef(file=file, line=start_line)
        if len(row) != len(header):
            reason = f"expected {len(header)} fields as in the header, found {len(row)}"
            yield Rejected(file=file, line=start_line, reason=reason, raw=excerpt(raw))
        elif any(ESCAPED_BYTE.search(cell) for cell in row):
            yield Rejected(file=file, line=start_line, reason=UNDECODABLE, raw=excerpt(raw))
        else:
            yield paper_from_fields(dict(zip(header, row)), source, raw, id_field=id_field)
