"""Turning a record's named fields (a JSON object or a CSV row) into a ``Paper``.

Field names are matched case-insensitively. Wrong value types are coerced when the
meaning is clear (a number as a title) and rejected with the field named otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.sources.files import excerpt
from kgbuild.sources.identity import (
    arxiv_id_from_doi,
    arxiv_id_from_url,
    normalise_arxiv_id,
    normalise_doi,
    paper_id,
)

ABSTRACT_KEYS = ("abstract", "text", "summary")
# The field that holds a record's own id, unless the input names another (--id-field).
DEFAULT_ID_FIELD = "id"
DATE_KEYS = ("date", "published", "update_date")
# "A, B and C" (arXiv style), "A; B" and "A and B" all separate author names.
_AUTHOR_SEPARATOR = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+")
_CATEGORY_SEPARATOR = re.compile(r"[\s,;]+")


class UnusableRecord(ValueError):
    """The record lacks what a paper needs, or a field holds a value that means nothing."""


# LaTeX accent commands as arXiv's metadata writes them ("Poincar\'e", "{\"o}", "\^{o}"),
# each with the combining mark it puts on its letter.
_LATEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304"}
_LATEX_ACCENT_RE = re.compile(r"""\{\\(['`^"~=])([A-Za-z])\}|\\(['`^"~=])(?:\{([A-Za-z])\}|([A-Za-z]))""")


def clean_text(text: str) -> str:
    """Whitespace runs (newlines included) become one space, and LaTeX accent commands the
    letters they write ("Poincar\\'e" is "Poincaré"), so that a name reads the same in a
    title typed with the letter and an abstract typed with the command."""
    if "\\" in text:
        text = _decode_latex_accents(text)
    return " ".join(text.split())


def _decode_latex_accents(text: str) -> str:
    def letter(match: re.Match) -> str:
        accent = match.group(1) or match.group(3)
        base = match.group(2) or match.group(4) or match.group(5)
        return unicodedata.normalize("NFC", base + _LATEX_ACCENTS[accent])

    return _LATEX_ACCENT_RE.sub(letter, text)


def normalise_key(name: str) -> str:
    return name.strip().lower()


def paper_from_fields(
    fields: Mapping[str, object],
    source: SourceRef,
    raw: bytes | str,
    *,
    trust_id_as_arxiv: bool = False,
    id_field: str = DEFAULT_ID_FIELD,
) -> Paper | Rejected:
    """Map one record to a ``Paper``, or say why it cannot be one.

    ``raw`` is the record as read, quoted in a rejection. ``trust_id_as_arxiv`` is set
    for arXiv metadata, whose ``id`` is always an arXiv id. ``id_field`` names the field
    holding the record's own id (kept as ``record_id``; the paper's identity when it has
    no arXiv id or DOI).
    """
    by_key = {normalise_key(str(name)): value for name, value in fields.items()}
    try:
        return _build_paper(by_key, source, trust_id_as_arxiv, normalise_key(id_field))
    except UnusableRecord as error:
        return Rejected(file=source.file, line=source.line, reason=str(error), raw=excerpt(raw))


def _build_paper(fields: dict[str, object], source: SourceRef, trust_id_as_arxiv: bool, id_field: str) -> Paper:
    title = clean_text(_text_field(fields, "title") or "")
    abstract = ""
    for key in ABSTRACT_KEYS:
        abstract = clean_text(_text_field(fields, key) or "")
        if abstract:
            break
    plain_id = _text_field(fields, "id")
    record_id = plain_id if id_field == "id" else _text_field(fields, id_field)
    url = _text_field(fields, "url")
    doi = normalise_doi(_text_field(fields, "doi") or "")
    arxiv_id = _find_arxiv_id(fields, plain_id, url, doi, trust_id_as_arxiv)

    if not abstract:
        raise UnusableRecord("missing abstract" if title else "missing title and abstract")
    if not title and not (record_id or plain_id or arxiv_id or doi):
        raise UnusableRecord("missing title (and no id to name the paper by)")

    return Paper(
        id=paper_id(title, abstract, arxiv_id=arxiv_id, doi=doi, record_id=record_id),
        title=title,
        abstract=abstract,
        source=source,
        record_id=record_id,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        date=next((date for key in DATE_KEYS if (date := _text_field(fields, key))), None),
        authors=_authors(fields),
        categories=_categories(fields.get("categories")),
    )


def _find_arxiv_id(
    fields: dict[str, object],
    record_id: str | None,
    url: str | None,
    doi: str | None,
    trust_id_as_arxiv: bool,
) -> str | None:
    explicit = _text_field(fields, "arxiv_id")
    candidates = (
        normalise_arxiv_id(explicit) if explicit else None,
        normalise_arxiv_id(record_id, trusted=trust_id_as_arxiv) if record_id else None,
        arxiv_id_from_url(url) if url else None,
        arxiv_id_from_doi(doi) if doi else None,
    )
    return next((candidate for candidate in candidates if candidate), None)


def _text_field(fields: dict[str, object], key: str) -> str | None:
    """The field as stripped text; None when absent, null or blank."""
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    # bool is an int subclass, but True is no title.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise UnusableRecord(f"{key}: expected text, found {_type_name(value)}")


def _authors(fields: dict[str, object]) -> list[str]:
    authors = fields.get("authors")
    parsed = fields.get("authors_parsed")
    # arXiv metadata gives both; the parsed form does not depend on comma guessing.
    if parsed is not None and (authors is None or isinstance(authors, str)):
        return _parsed_authors(parsed)
    if authors is None:
        return []
    if isinstance(authors, str):
        return [name for name in _AUTHOR_SEPARATOR.split(clean_text(authors)) if name]
    if isinstance(authors, list):
        return [name for item in authors if (name := _author_name(item))]
    raise UnusableRecord(f"authors: expected a list of names or text, found {_type_name(authors)}")


def _author_name(item: object) -> str:
    if isinstance(item, str):
        return clean_text(item)
    if isinstance(item, list):
        return _name_from_parts(item)
    if isinstance(item, dict):
        name = item.get("name")
        if isinstance(name, str):
            return clean_text(name)
    raise UnusableRecord(f"authors: expected names, found {_type_name(item)}")


def _parsed_authors(parsed: object) -> list[str]:
    if not isinstance(parsed, list) or not all(isinstance(item, list) for item in parsed):
        raise UnusableRecord(
            f"authors_parsed: expected a list of [last, first, ...], found {_type_name(parsed)}"
        )
    return [name for item in parsed if (name := _name_from_parts(item))]


def _name_from_parts(parts: list[object]) -> str:
    """``[last, first, suffix]`` as arXiv parses names -> ``first last suffix``."""
    if not all(isinstance(part, str) for part in parts):
        raise UnusableRecord("authors: a name part is not text")
    texts = [clean_text(part) for part in parts if isinstance(part, str)]
    ordered = texts[1:2] + texts[:1] + texts[2:]
    return " ".join(part for part in ordered if part)


def _categories(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [category for category in _CATEGORY_SEPARATOR.split(value) if category]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [category for item in value if (category := item.strip())]
    raise UnusableRecord(f"categories: expected a list of names or text, found {_type_name(value)}")


def _type_name(value: object) -> str:
    json_names = {dict: "object", list: "array", str: "text", bool: "boolean"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return json_names.get(type(value), type(value).__name__)
