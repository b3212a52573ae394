"""Turn extracted papers into the rows the stores write: nodes and relationships, with provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, Field, SkipValidation
# pydantic reads a TypedDict field's type only from typing_extensions' TypedDict on Python 3.11
from typing_extensions import TypedDict

from kgbuild.models import ENTITY_TYPES, Extraction
from kgbuild.names import lookup_key


class PaperRow(TypedDict):
    id: str
    hash: str
    title: str
    abstract: str
    source_file: str
    source_line: int
    arxiv_id: str | None
    doi: str | None
    url: str | None
    date: str | None
    authors: list[str]
    categories: list[str]
    extractor_version: str


class EntityRow(TypedDict):
    key: str
    name: str
    aliases: list[str]
    lookup: list[str]
    url: str | None


class MentionRow(TypedDict):
    paper: str
    key: str
    field: str
    start: int
    end: int
    sentence: int
    text: str
    texts: list[str]
    count: int
    roles: list[str]
    proposed: bool
    evaluated: bool  # the paper evaluates this method, or evaluates something on this dataset


class LinkRow(TypedDict):
    """A paper's PROPOSES, USES_BACKBONE or HAS_CODE link, with where the paper says so."""

    paper: str
    key: str
    field: str
    sentence: int
    start: int
    end: int
    evidence: str


class EvaluationRow(TypedDict):
    """An EVALUATED_ON fact: a method evaluated on a dataset, with its provenance."""

    paper: str
    field: str
    sentence: int
    start: int
    end: int
    evidence: str
    method: str
    dataset: str


class ResultRow(TypedDict):
    id: str
    paper: str
    method: str | None
    dataset: str | None
    metric: str
    method_name: str | None
    dataset_name: str | None
    metric_name: str
    split: str | None
    value: float
    unit: str | None
    field: str
    sentence: int
    start: int
    end: int
    evidence: str


class GraphBatch(BaseModel):
    """Everything needed to write a set of papers; rows are plain dicts ready for UNWIND.

    The rows are typed by the TypedDicts above but not validated one by one (``SkipValidation``):
    they are built by the hundred thousand and go straight into UNWIND parameters. There is one row per node
    or relationship (an entity per key, a mention or link per paper and entity, an evaluation
    per method, dataset and paper, a result per id): the stores create them, not merge them.
    """

    papers: SkipValidation[list[PaperRow]] = Field(default_factory=list)
    entities: SkipValidation[dict[str, list[EntityRow]]] = Field(default_factory=dict)  # by label
    mentions: SkipValidation[dict[str, list[MentionRow]]] = Field(default_factory=dict)  # by entity label
    paper_links: SkipValidation[dict[str, list[LinkRow]]] = Field(default_factory=dict)  # by relationship type
    evaluations: SkipValidation[list[EvaluationRow]] = Field(default_factory=list)
    results: SkipValidation[list[ResultRow]] = Field(default_factory=list)

    @property
    def paper_ids(self) -> list[str]:
        return [row["id"] for row in self.papers]


def evaluation_summaries(evaluations: Iterable[EvaluationRow]) -> dict[tuple[str, str], tuple[int, str]]:
    """(method key, dataset key) -> (papers evaluating it, the first of them by id), over
    evaluation rows: what an ``EVALUATION_SUMMARY`` holds for the papers of these rows."""
    papers: dict[tuple[str, str], set[str]] = {}
    for row in evaluations:
        papers.setdefault((row["method"], row["dataset"]), set()).add(row["paper"])
    return {pair: (len(ids), min(ids)) for pair, ids in papers.items()}


def _result_id(paper_id: str, parts: Iterable[object]) -> str:
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f"{paper_id}#{digest}"


def to_graph(extractions: Iterable[Extraction], extractor_version: str) -> GraphBatch:
    batch = GraphBatch(
        entities={label: [] for label in ENTITY_TYPES},
        mentions={label: [] for label in ENTITY_TYPES},
        paper_links={"PROPOSES": [], "USES_BACKBONE": [], "HAS_CODE": []},
    )
    # Every paper of the batch contributes the spellings it wrote to the entity's aliases.
    entity_rows: dict[tuple[str, str], EntityRow] = {}
    for extraction in extractions:
        paper = extraction.paper
        batch.papers.append(PaperRow(
            id=paper.id, hash=paper.content_hash(extractor_version), title=paper.title,
            abstract=paper.abstract, source_file=paper.source.file, source_line=paper.source.line,
            arxiv_id=paper.arxiv_id, doi=paper.doi, url=paper.url, date=paper.date,
            authors=paper.authors, categories=paper.categories, extractor_version=extractor_version,
        ))
        evaluated = {(r.source.type, r.source.key) for r in extraction.relations} | \
                    {(r.target.type, r.target.key) for r in extraction.relations}
        for entity in extraction.entities:
            row = entity_rows.get((entity.type, entity.key))
            if row is None:
                row = entity_rows[(entity.type, entity.key)] = EntityRow(
                    key=entity.key, name=entity.name, aliases=[], lookup=[entity.key], url=entity.url)
            written = {entity.name, *(m.text for m in entity.mentions)}
            if not written <= set(row["aliases"]):
                row["aliases"] = sorted(set(row["aliases"]) | written)
                row["lookup"] = sorted(set(row["lookup"]) | {lookup_key(a) for a in written})
            first = min(entity.mentions, key=lambda m: (m.field != "title", m.start), default=None)
            batch.mentions[entity.type].append(MentionRow(
                paper=paper.id, key=entity.key,
                field=first.field if first else "abstract", start=first.start if first else -1,
                end=first.end if first else -1, sentence=first.sentence if first else -1,
                text=first.text if first else entity.name,
                texts=sorted({m.text for m in entity.mentions}), count=len(entity.mentions),
                roles=sorted(entity.roles), proposed=entity.proposed,
                evaluated=(entity.type, entity.key) in evaluated,
            ))
            link_evidence = LinkRow(paper=paper.id, key=entity.key,
                                    field=first.field if first else "abstract",
                                    sentence=first.sentence if first else -1,
                                    start=first.start if first else -1, end=first.end if first else -1,
                                    evidence=first.text if first else entity.name)
            if entity.type == "Method" and entity.proposed:
                batch.paper_links["PROPOSES"].append(link_evidence)
            if entity.type == "Method" and "backbone" in entity.roles:
                batch.paper_links["USES_BACKBONE"].append(link_evidence)
            if entity.type == "Repo":
                batch.paper_links["HAS_CODE"].append(link_evidence)
        for relation in extraction.relations:
            ev = relation.evidence
            batch.evaluations.append(EvaluationRow(
                paper=ev.paper, field=ev.field, sentence=ev.sentence, start=ev.start, end=ev.end,
                evidence=ev.text, method=relation.source.key, dataset=relation.target.key))
        for result in extraction.results:
            ev = result.evidence
            parts = (result.method and result.method.key, result.dataset and result.dataset.key,
                     result.split, result.metric.key, result.value, result.unit, ev.field, ev.start)
            batch.results.append(ResultRow(
                id=_result_id(paper.id, parts), paper=paper.id,
                method=result.method.key if result.method else None,
                dataset=result.dataset.key if result.dataset else None,
                metric=result.metric.key,
                method_name=result.method.name if result.method else None,
                dataset_name=result.dataset.name if result.dataset else None,
                metric_name=result.metric.name, split=result.split, value=result.value,
                unit=result.unit, field=ev.field, sentence=ev.sentence, start=ev.start, end=ev.end,
                evidence=ev.text,
            ))
    for (label, _), row in entity_rows.items():
        batch.entities[label].append(row)
    # Where the extraction said the same thing twice, the last saying is the one kept.
    batch.papers = _last_of_each(batch.papers, ("id",))
    for label, rows in batch.mentions.items():
        batch.mentions[label] = _last_of_each(rows, ("paper", "key"))
    for rel_type, rows in batch.paper_links.items():
        batch.paper_links[rel_type] = _last_of_each(rows, ("paper", "key"))
    batch.evaluations = _last_of_each(batch.evaluations, ("method", "dataset", "paper"))
    batch.results = _last_of_each(batch.results, ("id",))
    return batch


Row = TypeVar("Row", PaperRow, MentionRow, LinkRow, EvaluationRow, ResultRow)


def _last_of_each(rows: list[Row], key: tuple[str, ...]) -> list[Row]:
    """One row per key, the last given, in the order of their first appearance."""
    kept: dict[tuple, Row] = {}
    for row in rows:
        kept[tuple(row[k] for k in key)] = row
    return list(kept.values())
