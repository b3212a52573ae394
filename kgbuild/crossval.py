"""K-fold cross-validation of the trained extractor: no abstract is scored by a model trained on it.

The annotated abstracts of every group are dealt into ``k`` folds (each group spread evenly,
in a seeded shuffle); for each fold every model is trained afresh on the other folds and the
held-out papers are extracted with those models and scored.  Figures are pooled over the
folds (each held-out paper scored once), with their spread over folds beside them.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable

from pydantic import BaseModel

from kgbuild.evaluate import Counts, Report, score
from kgbuild.extract.jsonl import extraction_to_json
from kgbuild.train import SEED, Annotated, shared_extractor, train_decisions


class FoldedRow(BaseModel):
    precision: float
    recall: float
    f1: float
    f1_spread: float  # standard deviation of the per-fold F1
    f1_folds: list[float]
    gold: int
    predicted: int


class CrossValidation(BaseModel):
    folds: int
    seed: int = SEED
    groups: dict[str, dict[str, FoldedRow]]
    papers: dict[str, int]


def assign_folds(annotated: list[Annotated], k: int, seed: int = SEED) -> list[int]:
    order = list(range(len(annotated)))
    random.Random(seed).shuffle(order)
    fold = [0] * len(annotated)
    dealt: dict[str, int] = {}
    for i in order:
        group = annotated[i].group
        fold[i] = dealt.get(group, 0) % k
        dealt[group] = dealt.get(group, 0) + 1
    return fold


def _score_group(held: list[Annotated], predicted: list[dict]) -> Report:
    gold_rows, predicted_rows = [], []
    for a, row in zip(held, predicted):
        gold_rows.append({**a.gold, "title": a.paper.id})
        predicted_rows.append({**row, "paper": {**row["paper"], "title": a.paper.id}})
    return score(gold_rows, predicted_rows)


def cross_validate(annotated: list[Annotated], k: int = 5, seed: int = SEED,
                   progress: Callable[[int], None] | None = None,
                   held_out: Callable[[Annotated, int, dict], None] | None = None) -> CrossValidation:
    """``held_out`` sees every paper's prediction by the models of the fold that held it out."""
    folds = assign_folds(annotated, k, seed)
    groups = sorted({a.group for a in annotated})
    per_fold: dict[str, list[Report]] = {g: [] for g in groups}
    pooled: dict[str, dict[str, Counts]] = {g: {} for g in groups}
    extractor = shared_extractor()
    for fold in range(k):
        training = [a for a, f in zip(annotated, folds) if f != fold]
        held = [a for a, f in zip(annotated, folds) if f == fold]
        extractor.decisions = train_decisions(training, seed)
        predicted = [extraction_to_json(x) for x in extractor.run(a.paper for a in held)]
        if held_out:
            for a, row in zip(held, predicted):
                held_out(a, fold, row)
        for group in groups:
            pairs = [(a, p) for a, p in zip(held, predicted) if a.group == group]
            report = _score_group([a for a, _ in pairs], [p for _, p in pairs])
            per_fold[group].append(report)
            for name, counts in report.counts.items():
                pooled[group].setdefault(name, Counts()).add(*counts)
        if progress:
            progress(fold + 1)
    result: dict[str, dict[str, FoldedRow]] = {}
    for group in groups:
        rows = {}
        for name, counts in pooled[group].items():
            precision, recall, f1 = counts.scores()
            fold_f1 = [r.rows[name].f1 for r in per_fold[group]]
            rows[name] = FoldedRow(precision=precision, recall=recall, f1=f1,
                                   f1_spread=round(statistics.pstdev(fold_f1), 3), f1_folds=fold_f1,
                                   gold=counts.gold, predicted=counts.predicted)
        result[group] = rows
    papers = {g: sum(1 for a in annotated if a.group == g) for g in groups}
    return CrossValidation(folds=k, seed=seed, groups=result, papers=papers)


def format_cross_validation(cv: CrossValidation) -> str:
    lines = []
    for group, rows in cv.groups.items():
        lines.append(f"{group}: {cv.papers[group]} papers, {cv.folds}-fold cross-validation, seed {cv.seed} "
                     "(pooled over folds; ± is the spread of F1 over folds)")
        lines.append(f"{'':16}{'P':>7}{'R':>7}{'F1':>7}{'±':>7}{'gold':>7}{'pred':>7}")
        for name, row in rows.items():
            lines.append(f"{name:16}{row.precision:7.3f}{row.recall:7.3f}{row.f1:7.3f}{row.f1_spread:7.3f}"
                         f"{row.gold:7d}{row.predicted:7d}")
        lines.append("")
    return "\n".join(lines).rstrip()
