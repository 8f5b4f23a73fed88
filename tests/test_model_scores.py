"""The event-type model's scores: the vectorised sum must equal the plain loop bit for bit,
because coded confidences are rounded from them and must not move with an optimisation."""

from __future__ import annotations

import numpy as np

from accord.classify import TypeModel


def _loop_scores(model: TypeModel, features: dict[str, float]) -> np.ndarray:
    scores = model.bias.copy()
    for name, value in features.items():
        row = model.feature_index.get(name)
        if row is not None:
            scores += value * model.weights[row]
    return scores


def test_scores_equal_a_term_by_term_sum_to_the_last_bit():
    generator = np.random.default_rng(3)
    names = [f"f{i}" for i in range(300)]
    model = TypeModel(classes=("A", "B", "C"), feature_index={n: i for i, n in enumerate(names)},
                      weights=generator.normal(size=(300, 3)), bias=generator.normal(size=3))
    for _ in range(50):
        chosen = generator.choice(names, size=120, replace=False)
        features = {str(name): float(generator.normal()) for name in chosen}
        features["not in the model"] = 5.0
        assert np.array_equal(model.scores(features), _loop_scores(model, features))


def test_scores_without_a_known_feature_are_the_bias_and_leave_it_alone():
    model = TypeModel(classes=("A", "B"), feature_index={"x": 0},
                      weights=np.ones((1, 2)), bias=np.array([0.5, -0.5]))
    scores = model.scores({"unknown": 1.0})
    scores += 1.0
    assert model.bias.tolist() == [0.5, -0.5]
