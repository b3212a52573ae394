"""What a record must satisfy before it goes on to extraction and a graph store.

It is checked once, where records are read, so an unusable record becomes a reject with
its file and line, never a failed write batch that takes the good records with it.
Per character class (tested against the embedded store in tests/test_bad_text.py):

* NUL (U+0000): rejected. FalkorDB keeps strings as C strings, so no encoding of a
  parameter can carry it; the server would cut the statement short at it.
* Lone surrogates (U+D800-U+DFFF): rejected. They are not characters and cannot be
  written as UTF-8, which both stores speak.
* U+0001 in a paper's id (which a record's own id or its DOI becomes): rejected. FalkorDB
  (4.16) crashes when it checks a uniqueness constraint on a string holding it; in other
  fields it is stored as read.
* Every other character, including the other C0 controls, DEL, C1 controls, the
  noncharacters U+FFFE/U+FFFF and the bidirectional controls: stored exactly as read.

Size: spaCy refuses a text over its ``max_length`` of 1,000,000 characters (error E088),
and the extractor runs on the title and on the abstract separately, so a longer title or
abstract is rejected rather than cut, which would lose facts without saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kgbuild.models import Paper, Rejected

MAX_TEXT_CHARS = 1_000_000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_EXCERPT_CHARS = 200
# Crashes FalkorDB's uniqueness check on the constrained keys (see the module docstring).
_NOT_IN_KEYS = "\x01"


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    what = "a NUL character (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"holds {what} at character {found.start()}, which no graph store can hold"


def printable(text: str) -> str:
    """``text`` with what cannot be written as UTF-8 shown as escapes (for reject lines);
    the bytes of a file name that is not UTF-8 show as themselves (``\\xff``)."""
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="backslashreplace").decode("utf-8")
    return raw.decode("utf-8", errors="backslashreplace")


def _string_fields(paper: Paper) -> Iterator[tuple[str, str]]:
    yield "id", paper.id
    yield "title", paper.title
    yield "abstract", paper.abstract
    for name in ("arxiv_id", "doi", "url", "date"):
        value = getattr(paper, name)
        if value is not None:
            yield name, value
    for name in ("authors", "categories"):
        for position, value in enumerate(getattr(paper, name)):
            yield f"{name}[{position}]", value


def admit(item: Paper | Rejected) -> Paper | Rejected:
    """The paper itself when it can be extracted and stored, else its reject."""
    if isinstance(item, Rejected):
        return item
    for name in ("title", "abstract"):
        length = len(getattr(item, name))
        if length > MAX_TEXT_CHARS:
            return _reject(item, name, f"{name} is {length:,} characters long, over the limit of "
                                       f"{MAX_TEXT_CHARS:,} per title or abstract")
    for name, value in _string_fields(item):
        reason = unstorable_reason(value)
        if reason:
            return _reject(item, name, f"{name} {reason}")
    if (position := item.id.find(_NOT_IN_KEYS)) >= 0:
        return _reject(item, "id", f"id holds U+0001 at character {position}, which the embedded store "
                                   f"cannot hold in a paper's id; remove it from the record's id (or DOI)")
    return item


def _reject(paper: Paper, field: str, reason: str) -> Rejected:
    value = dict(_string_fields(paper))[field]
    return Rejected(file=paper.source.file, line=paper.source.line, reason=reason,
                    raw=ascii(value[:_EXCERPT_CHARS]))
