"""Fitting and scoring the event-place model (training code: above the pipeline, never imported
by it). A logistic regression over one-hot features of each candidate mention; an item's place is
its best-scoring mention when that clears the threshold, else none.

Accuracy counts every item once:
- an item with no gold place is right when the model chooses no place;
- an item with one or more gold places is right when the chosen mention overlaps (by characters)
  any of them; when no candidate mention overlaps a gold place (the tagger missed the name) the
  item counts as wrong whatever is chosen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from event_location_data import Example  # noqa: F401

C_REGULARISATION = 0.5
MIN_WEIGHT = 0.05
THRESHOLDS = [round(0.05 * step, 2) for step in range(2, 17)]


@dataclass
class FittedModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probabilities(self, rows: list[list[str]]) -> list[float]:
        scores = [self.bias + sum(self.weights.get(f, 0.0) for f in row) for row in rows]
        return [1.0 / (1.0 + np.exp(-score)) for score in scores]

    def choose(self, example: Example) -> int | None:
        if not example.rows:
            return None
        probabilities = self.probabilities(example.rows)
        best = int(np.argmax(probabilities))
        return best if probabilities[best] >= self.threshold else None

    def to_json(self, path: Path, note: str) -> None:
        kept = {f: round(w, 3) for f, w in sorted(self.weights.items())}
        data = {"note": note, "bias": round(self.bias, 4), "threshold": self.threshold,
                "weights": kept}
        text = json.dumps(data, sort_keys=True, separators=(",", ":")).replace(',"', ',\n"')
        path.write_text(text + "\n", encoding="utf-8")


def is_correct(example: Example, chosen: int | None) -> bool:
    if not example.item.gold:
        return chosen is None
    return chosen is not None and example.labels[chosen] == 1


def accuracy(model: FittedModel, examples: list[Example]) -> float:
    return sum(is_correct(e, model.choose(e)) for e in examples) / max(len(examples), 1)


def _fit_weights(examples: list[Example], seed: int) -> tuple[dict[str, float], float]:
    rows = [dict.fromkeys(row, 1) for e in examples for row in e.rows]
    labels = [label for e in examples for label in e.labels]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=C_REGULARISATION, max_iter=2000, random_state=seed)
    classifier.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    # Weights this small move no choice; dropping them keeps the shipped file a few hundred KB
    # (and the cross-validation measures the pruned model that ships).
    weights = {name: weight for name, weight in zip(names, classifier.coef_[0].tolist(),
                                                     strict=True) if abs(weight) >= MIN_WEIGHT}
    return weights, float(classifier.intercept_[0])


def fit(examples: list[Example], seed: int = 0) -> FittedModel:
    """Weights from all of `examples`; the threshold from inner 3-fold predictions on them."""
    inner_folds = 3
    held_out: list[tuple[Example, list[float]]] = []
    for fold in range(inner_folds):
        train = [e for i, e in enumerate(examples) if i % inner_folds != fold]
        weights, bias = _fit_weights(train, seed)
        probe = FittedModel(weights, bias, 0.5)
        held_out += [(e, probe.probabilities(e.rows)) for i, e in enumerate(examples)
                     if i % inner_folds == fold]
    threshold = max(THRESHOLDS, key=lambda t: _accuracy_at(held_out, t))
    weights, bias = _fit_weights(examples, seed)
    return FittedModel(weights, bias, threshold)


def _accuracy_at(held_out: list[tuple[Example, list[float]]], threshold: float) -> float:
    right = 0
    for example, probabilities in held_out:
        chosen = None
        if probabilities:
            best = int(np.argmax(probabilities))
            chosen = best if probabilities[best] >= threshold else None
        right += is_correct(example, chosen)
    return right / max(len(held_out), 1)
