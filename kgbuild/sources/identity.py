"""Which paper a record is: stable ids, title normalisation and de-duplication.

The id is chosen so that the same paper read from different sources gets the same
id whenever the sources share something reliable: an arXiv id, else a DOI, else the
record's own id (``id:<value>``), else the title.

Every id made here is stored, so no normalisation here may change. Titles are folded by
``kgbuild.names.title_key`` (the case and Unicode fold of name look-ups, keeping word
boundaries; ``kgbuild.names`` says why). arXiv ids and DOIs are identifiers, not names, and
keep rules of their own: an arXiv id keeps its case (old-style subject classes such as
``math.GT`` are written so) and loses only a prefix and a version; a DOI is case-insensitive
in ASCII only, so it is lower-cased, never case-folded (``ß`` stays ``ß``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from kgbuild.models import Paper, Rejected, SourceRef
from kgbuild.names import title_key

_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")
_NEW_STYLE_ARXIV = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
# Before 2007: archive[.subject-class]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_STYLE_ARXIV = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z-]+)?/\d{7}(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([^\s?#]+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
# arXiv registers a DOI for every paper; it names the same paper as the arXiv id.
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)")
_TOKEN_WITHOUT_SPACES = re.compile(r"\S+")


def normalise_title(title: str) -> str:
    """Title reduced to what survives reformatting: case, punctuation and spacing ignored."""
    return title_key(title)


def normalise_arxiv_id(value: str, *, trusted: bool = False) -> str | None:
    """``arXiv:2103.14030v2`` -> ``2103.14030``; None when it is not an arXiv id.

    ``trusted`` values (the ``id`` of an arXiv metadata record) are accepted without
    the shape check, only cleaned.
    """
    text = _ARXIV_PREFIX.sub("", value.strip())
    looks_like_arxiv = _NEW_STYLE_ARXIV.fullmatch(text) or _OLD_STYLE_ARXIV.fullmatch(text)
    if not looks_like_arxiv and not (trusted and _TOKEN_WITHOUT_SPACES.fullmatch(text)):
        return None
    return _ARXIV_VERSION.sub("", text)


def arxiv_id_from_url(url: str) -> str | None:
    match = _ARXIV_URL.search(url)
    if match is None:
        return None
    path = match.group(1).rstrip("/")
    if path.lower().endswith(".pdf"):
        path = path[: -len(".pdf")]
    return normalise_arxiv_id(path)


def normalise_doi(value: str) -> str | None:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc``; None when it is not a DOI."""
    text = _DOI_PREFIX.sub("", value.strip()).lower()
    return text if _DOI.fullmatch(text) else None


def arxiv_id_from_doi(doi: str) -> str | None:
    match = _ARXIV_DOI.fullmatch(doi)
    return normalise_arxiv_id(match.group(1)) if match else None


def _short_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


RECORD_ID_PREFIX = "id:"


def paper_id(
    title: str, abstract: str = "", *, arxiv_id: str | None = None, doi: str | None = None,
    record_id: str | None = None,
) -> str:
    """The id of a paper: ``arxiv:<id>``, else ``doi:<doi>``, else ``id:<record id>`` (the id
    the input gave the record), else a hash of the title or text.

    ``arxiv_id`` and ``doi`` are taken as identifiers of this paper and only cleaned.
    """
    if arxiv_id and (clean_arxiv := normalise_arxiv_id(arxiv_id, trusted=True)):
        return f"arxiv:{clean_arxiv}"
    if doi and (clean_doi := normalise_doi(doi)):
        return f"doi:{clean_doi}"
    if record_id and record_id.strip():
        return f"{RECORD_ID_PREFIX}{record_id.strip()}"
    if normalised := normalise_title(title):
        return f"title:{_short_sha1(normalised)}"
    return f"text:{_short_sha1(normalise_title(abstract))}"


class Deduplicator:
    """Passes each paper on the first time it is seen; later sightings are only noted.

    A paper is the same as an earlier one when it has the same id, or the same normalised
    title as an earlier paper (an arXiv record and a listing entry of one paper carry
    different ids, an arXiv id and a title hash). The first sighting keeps its id. A paper
    named by its record's own id (``id:...``) is matched by that id only, never by title
    (either way round): two records with different ids are two papers, whatever their text.
    Holds short keys and source references, never texts, so memory grows with the number
    of distinct papers rather than with the size of the corpus.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._by_title: dict[str, str] = {}
        self.later_sources: dict[str, list[SourceRef]] = {}
        self.entries = 0
        self.duplicates = 0
        self.rejected = 0

    @property
    def distinct(self) -> int:
        return len(self._seen)

    @property
    def seen_ids(self) -> frozenset[str]:
        return frozenset(self._seen)

    def dedupe(self, items: Iterable[Paper | Rejected]) -> Iterator[Paper | Rejected]:
        for item in items:
            if isinstance(item, Rejected):
                self.rejected += 1
                yield item
                continue
            self.entries += 1
            title_key = _title_digest(item.title) if item.title.strip() else None
            if item.id in self._seen:
                first_id: str | None = item.id
            elif item.id.startswith(RECORD_ID_PREFIX):
                first_id = None
            else:
                first_id = self._by_title.get(title_key or "")
            if first_id is not None:
                self.duplicates += 1
                self.later_sources.setdefault(first_id, []).append(item.source)
                continue
            self._seen.add(item.id)
            if title_key and not item.id.startswith(RECORD_ID_PREFIX):
                self._by_title.setdefault(title_key, item.id)
            yield item


def _title_digest(title: str) -> str:
    return _short_sha1(normalise_title(title))
