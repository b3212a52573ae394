"""Export for a first bulk load into Neo4j 5: papers in, ``neo4j-admin`` import files out.

``export_for_neo4j_import`` runs the same stages as ``kgbuild build`` (read, deduplicate,
extract, resolve, ``to_graph`` in chunks) into a ``Neo4jImportWriter``
(``kgbuild.stores.neo4j_csv``, which owns the file format), and returns what was written with
the neo4j-admin command that imports it and the steps around it.
"""

from __future__ import annotations

import re
import shlex
import time
from pathlib import Path

from pydantic import BaseModel, Field

from kgbuild.build import DEFAULT_CHUNK, ProgressHook, RejectsWriter, RunCounts, distinct_papers, graph_rows
from kgbuild.errors import InputError
from kgbuild.extract import EXTRACTOR_VERSION, extract_chunks
from kgbuild.sources import Deduplicator
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
                            spill_rows: int = DEFAULT_SPILL_ROWS) -> ImportExportSummary:
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
    started = time.monotonic()
    database = database or DEFAULT_DATABASE
    counts = RunCounts()
    rejects_path = rejects_path or out_dir / "rejects.jsonl"
    rejects = RejectsWriter(rejects_path)
    dedup = Deduplicator()
    writer = Neo4jImportWriter(out_dir, spill_rows=spill_rows)
    try:
        papers = distinct_papers(inputs, counts, dedup, rejects, fmt=fmt, progress=progress)
        for batch in extract_chunks(papers, graph_rows, workers=workers, chunk_size=chunk_size or DEFAULT_CHUNK):
            writer.write(batch)
        files = writer.finish(dedup.later_sources)
    except BaseException:
        writer.abort()
        raise
    finally:
        rejects.close()
    argv = import_command(files, database, writer.encoder.multiline)
    summary = ImportExportSummary(
        inputs=[str(i) for i in inputs], out_dir=str(out_dir), counts=counts, files=files,
        multiline_fields=writer.encoder.multiline, replaced_array_delimiters=writer.encoder.replaced,
        database=database, argv=argv, command=render_command(argv),
        rejects_file=str(rejects_path) if rejects.count else None, extractor_version=EXTRACTOR_VERSION,
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
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
