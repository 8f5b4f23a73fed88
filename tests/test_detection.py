"""Event detection end to end: every clause is a candidate, the models decide event or not and
the type, parties come from syntax when no table knows them, and a non-event sentence codes
nothing. The sentences are written for these tests."""

from __future__ import annotations

import pytest

from accord import classify, evaluate, gold, training
from accord.model import Article
from accord.nlp import parse
from accord.pipeline import code_document

EVENTS = {
    "ambush": "Twelve soldiers were killed in an ambush on Sunday.",
    "drones": "Drones using guided bombs struck a convoy near the border, killing six fighters.",
    "freeze": "The donor agency froze funding for the health programme.",
    "abstract": "The foreign minister firmly opposed interference in the country's internal "
                "affairs.",
    "report": "Amnesty International released a report accusing the Nigerian army of torturing "
              "detainees.",
    "verdict": "A Cairo court found three Egyptian journalists guilty of spreading false news.",
    "blame": "After the bombing on Tuesday, the Afghan government said Taliban militants were "
             "responsible.",
}
NON_EVENTS = [
    "Brent crude rose two percent on Tuesday as traders weighed supply figures.",
    "Light rain is expected across the north of the country on Friday.",
    "The museum holds more than forty thousand paintings and drawings.",
    "The river runs for nearly nine hundred kilometres before reaching the sea.",
]


def coded(texts: list[str]) -> list[list[dict]]:
    articles = [Article(id=str(n), text=text) for n, text in enumerate(texts)]
    return [[record.to_dict() for record in code_document(article, doc)]
            for article, doc in parse(articles)]


@pytest.fixture(scope="module")
def events() -> dict[str, list[dict]]:
    return dict(zip(EVENTS, coded(list(EVENTS.values())), strict=True))


def test_an_unnamed_perpetrator_leaves_the_actor_empty_and_keeps_the_victims(events):
    [killing] = [e for e in events["ambush"] if e["event"] == "ASSAULT"]
    assert killing["actor"] == []
    assert [(r["code"], r["entity_text"]) for r in killing["recipient"]] == \
        [(None, "Twelve soldiers")]


def test_a_subject_no_table_knows_is_a_party_with_code_null(events):
    [strike] = [e for e in events["drones"] if e["event"] == "ASSAULT"]
    assert [(a["code"], a["entity_text"]) for a in strike["actor"]] == [(None, "Drones")]


def test_a_verb_the_lexicon_does_not_pair_is_still_typed_by_the_model(events):
    assert [e["event"] for e in events["freeze"]] == ["SANCTION"]
    assert events["freeze"][0]["actor"][0]["entity_text"] == "The donor agency"


def test_an_abstract_object_is_what_the_act_is_about_not_a_party(events):
    assert events["abstract"], "the opposition itself is still an event"
    for event in events["abstract"]:
        assert all(r["entity_text"] != "interference" for r in event["recipient"]), event


def test_a_report_accusing_someone_is_the_issuers_accusation(events):
    [accusation] = [e for e in events["report"] if e["event"] == "ACCUSE"]
    assert [a["entity_text"] for a in accusation["actor"]] == ["Amnesty International"]
    assert [(r["code"], r["entity_text"]) for r in accusation["recipient"]] == \
        [("NGA", "the Nigerian army")]


def test_a_statement_whose_content_names_no_act_is_the_statement_event(events):
    # "the bombing" names no one; the government's statement blames the militants.
    [primary] = events["blame"][:1]
    assert primary["event"] == "ACCUSE"
    assert [a["code"] for a in primary["actor"]] == ["AFG"]
    assert "Taliban militants" in [r["entity_text"] for r in primary["recipient"]]


def test_a_verdict_in_a_small_clause_is_matched_and_names_who_it_is_about(events):
    [verdict] = events["verdict"]
    assert verdict["event"] == "SANCTION"  # a conviction, as the lexicon codes "find >guilty"
    assert [(r["code"], r["entity_text"]) for r in verdict["recipient"]] == \
        [("EGY", "three Egyptian journalists")]


def test_a_hyphenated_trigger_noun_matches_the_lexicon_written_solid():
    from accord.events import match_trigger

    [(_, doc)] = parse([Article(id="h", text="The army declared a cease-fire on Sunday.")])
    declared = next(token for token in doc if token.lower_ == "declared")
    assert match_trigger(declared).type == "CONCEDE"


def test_sentences_reporting_no_event_code_nothing():
    assert coded(NON_EVENTS) == [[] for _ in NON_EVENTS]


def test_the_detector_head_is_shipped_with_each_profile_and_has_two_classes():
    for profile in classify.PROFILES:
        detector = classify.load_detector(profile)
        assert detector is not None and set(detector.classes) == {classify.EVENT,
                                                                  classify.NO_EVENT}


def test_a_two_class_fit_gives_probabilities_that_sum_to_one():
    events = [{"w=attack": 1.0}, {"w=shell": 1.0}, {"w=attack": 1.0, "w=city": 1.0}]
    quiet = [{"w=rain": 1.0}, {"w=museum": 1.0}, {"w=rain": 1.0, "w=city": 1.0}]
    detector = training.fit_detector(events, quiet, seed=1)
    found = detector.probabilities({"w=attack": 1.0})
    assert sum(found.values()) == pytest.approx(1.0)
    assert found[classify.EVENT] > 0.5 > detector.probabilities({"w=rain": 1.0})[classify.EVENT]


def test_unlabelled_sentences_are_read_from_tsv_and_json_lines(tmp_path):
    tsv = tmp_path / "quiet.tsv"
    tsv.write_text("id\ttext\tcategory\n1\tIt rained.\tweather\n2\t \tweather\n",
                   encoding="utf-8")
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text('{"text": "Troops shelled the town."}\n{"id": 2}\n', encoding="utf-8")
    assert gold.read_texts(tsv) == ["It rained."]
    assert gold.read_texts(jsonl) == ["Troops shelled the town."]
    (tmp_path / "bad.tsv").write_text("id\tnote\n1\tx\n", encoding="utf-8")
    with pytest.raises(gold.GoldFormatError):
        gold.read_texts(tmp_path / "bad.tsv")


def test_end_to_end_scoring_counts_a_text_without_event_as_wrong():
    items = [gold.GoldItem("1", EVENTS["ambush"], "ASSAULT"),
             gold.GoldItem("2", NON_EVENTS[0], "PROTEST")]
    scores = evaluate.score_end_to_end(evaluate.parse_items(items),
                                       classify.load_models(), evaluate.PLV_LABELS)
    assert scores.predicted == ["ASSAULT", evaluate.NO_EVENT]
    assert scores.accuracy == 0.5 and scores.no_event_rate == 0.5
