"""A trained linear model applied as plain Python: the weights of the features that fire, summed.

Training (``kgbuild.train``, scikit-learn's logistic regression) writes each model as JSON:
its classes and, per class, the weight of every feature it kept.  Applying one needs no
scikit-learn at run time, loads in milliseconds and costs a dictionary look-up per feature.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import orjson


class LinearModel:
    """``classes[0]`` is the negative class of a binary model (its score is the logit of ``classes[1]``)."""

    __slots__ = ("name", "classes", "weights", "bias", "threshold", "extra", "_styled", "_typed")

    def __init__(self, name: str, classes: list[str], weights: list[dict[str, float]], bias: list[float],
                 threshold: float = 0.5, extra: dict | None = None) -> None:
        self.name = name
        # what a decision learned besides the weights (``task_span``: the head words it skips)
        self.extra = extra or {}
        self.classes = classes
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self._styled: dict[str, list[dict[str, float]]] = {}
        # made with the model, like the pipeline, rather than by the first texts of each style
        styles = sorted({f.split("|", 1)[0] for w in weights for f in w if "|" in f})
        for style in styles:
            self._styled_weights(style)
        # binary models whose features are also written with a type ("Method:shape=XxXx" beside
        # "shape=XxXx", ``features._typed_name_features``): per style and type, each feature's
        # weight plus its typed form's, made with the model too
        self._typed: dict[tuple[str | None, str], dict[str, float]] = {}
        if len(weights) == 1:
            types = sorted({t for f in weights[0] for t in [f.split("|", 1)[-1].split(":", 1)[0]]
                            if ":" in f and t.isalpha() and t.istitle()})
            for style in (None, *styles):
                (w,) = self.weights if style is None else self._styled[style]
                for etype in types:
                    prefix = f"{etype}:"
                    names = {f[len(prefix):] if f.startswith(prefix) else f for f in w}
                    self._typed[style, etype] = {f: w.get(f, 0.0) + w.get(prefix + f, 0.0) for f in names}

    @property
    def binary(self) -> bool:
        return len(self.classes) == 2 and len(self.weights) == 1

    def scores(self, features: Iterable[str], style: str | None = None) -> list[float]:
        """``style``: ``features`` are read both as they are and in that style of text, as
        ``features.PaperView.adapted`` writes them ("plain|f"), without writing them so."""
        features = set(features)  # present or not, as in training
        weights = self.weights if style is None else self._styled_weights(style)
        return [b + sum(filter(None, map(w.get, features))) for w, b in zip(weights, self.bias)]

    def _styled_weights(self, style: str) -> list[dict[str, float]]:
        """Per class, each feature's weight plus the weight of its form for ``style`` (the
        adapted features cost one look-up instead of a second string and look-up each)."""
        styled = self._styled.get(style)
        if styled is None:
            prefix = f"{style}|"
            styled = []
            for w in self.weights:
                names = {f[len(prefix):] if f.startswith(prefix) else f for f in w}
                styled.append({f: w.get(f, 0.0) + w.get(prefix + f, 0.0) for f in names})
            self._styled[style] = styled
        return styled

    def feature_weights(self, style: str | None = None) -> dict[str, float]:
        """Binary models: each feature's weight (read in ``style`` too), for callers that add
        up the scores of related feature sets themselves."""
        (weights,) = self.weights if style is None else self._styled_weights(style)
        return weights

    def logit(self, features: Iterable[str], style: str | None = None) -> float:
        """Binary models: the score of the positive class, before the sigmoid."""
        return self.bias[0] + self.contribution(features, style)

    def typed_contribution(self, features: Iterable[str], etype: str, style: str | None = None) -> float:
        """What ``features`` add to the score together with their typed forms ("{etype}:f"),
        without writing those (a model with no typed features: what they add alone)."""
        weights = self._typed.get((style, etype))
        if weights is None:  # (no typed weights made for this type or style: the features written out)
            features = list(features)
            return self.contribution(features + [f"{etype}:{f}" for f in features], style)
        return sum(map(weights.__getitem__, weights.keys() & features))

    def contribution(self, features: Iterable[str], style: str | None = None) -> float:
        """Binary models: what ``features`` add to the score (a second set of features, none
        of them among the first, adds its contribution to the first's ``logit``)."""
        (weights,) = self.weights if style is None else self._styled_weights(style)
        return sum(map(weights.__getitem__, weights.keys() & features))

    @property
    def threshold_logit(self) -> float:
        """The score at which the probability reaches ``threshold``."""
        return math.log(self.threshold / (1.0 - self.threshold))

    def probability(self, features: Iterable[str], style: str | None = None) -> float:
        """Binary models: the probability of the positive class."""
        # ``scores`` written out for the one class: asked thousands of times per corpus pass
        (weights,) = self.weights if style is None else self._styled_weights(style)
        # the features the model knows, each once: a set intersection in C, which hashes each
        # feature once and builds a set of the few known ones rather than of them all
        score = self.bias[0] + sum(map(weights.__getitem__, weights.keys() & features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def says_yes(self, features: Iterable[str], style: str | None = None) -> bool:
        return self.probability(features, style) >= self.threshold

    def label(self, features: Iterable[str]) -> str:
        if self.binary:
            return self.classes[1] if self.says_yes(features) else self.classes[0]
        scores = self.scores(features)
        return self.classes[max(range(len(scores)), key=scores.__getitem__)]

    def to_json(self) -> bytes:
        payload = {"name": self.name, "classes": self.classes, "bias": [round(b, 6) for b in self.bias],
                   "threshold": self.threshold,
                   "weights": [{f: round(v, 6) for f, v in sorted(w.items())} for w in self.weights]}
        if self.extra:
            payload["extra"] = self.extra
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, raw: bytes) -> LinearModel:
        data = orjson.loads(raw)
        return cls(data["name"], data["classes"], data["weights"], data["bias"], data.get("threshold", 0.5),
                   data.get("extra"))

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        return cls.from_json(path.read_bytes())
