"""The event-type model: deterministic training, the shipped weights, and how it rescores."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from accord import classify, gold, training
from accord.events import extract_candidates


def _synthetic_examples() -> tuple[list[dict[str, float]], list[str]]:
    rows = [({"trig=attack": 1.0, "w=kill": 1.0}, "ASSAULT"),
            ({"trig=shell": 1.0, "w=village": 1.0}, "ASSAULT"),
            ({"trig=meet": 1.0, "w=talk": 1.0}, "CONSULT"),
            ({"trig=visit": 1.0, "w=talk": 0.5}, "CONSULT"),
            ({"trig=release": 1.0, "w=hostage": 1.0}, "RETREAT"),
            ({"trig=withdraw": 1.0, "w=troop": 1.0}, "YIELD")]
    return [features for features, _ in rows], [label for _, label in rows]


def test_training_is_deterministic_given_a_seed(tmp_path):
    features, labels = _synthetic_examples()
    first = training.fit(features, labels, seed=3)
    second = training.fit(features, labels, seed=3)
    assert first.classes == second.classes
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias)


def test_concede_and_retreat_train_as_plv_yield():
    features, labels = _synthetic_examples()
    model = training.fit(features, labels)
    assert set(model.classes) == {"ASSAULT", "CONSULT", "YIELD"}
    assert classify.model_label("RETREAT") == classify.model_label("yield") == "YIELD"
    assert classify.model_label("DISAPPROVE") == "ACCUSE"


def test_saved_model_loads_with_the_same_probabilities(tmp_path):
    features, labels = _synthetic_examples()
    model = training.fit(features, labels)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = classify.TypeModel.load(path)
    probe = {"trig=meet": 1.0, "w=unknown": 1.0}
    expected, got = model.probabilities(probe), loaded.probabilities(probe)
    assert max(got, key=got.get) == "CONSULT"
    assert all(abs(expected[k] - got[k]) < 1e-5 for k in expected)
    assert abs(sum(got.values()) - 1.0) < 1e-9


def _candidate(event_type: str, weight: float, confidence: float) -> SimpleNamespace:
    pattern = SimpleNamespace(weight=weight, type=event_type)
    return SimpleNamespace(event_type=event_type, pattern=pattern, confidence=confidence)


def test_a_sure_pattern_keeps_its_type_unless_the_model_rules_it_out():
    sure = _candidate("ACCUSE", weight=0.95, confidence=0.9)
    plausible = {"ACCUSE": 0.3, "REJECT": 0.7}
    assert classify.decide(plausible, [sure]).event_type == "ACCUSE"
    ruled_out = {"ACCUSE": 0.02, "REJECT": 0.98}
    assert classify.decide(ruled_out, [sure]).event_type == "REJECT"


def test_an_unsure_pattern_gives_way_to_the_model():
    unsure = _candidate("ACCUSE", weight=0.6, confidence=0.55)
    decision = classify.decide({"ACCUSE": 0.3, "REJECT": 0.7}, [unsure])
    assert (decision.event_type, decision.source) == ("REJECT", "model")
    assert decision.confidence == pytest.approx(0.7)


def test_a_model_yield_is_split_by_the_patterns():
    retreat = _candidate("RETREAT", weight=0.6, confidence=0.5)
    assert classify.decide({"YIELD": 0.9, "AID": 0.1}, [retreat]).event_type == "RETREAT"
    assert classify.decide({"YIELD": 0.9, "AID": 0.1}, []).event_type == "CONCEDE"


# ---------------------------------------------------------------- the shipped model (spaCy)


@pytest.fixture(scope="module")
def sentences():
    from accord.actors import ArticleMemory, mentions_in
    from accord.nlp import load_pipeline

    nlp = load_pipeline()

    def coded(text: str):
        sent = next(iter(nlp(text).sents))
        memory = ArticleMemory()
        mentions_in(sent, memory)
        return sent, extract_candidates(sent, memory)

    return coded


def test_the_shipped_models_load_once_and_stay_within_the_size_budget():
    assert classify.MODEL_PATH.exists()
    assert classify.load_model() is classify.load_model()
    assert classify.load_model("accurate") is classify.load_model("accurate")
    assert classify.load_model("accurate") is not classify.load_model()
    # Every shipped model (two 23 MB transformers among them) within the 60 MB that issue 15
    # allows committed artifacts.
    assert sum(path.stat().st_size for path in classify.MODEL_DIR.iterdir()) < 60_000_000


def test_the_accurate_profile_reads_a_sentence_embedding(sentences):
    sent, candidates = sentences("Mongolia and Japan held talks in Ulaanbaatar on Monday.")
    fast, accurate = (classify.profile_features([sent], [candidates], profile)[0]
                      for profile in classify.PROFILES)
    embedding = {key: value for key, value in accurate.items() if key.startswith("emb")}
    assert len(embedding) == 384 and not any(key.startswith("emb") for key in fast)
    norm = sum(value * value for value in embedding.values()) ** 0.5
    assert norm == pytest.approx(classify.EMBEDDING_WEIGHT, rel=1e-3)
    with pytest.raises(ValueError, match="unknown profile"):
        classify.load_model("turbo")


@pytest.mark.parametrize("profile", ["fast", "accurate"])
@pytest.mark.parametrize("text, expected", [
    ("Kazakh police detained forty demonstrators outside the parliament on Monday.", "COERCE"),
    ("The foreign ministers of Mongolia and Japan held talks in Ulaanbaatar.", "CONSULT"),
    ("Rebel fighters shelled the town overnight, killing six civilians.", "ASSAULT"),
    ("The Uzbek government flatly refused to sign the water-sharing accord.", "REJECT"),
    ("Thousands of farmers marched on the capital to protest the new land law.", "PROTEST"),
])
def test_the_shipped_models_type_plain_news_sentences(sentences, text, expected, profile):
    sent, candidates = sentences(text)
    decision = classify.classify_sentence(sent, candidates, profile=profile)
    assert decision is not None and decision.event_type == expected


def test_rescore_keeps_confidences_in_range_and_the_primary_first(sentences):
    sent, candidates = sentences(
        "Tajikistan accused Kyrgyzstan of shelling border villages and refused to resume talks.")
    assert candidates
    rescored = classify.rescore(sent, candidates)
    assert len(rescored) == len(candidates)
    assert all(0.0 <= c.confidence <= 1.0 for c in rescored)
    assert all(rescored[0].confidence >= c.confidence for c in rescored[1:])


def test_rescore_leaves_an_empty_sentence_empty(sentences):
    sent, _ = sentences("The weather was mild.")
    assert classify.rescore(sent, []) == []


def test_authored_examples_cover_every_plover_type():
    from accord.knowledge import plover_types

    labels = {e.label for e in gold.read_training_file(training.AUTHORED_PATH)}
    assert labels == set(plover_types())


def test_the_calibration_temperature_is_fitted_deterministically_and_saved(tmp_path):
    rows = [({f"trig={verb}": 1.0, f"w={noun}": 1.0}, label)
            for label, verbs, nouns in (("ASSAULT", ("attack", "shell", "bomb"), ("town", "camp")),
                                        ("CONSULT", ("meet", "visit", "host"), ("talk", "envoy")),
                                        ("AID", ("donate", "send", "fund"), ("grain", "tent")))
            for verb in verbs for noun in nouns]
    features, labels = [r[0] for r in rows], [r[1] for r in rows]
    model = training.calibrated_fit(features, labels, seed=5)
    assert model.temperature in training.TEMPERATURES
    assert training.calibrated_fit(features, labels, seed=5).temperature == model.temperature
    model.save(tmp_path / "m.npz")
    loaded = classify.TypeModel.load(tmp_path / "m.npz")
    assert loaded.temperature == pytest.approx(model.temperature)
    probabilities = loaded.probabilities({"trig=shell": 1.0})
    assert max(probabilities, key=probabilities.get) == "ASSAULT"
    assert sum(probabilities.values()) == pytest.approx(1.0)
    # a sharper temperature never changes the ranking, only how sure the model says it is
    sharper = replace(loaded, temperature=loaded.temperature / 2)
    assert sharper.probabilities({"trig=shell": 1.0})["ASSAULT"] > probabilities["ASSAULT"]


def test_the_coder_imports_neither_training_nor_evaluation():
    import subprocess
    import sys

    probe = ("import sys, accord.pipeline, accord.classify, accord.gold; "
             "print(sorted(m for m in sys.modules if m in "
             "{'accord.training', 'accord.evaluate', 'accord.cli', 'sklearn'}))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"
