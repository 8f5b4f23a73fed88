"""Who an act is done to: the recipient model chooses among a clause's phrases, and a pick of
the rules that the tables know stands."""

from __future__ import annotations

import pytest

from accord import recipient_choice
from accord.model import Article
from accord.nlp import parse
from accord.pipeline import code_document
from coding import REPORT_DATE, coded, recipients_of


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
    article = Article(id="protest", text=text, pub_date=REPORT_DATE, dateline_date=REPORT_DATE)
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


@pytest.mark.parametrize(("text", "event_type", "recipients"), [
    # a thing that is no one stands for the owner its words name
    ("Japan on Monday rejected Chinese demands to free the trawler.", "REJECT", ["CHN"]),
    ("Iraq rejected on Friday a UN Security Council resolution authorising the use of force.",
     "REJECT", ["UNO"]),
    ("China voiced firm support on Monday for Serbia's sovereignty and territorial integrity.",
     "SUPPORT", ["SRB"]),
    # a demand, a threat or a refusal is made of the party that must act
    ("The UN Security Council demanded on Thursday that Iraq withdraw its forces from Kuwait.",
     "REQUEST", ["IRQ"]),
    ("Russia warned on Thursday that it would take retaliatory steps if Finland joined NATO.",
     "THREATEN", ["FIN"]),
    ("Obama said he will not lift the embargo until Cuba undertakes democratic reforms.",
     "REJECT", ["CUB"]),
    # what is given goes to the party after "to"
    ("Thailand extradited suspected Russian arms dealer Viktor Bout to the United States on "
     "Tuesday.", "COOPERATE", ["USA"]),
    # the actor's own troops are its means, and the party is read on
    ("Russia has begun withdrawing some of its troops from Syria, Defence Minister Sergei "
     "Shoigu said on Monday.", "RETREAT", ["SYR"]),
])
def test_the_other_party_is_read_from_the_whole_clause(text, event_type, recipients):
    assert recipients_of(text, event_type) == recipients
