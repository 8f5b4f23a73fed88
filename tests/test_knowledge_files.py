"""Self-checks of the actor knowledge files: countries, organisations, titles and media.

They guard the shape of the TSV files (header, column count, code and sector vocabularies) and
the one property the name lookup cannot repair at run time: a surface form must not point at
two different actors.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "accord" / "data"

HEADERS = {
    "countries.tsv": ["code", "name", "aliases", "adjectives", "capitals", "seats", "status"],
    "organisations.tsv": ["code", "sector", "name", "aliases", "country", "kind"],
    "titles.tsv": ["title", "sector", "office", "kind"],
    "media.tsv": ["name", "aliases", "country"],
}

SECTORS = {
    "GOV", "MIL", "COP", "JUD", "LEG", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
    "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL",
    "SOC",
}
INTERNATIONAL_CODES = {"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"}


@cache
def load(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a data file, comment lines dropped."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def records(name: str) -> list[dict[str, str]]:
    header, rows = load(name)
    return [dict(zip(header, row, strict=True)) for row in rows]


def values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split("|") if value.strip()]


def is_code(text: str) -> bool:
    return len(text) == 3 and text.isascii() and text.isalpha() and text.isupper()


def country_surfaces(row: dict[str, str]) -> list[str]:
    seats = [seat.partition(":")[0] for seat in values(row["seats"])]
    return [row["name"], *values(row["aliases"]), *values(row["adjectives"]),
            *values(row["capitals"]), *seats]


def organisation_surfaces(row: dict[str, str]) -> list[str]:
    return [row["name"], *values(row["aliases"])]


def clashes(owners: dict[str, set[str]]) -> dict[str, set[str]]:
    return {surface: codes for surface, codes in owners.items() if len(codes) > 1}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_header_is_exact_and_every_row_has_all_columns(name: str) -> None:
    header, rows = load(name)
    assert header == HEADERS[name]
    short = [row for row in rows if len(row) != len(header)]
    assert not short, f"{name}: rows with the wrong number of columns: {short[:5]}"


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_cells_have_no_stray_whitespace_or_empty_values(name: str) -> None:
    for row in records(name):
        for column, cell in row.items():
            assert cell == cell.strip(), f"{name}: padded {column} {cell!r}"
            assert "||" not in cell and not cell.startswith("|") and not cell.endswith("|"), (
                f"{name}: empty value in {column} {cell!r}"
            )


def test_countries_have_unique_iso_codes_and_all_un_members() -> None:
    rows = records("countries.tsv")
    codes = [row["code"] for row in rows]
    assert all(is_code(code) for code in codes)
    assert len(codes) == len(set(codes))
    statuses = [row["status"] for row in rows]
    assert set(statuses) <= {"member", "observer", "other"}
    assert statuses.count("member") >= 193
    assert {"PSE", "VAT", "KOS", "TWN", "HKG", "MAC", "ESH"} <= set(codes)


def test_country_seats_carry_known_sectors_and_aliases_have_no_leading_article() -> None:
    for row in records("countries.tsv"):
        for seat in values(row["seats"]):
            _, _, sector = seat.partition(":")
            assert not sector or sector in SECTORS, f"{row['code']}: seat {seat!r}"
        for surface in country_surfaces(row):
            assert not surface.startswith(("the ", "The ")), f"{row['code']}: {surface!r}"


def test_no_country_name_alias_or_adjective_points_at_two_countries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for row in records("countries.tsv"):
        for surface in country_surfaces(row):
            owners[surface].add(row["code"])
    assert not clashes(owners)


def test_organisations_use_known_codes_sectors_and_kinds() -> None:
    country_codes = {row["code"] for row in records("countries.tsv")}
    for row in records("organisations.tsv"):
        assert row["code"] in INTERNATIONAL_CODES | country_codes, row["name"]
        assert not row["sector"] or row["sector"] in SECTORS, row["name"]
        assert not row["country"] or row["country"] in country_codes, row["name"]
        assert row["kind"] in {"igo", "ngo", "militant", "agency", "party", "company",
                               "university", "church", "union"}, row["name"]
        if row["code"] in country_codes:
            assert row["country"] == row["code"], f"{row['name']}: state code without country"


def test_no_organisation_name_points_at_two_actors_or_shadows_a_country() -> None:
    country_owned = {
        surface for row in records("countries.tsv") for surface in country_surfaces(row)
    }
    owners: dict[str, set[str]] = defaultdict(set)
    for row in records("organisations.tsv"):
        for surface in organisation_surfaces(row):
            owners[surface].add(row["name"])
    assert not clashes(owners)
    assert not set(owners) & country_owned


def test_media_never_share_a_name_with_a_state_or_organisation() -> None:
    actor_surfaces = {
        surface for row in records("countries.tsv") for surface in country_surfaces(row)
    } | {surface for row in records("organisations.tsv") for surface in organisation_surfaces(row)}
    owners: dict[str, set[str]] = defaultdict(set)
    for row in records("media.tsv"):
        assert not row["country"] or is_code(row["country"]), row["name"]
        for surface in organisation_surfaces(row):
            owners[surface].add(row["name"])
    assert not clashes(owners)
    assert not set(owners) & actor_surfaces


def test_titles_are_unique_lower_case_with_known_sectors() -> None:
    rows = records("titles.tsv")
    titles = [row["title"] for row in rows]
    assert len(titles) == len(set(titles))
    for row in rows:
        assert row["title"] == row["title"].lower(), row["title"]
        assert row["sector"] in SECTORS, row["title"]
        assert row["kind"] in {"person", "group"}, row["title"]
        # A person's title needs a display label; a group noun has none.
        assert bool(row["office"]) == (row["kind"] == "person"), row["title"]


def test_every_organisation_era_names_a_known_organisation_and_code() -> None:
    names = {row["name"] for row in records("organisations.tsv")}
    country_codes = {row["code"] for row in records("countries.tsv")}
    for row in records("organisation_eras.tsv"):
        assert row["name"] in names, row["name"]
        assert row["code"] in INTERNATIONAL_CODES | country_codes, row["name"]
        assert not row["sector"] or row["sector"] in SECTORS, row["name"]
        assert row["from"] or row["until"], row["name"]


def test_every_territory_folds_into_a_known_state() -> None:
    country_codes = {row["code"] for row in records("countries.tsv")}
    for row in records("territories.tsv"):
        assert row["code"] in country_codes, row["name"]
