"""The learned result decisions: which numbers are absolute results, of which measure, on which dataset.

Three :class:`~kgbuild.extract.linear.LinearModel`\\ s shipped in ``kgbuild/data/models``:

- ``result``: is this number (``result_features.number_candidates``) an absolute reported
  result (not a delta, a bound, a count);
- ``result_metric``: scores each (number, metric mention) pair; the best one is the measure,
  unless a measure is written with the number ("41.4 / 40.5 mAP", "mAP of 41.4":
  ``result_features.glued_metric``), which is taken as written (cross-validated, sample
  corpus: RESULT F1 0.790 this way, 0.773 with the model alone, 0.807 with the rule alone;
  SciREX 0.303, 0.303 and 0.292);
- ``result_dataset``: scores each (number, dataset mention) pair; the best one is the dataset
  (the scorer does not look at the dataset where the gold names none, so one is always given
  when the abstract names any).

The method is the rules' (the nearest method before the number, else the paper's own).
Without the ``result`` model the rules' results (``facts.find_results``) stand; ``trace``
receives every candidate with its features either way, for training.
"""

from __future__ import annotations

import re

from collections.abc import Callable

from kgbuild.extract.candidates import Found
from kgbuild.extract.decisions import Decisions, Trace
from kgbuild.extract.facts import FactResult, _method_right_before, _nearest_before, _split_for
from kgbuild.extract.features import PaperView
from kgbuild.extract.naming import exported_name
from kgbuild.extract.resources import alternation
from kgbuild.extract.result_features import (
    NumberCandidate,
    anchor_metric,
    dataset_pair_features,
    dataset_rules,
    glued_metric,
    metric_pair_features,
    number_candidates,
    number_features,
)

RESULT_DECISIONS = ("result", "result_metric", "result_dataset")  # in decisions.DECISIONS too
def decide_results(view: PaperView, splits: list[tuple[str, int, int, str]], main_method: int | None,
                   decisions: Decisions, trace: Trace | None,
                   rule_results: Callable[[], list[FactResult]]) -> list[FactResult]:
    model = decisions.get("result")
    if model is None and trace is None:
        return rule_results()
    metric_model, dataset_model = decisions.get("result_metric"), decisions.get("result_dataset")
    candidates = number_candidates(view)
    if not candidates:
        return [] if model is not None else rule_results()
    by_sentence: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for c in candidates:
        by_sentence.setdefault((c.field, c.sentence), []).append((c.start, c.end))
    datasets = [f for f in view.found if f.etype == "Dataset"]
    results: list[FactResult] = []
    seen: set[tuple] = set()
    drafts = view.drafts
    for cand in candidates:
        numbers = by_sentence[(cand.field, cand.sentence)]
        feats = number_features(view, cand, len(numbers))
        value = cand.value
        if trace is not None:
            trace("result", {"value": value}, view.adapted(feats))
        keep = model.says_yes(feats, view.style) if model is not None else False
        if not keep and trace is None:
            continue
        # the measure
        best_metric, best_score = None, None
        for metric in cand.metrics:
            mfeats = metric_pair_features(view, cand, metric, numbers)
            if trace is not None:
                trace("result_metric", {"value": value, "metric": exported_name(drafts[metric.entity])},
                      view.adapted(mfeats))
            score = metric_model.probability(mfeats, view.style) if metric_model is not None else 0.0
            if best_score is None or score > best_score:
                best_metric, best_score = metric, score
        # the measure written with the number is taken as it is (cross-validated, the rules
        # placed these better than the model); the model places the others
        glued = glued_metric(cand, view.texts[cand.field])
        if glued is not None:
            best_metric = glued
        elif metric_model is None:
            best_metric = anchor_metric(cand, view.texts[cand.field])
        # the dataset: mentions of the sentence, else of the abstract (each entity's nearest)
        anchor = best_metric
        in_sentence = [d for d in datasets if d.field == cand.field and cand.s_start <= d.start < cand.s_end]
        pool = in_sentence or _nearest_per_entity(datasets, cand)
        best_dataset, best_dscore = None, None
        paired, choice = dataset_rules(view, cand, anchor, in_sentence, numbers) if in_sentence else (None, None)
        for dataset in pool:
            dfeats = dataset_pair_features(view, cand, dataset, anchor, in_sentence, numbers, choice)
            if trace is not None:
                trace("result_dataset", {"value": value, "dataset": exported_name(drafts[dataset.entity])},
                      view.adapted(dfeats))
            score = (dataset_model.probability(dfeats, view.style) if dataset_model is not None
                     else -abs(dataset.start - cand.start))
            if best_dscore is None or score > best_dscore:
                best_dataset, best_dscore = dataset, score
        if paired is not None:
            # the sentence pairs them plainly; the model, trained on few such sentences, broke some
            best_dataset = next(d for d in in_sentence if d.entity == paired)
        if not keep or best_metric is None:
            continue
        results.append(_fact(view, cand, best_metric, best_dataset, splits, main_method, seen))
    if model is None:
        return rule_results()
    return [r for r in results if r is not None]


def _nearest_per_entity(datasets: list[Found], cand: NumberCandidate) -> list[Found]:
    best: dict[int, Found] = {}
    for d in datasets:
        key = (d.field != cand.field, abs(d.start - cand.start))
        if d.entity not in best or key < (best[d.entity].field != cand.field, abs(best[d.entity].start - cand.start)):
            best[d.entity] = d
    return list(best.values())


HOSTED_RE = re.compile(rf"\b(?:{alternation('hosting_phrases')})\b", re.IGNORECASE)


def _hosted_proposal(view: PaperView, in_field: list[Found], cand: NumberCandidate) -> int | None:
    """"RetinaNet is boosted to 40.2 AP by replacing FPN with our ZapNeck": a host system's
    score reached with the proposed part plugged in is the proposed part's (the guideline)."""
    text = view.texts[cand.field]
    if not HOSTED_RE.search(text, cand.s_start, cand.s_end):
        return None
    proposed = [f for f in in_field if f.etype == "Method" and cand.s_start <= f.start < cand.s_end
                and view.drafts[f.entity].proposed]
    return proposed[0].entity if proposed else None


def _fact(view: PaperView, cand: NumberCandidate, metric: Found, dataset: Found | None, splits,
          main_method: int | None, seen: set[tuple]) -> FactResult | None:
    in_field = [f for f in view.found if f.field == cand.field]
    start, s_start = cand.start, cand.s_start
    method = None
    if cand.metrics_from == "prev":
        method = _method_right_before(in_field, start - 1)
    if method is None:
        limit = metric.start if s_start <= metric.start < start else start
        method = _nearest_before(in_field, "Method", start, s_start, limit)
    method_entity = method.entity if method else main_method
    if method_entity is not None and not view.drafts[method_entity].proposed:
        hosted = _hosted_proposal(view, in_field, cand)
        method_entity = method_entity if hosted is None else hosted
    split = None
    if dataset is not None and dataset.field == cand.field and cand.s_start <= dataset.start < cand.s_end:
        split = _split_for(splits, cand.field, dataset, cand.s_start, cand.s_end)
    dataset_entity = dataset.entity if dataset is not None else None
    key = (method_entity, dataset_entity, metric.entity, cand.value, cand.unit)
    if key in seen:
        return None
    seen.add(key)
    return FactResult(method_entity, dataset_entity, split, metric.entity, cand.value, cand.unit, cand.field,
                      cand.sentence)
