"""Files for ``neo4j-admin database import full``: CSV header and data files, appended in chunks.

``Neo4jImportWriter`` takes the same ``GraphBatch`` rows the incremental loader writes and
appends them to one header file and one data file per node label and per relationship type,
with the same properties the loader writes (``statements.py``), so that later loads against
the imported database find every paper and entity by its key and skip unchanged papers by
their hash. Running the pipeline into it is ``kgbuild.export.neo4j_import``'s job.

The format follows the neo4j-admin import header format of Neo4j 5:

- one ID space per label (``id:ID(Paper)``, ``key:ID(Method)``, ...), the ID stored as the
  node's key property; relationships refer to them with ``:START_ID(Space)``/``:END_ID(Space)``;
- labels and relationship types are given on the command line (``--nodes=Paper=...``,
  ``--relationships=EVALUATED_ON=...``), so files have no ``:LABEL``/``:TYPE`` column;
  ``MENTIONS`` ends in five ID spaces and is written as one file per target label;
- integers are ``long`` and decimals ``double`` (what Cypher stores for the loader's values;
  ``float`` would be 32-bit), lists are ``string[]`` split on U+001F, a control character
  that ingest's whitespace normalisation removes from every text (any left is replaced);
- every string is quoted (quotes doubled, RFC 4180) and a missing value is an empty unquoted
  field: the importer stores ``""`` as an empty string and skips an empty field, as the
  loader stores ``""`` and skips ``null``. Empty lists are skipped too: the CSV importer
  cannot write an empty array.

Memory holds the keys of the entities written so far (needed to write each entity once and
to keep relationships to entities that exist) and at most ``spill_rows`` entity rows whose
aliases are still being merged; larger merges go through sorted run files on disk.
"""

from __future__ import annotations

import csv
import heapq
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import orjson
from pydantic import BaseModel

from kgbuild.graph import EntityRow, GraphBatch, evaluation_summaries
from kgbuild.models import ENTITY_TYPES, SourceRef
from kgbuild.stores.statements import PAPER_LINK_TARGETS

DELIMITER = ","
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"  # how neo4j-admin takes a Unicode delimiter
DEFAULT_SPILL_ROWS = 200_000

ColumnType = Literal["string", "long", "double", "boolean", "string[]"]
Columns = tuple[tuple[str, ColumnType], ...]

# Node label -> its properties in the order of the header; the first is the ID (the key).
# Relationships that start at their paper do not repeat its id.
_LINK_EVIDENCE: Columns = (("field", "string"), ("sentence", "long"), ("start", "long"), ("end", "long"),
                           ("evidence", "string"))
_EVIDENCE: Columns = (("paper", "string"), *_LINK_EVIDENCE)
NODE_COLUMNS: dict[str, Columns] = {
    "Paper": (("id", "string"), ("title", "string"), ("abstract", "string"), ("source_file", "string"),
              ("source_line", "long"), ("record_id", "string"), ("arxiv_id", "string"), ("doi", "string"), ("url", "string"),
              ("date", "string"), ("authors", "string[]"), ("categories", "string[]"),
              ("extractor_version", "string"), ("hash", "string"), ("also_seen_in", "string[]")),
    **{label: (("key", "string"), ("name", "string"), ("url", "string"), ("aliases", "string[]"),
               ("lookup", "string[]")) for label in ENTITY_TYPES},
    "Result": (("id", "string"), ("paper", "string"), ("value", "double"), ("unit", "string"),
               ("split", "string"), ("method", "string"), ("dataset", "string"), ("metric", "string"),
               ("field", "string"), ("sentence", "long"), ("start", "long"), ("end", "long"),
               ("evidence", "string")),
}
_MENTION_COLUMNS: Columns = (("field", "string"), ("start", "long"), ("end", "long"),
                             ("sentence", "long"), ("text", "string"), ("texts", "string[]"),
                             ("count", "long"), ("roles", "string[]"), ("proposed", "boolean"),
                             ("evaluated", "boolean"))

_SUMMARY_COLUMNS: Columns = (("papers", "long"), ("first_paper", "string"))


class RelationshipFile(BaseModel):
    """One relationship data source: its type, the ID spaces it joins and its properties."""

    name: str
    type: str
    start: str
    end: str
    columns: Columns = ()


RELATIONSHIP_FILES: tuple[RelationshipFile, ...] = (
    *(RelationshipFile(name=f"MENTIONS-{label}", type="MENTIONS", start="Paper", end=label,
                       columns=_MENTION_COLUMNS) for label in ENTITY_TYPES),
    *(RelationshipFile(name=rel_type, type=rel_type, start="Paper", end=label, columns=_LINK_EVIDENCE)
      for rel_type, label in PAPER_LINK_TARGETS.items()),
    RelationshipFile(name="EVALUATED_ON", type="EVALUATED_ON", start="Method", end="Dataset", columns=_EVIDENCE),
    RelationshipFile(name="EVALUATION_SUMMARY", type="EVALUATION_SUMMARY", start="Method", end="Dataset",
                     columns=_SUMMARY_COLUMNS),
    RelationshipFile(name="REPORTS", type="REPORTS", start="Paper", end="Result"),
    RelationshipFile(name="OF_METHOD", type="OF_METHOD", start="Result", end="Method"),
    RelationshipFile(name="ON_DATASET", type="ON_DATASET", start="Result", end="Dataset"),
    RelationshipFile(name="MEASURED_BY", type="MEASURED_BY", start="Result", end="Metric"),
)
_REL_FILES = {spec.name: spec for spec in RELATIONSHIP_FILES}



class ImportFile(BaseModel):
    """One header file and its data file, as passed to neo4j-admin."""

    kind: Literal["nodes", "relationships"]
    name: str  # the label, or the relationship type
    header: str
    data: str
    rows: int = 0
    id_space: str | None = None  # nodes
    start_id_space: str | None = None  # relationships
    end_id_space: str | None = None


def header_line(kind: Literal["nodes", "relationships"], name: str) -> list[str]:
    """The header fields of a node label or a relationship file name."""
    if kind == "nodes":
        columns = NODE_COLUMNS[name]
        fields = [f"{columns[0][0]}:ID({name})"]
        rest = columns[1:]
    else:
        spec = _REL_FILES[name]
        fields = [f":START_ID({spec.start})", f":END_ID({spec.end})"]
        rest = spec.columns
    return fields + [prop if kind_ == "string" else f"{prop}:{kind_}" for prop, kind_ in rest]


# -- encoding --------------------------------------------------------------------------------

_NEWLINE = re.compile(r"[\r\n]")


class _Encoder:
    """Values to CSV fields. Python 3.11's csv module writes None and "" alike, which the
    importer must tell apart (no property vs an empty string), so quoting is done here."""

    def __init__(self) -> None:
        self.multiline = False
        self.replaced = 0

    def string(self, text: str) -> str:
        if not self.multiline and _NEWLINE.search(text):
            self.multiline = True
        return '"' + text.replace('"', '""') + '"'

    def field(self, value: Any, kind: ColumnType) -> str:
        if value is None:
            return ""
        if kind == "string":
            return self.string(str(value))
        if kind == "long":
            return str(int(value))
        if kind == "double":
            number = float(value)
            if math.isnan(number):
                return "NaN"
            if math.isinf(number):
                return "Infinity" if number > 0 else "-Infinity"
            return repr(number)
        if kind == "boolean":
            return "true" if value else "false"
        items = list(value)
        if not items:
            return ""  # the CSV importer cannot store an empty array; it leaves the property out
        clean = []
        for item in items:
            text = str(item)
            if ARRAY_DELIMITER in text:
                self.replaced += 1
                text = text.replace(ARRAY_DELIMITER, " ")
            clean.append(text)
        return self.string(ARRAY_DELIMITER.join(clean))

    def row(self, columns: Columns, values: Mapping[str, Any]) -> str:
        return DELIMITER.join(self.field(values.get(prop), kind) for prop, kind in columns) + "\n"


# -- the writer ------------------------------------------------------------------------------


class Neo4jImportWriter:
    """Appends GraphBatch chunks to neo4j-admin import files in ``out_dir``.

    Each paper must come once (the runner's ``distinct_papers`` sees to it). Data goes to ``*.partial``
    files that ``finish`` renames, so an export cut off half-way never looks complete.
    Relationships, like the loader's ``MATCH``, are only written to entities that exist:
    written in this batch or an earlier one.
    """

    def __init__(self, out_dir: Path, *, spill_rows: int = DEFAULT_SPILL_ROWS) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.spill_rows = spill_rows
        self.encoder = _Encoder()
        self.rows: dict[str, int] = {}
        self._keys: dict[str, set[str]] = {label: set() for label in ENTITY_TYPES}
        self._pending: dict[str, dict[str, list[Any]]] = {label: {} for label in ENTITY_TYPES}
        self._pending_rows = 0
        self._runs: dict[str, list[Path]] = {label: [] for label in ENTITY_TYPES}
        self._scratch = Path(tempfile.mkdtemp(prefix=".kgbuild-import-", dir=self.out_dir))
        self._handles: dict[str, IO[str]] = {}
        self._finished = False
        # (method, dataset) -> [papers, first paper id]: one entry per pair, as the loader's
        # EVALUATION_SUMMARY; bounded by the number of distinct pairs, not of papers.
        self._summaries: dict[tuple[str, str], tuple[int, str]] = {}
        # Entity nodes are written at the end, once their aliases are merged over all papers.
        for name in ("Paper", "Result", *_REL_FILES):
            self._handles[name] = self._partial(name).open("w", encoding="utf-8", newline="")
            self.rows[name] = 0

    # -- paths -------------------------------------------------------------------------------

    def data_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.csv"

    def header_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.header.csv"

    def _partial(self, name: str) -> Path:
        return self.out_dir / f"{name}.csv.partial"

    # -- writing -----------------------------------------------------------------------------

    def _emit(self, name: str, columns: Columns, row: Mapping[str, Any], ids: tuple[str, ...] = ()) -> None:
        prefix = "".join(self.encoder.string(i) + DELIMITER for i in ids)
        line = self.encoder.row(columns, row)
        self._handles[name].write(prefix + line if columns else prefix[:-1] + "\n")
        self.rows[name] += 1

    def write(self, batch: GraphBatch) -> None:
        """Append one chunk, in the loader's order: papers, entities, then what refers to them.

        Like the loader, it writes each row as one relationship: ``to_graph`` keeps one row per
        relationship (see ``GraphBatch``)."""
        for paper in batch.papers:
            self._emit("Paper", NODE_COLUMNS["Paper"], {**paper, "also_seen_in": None})
        for label in ENTITY_TYPES:
            for row in batch.entities.get(label, []):
                self._add_entity(label, row)
        for label in ENTITY_TYPES:
            for row in batch.mentions.get(label, []):
                self._emit(f"MENTIONS-{label}", _MENTION_COLUMNS, row, (row["paper"], row["key"]))
        for rel_type, label in PAPER_LINK_TARGETS.items():
            for row in batch.paper_links.get(rel_type, []):
                if row["key"] in self._keys[label]:
                    self._emit(rel_type, _LINK_EVIDENCE, row, (row["paper"], row["key"]))
        evaluations = [row for row in batch.evaluations
                       if row["method"] in self._keys["Method"] and row["dataset"] in self._keys["Dataset"]]
        for row in evaluations:
            self._emit("EVALUATED_ON", _EVIDENCE, row, (row["method"], row["dataset"]))
        # Each paper is in one batch only, so per-batch summaries add up.
        for pair, (papers, first_paper) in evaluation_summaries(evaluations).items():
            known = self._summaries.get(pair)
            self._summaries[pair] = (papers, first_paper) if known is None else \
                (known[0] + papers, min(known[1], first_paper))
        for row in batch.results:
            if row["metric"] not in self._keys["Metric"]:
                continue  # the loader's MATCH on the metric finds nothing: no Result
            node = {**row, "method": row["method_name"], "dataset": row["dataset_name"],
                    "metric": row["metric_name"]}
            self._emit("Result", NODE_COLUMNS["Result"], node)
            self._emit("REPORTS", (), {}, (row["paper"], row["id"]))
            self._emit("MEASURED_BY", (), {}, (row["id"], row["metric"]))
            if row["method"] and row["method"] in self._keys["Method"]:
                self._emit("OF_METHOD", (), {}, (row["id"], row["method"]))
            if row["dataset"] and row["dataset"] in self._keys["Dataset"]:
                self._emit("ON_DATASET", (), {}, (row["id"], row["dataset"]))

    def _add_entity(self, label: str, row: EntityRow) -> None:
        """Merge as ``merge_entities`` does: name and url from the first sighting, aliases and
        lookup keys appended in the order they first appear."""
        key = row["key"]
        self._keys[label].add(key)
        pending = self._pending[label]
        known = pending.get(key)
        if known is None:
            pending[key] = [row["name"], row.get("url"), list(row["aliases"]), list(row["lookup"])]
            self._pending_rows += 1
            if self._pending_rows >= self.spill_rows:
                self._spill()
        else:
            _extend_new(known[2], row["aliases"])
            _extend_new(known[3], row["lookup"])

    def _spill(self) -> None:
        """Pending entity rows go to one sorted run file per label, merged in ``finish``."""
        for label, pending in self._pending.items():
            if not pending:
                continue
            path = self._scratch / f"{label}.{len(self._runs[label]):05d}.jsonl"
            with path.open("wb") as handle:
                for key in sorted(pending):
                    handle.write(orjson.dumps([key, *pending[key]]) + b"\n")
            self._runs[label].append(path)
            pending.clear()
        self._pending_rows = 0

    def _merged_entities(self, label: str) -> Iterator[list[Any]]:
        def read(path: Path) -> Iterator[list[Any]]:
            with path.open("rb") as handle:
                for line in handle:
                    yield orjson.loads(line)

        in_memory = ([key, *self._pending[label][key]] for key in sorted(self._pending[label]))
        # heapq.merge keeps the runs' order for equal keys, so earlier sightings come first.
        current: list[Any] | None = None
        for item in heapq.merge(*(read(p) for p in self._runs[label]), in_memory, key=lambda r: r[0]):
            if current is not None and current[0] == item[0]:
                _extend_new(current[3], item[3])
                _extend_new(current[4], item[4])
                continue
            if current is not None:
                yield current
            current = item
        if current is not None:
            yield current

    # -- finishing ---------------------------------------------------------------------------

    def finish(self, sightings: Mapping[str, Iterable[SourceRef]] | None = None) -> list[ImportFile]:
        """Write the entity nodes and the headers, add ``also_seen_in``, and rename into place."""
        for (method, dataset), (papers, first_paper) in sorted(self._summaries.items()):
            self._emit("EVALUATION_SUMMARY", _SUMMARY_COLUMNS, {"papers": papers, "first_paper": first_paper},
                       (method, dataset))
        for handle in self._handles.values():
            handle.close()
        for label in ENTITY_TYPES:
            self.rows[label] = 0
            with self._partial(label).open("w", encoding="utf-8", newline="") as handle:
                for key, name, url, aliases, lookup in self._merged_entities(label):
                    handle.write(self.encoder.row(NODE_COLUMNS[label], {
                        "key": key, "name": name, "url": url, "aliases": aliases, "lookup": lookup}))
                    self.rows[label] += 1
        self._add_sightings(sightings or {})
        files = []
        for kind, names in (("nodes", list(NODE_COLUMNS)), ("relationships", list(_REL_FILES))):
            for name in names:
                header = self.header_path(name)
                header.write_text(DELIMITER.join(header_line(kind, name)) + "\n", encoding="utf-8")
                os.replace(self._partial(name), self.data_path(name))
                spec = _REL_FILES.get(name)
                files.append(ImportFile(
                    kind=kind, name=name if kind == "nodes" else spec.type, header=str(header),
                    data=str(self.data_path(name)), rows=self.rows[name],
                    id_space=name if kind == "nodes" else None,
                    start_id_space=spec.start if spec else None, end_id_space=spec.end if spec else None))
        shutil.rmtree(self._scratch, ignore_errors=True)
        self._finished = True
        return files

    def _add_sightings(self, sightings: Mapping[str, Iterable[SourceRef]]) -> None:
        """Fill the last column (``also_seen_in``) of the papers seen again later, as
        ``record_sightings`` does: sorted, distinct ``file:line``."""
        wanted = {pid: sorted({f"{s.file}:{s.line}" for s in refs}) for pid, refs in sightings.items()}
        wanted = {pid: seen for pid, seen in wanted.items() if seen}
        if not wanted:
            return
        source = self._partial("Paper")
        target = self._scratch / "Paper.csv"
        raw: list[str] = []

        def lines(handle: IO[str]) -> Iterator[str]:
            for line in handle:
                raw.append(line)
                yield line

        limit = csv.field_size_limit(sys.maxsize)  # an abstract may be longer than csv's 128 KiB default
        try:
            with source.open(encoding="utf-8", newline="") as src, \
                    target.open("w", encoding="utf-8", newline="") as out:
                for fields in csv.reader(lines(src), strict=True):
                    record = "".join(raw)
                    raw.clear()
                    seen = wanted.get(fields[0])
                    if seen is not None:  # the row ends in the empty also_seen_in field: ",\n"
                        record = record[:-1] + self.encoder.field(seen, "string[]") + "\n"
                    out.write(record)
        finally:
            csv.field_size_limit(limit)
        os.replace(target, source)

    def abort(self) -> None:
        """Remove what an interrupted export wrote; finished files of an earlier export stay."""
        for handle in self._handles.values():
            handle.close()
        if not self._finished:
            for name in (*NODE_COLUMNS, *_REL_FILES):
                self._partial(name).unlink(missing_ok=True)
        shutil.rmtree(self._scratch, ignore_errors=True)


def _extend_new(target: list[str], items: Iterable[str]) -> None:
    have = set(target)
    for item in items:
        if item not in have:
            target.append(item)
            have.add(item)
