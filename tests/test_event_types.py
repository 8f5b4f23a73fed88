"""Event typing on sentences no model or pattern was tuned on, for both profiles.

tests/data/event_types_unseen.tsv holds 78 sentences (at least 5 per PLV type) written after the
shipped models were trained; the floor below leaves room for small shifts but catches a model or
lexicon change that breaks typing off the PLV distribution. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import evaluate, gold

UNSEEN = Path(__file__).parent / "data" / "event_types_unseen.tsv"
FLOOR = 0.85


@pytest.fixture(scope="module")
def coded_unseen() -> dict[str, list[evaluate.Coded]]:
    items = gold.read_authored(UNSEEN)
    return {profile: list(evaluate.code_items(items, profile))
            for profile in ("fast", "accurate")}


def test_the_unseen_set_has_at_least_five_sentences_of_each_type():
    labels = [item.label for item in gold.read_authored(UNSEEN)]
    assert len(set(labels)) == 15 and all(labels.count(label) >= 5 for label in set(labels))


@pytest.mark.parametrize("profile", ["fast", "accurate"])
def test_each_profile_types_unseen_news_sentences_above_the_floor(coded_unseen, profile):
    from accord import classify

    scores = evaluate.score_coded(coded_unseen[profile], evaluate.PLV_LABELS,
                                  classify.load_model(profile))
    misses = [(c.item.label, p, c.item.text) for c, p in
              zip(coded_unseen[profile], scores.predicted, strict=True)
              if evaluate.PLV_LABELS.get(c.item.label, c.item.label) != p]
    assert scores.macro_f1 >= FLOOR, "\n".join(map(str, misses))
