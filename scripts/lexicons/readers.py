"""Readers of the shared sources (read-only), each giving raw names with how often they occur:

- ``<shared>/data/gazetteers/pwc_world_snapshot/``: Papers with Code task tables (CC BY-SA 4.0);
- ``<shared>/data/gazetteers/sota_extractor/``: SOTA tables and synonyms.csv (CC BY-SA 4.0);
- ``<shared>/data/train/tdmsci/``: TDMSci CoNLL (Apache-2.0);
- ``<shared>/data/train/scirex/``: SciREX abstracts (Apache-2.0).

A missing file reads as no names. The training readers skip every document ``held_out`` holds
(the annotated evaluation documents, see ``heldout``) and count the skipped ones in ``stats``.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import sys
from collections import Counter
from pathlib import Path

from lexicons.heldout import HeldOut
from lexicons.text import clean_space, detok

PWC_DETAIL_FILES = ("cv", "nlp", "audio", "other", "all")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split_list(cell: str | None) -> list[str]:
    if not cell or cell.strip() in ("N/A", ""):
        return []
    out = []
    for x in cell.split(";"):
        x = x.strip()
        if x.endswith("..."):
            x = x[:-3].strip()
        if x:
            out.append(x)
    return out


def read_pwc(shared: Path) -> dict[str, Counter]:
    base = shared / "data" / "gazetteers" / "pwc_world_snapshot"
    out = {"dataset": Counter(), "benchmark": Counter(), "metric": Counter(), "task": Counter()}
    for part in PWC_DETAIL_FILES:
        path = base / f"{part}_tasks_detailed.csv"
        if not path.exists():
            continue
        for row in read_csv(path):
            out["task"][row.get("Task Name", "")] += 1
            for x in split_list(row.get("Subtasks")):
                out["task"][x] += 1
            for x in split_list(row.get("Common Datasets (Top 10)")):
                out["dataset"][x.rstrip(",")] += 1
            for x in split_list(row.get("Benchmarks")):
                out["benchmark"][x.rstrip(",")] += 1
            for x in split_list(row.get("SOTA Metrics")):
                out["metric"][x] += 1
    path = base / "all_tasks.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            x = line.strip().strip('"').strip()
            if x:
                out["task"][x] += 1
    path = base / "task_hierarchy.csv"
    if path.exists():
        for row in read_csv(path):
            out["task"][row.get("Parent Task", "")] += 1
            for x in split_list(row.get("Child Tasks")):
                out["task"][x] += 1
    path = base / "research_areas.csv"
    if path.exists():
        for row in read_csv(path):
            for x in split_list(row.get("Example Tasks")):
                out["task"][x] += 1
    for c in out.values():
        c.pop("", None)
    return out


def _sota_walk(node, acc: dict[str, Counter]) -> None:
    if isinstance(node, list):
        for x in node:
            _sota_walk(x, acc)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("task"), str):
        acc["task"][node["task"]] += 1
    for d in node.get("datasets") or []:
        if not isinstance(d, dict):
            continue
        if isinstance(d.get("dataset"), str):
            acc["dataset"][d["dataset"]] += 1
        tables = [d.get("sota") or {}]
        for sub in d.get("subdatasets") or []:
            if isinstance(sub, dict):
                tables.append(sub.get("sota") or {})
        for t in tables:
            for m in t.get("metrics") or []:
                if isinstance(m, str):
                    acc["metric"][m] += 1
            for r in t.get("rows") or []:
                if isinstance(r, dict) and isinstance(r.get("model_name"), str):
                    acc["model"][r["model_name"]] += 1
    for s in node.get("subtasks") or []:
        _sota_walk(s, acc)


def read_sota(shared: Path) -> tuple[dict[str, Counter], list[tuple[str, str]]]:
    base = shared / "data" / "gazetteers" / "sota_extractor"
    acc = {"task": Counter(), "dataset": Counter(), "metric": Counter(), "model": Counter()}
    for path in sorted(glob.glob(str(base / "*.json"))):
        if os.path.basename(path) == "example_json_format.json":
            continue  # a format example, not data (and not valid JSON)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            print(f"warning: skipping unreadable {path}", file=sys.stderr)
            continue
        _sota_walk(data, acc)
    synonyms: list[tuple[str, str]] = []
    path = base / "synonyms.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, skipinitialspace=True):
                if len(row) >= 2 and row[0].strip().lower() != "task":
                    synonyms.append((clean_space(row[0]), clean_space(row[1])))
    return acc, synonyms


def read_tdmsci(shared: Path, held_out: HeldOut | None = None, stats: Counter | None = None) -> Counter:
    """(TYPE, surface) counts from the TDMSci CoNLL file; surfaces rebuilt from offsets."""
    out: Counter = Counter()
    stats = Counter() if stats is None else stats
    base = shared / "data" / "train" / "tdmsci"
    for path in sorted(base.glob("*.conll")):
        sent: list[tuple[str, int, str]] = []

        def flush() -> None:
            if held_out and sent and held_out.holds(" ".join(tok for tok, _, _ in sent)):
                stats["tdmsci_sentences_held_out"] += 1
                return
            cur, toks = None, []
            for tok, off, tag in sent + [("", -1, "O")]:
                if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != cur):
                    if cur and toks:
                        text = toks[0][0]
                        for (pt, po), (t, o) in zip(toks, toks[1:]):
                            text += ("" if po + len(pt) == o else " ") + t
                        out[(cur, detok(text.split(" ")))] += 1
                    cur, toks = (tag[2:], [(tok, off)]) if tag != "O" else (None, [])
                else:
                    toks.append((tok, off))

        with path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if not line.strip():
                    flush()
                    sent = []
                    continue
                cols = line.split("\t")
                if len(cols) < 3:
                    continue
                try:
                    off = int(cols[1])
                except ValueError:
                    off = -1
                sent.append((cols[0], off, cols[-1]))
        flush()
    return out


def read_scirex(shared: Path, held_out: HeldOut | None = None, stats: Counter | None = None) -> Counter:
    """(label, surface) counts of the SciREX mention spans."""
    out: Counter = Counter()
    stats = Counter() if stats is None else stats
    path = shared / "data" / "train" / "scirex" / "abstracts_train.jsonl"
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            w = doc.get("words", [])
            if held_out and held_out.holds(" ".join(w)):
                stats["scirex_documents_held_out"] += 1
                continue
            for s, e, t in doc.get("ner", []):
                out[(t, detok(w[s:e]))] += 1
    return out
