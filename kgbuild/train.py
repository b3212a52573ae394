"""Train the extractor's decisions from annotated abstracts (the annotation guideline's format).

The extractor runs over the annotated papers with a trace that receives every decision's
candidate and features; each candidate is labelled by matching its written forms against
the gold annotation the way the scorer does; scikit-learn's logistic regression fits one
model per decision.  Models are trained in the order the extractor applies them (entities,
then methods' flags, then evaluated-on pairs), each with the ones before it in place, so
every model learns from the candidates it will see.

scikit-learn is needed here only (``pip install kgbuild[train]``); the extractor applies the
saved weights in plain Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kgbuild.errors import InputError, KgbuildError
from kgbuild.evaluate import GOLD_FIELDS, squash, surface_forms
from kgbuild.extract.decisions import MODEL_DIR, Decisions
from kgbuild.extract.linear import LinearModel
from kgbuild.models import Paper, SourceRef
from kgbuild.sources.records import clean_text

SEED = 13
# Each binary model's threshold is chosen on its own training rows, by an inner
# cross-validation: the one among these that gives the best F1 of "yes" out of fold.
THRESHOLD_GRID = tuple(round(0.15 + 0.05 * i, 2) for i in range(12))
INNER_FOLDS = 3
# Inverse regularisation strength and the fewest papers a feature must occur in to be kept.
# Chosen by 5-fold cross-validation over the annotated abstracts (README, "Quality").
REGULARISATION = {"task_span": 0.5, "title_name": 0.5, "definition": 0.5, "entity": 0.5, "proposed": 0.5, "backbone": 0.5, "evaluated_on": 0.5}
REGULARISATION.update({"result": 0.2, "result_metric": 0.5, "result_dataset": 0.5})
MIN_FEATURE_COUNT = 2
# A model that only adds what the rules missed: its threshold is chosen for the F1 of the final
# call, rules or model, so rows carrying the rules' verdict count as said already.
RULE_VERDICT = {"backbone": "rule_backbone"}


@dataclass
class Annotated:
    """One annotated abstract: the paper as the extractor reads it, and its gold row."""

    paper: Paper
    gold: dict[str, Any]
    group: str


def read_annotated(gold_path: Path, input_path: Path, group: str) -> list[Annotated]:
    """Gold rows and their input texts, paired line by line (SciREX papers have no titles)."""
    gold = _jsonl(gold_path)
    inputs = _jsonl(input_path)
    if len(gold) != len(inputs):
        raise InputError(f"{gold_path} has {len(gold)} papers but {input_path} has {len(inputs)}",
                         hint="pass the input file whose lines are the annotated papers, in the same order")
    pairs = []
    for line, (g, row) in enumerate(zip(gold, inputs), 1):
        title = row.get("title") or ""
        if title and squash(title) != squash(g.get("title", "")):
            raise InputError(f"{input_path}:{line}: title differs from {gold_path}:{line}",
                             hint="the gold and input files must list the same papers in the same order")
        # cleaned as ingest cleans a record, so that what is scored is what a build would extract
        paper = Paper(id=f"{gold_path.stem}:{line}", title=clean_text(title),
                      abstract=clean_text(row.get("abstract") or row.get("text") or ""),
                      source=SourceRef(file=str(input_path), line=line))
        pairs.append(Annotated(paper=paper, gold=g, group=group))
    return pairs


def _jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", hint="check the path and that it is JSON Lines") from None


class _GoldForms:
    """One gold row's entities reachable by their squashed surface forms, per type."""

    def __init__(self, gold: dict[str, Any]) -> None:
        self.by_type = {kind: {} for kind in GOLD_FIELDS}
        for kind, field in GOLD_FIELDS.items():
            for item in gold.get(field, []):
                for form in surface_forms(item, kind):
                    self.by_type[kind].setdefault(form, item)
        methods, datasets = self.by_type["Method"], self.by_type["Dataset"]
        # results as the scorer counts them: (value, metric item, dataset item or None)
        self.results = []
        for result in gold.get("results", []):
            metric = self.by_type["Metric"].get(squash(result.get("metric")))
            dataset = datasets.get(squash(result.get("dataset"))) if result.get("dataset") else None
            if metric is not None and result.get("value") is not None:
                self.results.append((float(result["value"]), metric, dataset))
        self.pairs = set()
        for pair in gold.get("evaluated_on", []):
            m, d = methods.get(squash(pair["method"])), datasets.get(squash(pair["dataset"]))
            if m is not None and d is not None:
                self.pairs.add((id(m), id(d)))

    def find(self, kind: str, forms: Iterable[str]) -> dict[str, Any] | None:
        table = self.by_type[kind]
        return next((table[s] for s in map(squash, forms) if s in table), None)


def entity_label(gold: _GoldForms, candidate: dict, kind: str | None = None) -> str | None:
    """yes when a gold entity of the candidate's type (or ``kind``) has one of its written
    forms; None, not learned from, when that entity is optional (the scorer neither rewards
    nor penalises it)."""
    item = gold.find(kind or candidate["type"], candidate["forms"])
    if item is None:
        return "no"
    return None if item.get("optional") else "yes"


def method_labels(gold: _GoldForms, candidate: dict) -> tuple[str | None, str | None]:
    """(proposed, backbone) labels, None where the scorer ignores the method."""
    item = gold.find("Method", candidate["forms"])
    if item is None:
        return "no", "no"
    if item.get("optional"):
        return None, None
    return ("yes" if item.get("proposed") else "no"), ("yes" if "backbone" in item.get("roles", []) else "no")


def pair_label(gold: _GoldForms, candidate: dict) -> str | None:
    method = gold.find("Method", candidate["method"])
    dataset = gold.find("Dataset", candidate["dataset"])
    if method is None or dataset is None:
        return "no"
    if method.get("optional") or dataset.get("optional"):
        return None
    if "backbone" in method.get("roles", []) and not method.get("proposed"):
        return None  # the scorer neither rewards nor penalises these pairs
    return "yes" if (id(method), id(dataset)) in gold.pairs else "no"


def result_labels(gold: _GoldForms, kind: str, candidate: dict) -> str | None:
    """``result``: a gold result has the number's value (within the scorer's 0.051);
    ``result_metric`` / ``result_dataset``: the mention names the measure / dataset of such a
    result (None, not learned from, where no gold result has the value or it names no dataset)."""
    value = candidate["value"]
    matching = [(m, d) for v, m, d in gold.results if abs(v - value) <= 0.051]
    if kind == "result":
        return "yes" if matching else "no"
    if kind == "result_metric":
        if not matching:
            return None
        item = gold.find("Metric", [candidate["metric"]])
        return "yes" if item is not None and any(item is m for m, _ in matching) else "no"
    named = [d for _, d in matching if d is not None]
    if not named:
        return None
    item = gold.find("Dataset", [candidate["dataset"]])
    return "yes" if item is not None and any(item is d for d in named) else "no"


Examples = dict[str, list[tuple[list[str], str]]]


def collect(annotated: list[Annotated], decisions: Decisions, span_papers: list[str] | None = None) -> Examples:
    """Every decision's (features, label) over the annotated papers, with ``decisions`` applied
    (``span_papers``, when given, receives the paper id of each ``task_span`` row)."""

    golds = {a.paper.id: _GoldForms(a.gold) for a in annotated}
    examples: Examples = {"task_span": [], "title_name": [], "definition": [], "entity": [], "proposed": [], "backbone": [],
                          "evaluated_on": [], "result": [], "result_metric": [], "result_dataset": []}

    def record(paper_id: str, kind: str, candidate: dict, features: list[str]) -> None:
        gold = golds[paper_id]
        if kind in ("title_name", "definition"):
            label = entity_label(gold, candidate, "Method")
            if label is not None:
                examples[kind].append((features, label))
        elif kind == "task_span":
            # optional tasks count, as for the entity model: named the same way
            examples["task_span"].append((features, "no" if entity_label(gold, candidate) == "no" else "yes"))
            if span_papers is not None:
                span_papers.append(paper_id)
        elif kind == "entity":
            # optional entities are learned as entities: they share the shape of required ones
            examples["entity"].append((features, "no" if entity_label(gold, candidate) == "no" else "yes"))
        elif kind in ("method", "backbone"):
            proposed, backbone = method_labels(gold, candidate)
            if proposed is None:
                pass
            elif kind == "method":
                examples["proposed"].append((features, proposed))
            else:  # the role's features include the proposed model's verdict
                examples["backbone"].append((features, backbone))
        elif kind == "evaluated_on":
            label = pair_label(gold, candidate)
            if label is not None:
                examples["evaluated_on"].append((features, label))
        elif kind in ("result", "result_metric", "result_dataset"):
            label = result_labels(gold, kind, candidate)
            if label is not None:
                examples[kind].append((features, label))

    extractor = shared_extractor()
    extractor.decisions, extractor.trace = decisions, record
    try:
        for _ in extractor.run(a.paper for a in annotated):
            pass
    finally:
        extractor.trace = None
    return examples


_EXTRACTOR = None


def shared_extractor():
    """One pipeline for every training run of the process (building it takes most of a second)."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from kgbuild.extract.pipeline import Extractor

        _EXTRACTOR = Extractor(decisions=Decisions())
    return _EXTRACTOR


def fit(name: str, rows: list[tuple[list[str], str]], seed: int = SEED) -> LinearModel:
    """A logistic regression over the rows' features (binary when the labels are yes/no)."""
    try:
        import numpy as np
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise KgbuildError("training needs scikit-learn, which is not installed",
                           hint='install it with: pip install "kgbuild[train]"') from None

    counts = Counter(f for features, _ in rows for f in set(features))
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT)
    column = {f: i for i, f in enumerate(vocabulary)}
    indptr, indices = [0], []
    for features, _ in rows:
        indices.extend(sorted({column[f] for f in features if f in column}))
        indptr.append(len(indices))
    matrix = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocabulary)))
    labels = [label for _, label in rows]
    classes = sorted(set(labels))
    if len(classes) < 2:
        # nothing to learn: a constant model
        only = classes[0] if classes else "no"
        return LinearModel(name, ["no", "yes"], [{}], [20.0 if only == "yes" else -20.0])
    model = LogisticRegression(C=REGULARISATION[name], max_iter=5000, random_state=seed, tol=1e-6)
    model.fit(matrix, labels)
    keep = [dict((vocabulary[j], float(w)) for j, w in enumerate(row) if abs(w) >= 1e-4) for row in model.coef_]
    if len(model.classes_) == 2:
        verdict = RULE_VERDICT.get(name)
        given = [verdict in features for features, _ in rows] if verdict else None
        threshold = _best_threshold(name, matrix, labels, seed, given)
        return LinearModel(name, [str(c) for c in model.classes_], keep, [float(model.intercept_[0])], threshold)
    return LinearModel(name, [str(c) for c in model.classes_], keep, [float(b) for b in model.intercept_])


def _best_threshold(name: str, matrix, labels: list[str], seed: int, given: list[bool] | None = None) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    positives = sum(1 for label in labels if label == "yes")
    if min(positives, len(labels) - positives) < INNER_FOLDS:
        return 0.5
    folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed)
    model = LogisticRegression(C=REGULARISATION[name], max_iter=5000, random_state=seed, tol=1e-6)
    yes = list(sorted(set(labels))).index("yes")
    probability = cross_val_predict(model, matrix, labels, cv=folds, method="predict_proba")[:, yes]

    if given is not None:
        import numpy as np

        given = np.array(given, dtype=bool)

    def f1(threshold: float) -> float:
        said = probability >= threshold
        if given is not None:
            said = said | given
        truth = [label == "yes" for label in labels]
        hits = sum(1 for s, t in zip(said, truth) if s and t)
        return 2 * hits / (int(said.sum()) + positives) if hits else 0.0

    return max(THRESHOLD_GRID, key=lambda t: (round(f1(t), 6), -abs(t - 0.5)))


def train_decisions(annotated: list[Annotated], seed: int = SEED) -> Decisions:
    """All the models, each trained with the ones the extractor applies before it in place."""
    decisions = Decisions()
    span_papers: list[str] = []
    examples = collect(annotated, decisions, span_papers)
    decisions.models["task_span"] = fit_task_span(examples["task_span"], seed)
    # The later models learn from task spans chosen by a span model that did not see the paper
    # (a model scoring its own training papers is surer than it will be on new ones).
    cross_fitted = _cross_fitted_spans(annotated, examples["task_span"], span_papers, seed)

    def collect_later() -> Examples:
        merged: Examples = {}
        for part, model in cross_fitted:
            for kind, rows in collect(part, Decisions({**decisions.models, "task_span": model})).items():
                merged.setdefault(kind, []).extend(rows)
        return merged

    examples = collect_later()
    decisions.models["title_name"] = fit("title_name", examples["title_name"], seed)
    examples = collect_later()
    decisions.models["definition"] = fit("definition", examples["definition"], seed)
    examples = collect_later()
    decisions.models["entity"] = fit("entity", examples["entity"], seed)
    examples = collect_later()
    decisions.models["proposed"] = fit("proposed", examples["proposed"], seed)
    examples = collect_later()  # the role reads the proposed model's verdict
    decisions.models["backbone"] = fit("backbone", examples["backbone"], seed)
    examples = collect_later()
    decisions.models["result_metric"] = fit("result_metric", examples["result_metric"], seed)
    examples = collect_later()  # the dataset's features read the chosen measure
    decisions.models["result"] = fit("result", examples["result"], seed)
    decisions.models["result_dataset"] = fit("result_dataset", examples["result_dataset"], seed)
    examples = collect_later()
    decisions.models["evaluated_on"] = fit("evaluated_on", examples["evaluated_on"], seed)
    return decisions


def _cross_fitted_spans(annotated: list[Annotated], rows: list[tuple[list[str], str]], row_papers: list[str],
                        seed: int) -> list[tuple[list[Annotated], LinearModel]]:
    """The papers in ``INNER_FOLDS`` parts (in their order, dealt in turn), each with a span
    model trained on the other parts' rows."""
    parts = [annotated[i::INNER_FOLDS] for i in range(INNER_FOLDS)]
    fitted = []
    for part in parts:
        inside = {a.paper.id for a in part}
        others = [row for row, paper in zip(rows, row_papers) if paper not in inside]
        fitted.append((part, fit_task_span(others, seed)))
    return fitted


# A head word is skipped when fewer than this share of its occurrences (of at least
# ``RARE_HEAD_MIN`` seen) had a span that names a task: the chooser's dearest work, spent on
# words such as "design" or "matching" that seldom end a task's name.
RARE_HEAD_RATE = 0.05
RARE_HEAD_MIN = 8


def fit_task_span(rows: list[tuple[list[str], str]], seed: int = SEED) -> LinearModel:
    """The span model, and the head words it need not score (``extra["rare_heads"]``)."""
    model = fit("task_span", rows, seed)
    seen: Counter = Counter()
    named: Counter = Counter()
    head, hit = None, False
    for features, label in rows + [(["k=0"], "no")]:  # (a sentinel closes the last head)
        if "k=0" in features:  # a head's first span: the one without modifiers
            if head is not None:
                seen[head] += 1
                named[head] += hit
            head = next((f[2:] for f in features if f.startswith("h=")), None)
            hit = False
        hit = hit or label == "yes"
    rare = sorted(h for h, n in seen.items() if n >= RARE_HEAD_MIN and named[h] < RARE_HEAD_RATE * n)
    if rare:
        model.extra = {"rare_heads": rare}
    return model


def write_models(decisions: Decisions, folder: Path = MODEL_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in sorted(decisions.models.items()):
        path = folder / f"{name}.json"
        path.write_bytes(model.to_json() + b"\n")
        written.append(path)
    return written
