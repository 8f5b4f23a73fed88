"""What an event's place says about its parties (accord.placed_parties): the state an act is
done to when no party is named, places used as parties, groups and victims of the place, and
the forces a state mobilises."""

from __future__ import annotations

from coding import coded, recipients_of


def test_an_act_done_in_a_state_whose_party_goes_unnamed_is_done_to_that_state():
    ceasefire = coded("Rebel commanders declared a unilateral ceasefire in Libya on Friday.")
    assert [(r.event, [a.code for a in r.recipient]) for r in ceasefire] == [("CONCEDE", ["LBY"])]
    curfew = coded("The Thai government will extend the curfew in Bangkok.")
    assert [a.code for a in curfew[0].recipient] == ["THA"]


def test_where_a_statement_is_made_is_not_whom_it_is_made_to():
    records = coded("The Turkish president criticised the decision in a speech in Ankara on "
                    "Monday. Sadyr Zhaparov and Wang Yi met in Dushanbe, agreeing to "
                    "strengthen cooperation.")
    assert records and all(not {"TUR", "TJK"} & {a.code for a in r.recipient} for r in records)


def test_a_place_no_actor_table_knows_stands_for_its_state():
    assert "ISR" in recipients_of("Iraqi forces fired eight Scud missiles at Tel Aviv early on "
                                  "Friday.", "ASSAULT")
    march = [r for r in coded("Tens of thousands of protesters marched through Caracas on "
                              "Wednesday.") if r.event == "PROTEST"]
    assert [(a.code, a.sector) for a in march[0].actor] == [("VEN", "CVL")]


def test_victims_are_of_the_state_where_they_were_struck_unless_their_words_say_otherwise():
    shelling = coded("Russian forces shelled residential districts of Kharkiv on Monday, "
                     "killing at least nine civilians.")
    assert {(a.code, a.sector) for r in shelling for a in r.recipient} >= {("UKR", "CVL")}
    assert all(a.code != "RUS" for r in shelling for a in r.recipient)
    strike = coded("A U.S. drone strike in Yemen killed two American citizens on Sunday.")
    assert [(a.code, a.sector) for r in strike for a in r.recipient] == [("USA", "CVL")]


def test_the_forces_a_state_mobilises_are_not_the_other_party():
    records = coded("Israel mobilised the army on Thursday for a potential ground assault.")
    mobilise = [r for r in records if r.event == "MOBILIZE"]
    assert mobilise and all(a.code != "ISR" for r in mobilise for a in r.recipient)


def test_a_country_adjective_chosen_as_the_place_is_that_country():
    records = coded("Iraq has massed as many as 20,000 troops near the Kuwaiti border, U.S. "
                    "defence officials said on Friday.")
    mobilise = [r for r in records if r.event == "MOBILIZE"]
    assert mobilise and mobilise[0].event_loc.country_code == "KWT"
    assert [a.code for a in mobilise[0].recipient] == ["KWT"]
