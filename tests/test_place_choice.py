"""Which of a sentence's places is the event's: the learned choice on sentences written here."""

from __future__ import annotations

import pytest

from accord import place_choice
from accord.nlp import load_pipeline
from accord.where import normalize_name


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _place(nlp, text: str, trigger: str, context=()):
    doc = nlp(text)
    token = next(token for token in doc if token.text == trigger)
    return place_choice.event_place(token.sent, token, context)


def test_the_verbs_own_place_wins_over_the_place_of_whoever_reports_it(nlp):
    location = _place(nlp, "Police in Nairobi said gunmen attacked a church in Mombasa on Sunday.",
                      "attacked")
    assert location is not None and location.resolved_place == "Mombasa"


def test_a_sentence_without_a_place_gives_none(nlp):
    assert _place(nlp, "At least 22 militants were killed in the clashes, officials said.",
                  "killed") is None


def test_a_place_no_gazetteer_knows_is_kept_with_geonameid_null(nlp):
    location = _place(nlp, "Gunmen attacked the village of Kafr Bitna Gharbi in Syria on Monday.",
                      "attacked", ["SYR"])
    assert location is not None
    assert "Kafr Bitna Gharbi" in location.extracted_place
    assert location.geonameid is None


def test_multiword_place_is_resolved_whole_in_its_country(nlp):
    location = _place(nlp, "Turkish-backed fighters shelled Kurdish positions in Tell Abyad on "
                      "the Syrian border.", "shelled")
    assert location is not None and location.country_code == "SYR"
    assert "abya" in normalize_name(location.resolved_place or "")


def test_a_name_the_tagger_splits_is_one_candidate_when_the_gazetteer_knows_it(nlp):
    doc = nlp("Turkish-backed fighters clashed with Kurdish forces in Tell Abyad on the Syrian "
              "border.")
    names = [mention.text for mention in place_choice.place_mentions(doc[:])]
    assert "Tell Abyad" in names and "Tell" not in names


def test_model_is_a_small_file_loaded_once():
    assert place_choice.place_model() is place_choice.place_model()
    assert place_choice.MODEL_PATH.stat().st_size < 1_000_000


def test_a_person_named_like_a_village_is_not_made_that_village(nlp):
    location = _place(nlp, "Tokayev asked Kamikawa to convey his greetings to Japanese Prime "
                      "Minister Fumio Kishida.", "asked", ["KAZ", "JPN"])
    assert location is None or location.resolved_place != "Uetake"


TOPIC_REPORT = """\
 date 2024-06-12 Kazakhstan, China pledge closer ties

ALMATY, June 11 (Xinhua) -- Kazakh Foreign Minister Murat Nurtleu and Chinese Foreign \
Minister Wang Yi on Tuesday held talks in Almaty, agreeing to expand trade.

Kazakhstan firmly supports China on issues concerning Taiwan, Tibet and Xinjiang, and \
opposes interference in China's internal affairs, Nurtleu said.
"""


def test_places_named_as_the_topic_of_a_stance_are_not_where_it_happened(tmp_path):
    from accord.pipeline import code_articles
    from accord.readers import read_inputs

    (tmp_path / "kaz_chn.txt").write_text(TOPIC_REPORT, encoding="utf-8")
    [(article, records)] = list(code_articles(read_inputs([str(tmp_path)])))
    support = [r for r in records if r.event == "SUPPORT" and "Taiwan" in r.evidence]
    assert support, [(r.event, r.evidence[:40]) for r in records]
    for record in support:
        place = record.event_loc
        assert place is None or place.extracted_place not in ("Taiwan", "Tibet", "Xinjiang")
        assert place is None or place.basis == "dateline" and place.country_code == "KAZ"


def test_features_kept_with_the_parse_do_not_depend_on_which_event_asked_first(nlp):
    text = ("Protesters marched through Harare on Monday after soldiers shot two men near "
            "Bulawayo, officials said.")
    shared = nlp(text)
    by_event = {}
    for trigger in ("shot", "marched"):
        token = next(t for t in shared if t.text == trigger)
        mentions = place_choice.place_mentions(token.sent)
        by_event[trigger] = place_choice.mention_features(token.sent, token, mentions, None)
    for trigger in ("marched", "shot"):
        fresh = nlp(text)
        token = next(t for t in fresh if t.text == trigger)
        mentions = place_choice.place_mentions(token.sent)
        alone = place_choice.mention_features(token.sent, token, mentions, None)
        assert [sorted(row) for row in alone] == [sorted(row) for row in by_event[trigger]]


def test_a_place_inside_another_verbs_relative_clause_is_seen_through_that_verb(nlp):
    doc = nlp("Police arrested a man who had bombed a market in Peshawar.")
    token = next(t for t in doc if t.text == "arrested")
    mentions = place_choice.place_mentions(token.sent)
    assert [mention.text for mention in mentions] == ["Peshawar"]
    [row] = place_choice.mention_features(token.sent, token, mentions, None)
    assert "pp_verbs_on=1" in row
    assert any(feature.startswith("pp_clause=") and "relcl" in feature for feature in row)
