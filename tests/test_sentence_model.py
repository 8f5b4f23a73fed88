"""The accurate profile's fine-tuned sentence model: shipped, loaded once, and joined to the type
model so that each can overrule the other only where it is sure."""

import numpy as np
import pytest

from accord import classify
from accord.sentence_model import is_shipped, load_sentence_model


def test_the_package_ships_the_sentence_model():
    # Every other test here would fail on None; this one says why.
    assert is_shipped() and load_sentence_model() is not None


def test_the_shipped_sentence_model_knows_every_type_the_type_model_does():
    model = load_sentence_model()
    assert model is load_sentence_model()
    assert set(classify.load_model("accurate").classes) <= set(model.labels)


def test_each_sentence_gets_a_probability_for_every_type_in_its_own_row():
    texts = ["Riot police fired tear gas at thousands of students who marched on parliament "
             "on Tuesday to demand the education minister's resignation.",
             "Artillery shelled the outskirts of the town overnight, killing four civilians, "
             "local officials said.",
             "The two presidents signed an agreement on Friday to build a gas pipeline."]
    model = load_sentence_model()
    found = model.probabilities(texts)
    assert found.shape == (3, len(model.labels))
    assert np.allclose(found.sum(axis=1), 1.0, atol=1e-5)
    best = [model.labels[i] for i in found.argmax(axis=1)]
    assert best == ["PROTEST", "ASSAULT", "AGREE"]  # signing to build later is a promise
    # The batch is cut by length; each answer still belongs to its own sentence.
    assert np.allclose(model.probabilities(texts[::-1])[::-1], found, atol=1e-5)


def test_joining_the_models_lets_each_veto_what_it_finds_unlikely():
    linear = {"ACCUSE": 0.5, "THREATEN": 0.45, "PROTEST": 0.05}
    sentence = {"ACCUSE": 0.01, "THREATEN": 0.9, "PROTEST": 0.09}
    joined = classify.fused(linear, sentence)
    assert max(joined, key=joined.get) == "THREATEN"
    assert sum(joined.values()) == pytest.approx(1.0)
    assert classify.fused(linear, None) == linear


def test_the_accurate_profile_codes_with_the_sentence_model_and_the_fast_one_without():
    assert classify.load_models("accurate").sentences is load_sentence_model()
    assert classify.load_models("fast").sentences is None


def test_the_model_ships_in_parts_no_larger_than_a_repository_file_should_be():
    from accord.sentence_model import MODEL_DIR, PART_BYTES, weight_parts

    parts = weight_parts(MODEL_DIR)
    assert len(parts) >= 2 and all(part.stat().st_size <= PART_BYTES for part in parts)
    assert not (MODEL_DIR / "sentence_types.onnx").exists()
