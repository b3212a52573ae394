"""Export for a first bulk load into Neo4j 5: papers in, ``neo4j-admin`` import files out.

``export_for_neo4j_import`` is the run of ``kgbuild build`` (``kgbuild.runner``: read,
deduplicate, extract, resolve, ``to_graph`` in chunks) with an ``ImportFilesSink`` in place of
the graph store: a ``Neo4jImportWriter`` (``kgbuild.stores.neo4j_csv``, which owns the file
format). It returns what was written with the neo4j-admin command that imports it and the
steps around it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from kgbuild.build import graph_rows
from kgbuild.errors import InputError
from kgbuild.extract import EXTRACTOR_VERSION
from kgbuild.graph import GraphBatch
from kgbuild.models import Paper
from kgbuild.sources.records import DEFAULT_ID_FIELD
from kgbuild.runner import DEFAULT_CHUNK, ProgressHook, RunCounts, SeenPapers, input_groups, run
from kgbuild.stores.neo4j_csv import (
    ARRAY_DELIMITER_OPTION,
    DEFAULT_SPILL_ROWS,
    DELIMITER,
    ImportFile,
    Neo4jImportWriter,
)

DEFAULT_DATABASE = "neo4j"
FORMAT_NAME = "neo4j-import"


class ImportExportSummary(BaseModel):
    inputs: list[str]
    out_dir: str
    counts: RunCounts = Field(default_factory=RunCounts)
    # Files a directory walk passed over; collected as by every run (the command does not print them).
    skipped_files: list[str] = Field(default_factory=list)
    files: list[ImportFile] = Field(default_factory=list)
    nodes: dict[str, int] = Field(default_factory=dict)
    relationships: dict[str, int] = Field(default_factory=dict)
    multiline_fields: bool = False
    replaced_array_delimiters: int = 0
    database: str = DEFAULT_DATABASE
    argv: list[str] = Field(default_factory=list)
    command: str = ""
    next_steps: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    rejects_file: str | None = None
    extractor_version: str = ""
    seconds: float = 0.0


class ImportFilesSink:
    """The export's sink: every distinct paper's graph rows, appended to the import files."""

    prepare = staticmethod(graph_rows)

    def __init__(self, writer: Neo4jImportWriter) -> None:
        self.writer = writer
        self.files: list[ImportFile] = []

    def select(self, papers: Iterable[Paper]) -> Iterable[Paper]:
        return papers

    def write(self, batch: GraphBatch) -> None:
        self.writer.write(batch)

    def finish(self, seen: SeenPapers) -> None:
        self.files = self.writer.finish(seen.later_sources)

    def abort(self) -> None:
        self.writer.abort()


# -- the command -----------------------------------------------------------------------------

_REGEX_SPECIAL = re.compile(r"[\[\](){}+*?^$|\\]")


def import_command(files: list[ImportFile], database: str = DEFAULT_DATABASE,
                   multiline: bool = False) -> list[str]:
    """The neo4j-admin argv. The database comes first: ``--nodes`` takes several values, and
    since Neo4j 5.19 a database name after it is read as one more file."""
    argv = ["neo4j-admin", "database", "import", "full", database]
    for item in files:
        option = "--nodes" if item.kind == "nodes" else "--relationships"
        argv.append(f"{option}={item.name}={item.header},{item.data}")
    argv += [f"--delimiter={DELIMITER}", f"--array-delimiter={ARRAY_DELIMITER_OPTION}", "--id-type=string"]
    if multiline:
        argv.append("--multiline-fields=true")
    argv.append("--overwrite-destination=true")
    return argv


def render_command(argv: list[str], *, wrap: bool = False) -> str:
    """The argv as a shell command, each argument quoted where needed; ``wrap`` puts each
    option on its own continued line."""
    if not wrap:
        return shlex.join(argv)
    return " \\\n    ".join([shlex.join(argv[:5]), *(shlex.quote(a) for a in argv[5:])])


def export_for_neo4j_import(inputs: list[str], out_dir: Path, *, workers: int = 1, fmt: str | None = None,
                            progress: ProgressHook | None = None, database: str | None = None,
                            neo4j_uri: str | None = None, neo4j_user: str | None = None,
                            chunk_size: int | None = None,
                            rejects_path: Path | None = None,
                            spill_rows: int = DEFAULT_SPILL_ROWS,
                            id_field: str = DEFAULT_ID_FIELD) -> ImportExportSummary:
    """Stream ``inputs`` through extraction into neo4j-admin import files in ``out_dir``.

    Returns what was written and the neo4j-admin command that imports it.
    """
    if not inputs:
        raise InputError(f"--format {FORMAT_NAME} needs the papers to export as INPUT arguments",
                         hint=f"for example: kgbuild export --format {FORMAT_NAME} --out import/ examples/sample")
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file; --format {FORMAT_NAME} writes a directory of CSV files",
                         hint="give --out a directory (it is created if missing)")
    database = database or DEFAULT_DATABASE
    rejects_path = rejects_path or out_dir / "rejects.jsonl"
    writer = Neo4jImportWriter(out_dir, spill_rows=spill_rows)
    sink = ImportFilesSink(writer)
    report = run(input_groups(inputs, fmt, id_field), sink, rejects_path=rejects_path, workers=workers,
                 chunk_size=chunk_size or DEFAULT_CHUNK, progress=progress)
    files = sink.files
    argv = import_command(files, database, writer.encoder.multiline)
    summary = ImportExportSummary(
        inputs=[str(i) for i in inputs], out_dir=str(out_dir), counts=report.counts, files=files,
        multiline_fields=writer.encoder.multiline, replaced_array_delimiters=writer.encoder.replaced,
        database=database, argv=argv, command=render_command(argv),
        skipped_files=report.skipped_files, rejects_file=report.rejects_file, extractor_version=EXTRACTOR_VERSION,
        seconds=report.seconds,
    )
    for item in files:
        target = summary.nodes if item.kind == "nodes" else summary.relationships
        target[item.name] = target.get(item.name, 0) + item.rows
    uri = neo4j_uri or "bolt://localhost:7687"
    db_option = f" --database {shlex.quote(database)}" if database != DEFAULT_DATABASE else ""
    summary.next_steps = [
        f"stop Neo4j (or use a database that is offline); the command replaces database {database!r}",
        "run the command above on the Neo4j server, as the user Neo4j runs as",
        "start Neo4j" + ("" if database == DEFAULT_DATABASE else f", then CREATE DATABASE {database}"),
        f"kgbuild schema --neo4j-uri {uri} --neo4j-user {shlex.quote(neo4j_user or 'neo4j')}{db_option}"
        "   # constraints and indexes",
        f"later loads: kgbuild build INPUT... --neo4j-uri {uri}{db_option} (or kgbuild rebuild --config ...) "
        "against that Neo4j; unchanged papers are skipped by their hash",
    ]
    if _REGEX_SPECIAL.search(str(out_dir)):
        summary.warnings.append(f"{out_dir} has characters neo4j-admin reads as a regular expression in file "
                                "names; export to a plainer path if the import does not find the files")
    if summary.replaced_array_delimiters:
        summary.warnings.append(f"{summary.replaced_array_delimiters} list values held U+001F, the array "
                                "delimiter; it was replaced by a space")
    return summary
