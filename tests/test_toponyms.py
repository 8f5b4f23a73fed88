"""Toponyms resolved in context, scored on tests/data/toponyms.tsv (written for accord): 250
sentences in over 100 countries, ambiguous names included (Tripoli, Georgia, Santiago,
Hyderabad, London Ontario, Alexandria, Paris Texas, Al Ain, Tell Abyad)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from accord.toponyms import (
    candidates_for,
    countries_named,
    qualifier_after,
    resolve_in_context,
)
from accord.where import normalize_name

TABLE = Path(__file__).parent / "data" / "toponyms.tsv"


def _rows() -> list[dict[str, str]]:
    with open(TABLE, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _expected_entry(row: dict[str, str]):
    """The most prominent entry of that name in that country (and state, when given)."""
    found = [c for c in candidates_for(row["name"], [row["country"]])
             if c.country_code == row["country"]
             and (not row["admin1"] or c.admin1 == row["admin1"])]
    # "New Delhi" is New Delhi, not Delhi, which also answers to the name.
    return max(found, key=lambda c: (normalize_name(c.name) == normalize_name(row["name"]),
                                     c.population), default=None)


def _resolve(row: dict[str, str]):
    named = countries_named(row["text"])
    return resolve_in_context(row["place"], named, named,
                              qualifier_after(row["text"], row["place"]))


@pytest.fixture(scope="module")
def scored() -> tuple[list[str], list[str], int]:
    rows = _rows()
    wrong_country, wrong_place = [], []
    for row in rows:
        location = _resolve(row)
        if row["country"] == "-":
            if location is not None:
                wrong_country.append(f"{row['place']}: want unresolved, got {location}")
                wrong_place.append(row["place"])
            continue
        got_country = location.country_code if location else None
        if got_country != row["country"]:
            wrong_country.append(f"{row['place']} ({row['text'][:50]}): got {got_country}, "
                                 f"want {row['country']}")
        expected = _expected_entry(row)
        same = (location is not None and expected is not None
                and location.geonameid == expected.geonameid
                and normalize_name(location.resolved_place or "") == normalize_name(expected.name))
        if not same:
            wrong_place.append(f"{row['place']}: got {location and location.resolved_place} "
                               f"{location and location.geonameid}, want "
                               f"{expected and expected.name} {expected and expected.geonameid}")
    return wrong_country, wrong_place, len(rows)


def test_toponym_table_has_200_sentences_in_60_countries_with_the_ambiguous_names():
    rows = _rows()
    places = {row["place"] for row in rows}
    assert len(rows) >= 200
    assert len({row["country"] for row in rows} - {"-"}) >= 60
    assert {"Tripoli", "Georgia", "Santiago", "Hyderabad", "London", "Al Ain",
            "Tell Abyad"} <= places


def test_country_of_toponyms_is_right_in_at_least_98_percent(scored):
    wrong_country, _, total = scored
    share = 1 - len(wrong_country) / total
    assert share >= 0.98, f"{share:.1%}:\n" + "\n".join(wrong_country)


def test_exact_place_of_toponyms_is_right_in_at_least_95_percent(scored):
    _, wrong_place, total = scored
    share = 1 - len(wrong_place) / total
    assert share >= 0.95, f"{share:.1%}:\n" + "\n".join(wrong_place)


def test_countries_named_finds_names_and_adjectives_in_order():
    assert countries_named("Syrian troops shelled a town near Turkey's border.") == ["SYR", "TUR"]


def test_multiword_name_is_matched_whole_never_by_its_first_word():
    location = resolve_in_context("Tell Abyad", ["SYR"])
    assert location is not None and location.country_code == "SYR"
    assert resolve_in_context("Tell Nowhereville") is None


def test_unknown_name_stays_unresolved_rather_than_a_wrong_place():
    assert resolve_in_context("Kafr Bitna Gharbi", ["SYR"]) is None


def test_a_base_from_accords_own_table_resolves_with_coordinates_and_no_geonameid():
    location = resolve_in_context("Bagram Air Base", ["AFG"])
    assert location is not None
    assert (location.country_code, location.feature_code) == ("AFG", "MILB")
    assert location.lat == pytest.approx(34.95, abs=0.05) and location.geonameid is None


def test_a_container_country_rules_out_a_namesake_elsewhere():
    assert qualifier_after("Insurgents attacked Palma in northern Mozambique.", "Palma") == [
        "Mozambique"]
    location = resolve_in_context("Palma", ["MOZ"], qualifiers=["Mozambique"])
    assert location is not None and location.country_code == "MOZ"
