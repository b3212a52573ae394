"""Saved "trending papers" pages: a title line, then the abstract, entry after entry.

Pages come in two layouts, blank-line separated and packed (no blank lines, page
furniture sometimes glued onto the next line). Both are read the same way: blank
lines and furniture are dropped, and every remaining line is either a title, which
starts an entry, or abstract text, which belongs to the entry above it.

A line is a title when it reads like a heading: short, not ending in a full stop,
and not made of several sentences. Abstract text fails at least one of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.sources.files import ESCAPED_BYTE, UNDECODABLE, NumberedLines, excerpt
from kgbuild.sources.identity import paper_id
from kgbuild.sources.records import clean_text

# The longest real titles run to about 150 characters; the shortest abstracts are
# several times that. The limit sits in between with room on both sides.
MAX_TITLE_CHARS = 300

_FURNITURE_PHRASES = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
)
_FURNITURE_LINES = frozenset(
    phrase.casefold() for phrase in _FURNITURE_PHRASES + ("Subscribe", "new")
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE_LINE = re.compile(rf"{_MONTH}\.? \d{{1,2}}(?:, \d{{4}})?", re.IGNORECASE)
# A date glued to the next line: "Mar 12Efficient ...". A digit right after the day
# would make the day ambiguous, so that is left alone.
_GLUED_DATE = re.compile(rf"{_MONTH}\.? \d{{1,2}}(?=[^\d\s])")
# "Subscribe" glued to a title ("SubscribeLWGANet: ..."), but not the words
# Subscriber(s)/Subscribed/Subscribes, which a title could start with.
_GLUED_SUBSCRIBE = re.compile(r"Subscribe(?=[^\W_])(?!(?:rs?|d|s)\b)")
_SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]?\s+[A-Z]")
_TRAILING_CLOSERS = "\"')]"


def read_listing(lines: NumberedLines, file: str) -> Iterator[Paper | Rejected]:
    entry: _Entry | None = None
    for line_number, raw in lines:
        text = raw.decode("utf-8", errors="surrogateescape")
        undecodable = ESCAPED_BYTE.search(text) is not None
        text = strip_glued_furniture(text.strip())
        if not text or is_furniture(text):
            continue
        if looks_like_title(text):
            if entry is not None:
                yield entry.finish(file)
            entry = _Entry(title_line=line_number, title=text)
        elif entry is None:
            reason = UNDECODABLE if undecodable else "abstract text with no title line before it"
            yield Rejected(file=file, line=line_number, reason=reason, raw=excerpt(text))
            continue
        else:
            entry.paragraphs.append(text)
        if undecodable and entry.undecodable_line is None:
            entry.undecodable_line = line_number
    if entry is not None:
        yield entry.finish(file)


@dataclass
class _Entry:
    title_line: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    undecodable_line: int | None = None

    def finish(self, file: str) -> Paper | Rejected:
        title = clean_text(self.title)
        abstract = clean_text(" ".join(self.paragraphs))
        if self.undecodable_line is not None:
            raw = excerpt(f"{title}\n{abstract}")
            return Rejected(file=file, line=self.undecodable_line, reason=UNDECODABLE, raw=raw)
        if not abstract:
            return Rejected(
                file=file,
                line=self.title_line,
                reason="title line with no abstract after it",
                raw=excerpt(title),
            )
        return Paper(
            id=paper_id(title, abstract),
            title=title,
            abstract=abstract,
            source=SourceRef(file=file, line=self.title_line),
        )


def is_furniture(line: str) -> bool:
    return line.casefold() in _FURNITURE_LINES or _DATE_LINE.fullmatch(line) is not None


def strip_glued_furniture(line: str) -> str:
    """Remove page furniture stuck to the front of a line, as saved packed pages have it."""
    while length := _glued_furniture_length(line):
        line = line[length:].lstrip()
    return line


def _glued_furniture_length(line: str) -> int:
    for phrase in _FURNITURE_PHRASES:
        if line.startswith(phrase):
            return len(phrase)
    if glued := _GLUED_SUBSCRIBE.match(line) or _GLUED_DATE.match(line):
        return glued.end()
    # "new" starts too many words to strip on its own; only in front of other furniture.
    if line.startswith("new"):
        rest = line[len("new") :]
        if rest and (is_furniture(rest) or _glued_furniture_length(rest)):
            return len("new")
    return 0


def looks_like_title(line: str) -> bool:
    if len(line) > MAX_TITLE_CHARS:
        return False
    if line.rstrip(_TRAILING_CLOSERS).endswith("."):
        return False
    return len(_SENTENCE_BREAK.findall(line)) < 2
