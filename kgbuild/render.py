"""Text renderings of query results and summaries for the terminal, scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kgbuild.models import BuildRun, GraphCounts, QueryResult

MAX_CELL = 80


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(columns: list[str], rows: list[list[Any]]) -> str:
    cells = [[_clip(_cell(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def query_result(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(result.columns, row)) for row in result.rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
    if not result.rows:
        return "(no rows)"
    return table(result.columns, result.rows) + f"\n({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"


def counts_json(counts: GraphCounts) -> str:
    return json.dumps(counts.model_dump(), indent=1)


def counts_text(counts: GraphCounts) -> str:
    lines = [f"papers         {counts.papers}"]
    lines.append("entities       " + ", ".join(f"{k} {v}" for k, v in counts.entities.items()))
    lines.append("relationships  " + ", ".join(f"{k} {v}" for k, v in counts.relationships.items()))
    lines.append(f"results        {counts.results}")
    return "\n".join(lines)


def run_text(run: BuildRun) -> str:
    def delta(values: dict[str, int]) -> str:
        changed = [f"{k} {v:+d}" for k, v in values.items() if v]
        return ", ".join(changed) or "none"

    lines = [
        f"run            {run.id}",
        f"outcome        {run.outcome}",
        f"papers         {run.papers_added} added, {run.papers_changed} changed, {run.papers_removed} removed, "
        f"{run.papers_unchanged} unchanged, {run.papers_rejected} rejected",
        f"entities       {delta(run.entity_delta)}",
        f"relationships  {delta(run.relationship_delta)}",
        f"seconds        {run.seconds}",
    ]
    if run.rejects_file:
        lines.append(f"rejects        {run.rejects_file}")
    if run.message:
        lines.append(f"note           {run.message}")
    return "\n".join(lines)
