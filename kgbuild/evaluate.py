"""Score extractions against hand-annotated gold abstracts (the annotation guideline's rules).

Gold rows: ``{"title", "methods", "datasets", "metrics", "tasks", "repos", "evaluated_on",
"results"}`` where each entity has a ``name``, the ``aliases`` written in the paper and an
``optional`` flag. A predicted entity matches a gold one of its type when its name or any
mention text equals a gold alias once case, spaces and punctuation are dropped; optional
gold items neither reward nor penalise. Papers are paired by normalised title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

GOLD_FIELDS = {"Method": "methods", "Dataset": "datasets", "Metric": "metrics", "Task": "tasks", "Repo": "repos"}
FACT_ROWS = ("EVALUATED_ON", "RESULT", "BACKBONE", "PROPOSED")
_REPO_URL = re.compile(r"(github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/([^/\s]+)/([^/\s#?]+)", re.I)


def squash(text: Any) -> str:
    """How the official scorer of the evaluation data (``score.py``, its ``norm``) compares names:
    lower case, only letters and digits. Not ``kgbuild.names``: no NFKC and no case folding here,
    on purpose, so that ``kgbuild eval`` gives the official figures; change it only with the scorer."""
    return re.sub(r"[\W_]+", "", str(text).lower())


def repo_identity(url: Any) -> str:
    match = _REPO_URL.search(str(url))
    if not match:
        return squash(url)
    host, owner, name = match.groups()
    name = re.sub(r"(\.git)?[.}\])>,;]*$", "", name)
    return f"{host.lower()}/{owner.lower()}/{name.lower()}"


def surface_forms(item: dict[str, Any], kind: str) -> set[str]:
    mentions = [m.get("text") if isinstance(m, dict) else m for m in item.get("mentions", [])]
    if kind == "Repo":
        return {repo_identity(v) for v in [item.get("url") or item.get("name"), *mentions] if v}
    return {squash(v) for v in [item.get("name"), *item.get("aliases", []), *mentions] if v}


def _name_of(ref: Any) -> str:
    if isinstance(ref, dict):
        return ref.get("name") or ref.get("key") or ""
    return str(ref or "")


@dataclass
class Counts:
    gold_found: int = 0
    gold: int = 0
    predicted_right: int = 0
    predicted: int = 0

    def add(self, gold_found: int, gold: int, predicted_right: int, predicted: int) -> None:
        self.gold_found += gold_found
        self.gold += gold
        self.predicted_right += predicted_right
        self.predicted += predicted

    def scores(self) -> tuple[float, float, float]:
        precision = self.predicted_right / self.predicted if self.predicted else 0.0
        recall = self.gold_found / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return round(precision, 3), round(recall, 3), round(f1, 3)


class ScoreRow(BaseModel):
    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int


class Report(BaseModel):
    rows: dict[str, ScoreRow]
    papers: int
    missing: int
    # (gold found, gold, predicted right, predicted) per row: what pooling over folds adds up
    counts: dict[str, tuple[int, int, int, int]] = {}


class _GoldIndex:
    """Gold entities of one type for one paper, reachable by any of their surface forms."""

    def __init__(self, items: list[dict[str, Any]], kind: str) -> None:
        self.kind = kind
        self.items = [(surface_forms(g, kind), g) for g in items]
        self.by_form = {form: g for forms, g in self.items for form in forms}

    def find(self, forms: Iterable[str]) -> dict[str, Any] | None:
        wanted = set(forms)
        return next((g for gforms, g in self.items if gforms & wanted), None)


def _score_entities(index: _GoldIndex, predicted: list[dict[str, Any]], counts: Counts) -> dict[str, Any]:
    """Adds entity counts; returns predicted form -> gold entity, for the role and flag checks."""
    found: set[int] = set()
    right = counted = 0
    matched: dict[str, Any] = {}
    for item in predicted:
        forms = surface_forms(item, index.kind)
        gold = index.find(forms)
        if gold is None:
            counted += 1
            continue
        matched.update(dict.fromkeys(forms, gold))
        if gold.get("optional"):
            continue
        counted += 1
        right += 1
        found.add(id(gold))
    required = [g for _, g in index.items if not g.get("optional")]
    counts.add(sum(1 for g in required if id(g) in found), len(required), right, counted)
    return matched


def _score_method_flag(gold_methods: list[dict[str, Any]], predicted: list[dict[str, Any]],
                       matched: dict[str, Any], counts: Counts, flag: str) -> None:
    def gold_has(g: dict[str, Any]) -> bool:
        return "backbone" in g.get("roles", []) if flag == "backbone" else bool(g.get("proposed"))

    def predicted_has(p: dict[str, Any]) -> bool:
        return "backbone" in (p.get("roles") or []) if flag == "backbone" else bool(p.get("proposed"))

    wanted = {id(g) for g in gold_methods if not g.get("optional") and gold_has(g)}
    optional = {id(g) for g in gold_methods if g.get("optional")}
    claimed: set[object] = set()
    for item in predicted:
        if not predicted_has(item):
            continue
        gold = next((matched[f] for f in surface_forms(item, "Method") if f in matched), None)
        claimed.add(id(gold) if gold is not None else ("unmatched", squash(item.get("name"))))
    claimed -= optional
    hits = len(wanted & claimed)
    counts.add(hits, len(wanted), hits, len(claimed))


def _score_evaluations(gold_row: dict[str, Any], predicted: dict[str, Any], counts: Counts) -> None:
    methods = _GoldIndex(gold_row.get("methods", []), "Method").by_form
    datasets = _GoldIndex(gold_row.get("datasets", []), "Dataset").by_form

    def required(m: Any, d: Any) -> bool:
        """Optional ends, and a backbone the paper does not propose (annotators split on
        whether it was evaluated), are neither rewarded nor penalised."""
        if m is None or d is None or m.get("optional") or d.get("optional"):
            return False
        return not ("backbone" in m.get("roles", []) and not m.get("proposed"))

    gold_pairs = set()
    for pair in gold_row.get("evaluated_on", []):
        m, d = methods.get(squash(pair["method"])), datasets.get(squash(pair["dataset"]))
        if required(m, d):
            gold_pairs.add((id(m), id(d)))
    predicted_pairs: set[tuple[int, int]] = set()
    unmatched = 0
    for relation in predicted.get("relations", []):
        if relation.get("type") != "EVALUATED_ON":
            continue
        m = methods.get(squash(_name_of(relation.get("source"))))
        d = datasets.get(squash(_name_of(relation.get("target"))))
        if m is None or d is None:
            unmatched += 1
        elif required(m, d):
            predicted_pairs.add((id(m), id(d)))
    hits = len(gold_pairs & predicted_pairs)
    counts.add(hits, len(gold_pairs), hits, len(predicted_pairs) + unmatched)


def _score_results(gold_row: dict[str, Any], predicted: dict[str, Any], counts: Counts) -> None:
    metrics = _GoldIndex(gold_row.get("metrics", []), "Metric").by_form
    datasets = _GoldIndex(gold_row.get("datasets", []), "Dataset").by_form
    expected = []
    for result in gold_row.get("results", []):
        metric = metrics.get(squash(result.get("metric")))
        dataset = datasets.get(squash(result.get("dataset"))) if result.get("dataset") else None
        if metric is not None and result.get("value") is not None:
            expected.append((id(metric), float(result["value"]), id(dataset) if dataset is not None else None))
    taken: set[int] = set()
    hits = 0
    reported = predicted.get("results", [])
    for result in reported:
        metric = metrics.get(squash(_name_of(result.get("metric"))))
        dataset = datasets.get(squash(_name_of(result.get("dataset")))) if result.get("dataset") else None
        try:
            value = float(result.get("value"))
        except (TypeError, ValueError):
            continue
        if metric is None:
            continue
        for i, (metric_id, gold_value, dataset_id) in enumerate(expected):
            if i in taken or metric_id != id(metric) or abs(gold_value - value) > 0.051:
                continue
            if dataset_id is not None and (dataset is None or id(dataset) != dataset_id):
                continue
            taken.add(i)
            hits += 1
            break
    counts.add(hits, len(expected), hits, len(reported))


def score(gold_rows: list[dict[str, Any]], predicted_rows: list[dict[str, Any]]) -> Report:
    by_title = {squash((row.get("paper") or {}).get("title") or row.get("title")): row for row in predicted_rows}
    tallies = {name: Counts() for name in (*GOLD_FIELDS, *FACT_ROWS)}
    missing = 0
    for gold_row in gold_rows:
        predicted = by_title.get(squash(gold_row["title"]))
        if predicted is None:
            missing += 1
            predicted = {}
        for kind, field in GOLD_FIELDS.items():
            items = [e for e in predicted.get("entities", []) if e.get("type") == kind]
            matched = _score_entities(_GoldIndex(gold_row.get(field, []), kind), items, tallies[kind])
            if kind == "Method":
                for flag, row in (("backbone", "BACKBONE"), ("proposed", "PROPOSED")):
                    _score_method_flag(gold_row.get(field, []), items, matched, tallies[row], flag)
        _score_evaluations(gold_row, predicted, tallies["EVALUATED_ON"])
        _score_results(gold_row, predicted, tallies["RESULT"])
    micro = Counts()
    for kind in GOLD_FIELDS:
        t = tallies[kind]
        micro.add(t.gold_found, t.gold, t.predicted_right, t.predicted)
    rows = {name: _row(t) for name, t in tallies.items()}
    rows["ENTITIES_MICRO"] = _row(micro)
    counts = {name: (t.gold_found, t.gold, t.predicted_right, t.predicted) for name, t in tallies.items()}
    counts["ENTITIES_MICRO"] = (micro.gold_found, micro.gold, micro.predicted_right, micro.predicted)
    return Report(rows=rows, papers=len(gold_rows), missing=missing, counts=counts)


def _row(counts: Counts) -> ScoreRow:
    precision, recall, f1 = counts.scores()
    return ScoreRow(precision=precision, recall=recall, f1=f1, gold=counts.gold, predicted=counts.predicted)


def format_report(report: Report) -> str:
    lines = [f"{'':16}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    for name, row in report.rows.items():
        lines.append(f"{name:16}{row.precision:7.3f}{row.recall:7.3f}{row.f1:7.3f}{row.gold:7d}{row.predicted:7d}")
    lines.append(f"papers: {report.papers} gold, {report.missing} missing from the prediction")
    return "\n".join(lines)
