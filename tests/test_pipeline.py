"""End to end: a wire report written for these tests, in the shape of the Xinhua sample."""

from __future__ import annotations

from datetime import date

import pytest

from accord.pipeline import code_articles
from accord.readers import read_inputs
from coding import coded

WIRE_REPORT = """\
 date 2024-05-17 Kazakhstan, Japan agree to deepen cooperation

Xinhua) 09:14, May 17, 2024

TASHKENT, May 16 (Xinhua) -- President of Kazakhstan Kassym-Jomart Tokayev and Japanese \
Foreign Minister Yoko Kamikawa on Thursday met in the Uzbek capital of Tashkent, agreeing to \
deepen bilateral cooperation.

Tokayev asked Kamikawa to convey his greetings to Japanese Prime Minister Fumio Kishida.

Kazakhstan firmly supports Japan on issues concerning nuclear disarmament, and opposes \
interference in Japan's internal affairs, Tokayev said.

He added that Kazakhstan appreciates Japan's assistance in modernizing its railways.

Japan is willing to continue to provide active support for Kazakhstan's energy transition, \
Kamikawa said.

The two countries, as neighbors of Afghanistan, should strengthen cooperation against \
terrorism, she said.

Kamikawa congratulated Kazakhstan on the 33rd anniversary of its independence.

The two countries, as close neighbors of Afghanistan, should further raise the level of \
border security cooperation to keep the turmoil in Afghanistan from spreading to Central \
Asia, Kamikawa said.
"""


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("wire")
    (folder / "kaz_jpn.txt").write_text(WIRE_REPORT, encoding="utf-8")
    results = list(code_articles(read_inputs([str(folder)])))
    assert len(results) == 1
    article, records = results[0]
    assert article.dateline_place == "Tashkent"
    return [record.to_dict() for record in records]


def codes(parties: list[dict]) -> set[str | None]:
    return {party["code"] for party in parties}


def find(events: list[dict], event_type: str, actors: set[str], recipients: set[str]) -> dict:
    for event in events:
        if (event["event"] == event_type and actors <= codes(event["actor"])
                and recipients <= codes(event["recipient"])):
            return event
    listing = [(e["event"], codes(e["actor"]), codes(e["recipient"])) for e in events]
    raise AssertionError(f"no {event_type} {actors}->{recipients} among {listing}")


def test_meeting_in_a_third_country_is_one_consult_with_both_parties(events):
    meeting = find(events, "CONSULT", {"KAZ", "JPN"}, set())
    assert meeting["recipient"] == []
    assert meeting["mode"] == "third-party"
    assert meeting["date"] == "2024-05-16"
    assert meeting["event_loc"]["resolved_place"] == "Tashkent"
    assert meeting["event_loc"]["country_code"] == "UZB"
    assert meeting["event_loc"]["basis"] == "text"
    people = {actor["code"]: actor for actor in meeting["actor"]}
    assert people["KAZ"]["sector"] == "GOV" and "Tokayev" in people["KAZ"]["name"]
    assert people["JPN"]["sector"] == "GOV" and people["JPN"]["name"] == "Yoko Kamikawa"


def test_reported_backing_is_the_speakers_support(events):
    support = find(events, "SUPPORT", {"KAZ"}, {"JPN"})
    assert "nuclear disarmament" in support["evidence"]
    assert support["actor"][0]["sector"] == "GOV"


def test_promise_of_support_is_agree_not_aid(events):
    promise = find(events, "AGREE", {"JPN"}, {"KAZ"})
    assert "energy transition" in promise["evidence"]
    assert not any(e["event"] == "AID" and "energy" in e["evidence"] for e in events)


def test_pronoun_speaker_keeps_the_persons_state(events):
    appreciation = [e for e in events if "railways" in e["evidence"]]
    assert appreciation and all(codes(e["actor"]) == {"KAZ"} for e in appreciation)


def test_mentioned_third_states_and_the_agency_never_act(events):
    for event in events:
        involved = codes(event["actor"]) | codes(event["recipient"])
        assert not involved & {"AFG", "UZB"}, event
        assert all("Xinhua" not in p["entity_text"] for p in event["actor"] + event["recipient"])


def test_an_ordinal_before_a_noun_is_not_a_day_and_no_party_is_a_date(events):
    congratulation = find(events, "SUPPORT", {"JPN"}, {"KAZ"})
    assert all(event["date"] == "2024-05-16" for event in events), [e["date"] for e in events]
    assert congratulation["date"] == "2024-05-16"
    unknown = [p["entity_text"] for e in events for p in e["actor"] + e["recipient"]
               if p["code"] is None]
    assert not any("Thursday" in text for text in unknown), unknown


def test_every_event_carries_evidence_offsets_and_confidence(events):
    assert events
    for event in events:
        assert event["doc_id"] == "kaz_jpn"
        assert 0.0 <= event["confidence"] <= 1.0
        info = event["text_info"]
        assert info["start"] < info["trigger_start"] < info["trigger_end"] <= info["end"]
        assert event["evidence"]


def test_an_article_that_trips_the_coder_is_rejected_and_the_rest_still_coded(monkeypatch):
    from accord import pipeline
    from accord.model import Article, Reject

    real = pipeline.code_document

    def fragile(article, doc, profile):
        if article.id == "bad":
            raise ValueError("simulated coder bug")
        return real(article, doc, profile)

    monkeypatch.setattr(pipeline, "code_document", fragile)
    stories = [Article(id=name, text="Kenyan police arrested twelve protesters in Nairobi.",
                       origin=f"{name}.txt") for name in ("good1", "bad", "good2")]
    results = list(pipeline.code_articles(stories))
    rejects = [r for r in results if isinstance(r, Reject)]
    assert [r.origin for r in rejects] == ["bad.txt"]
    assert "simulated coder bug" in rejects[0].reason
    assert [r[0].id for r in results if isinstance(r, tuple)] == ["good1", "good2"]


def test_a_place_taken_only_from_the_dateline_says_so(events):
    request = find(events, "REQUEST", {"KAZ"}, {"JPN"})
    assert request["event_loc"]["resolved_place"] == "Tashkent"
    assert request["event_loc"]["basis"] == "dateline"


def test_an_actor_known_only_by_its_sector_is_kept_with_code_null(tmp_path):
    # No state is named anywhere, so the gunmen and the police keep code null, not the event.
    (tmp_path / "raid.txt").write_text(
        "Gunmen stormed a village near the border on Monday, and police shot and killed two "
        "of the attackers, a local official said.\n", encoding="utf-8")
    [(article, records)] = list(code_articles(read_inputs([str(tmp_path / "raid.txt")])))
    assaults = [record.to_dict() for record in records if record.event == "ASSAULT"]
    actors = [(actor["code"], actor["sector"]) for event in assaults for actor in event["actor"]]
    assert (None, "COP") in actors, actors
    assert all(actor["entity_text"] for event in assaults for actor in event["actor"])


def test_a_promise_to_steer_its_firms_to_a_partner_is_agree_not_request(tmp_path):
    (tmp_path / "invest.txt").write_text(
        "ASTANA, May 16 (Xinhua) -- Japan is willing to deepen ties with Kazakhstan and will "
        "encourage capable enterprises to invest and start businesses in Kazakhstan, "
        "Japanese Foreign Minister Yoko Kamikawa said.\n", encoding="utf-8")
    [(article, records)] = list(code_articles(read_inputs([str(tmp_path / "invest.txt")])))
    events = [record.to_dict() for record in records]
    assert not [event for event in events if event["event"] == "REQUEST"], events
    assert "economic" in find(events, "AGREE", {"JPN"}, {"KAZ"})["context"]


def _coded_sentence(text: str) -> list:
    return coded(text, on=date(2020, 1, 3))


def _actor_keys(records: list, event_type: str) -> list[tuple]:
    return [(a.code, a.sector) for r in records if r.event == event_type for a in r.actor]


@pytest.mark.parametrize(("text", "event_type", "actor"), [
    # a vehicle stands for the force it comes from, and keeps its own sector
    ("Warplanes from the Saudi-led coalition struck a bus in northern Yemen on Thursday.",
     "ASSAULT", ("SAU", "MIL")),
    # a thing that acts stands for its owner
    ("A car bomb planted by FARC rebels tore through a social club in Bogota on Friday, killing "
     "more than 30 people.", "ASSAULT", ("COL", "REB")),
    # forces deployed with no agent named are who mobilises
    ("Thousands of Egyptian riot police were deployed across central Cairo on Monday.",
     "MOBILIZE", ("EGY", "COP")),
    # police given only the story's state (Reuters') belong to the place where they act
    ("Two Reuters journalists were arrested by police on the outskirts of Yangon on Tuesday.",
     "COERCE", ("MMR", "COP")),
    # a pronoun nothing resolves in reported speech is the speaker
    ("Ethiopia's ruling coalition said on Tuesday it would fully accept the peace agreement "
     "with Eritrea.", "AGREE", ("ETH", "GOV")),
])
def test_who_acts_is_read_from_the_whole_sentence(text, event_type, actor):
    assert actor in _actor_keys(_coded_sentence(text), event_type)


def test_a_clause_that_names_no_one_does_not_take_the_event_from_one_that_does():
    records = _coded_sentence("Former Panamanian dictator Manuel Noriega was extradited from "
                              "France to Panama on Sunday, returning home to serve prison "
                              "sentences.")
    assert records and records[0].trigger == "extradited"
    assert [a.code for a in records[0].recipient] == ["PAN"]
