"""How the words around a name or title change who a news phrase names (accord.phrase_rules),
checked end to end through the coder's actor stage: phrases I wrote, not suite rows."""

from __future__ import annotations

from datetime import date

import pytest

from accord.lookup import lookup_phrases
from accord.model import Article
from accord.nlp import parse
from accord.pipeline import code_document

D = date(2019, 5, 14)

CASES = [
    # A generic noun after an organisation's name: the organisation, its people, its head.
    ("the Kuomintang party", "TWN", "PTY"),
    ("the M23 group", "COD", "REB"),
    ("Amnesty International researchers", "NGO", "SOC"),
    ("members of the European Parliament", "EUR", "LEG"),
    ("OSCE observers", "IGO", None),
    ("the head of the IMF", "IGO", "GOV"),
    # A state named as a patron or an ethnicity is not the group's state.
    ("Iran-backed militias in Iraq", "IRQ", None),
    ("pro-Russian separatists in Moldova", "MDA", "REB"),
    ("ethnic Albanian rebels in Macedonia", "MKD", "REB"),
    # Officials who left office, and officials' families.
    ("a retired Pakistani general", "PAK", "ELI"),
    ("the deposed Tunisian president", "TUN", "ELI"),
    ("the son of the Libyan leader", "LBY", "ELI"),
    ("exiled Chechen separatists", "RUS", "REB"),  # "exiled" ousts officials only
    # A modifier that specialises a generic group noun; a head that is not generic stays.
    ("displaced Yemenis", "YEM", "REF"),
    ("Kenyan anti-government protesters", "KEN", "OPP"),
    ("Turkish opposition lawmakers", "TUR", "LEG"),
    # National branches, unnamed multinationals, vehicles of a service.
    ("the Lebanese Red Cross", "LBN", "SOC"),
    ("Iraq's Republican Guard", "IRQ", "MIL"),
    ("foreign mining companies", "MNC", "BUS"),
    ("Chinese coast guard vessels", "CHN", "MIL"),
    # The body a person speaks for gives the code, and an organisation its sector.
    ("a spokesman for the Chinese foreign ministry", "CHN", "GOV"),
    ("a spokesman for Amnesty International", "NGO", "SOC"),
]


@pytest.mark.parametrize(("phrase", "code", "sector"), CASES)
def test_a_phrase_resolves_to_the_state_and_sector_its_words_give(phrase, code, sector):
    found = next(lookup_phrases([(phrase, D)]))
    assert found["code"] == code, found
    assert sector is None or found["sector"] == sector, found


def _events(text: str) -> list:
    article = Article(id="media", text=text, pub_date=D, dateline_date=D)
    (_, doc), = parse([article])
    return code_document(article, doc)


def test_a_medium_cited_as_a_source_is_no_party_but_a_medium_that_acts_is_one():
    cited = _events("Russian troops shelled Kharkiv on Monday, Reuters reported.")
    assert all(actor.sector != "JRN" for event in cited
               for actor in event.actor + event.recipient)
    acting = _events("Al Jazeera condemned the closure of its Cairo bureau on Monday.")
    assert any((actor.code, actor.sector) == ("QAT", "JRN") for event in acting
               for actor in event.actor)


@pytest.mark.parametrize(("phrase", "day", "code", "sector"), [
    ("the SPLA", date(2000, 6, 1), "SDN", "REB"),
    ("the SPLA", date(2015, 6, 1), "SSD", "MIL"),
    ("the Rapid Support Forces", date(2020, 6, 1), "SDN", "PRM"),
    ("the Rapid Support Forces", date(2024, 6, 1), "SDN", "REB"),
    ("UNITA", date(1998, 6, 1), "AGO", "REB"),
    ("UNITA", date(2008, 6, 1), "AGO", "PTY"),
])
def test_an_organisation_is_coded_as_it_was_on_the_report_date(phrase, day, code, sector):
    found = next(lookup_phrases([(phrase, day)]))
    assert (found["code"], found["sector"]) == (code, sector), found
