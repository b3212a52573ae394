"""The records that cross every module boundary.

Everything a stage hands to the next is one of these pydantic models; spaCy objects,
driver records and file handles never leave the module that made them.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EntityType = Literal["Method", "Dataset", "Metric", "Task", "Repo"]
ENTITY_TYPES: tuple[EntityType, ...] = ("Method", "Dataset", "Metric", "Task", "Repo")
TextField = Literal["title", "abstract"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class SourceRef(Record):
    """Where a record was read: a file and the 1-based line its record starts on."""

    file: str
    line: int


class Paper(Record):
    id: str
    title: str = ""
    abstract: str = ""
    source: SourceRef
    also_seen_in: list[SourceRef] = Field(default_factory=list)
    # The record's own id as the input gave it (JSONL/CSV ``id``, or the --id-field column),
    # kept whatever the paper's identity is: what a user joins their own data on.
    record_id: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    date: str | None = None
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)

    def content_hash(self, extractor_version: str = "") -> str:
        """What decides whether a stored paper must be re-extracted."""
        digest = hashlib.sha256()
        for part in (extractor_version, self.title, self.abstract):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()[:32]


class Rejected(Record):
    """A record that could not be read, kept with the reason so nothing is lost silently."""

    file: str
    line: int
    reason: str
    raw: str = ""


class Mention(Record):
    field: TextField
    start: int
    end: int
    text: str
    sentence: int


class Evidence(Record):
    """Where a fact was read: the paper, the sentence and the characters that state it."""

    paper: str
    field: TextField
    sentence: int
    start: int
    end: int
    text: str


class EntityRef(Record):
    type: EntityType
    key: str
    name: str


class Entity(Record):
    type: EntityType
    key: str
    name: str
    mentions: list[Mention] = Field(default_factory=list)
    proposed: bool = False
    roles: list[str] = Field(default_factory=list)
    url: str | None = None

    def ref(self) -> EntityRef:
        return EntityRef(type=self.type, key=self.key, name=self.name)


class Relation(Record):
    type: Literal["EVALUATED_ON"]
    source: EntityRef
    target: EntityRef
    evidence: Evidence


class Result(Record):
    method: EntityRef | None
    dataset: EntityRef | None
    split: str | None = None
    metric: EntityRef
    value: float
    unit: str | None = None
    evidence: Evidence


class Extraction(Record):
    """Everything read from one paper; the unit that is written to and replaced in the graph."""

    paper: Paper
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)


class GraphCounts(Record):
    papers: int = 0
    entities: dict[str, int] = Field(default_factory=dict)
    relationships: dict[str, int] = Field(default_factory=dict)
    results: int = 0


class QueryResult(Record):
    columns: list[str]
    rows: list[list[object]]


class WriteReport(Record):
    """What one load did to the store."""

    written: int = 0
    unchanged: int = 0
    replaced: int = 0


RunOutcome = Literal["running", "succeeded", "succeeded with rejects", "loaded nothing", "failed"]


class BuildRun(Record):
    """One scheduled rebuild, as recorded in the graph and printed as its summary."""

    id: str
    started: str
    finished: str | None = None
    outcome: RunOutcome = "running"
    inputs: list[str] = Field(default_factory=list)
    papers_added: int = 0
    papers_changed: int = 0
    papers_removed: int = 0
    papers_unchanged: int = 0
    papers_rejected: int = 0
    entity_delta: dict[str, int] = Field(default_factory=dict)
    relationship_delta: dict[str, int] = Field(default_factory=dict)
    extractor_version: str = ""
    rejects_file: str | None = None
    message: str = ""
    seconds: float = 0.0
