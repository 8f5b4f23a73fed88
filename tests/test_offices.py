"""The dated office-holder table and the questions accord asks of it.

Guards the data file (known state codes, parseable dates, no overlapping tenures of one office,
no short form silently shared by two people) and what a name means on a day: the office while
the person holds it (GOV), a former official afterwards (ELI), nothing before.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from accord.cli import main
from accord.knowledge import read_table, state_codes
from accord.offices import (
    DEFAULT_TITLES,
    ORGANISATION_OFFICE,
    ROLE,
    holder_of,
    holders_named,
    name_index,
    resolve_person,
    tenures,
)

# ---------------------------------------------------------------- the data file


ORGANISATION_CODES = {"UNO", "EUR", "IGO"}
ROLE_SECTORS = {"GOV", "MIL", "JUD", "COP", "LEG", "SPY", "BUS", "OPP", "REB", "PTY", "JRN",
                "MED", "EDU", "LAB", "REL", "CVL", "AGR", "SOC", "REF", "CRM"}


def test_every_row_names_a_known_state_office_and_sector():
    codes = state_codes()
    for tenure in tenures():
        assert tenure.office in DEFAULT_TITLES, tenure
        assert tenure.name and tenure.title, tenure
        if tenure.office == ORGANISATION_OFFICE:
            # The title names the body ("NATO Secretary General"); an executive head is GOV, a
            # body whose field is a sector gives its own (WHO MED, the ICC Prosecutor JUD).
            assert tenure.code in ORGANISATION_CODES, tenure
            assert tenure.sector in {"GOV", "MED", "JUD"}, tenure
            assert tenure.title != DEFAULT_TITLES[ORGANISATION_OFFICE], tenure
        elif tenure.office == ROLE:
            assert tenure.code in codes and tenure.sector in ROLE_SECTORS, tenure
        else:
            expected = "MIL" if tenure.office == "army_chief" else "GOV"
            assert tenure.code in codes and tenure.sector == expected, tenure


def test_rows_have_seven_columns_and_dates_that_parse():
    rows = [*read_table("office_holders.tsv"), *read_table("organisation_heads.tsv"),
            *read_table("public_roles.tsv")]
    assert len(rows) == len(tenures()) > 2500
    for row in rows:
        assert set(row) == {"code", "office", "name", "variants", "start", "end", "sector"}


def test_tenures_start_before_they_end():
    for tenure in tenures():
        assert tenure.end is None or tenure.start <= tenure.end, tenure


def test_no_two_tenures_of_one_office_in_one_state_overlap():
    by_office = defaultdict(list)
    for tenure in tenures():
        if tenure.office == ROLE:
            continue  # a role is not an office with one holder at a time
        # An organisation's posts are told apart by their titles (UN Secretary-General, UNHCR).
        post = tenure.title if tenure.office == ORGANISATION_OFFICE else ""
        by_office[(tenure.code, tenure.office, post)].append(tenure)
    for key, found in by_office.items():
        found.sort(key=lambda tenure: tenure.start)
        for before, after in zip(found, found[1:], strict=False):
            assert before.end is not None and before.end <= after.start, (key, before, after)


def test_a_short_form_shared_by_two_people_is_marked_shared():
    index = name_index()
    for key, people in index.people.items():
        assert len(people) == 1 or key in index.shared, (key, sorted(people))


def test_one_person_keeps_one_set_of_variants():
    variants = {}
    for tenure in tenures():
        assert variants.setdefault(tenure.name, tenure.variants) == tenure.variants, tenure.name


def test_tenures_cover_the_years_asked_for():
    assert min(t.start for t in tenures()) <= date(2010, 1, 1)
    assert any(t.end is None for t in tenures())


# ---------------------------------------------------------------- names on dates

GOV, ELI = "GOV", "ELI"

CASES = [
    # the issue's own examples
    ("Wang Yi", "2021-09-16", "CHN", GOV, "Foreign Minister"),
    ("Qin Gang", "2023-03-01", "CHN", GOV, "Foreign Minister"),
    ("Qin Gang", "2024-01-01", "CHN", ELI, "former Foreign Minister"),
    ("Zhaparov", "2021-09-16", "KGZ", GOV, "President"),
    ("Japarov", "2021-09-16", "KGZ", GOV, "President"),
    ("Sadyr Japarov", "2021-09-16", "KGZ", GOV, "President"),
    ("Angela Merkel", "2023-01-01", "DEU", ELI, "former Chancellor"),
    ("Boris Johnson", "2020-06-01", "GBR", GOV, "Prime Minister"),
    # before, during and after one office
    ("Boris Johnson", "2017-06-01", "GBR", GOV, "Foreign Secretary"),
    ("Boris Johnson", "2018-12-01", "GBR", ELI, "former Foreign Secretary"),
    ("Boris Johnson", "2023-01-01", "GBR", ELI, "former Prime Minister"),
    ("Merkel", "2015-05-05", "DEU", GOV, "Chancellor"),
    ("Olaf Scholz", "2022-03-01", "DEU", GOV, "Chancellor"),
    ("Scholz", "2025-06-01", "DEU", ELI, "former Chancellor"),
    ("Friedrich Merz", "2025-06-01", "DEU", GOV, "Chancellor"),
    ("Annalena Baerbock", "2023-05-10", "DEU", GOV, "Foreign Minister"),
    ("Wang Yi", "2023-03-01", "CHN", ELI, "former Foreign Minister"),
    ("Wang Yi", "2023-09-01", "CHN", GOV, "Foreign Minister"),
    # Not yet president; a vice-president in the public roles, known only up to 2009.
    ("Xi Jinping", "2012-06-01", "CHN", None, "Official"),
    ("Xi Jinping", "2019-03-01", "CHN", GOV, "President"),
    ("Li Keqiang", "2020-05-22", "CHN", GOV, "Premier"),
    ("Li Keqiang", "2023-06-01", "CHN", ELI, "former Premier"),
    ("Li Qiang", "2024-03-05", "CHN", GOV, "Premier"),
    ("Vladimir Putin", "2011-01-01", "RUS", GOV, "Prime Minister"),
    ("Putin", "2022-02-24", "RUS", GOV, "President"),
    ("Sergei Lavrov", "2014-03-01", "RUS", GOV, "Foreign Minister"),
    ("Medvedev", "2021-01-01", "RUS", ELI, "former Prime Minister"),
    ("Barack Obama", "2016-01-01", "USA", GOV, "President"),
    ("Obama", "2018-01-01", "USA", ELI, "former President"),
    ("Donald Trump", "2019-05-01", "USA", GOV, "President"),
    ("Donald Trump", "2023-05-01", "USA", ELI, "former President"),
    ("Trump", "2025-02-01", "USA", GOV, "President"),
    ("Joe Biden", "2022-01-01", "USA", GOV, "President"),
    ("Antony Blinken", "2024-02-01", "USA", GOV, "Secretary of State"),
    ("Blinken", "2025-03-01", "USA", ELI, "former Secretary of State"),
    ("Hillary Clinton", "2012-01-01", "USA", GOV, "Secretary of State"),
    ("Marco Rubio", "2025-03-01", "USA", GOV, "Secretary of State"),
    ("Emmanuel Macron", "2020-01-01", "FRA", GOV, "President"),
    ("François Hollande", "2018-01-01", "FRA", ELI, "former President"),
    ("Francois Hollande", "2013-01-01", "FRA", GOV, "President"),
    ("Narendra Modi", "2020-01-01", "IND", GOV, "Prime Minister"),
    ("S. Jaishankar", "2023-01-01", "IND", GOV, "External Affairs Minister"),
    ("Jaishankar", "2018-01-01", None, None, None),
    ("Shinzo Abe", "2015-01-01", "JPN", GOV, "Prime Minister"),
    ("Fumio Kishida", "2015-01-01", "JPN", GOV, "Foreign Minister"),
    ("Kishida", "2022-01-01", "JPN", GOV, "Prime Minister"),
    ("Recep Tayyip Erdogan", "2012-01-01", "TUR", GOV, "Prime Minister"),
    ("Erdoğan", "2020-01-01", "TUR", GOV, "President"),
    ("Mevlut Cavusoglu", "2020-01-01", "TUR", GOV, "Foreign Minister"),
    ("Hakan Fidan", "2024-01-01", "TUR", GOV, "Foreign Minister"),
    ("Jair Bolsonaro", "2020-01-01", "BRA", GOV, "President"),
    ("Lula", "2015-01-01", "BRA", ELI, "former President"),
    ("Lula", "2024-01-01", "BRA", GOV, "President"),
    ("Mohammed bin Salman", "2023-01-01", "SAU", GOV, "Prime Minister"),
    ("Faisal bin Farhan", "2021-01-01", "SAU", GOV, "Foreign Minister"),
    ("King Salman", "2020-01-01", "SAU", GOV, "King"),
    ("Cyril Ramaphosa", "2019-01-01", "ZAF", GOV, "President"),
    ("Jacob Zuma", "2019-01-01", "ZAF", ELI, "former President"),
    ("Volodymyr Zelensky", "2022-03-01", "UKR", GOV, "President"),
    ("Zelenskyy", "2022-03-01", "UKR", GOV, "President"),
    ("Dmytro Kuleba", "2022-03-01", "UKR", GOV, "Foreign Minister"),
    ("Dmytro Kuleba", "2025-01-01", "UKR", ELI, "former Foreign Minister"),
    ("Viktor Yanukovych", "2015-01-01", "UKR", ELI, "former President"),
    ("Benjamin Netanyahu", "2022-01-01", "ISR", ELI, "former Prime Minister"),
    ("Netanyahu", "2023-10-08", "ISR", GOV, "Prime Minister"),
    ("Hassan Rouhani", "2016-01-01", "IRN", GOV, "President"),
    ("Javad Zarif", "2016-01-01", "IRN", GOV, "Foreign Minister"),
    ("Ali Khamenei", "2020-01-01", "IRN", GOV, "Supreme Leader"),
    ("Bashar al-Assad", "2020-01-01", "SYR", GOV, "President"),
    ("Assad", "2025-02-01", "SYR", ELI, "former President"),
    ("Kim Jong Un", "2018-06-12", "PRK", GOV, "Supreme Leader"),
    ("Moon Jae-in", "2018-06-12", "KOR", GOV, "President"),
    ("Shehbaz Sharif", "2022-06-01", "PAK", GOV, "Prime Minister"),
    ("Sharif", "2015-01-01", "PAK", GOV, "Prime Minister"),  # Nawaz: the only Sharif then
    ("Sharif", "2023-01-01", "PAK", GOV, "Prime Minister"),  # Shehbaz
    ("Imran Khan", "2023-01-01", "PAK", ELI, "former Prime Minister"),
    ("Kassym-Jomart Tokayev", "2020-01-01", "KAZ", GOV, "President"),
    ("Nursultan Nazarbayev", "2020-01-01", "KAZ", ELI, "former President"),
    ("Emomali Rahmon", "2021-09-16", "TJK", GOV, "President"),
    ("Shavkat Mirziyoyev", "2015-01-01", "UZB", GOV, "Prime Minister"),
    ("Shavkat Mirziyoyev", "2018-01-01", "UZB", GOV, "President"),
    ("Alexander Lukashenko", "2020-08-10", "BLR", GOV, "President"),
    ("Abiy Ahmed", "2019-10-11", "ETH", GOV, "Prime Minister"),
    ("Elizabeth II", "2015-01-01", "GBR", GOV, "Queen"),
    ("Queen Elizabeth II", "2023-01-01", "GBR", ELI, "former Queen"),
    ("King Charles", "2023-05-06", "GBR", GOV, "King"),
    ("Justin Trudeau", "2018-01-01", "CAN", GOV, "Prime Minister"),
    ("Mark Carney", "2025-04-01", "CAN", GOV, "Prime Minister"),
    ("Mark Carney", "2024-04-01", "GBR", ELI, "former Bank of England Governor"),
    ("Jacinda Ardern", "2020-03-15", "NZL", GOV, "Prime Minister"),
    ("Anthony Albanese", "2023-01-01", "AUS", GOV, "Prime Minister"),
    ("Penny Wong", "2023-01-01", "AUS", GOV, "Foreign Minister"),
    ("Wong", "2025-01-01", None, None, None),  # Penny Wong and Lawrence Wong, both in office
    ("Andrés Manuel López Obrador", "2020-01-01", "MEX", GOV, "President"),
    ("AMLO", "2025-01-01", "MEX", ELI, "former President"),
    ("Javier Milei", "2024-01-01", "ARG", GOV, "President"),
    ("Joko Widodo", "2019-01-01", "IDN", GOV, "President"),
    ("Retno Marsudi", "2019-01-01", "IDN", GOV, "Foreign Minister"),
    ("Viktor Orban", "2019-01-01", "HUN", GOV, "Prime Minister"),
    ("Pope Francis", "2020-01-01", "VAT", GOV, "Pope"),
    ("Tsai Ing-wen", "2020-01-01", "TWN", GOV, "President"),
    ("Abdel Fattah el-Sisi", "2020-01-01", "EGY", GOV, "President"),
    ("Sameh Shoukry", "2020-01-01", "EGY", GOV, "Foreign Minister"),
    ("Hosni Mubarak", "2012-01-01", "EGY", ELI, "former President"),
    # smaller states, whose holders news names as often as the great powers'
    ("Emmanuel Nadingar", "2012-01-01", "TCD", GOV, "Prime Minister"),
    ("Emmanuel Nadingar", "2019-01-01", "TCD", ELI, "former Prime Minister"),
    ("Idriss Déby", "2015-01-01", "TCD", GOV, "President"),
    ("Mahamat Idriss Déby", "2022-01-01", "TCD", GOV, "Transitional President"),
    ("Danny Philip", "2011-01-01", "SLB", GOV, "Prime Minister"),
    ("Kalla Ankourao", "2021-01-01", "NER", GOV, "Foreign Minister"),
    ("Suzi Barbosa", "2021-01-01", "GNB", GOV, "Foreign Minister"),
    ("Faustina Rehuher-Marugg", "2021-01-01", "PLW", GOV, "Minister of State"),
    ("Alassane Ouattara", "2011-04-20", "CIV", GOV, "President"),
    ("Abdel Fattah al-Burhan", "2019-06-01", "SDN", GOV,
     "Chairman of the Transitional Military Council"),
    # a surname other newsworthy people answer to is not taken as the prime minister
    ("Albanese", "2024-06-01", None, None, None),
    # heads of international organisations act for the body (no sector), then become ELI
    ("António Guterres", "2012-01-01", "UNO", GOV, "UN High Commissioner for Refugees"),
    ("Guterres", "2020-01-01", "UNO", GOV, "UN Secretary-General"),
    ("Ban Ki-moon", "2019-01-01", "UNO", ELI, "former UN Secretary-General"),
    ("Jens Stoltenberg", "2012-01-01", "NOR", GOV, "Prime Minister"),
    ("Stoltenberg", "2020-01-01", "IGO", GOV, "NATO Secretary General"),
    ("Mark Rutte", "2025-03-01", "IGO", GOV, "NATO Secretary General"),
    ("Tedros", "2020-03-11", "UNO", "MED", "WHO Director-General"),
    ("Tedros Adhanom", "2014-01-01", "ETH", GOV, "Foreign Minister"),
    ("Michelle Bachelet", "2020-01-01", "UNO", GOV, "UN High Commissioner for Human Rights"),
    ("Ursula von der Leyen", "2021-09-16", "EUR", GOV, "European Commission President"),
]


@pytest.mark.parametrize(("name", "day", "code", "sector", "office"), CASES,
                         ids=[f"{name}@{day}" for name, day, *_ in CASES])
def test_a_name_resolves_to_the_office_held_on_the_day(name, day, code, sector, office):
    match = resolve_person(name, date.fromisoformat(day))
    if code is None:
        assert match is None, match
        return
    assert match is not None
    assert (match.code, match.sector, match.office) == (code, sector, office), match.reason
    assert match.reason


def test_the_case_table_is_large_enough():
    assert len(CASES) >= 60


def test_shared_surname_picks_the_person_in_office_on_the_day():
    assert resolve_person("Japarov", date(2022, 6, 1)).name == "Sadyr Japarov"
    assert resolve_person("Sharif", date(2015, 1, 1)).name == "Nawaz Sharif"
    assert resolve_person("Sharif", date(2023, 1, 1)).name == "Shehbaz Sharif"


def test_a_name_with_no_date_uses_the_latest_tenure():
    assert resolve_person("Wang Yi").sector == "GOV"
    merkel = resolve_person("Angela Merkel")
    assert (merkel.code, merkel.sector) == ("DEU", "ELI")


def test_an_open_tenure_bound_gives_no_sector_rather_than_a_guess():
    match = resolve_person("Ruslan Kazakbaev", date(2022, 5, 15))
    assert match is not None and match.code == "KGZ" and match.sector is None
    # Rajoelina stood down to run in 2023; the table leaves those weeks open.
    interlude = resolve_person("Andry Rajoelina", date(2023, 10, 15))
    assert interlude is not None and interlude.code == "MDG" and interlude.sector is None


# States whose foreign minister on 2021-01-01 nobody here could name with certainty.
UNSURE_ON_2021_01_01 = {"GRD", "MRT", "PNG", "STP", "TON", "VCT"}
REQUIRED_OFFICES = ("head_of_state", "head_of_government", "foreign_minister")


def uncovered_states(day: date) -> set[str]:
    members = [row["code"] for row in read_table("countries.tsv") if row["status"] == "member"]
    return {code for code in members
            if any(holder_of(code, office, day) is None for office in REQUIRED_OFFICES)}


def test_every_un_member_has_its_three_offices_filled_on_2021_01_01_but_the_known_gaps():
    assert uncovered_states(date(2021, 1, 1)) <= UNSURE_ON_2021_01_01


@pytest.mark.parametrize("year", range(2010, 2026))
def test_most_un_members_have_their_three_offices_filled_every_year(year):
    # A floor, so that an edit which empties part of the table fails here.
    assert len(uncovered_states(date(year, 1, 1))) <= 50


def test_unknown_names_resolve_to_nothing():
    assert resolve_person("Nobody Inparticular", date(2020, 1, 1)) is None
    assert holders_named("Nobody Inparticular") == []


def test_one_word_names_match_only_with_their_capital():
    assert holders_named("Talon") and not holders_named("talon")
    assert holders_named("wang yi") == holders_named("Wang Yi")


def test_holders_named_lists_every_tenure_of_the_person():
    offices = [(t.office, t.start.year) for t in holders_named("Boris Johnson")]
    assert offices == [("foreign_minister", 2016), ("head_of_government", 2019)]


def test_holder_of_answers_who_held_an_office_on_a_day():
    assert holder_of("CHN", "foreign_minister", date(2023, 3, 1)).name == "Qin Gang"
    assert holder_of("GBR", "head_of_government", date(2022, 10, 1)).name == "Liz Truss"
    assert holder_of("USA", "head_of_state", date(2021, 1, 20)).name == "Joe Biden"
    assert holder_of("USA", "head_of_state", date(2021, 1, 19)).name == "Donald Trump"
    assert holder_of("KGZ", "head_of_state", date(2021, 9, 16)).name == "Sadyr Japarov"
    # Before the first recorded Andorran tenure (a "?" start bound) nobody is known.
    assert holder_of("AND", "head_of_state", date(1989, 6, 1)) is None


def test_collective_heads_of_state_list_one_holder_per_day():
    assert holder_of("AND", "head_of_state", date(2021, 1, 1)).title == "Co-Prince"
    assert holder_of("SMR", "head_of_state", date(2021, 1, 1)).title == "Captain Regent"
    assert holder_of("BIH", "head_of_state", date(2021, 1, 1)).name == "Milorad Dodik"
    # The French co-prince of Andorra stays coded with France.
    assert resolve_person("Macron", date(2021, 1, 1)).code == "FRA"


# ---------------------------------------------------------------- accord actors lookup


def test_lookup_command_explains_an_office_holder(capsys):
    assert main(["actors", "lookup", "Qin", "Gang", "--date", "2024-01-01"]) == 0
    out = capsys.readouterr().out
    assert "CHN" in out and "ELI" in out and "2023-07-25" in out


def test_lookup_command_names_the_file_an_organisation_head_comes_from(capsys):
    import json

    assert main(["actors", "lookup", "Guterres", "--date", "2020-01-01", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["code"], found["sector"], found["source"]) == ("UNO", "GOV",
                                                                 "organisation_heads.tsv")


def test_lookup_command_falls_back_to_names_and_titles(capsys):
    import json

    assert main(["actors", "lookup", "Kremlin", "--json"]) == 0
    kremlin = json.loads(capsys.readouterr().out)
    assert (kremlin["code"], kremlin["sector"]) == ("RUS", "GOV")
    assert main(["actors", "lookup", "foreign minister", "--json"]) == 0
    title = json.loads(capsys.readouterr().out)
    assert (title["code"], title["sector"], title["source"]) == (None, "GOV", "titles.tsv")
    assert main(["actors", "lookup", "Nobody Inparticular"]) == 1


def test_lookup_command_rejects_a_bad_date(capsys):
    assert main(["actors", "lookup", "Wang Yi", "--date", "16/09/2021"]) == 2
