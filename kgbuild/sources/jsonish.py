"""JSON input: JSON Lines, a JSON array of objects, and arXiv metadata snapshots.

A JSON array is split into its elements while it is read, so even a very large array
is never held in memory whole, and a broken element costs only itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain

import orjson

from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.sources.files import UNDECODABLE, NumberedLines, excerpt
from kgbuild.sources.records import DEFAULT_ID_FIELD, paper_from_fields

# Inside an array only strings (which may hold brackets and commas) and the
# structural characters matter for finding where one element ends. JSON strings
# cannot contain raw newlines, so a string never continues onto the next line.
_ARRAY_TOKEN = re.compile(rb'"(?:[^"\\]|\\[\s\S])*"?|[\[\]{},]')
_OPENERS = (b"{", b"[")
_CLOSERS = (b"}", b"]")


def read_json(
    lines: NumberedLines, file: str, *, arxiv: bool = False, id_field: str = DEFAULT_ID_FIELD
) -> Iterator[Paper | Rejected]:
    """JSON in either shape: an array when the first non-space character is ``[``."""
    numbered = iter(lines)
    for first in numbered:
        if first[1].strip():
            break
    else:
        return
    rest = chain([first], numbered)
    if first[1].lstrip().startswith(b"["):
        yield from _read_array(rest, file, arxiv=arxiv, id_field=id_field)
    else:
        yield from read_json_lines(rest, file, arxiv=arxiv, id_field=id_field)


def read_json_lines(
    lines: Iterable[tuple[int, bytes]], file: str, *, arxiv: bool = False,
    id_field: str = DEFAULT_ID_FIELD,
) -> Iterator[Paper | Rejected]:
    """One JSON object per line; blank lines are skipped."""
    for line_number, raw in lines:
        if raw.strip():
            yield _record_from_json(raw, file, line_number, arxiv, id_field)


def read_arxiv(lines: NumberedLines, file: str) -> Iterator[Paper | Rejected]:
    return read_json(lines, file, arxiv=True)


def _record_from_json(raw: bytes, file: str, line: int, arxiv: bool,
                      id_field: str = DEFAULT_ID_FIELD) -> Paper | Rejected:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return Rejected(file=file, line=line, reason=UNDECODABLE, raw=excerpt(raw))
        return Rejected(file=file, line=line, reason=f"invalid JSON: {error}", raw=excerpt(raw))
    if not isinstance(value, dict):
        return Rejected(
            file=file,
            line=line,
            reason=f"expected a JSON object, found {_json_type(value)}",
            raw=excerpt(raw),
        )
    return paper_from_fields(value, SourceRef(file=file, line=line), raw, trust_id_as_arxiv=arxiv,
                             id_field=DEFAULT_ID_FIELD if arxiv else id_field)


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


class _ElementBuffer:
    """The bytes of the array element being read, and the line it starts on."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.start_line = 0

    def add(self, line_number: int, piece: bytes) -> None:
        if not self.start_line:
            if not piece.strip():
                return
            self.start_line = line_number
        self.pieces.append(piece)

    def take(self) -> tuple[int, bytes] | None:
        """The finished element, or None when there was nothing between the commas."""
        if not self.start_line:
            return None
        element = (self.start_line, b"".join(self.pieces))
        self.pieces, self.start_line = [], 0
        return element


def _read_array(
    lines: Iterable[tuple[int, bytes]], file: str, *, arxiv: bool, id_field: str = DEFAULT_ID_FIELD
) -> Iterator[Paper | Rejected]:
    """Read ``[ {...}, {...} ]``, one element at a time.

    Several arrays one after another are read in turn; anything else after an
    array is rejected once, with the line it starts on.
    """
    element = _ElementBuffer()
    depth = 0  # nesting inside the top-level array; 0 means between elements
    in_array = False
    line_number = 0
    for line_number, raw in lines:
        position = 0
        while position < len(raw):
            if not in_array:
                rest = raw[position:].lstrip()
                if not rest:
                    break
                if not rest.startswith(b"["):
                    yield Rejected(
                        file=file,
                        line=line_number,
                        reason="unexpected text after the end of the JSON array",
                        raw=excerpt(rest),
                    )
                    return
                in_array, depth = True, 0
                position = len(raw) - len(rest) + 1
            position, closed, depth = _scan_array_line(
                raw, position, depth, element, line_number
            )
            for start_line, data in closed:
                yield _record_from_json(data, file, start_line, arxiv, id_field)
            if depth < 0:  # the top-level array closed on this line
                in_array, depth = False, 0
            else:
                break
    if in_array:
        pending = element.take()
        if pending is not None:
            yield _record_from_json(pending[1], file, pending[0], arxiv, id_field)
        yield Rejected(
            file=file, line=line_number, reason="JSON array is not closed (file truncated?)"
        )


def _scan_array_line(
    raw: bytes, position: int, depth: int, element: _ElementBuffer, line_number: int
) -> tuple[int, list[tuple[int, bytes]], int]:
    """Scan one line from ``position`` inside an array.

    Returns where scanning stopped, the elements completed on this line, and the
    nesting depth, which is -1 when the array's closing bracket was reached (scanning
    then stops just after it).
    """
    completed: list[tuple[int, bytes]] = []
    for match in _ARRAY_TOKEN.finditer(raw, position):
        token = match.group()
        if token in _OPENERS:
            depth += 1
        elif token in _CLOSERS and depth > 0:
            depth -= 1
        elif depth == 0 and token in (b",", b"]"):
            element.add(line_number, raw[position : match.start()])
            if (finished := element.take()) is not None:
                completed.append(finished)
            position = match.end()
            if token == b"]":
                return position, completed, -1
    element.add(line_number, raw[position:])
    return len(raw), completed, depth
