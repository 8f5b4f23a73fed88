"""Who an act is done to: the recipient model chooses among a clause's phrases, and a pick of
the rules that the tables know stands."""

from __future__ import annotations

from datetime import date

from accord import recipient_choice
from accord.model import Article
from accord.nlp import parse
from accord.pipeline import code_document

D = date(2024, 5, 3)


def coded(text: str) -> list:
    article = Article(id="recipient", text=text, pub_date=D, dateline_date=D)
    (_, doc), = parse([article])
    return code_document(article, doc)


def parties(record) -> set[str | None]:
    return {actor.code for actor in record.actor + record.recipient}


def test_a_person_no_table_knows_is_the_recipient_rather_than_what_was_given():
    records = coded("Ecuador has granted political asylum to Julian Assange on Thursday.")
    aid = [record for record in records if record.event == "AID"]
    assert aid and [r.entity_text for r in aid[0].recipient] == ["Julian Assange"]


def test_the_place_of_a_meeting_is_never_one_of_its_parties():
    records = coded("Kenyan and Ugandan ministers met in Geneva on Monday to discuss the border "
                    "dispute. Kenyan police fired tear gas at students in Nairobi on Tuesday.")
    assert records
    assert all("CHE" not in parties(record) for record in records)
    meeting = next(record for record in records if record.event == "CONSULT")
    assert meeting.event_loc and meeting.event_loc.resolved_place == "Geneva"


def test_a_party_the_rules_find_in_the_tables_stands_and_the_model_is_not_asked():
    text = ("Thousands of Kenyan protesters marched on parliament in Nairobi on Tuesday "
            "against a rise in fuel taxes.")
    article = Article(id="protest", text=text, pub_date=D, dateline_date=D)
    (_, doc), = parse([article])
    with recipient_choice.recording() as choices:
        records = code_document(article, doc)
    march = next(choice for choice in choices if choice.trigger.lower_ == "marched")
    assert march.chosen == march.rule_pick and not march.rows
    protest = next(record for record in records if record.event == "PROTEST")
    assert [(r.code, r.sector) for r in protest.recipient] == [("KEN", "LEG")]


def test_a_speaker_who_says_another_party_must_act_makes_a_demand_of_it():
    records = coded("Russia said on Tuesday that Israel must end its strikes on Syria.")
    demand = [r for r in records if r.event == "REQUEST"]
    assert [([a.code for a in r.actor], [a.code for a in r.recipient]) for r in demand] == [
        (["RUS"], ["ISR"])]
    assert not demand[0].negated
    own = coded("President Sadyr Zhaparov said Kyrgyzstan must strengthen its cooperation "
                "with China.")
    assert [(r.event, [a.code for a in r.recipient]) for r in own] == [("COOPERATE", ["CHN"])]


def recipients_of(text: str, event_type: str) -> list[str | None]:
    return [a.code for r in coded(text) if r.event == event_type for a in r.recipient]


def test_a_thing_done_to_is_its_owners_when_it_is_no_one():
    assert recipients_of("Japan on Monday rejected Chinese demands to free the trawler.",
                         "REJECT") == ["CHN"]
    assert recipients_of("Iraq rejected on Friday a UN Security Council resolution authorising "
                         "the use of force.", "REJECT") == ["UNO"]
    assert recipients_of("China voiced firm support on Monday for Serbia's sovereignty and "
                         "territorial integrity.", "SUPPORT") == ["SRB"]


def test_a_demand_or_threat_is_made_of_the_party_that_must_act():
    assert recipients_of("The UN Security Council demanded on Thursday that Iraq withdraw its "
                         "forces from Kuwait.", "REQUEST") == ["IRQ"]
    assert recipients_of("Russia warned on Thursday that it would take retaliatory steps if "
                         "Finland joined NATO.", "THREATEN") == ["FIN"]
    assert recipients_of("Obama said he will not lift the embargo until Cuba undertakes "
                         "democratic reforms.", "REJECT") == ["CUB"]


def test_what_is_given_goes_to_the_party_after_to():
    assert recipients_of("Thailand extradited suspected Russian arms dealer Viktor Bout to the "
                         "United States on Tuesday.", "COOPERATE") == ["USA"]


def test_the_actors_own_troops_are_its_means_and_the_party_is_read_on():
    assert recipients_of("Russia has begun withdrawing some of its troops from Syria, Defence "
                         "Minister Sergei Shoigu said on Monday.", "RETREAT") == ["SYR"]
