"""What each page shows, as typed records built from the site's named queries.

The HTML templates and the JSON form (``?format=json``) of a page are both renderings of
these records; fields marked ``exclude`` only serve the HTML.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kgbuild.names import lookup_key
from kgbuild.models import ENTITY_TYPES
from kgbuild.queries import canonical_name
from kgbuild.serve.links import entity_href, paper_href
from kgbuild.serve.reader import SiteReader
from kgbuild.serve.text import Block, Mark, Snippet, blocks, find_marks, mention_anchor, sentence_anchor, snippet

# URL segment -> label, and back: /entity/dataset/coco is (:Dataset {key: 'coco'}).
URL_TYPES: dict[str, str] = {label.lower(): label for label in ENTITY_TYPES}
PAGE_SIZE = 25
LEADERBOARD_ROWS = 10  # per metric and split on a dataset page


class NotFound(Exception):
    """No such entity or paper: a 404, not an error of kgbuild's."""


class Section(BaseModel):
    title: str
    rows: list[dict[str, Any]]


class HomePage(BaseModel):
    counts: dict[str, int]
    top_datasets: list[dict[str, Any]]
    top_backbones: list[dict[str, Any]]
    runs: list[dict[str, Any]]


class SearchPage(BaseModel):
    q: str
    type: str | None = None
    entities: list[dict[str, Any]]
    papers: list[dict[str, Any]]

    def only_hit(self) -> str | None:
        """The URL of the one thing found, if exactly one was."""
        hits = [entity_href(e["type"].lower(), e["key"]) for e in self.entities] + \
               [paper_href(p["paper_id"]) for p in self.papers]
        return hits[0] if len(hits) == 1 else None


class PaperMention(BaseModel):
    paper_id: str
    title: str
    date: str | None
    field: str
    start: int
    end: int
    roles: list[str]
    proposed: bool
    evaluated: bool
    snippet: Snippet


class Leaderboard(BaseModel):
    metric: str
    metric_key: str
    split: str | None
    rows: list[dict[str, Any]]


class EntityPage(BaseModel):
    type: str
    key: str
    name: str
    aliases: list[str]
    url: str | None
    papers: int
    page: int
    mentions: list[PaperMention]
    leaderboards: list[Leaderboard] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.papers // PAGE_SIZE))


class Fact(BaseModel):
    """A fact read from the paper, with the span it was read from."""

    fact: str  # proposes, uses_backbone, has_code, evaluated_on, reports
    subject: dict[str, Any] | None = None  # {type, key, name}
    object: dict[str, Any] | None = None
    metric: dict[str, Any] | None = None
    value: float | None = None
    unit: str | None = None
    split: str | None = None
    field: str
    start: int
    end: int
    evidence: str
    anchor: str


class PaperPage(BaseModel):
    id: str
    title: str
    abstract: str
    date: str | None = None
    url: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    source_file: str | None = None
    source_line: int | None = None
    mentions: list[dict[str, Any]]
    facts: list[Fact]
    title_blocks: list[Block] = Field(exclude=True)
    abstract_blocks: list[Block] = Field(exclude=True)


def label_of(url_type: str) -> str:
    if url_type not in URL_TYPES:
        raise NotFound(f"no entity type '{url_type}' (one of {', '.join(URL_TYPES)})")
    return URL_TYPES[url_type]


def home(reader: SiteReader) -> HomePage:
    counts = {row["label"]: row["nodes"] for row in reader.site("site-counts")}
    shown = {label: counts.get(label, 0) for label in ("Paper", *ENTITY_TYPES, "Result")}
    return HomePage(counts=shown, top_datasets=reader.site("site-top-datasets"),
                    top_backbones=reader.site("site-top-backbones"), runs=reader.site("site-runs"))


def search(reader: SiteReader, q: str, url_type: str | None = None) -> SearchPage:
    """Entities named ``q`` (by any alias, through the lexicon as ``kgbuild query`` does) and
    papers whose id or title is ``q``; ``url_type`` keeps one entity type."""
    text = q.strip()
    if not text:
        return SearchPage(q=q, type=url_type, entities=[], papers=[])
    keys = {f"{label.lower()}_key": canonical_name(label, text) for label in ENTITY_TYPES if label != "Repo"}
    keys["repo_key"] = _repo_key(text)
    entities = reader.site("site-search-entities", lookup=lookup_key(text) or text, **keys)
    if url_type:
        entities = [e for e in entities if e["type"] == label_of(url_type)]
    papers = [] if url_type else reader.site("site-search-papers", text=text)
    return SearchPage(q=q, type=url_type, entities=entities, papers=papers)


def _repo_key(text: str) -> str:
    key = text.lower().strip().rstrip("/")
    for prefix in ("https://", "http://", "www."):
        key = key.removeprefix(prefix)
    return key


def entity(reader: SiteReader, url_type: str, key: str, page: int = 1) -> EntityPage:
    label = label_of(url_type)
    found = reader.site("site-entity", type=label, key=key)
    if not found:
        raise NotFound(f"no {url_type} with key '{key}' in the graph")
    card = found[0]
    page = max(1, page)
    rows = reader.site("site-entity-papers", type=label, key=key, skip=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    mentions = [PaperMention(**{k: row[k] for k in ("paper_id", "date", "field", "start", "end")},
                             title=row["title"] or "", roles=row["roles"] or [], proposed=bool(row["proposed"]),
                             evaluated=bool(row["evaluated"]),
                             snippet=snippet(row["text"] or "", row["start"], row["end"])) for row in rows]
    result = EntityPage(type=url_type, key=card["key"], name=card["name"], aliases=card["aliases"] or [],
                        url=card["url"], papers=card["papers"], page=page, mentions=mentions)
    if label == "Dataset":
        result.leaderboards = _leaderboards(reader.site("site-dataset-leaderboard", key=key,
                                                        per_board=LEADERBOARD_ROWS))
    for title, query in SECTIONS[label]:
        result.sections.append(Section(title=title, rows=reader.site(query, key=key)))
    return result


SECTIONS: dict[str, list[tuple[str, str]]] = {
    "Dataset": [("Methods evaluated on it", "site-dataset-methods"),
                ("Backbones used by papers evaluating on it", "site-dataset-backbones")],
    "Method": [("Proposed by", "site-method-proposed-by"), ("Evaluated on", "site-method-datasets"),
               ("Backbone of", "site-method-backbone-of"), ("Code", "site-method-code")],
    "Metric": [("Datasets with results in it", "site-metric-datasets")],
    "Task": [("Datasets used for it", "site-task-datasets"), ("Methods proposed for it", "site-task-methods")],
    "Repo": [("Papers linking it", "site-repo-papers")],
}


def _leaderboards(rows: list[dict[str, Any]]) -> list[Leaderboard]:
    """Results grouped by metric and split (the query sorts them, highest value first)."""
    boards: dict[tuple[str, str | None], Leaderboard] = {}
    for row in rows:
        board = boards.setdefault((row["metric_key"], row["split"]), Leaderboard(
            metric=row["metric"], metric_key=row["metric_key"], split=row["split"], rows=[]))
        if len(board.rows) < LEADERBOARD_ROWS:
            board.rows.append({**row, "anchor": sentence_anchor(row["field"], row["start"], row["end"])})
    return sorted(boards.values(), key=lambda b: (-len(b.rows), b.metric.lower(), b.split or ""))


def paper(reader: SiteReader, paper_id: str) -> PaperPage:
    found = reader.site("site-paper", id=paper_id)
    if not found:
        raise NotFound(f"no paper with id '{paper_id}' in the graph")
    card = {k: v for k, v in found[0].items() if v is not None}
    mentions = reader.site("site-paper-mentions", id=paper_id)
    links = reader.site("site-paper-links", id=paper_id)
    evaluations = reader.site("site-paper-evaluations", id=paper_id)
    results = reader.site("site-paper-results", id=paper_id)
    facts = _facts(links, evaluations, results)
    texts = {"title": card.get("title", ""), "abstract": card.get("abstract", "")}
    layout = {field: _layout(field, text, mentions, links, facts) for field, text in texts.items()}
    return PaperPage(**card, mentions=mentions, facts=facts,
                     title_blocks=layout["title"], abstract_blocks=layout["abstract"])


def _ref(type_: str | None, key: str | None, name: str | None) -> dict[str, Any] | None:
    if name is None and key is None:
        return None
    return {"type": type_.lower() if (type_ and key) else None, "key": key, "name": name or key}


def _facts(links: list[dict], evaluations: list[dict], results: list[dict]) -> list[Fact]:
    facts = [Fact(fact=row["fact"], subject=_ref(row["type"], row["key"], row["name"]), field=row["field"],
                  start=row["start"], end=row["end"], evidence=row["evidence"] or "",
                  anchor=mention_anchor(row["field"], row["start"])) for row in links]
    facts += [Fact(fact="evaluated_on", subject=_ref("Method", row["method_key"], row["method"]),
                   object=_ref("Dataset", row["dataset_key"], row["dataset"]), field=row["field"],
                   start=row["start"], end=row["end"], evidence=row["evidence"] or "",
                   anchor=sentence_anchor(row["field"], row["start"], row["end"])) for row in evaluations]
    facts += [Fact(fact="reports", subject=_ref("Method", row["method_key"], row["method"]),
                   object=_ref("Dataset", row["dataset_key"], row["dataset"]),
                   metric=_ref("Metric", row["metric_key"], row["metric"]), value=row["value"], unit=row["unit"],
                   split=row["split"], field=row["field"], start=row["start"], end=row["end"],
                   evidence=row["evidence"] or "", anchor=sentence_anchor(row["field"], row["start"], row["end"]))
              for row in results]
    return facts


def _layout(field: str, text: str, mentions: list[dict], links: list[dict], facts: list[Fact]) -> list[Block]:
    stored = [_mark(row, stored=True) for row in mentions + links if row["field"] == field]
    templates = {row["key"]: _mark(row, stored=False) for row in mentions}
    spellings = {row["key"]: [*(row["texts"] or []), row["name"]] for row in mentions}
    marks = find_marks(text, stored, spellings, templates)
    sentences = [(f.start, f.end) for f in facts if f.field == field and f.fact in ("evaluated_on", "reports")]
    return blocks(text, field, marks, sentences)


def _mark(row: dict[str, Any], stored: bool) -> Mark:
    return Mark(start=row["start"], end=row["end"], type=row["type"], key=row["key"], name=row["name"],
                stored=stored)
