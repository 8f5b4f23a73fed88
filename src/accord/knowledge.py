"""The coder's knowledge, read from the data files under `accord/data`, once per process.

Owns the file formats (tab-separated, `|` between values in a cell, `#` comment lines) and
the lookup tables built from them: ontology, CAMEO roots, states, organisations, titles,
news media, trigger patterns and context keywords. Editing a data file and re-running is
enough to teach the coder something new.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

DATA_DIR = Path(str(resources.files("accord") / "data"))


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a data file as dicts, skipping comment and blank lines."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield {key: (value or "").strip() for key, value in row.items() if key}


def split_values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split("|") if value.strip()]


def data_checksums() -> dict[str, str]:
    """Short content hashes of every data file, so stored codings can name their knowledge."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(DATA_DIR.iterdir())
        if path.is_file() and path.suffix in {".tsv", ".json"}
    }


# ---------------------------------------------------------------- ontology


@dataclass(frozen=True)
class PloverType:
    name: str
    quad: int
    score: float
    recipient_required: bool
    modes: tuple[str, ...]
    cameo_default: str


@lru_cache(maxsize=1)
def plover_types() -> dict[str, PloverType]:
    return {
        row["type"]: PloverType(
            name=row["type"],
            quad=int(row["quad"]),
            score=float(row["score"]),
            recipient_required=row["recipient_required"] == "yes",
            modes=tuple(split_values(row["modes"])),
            cameo_default=row["cameo_default"],
        )
        for row in read_table("plover_types.tsv")
    }


@lru_cache(maxsize=1)
def cameo_roots() -> dict[str, tuple[str, float, int]]:
    """CAMEO root -> (name, Goldstein score, GDELT quad class)."""
    return {
        row["root"]: (row["name"], float(row["goldstein"]), int(row["quad_class"]))
        for row in read_table("cameo_roots.tsv")
    }


@lru_cache(maxsize=1)
def legacy_types() -> dict[str, str]:
    return {row["legacy"]: row["type"] for row in read_table("legacy_types.tsv")}


def canonical_type(label: str) -> str:
    """Map an older PLOVER label (YIELD, DEMAND, ...) to the 2.0 type; 2.0 names pass through."""
    label = label.strip().upper()
    return legacy_types().get(label, label)


@lru_cache(maxsize=1)
def context_keywords() -> dict[str, str]:
    return {row["keyword"]: row["context"] for row in read_table("contexts.tsv")}


# ---------------------------------------------------------------- actors


@dataclass(frozen=True)
class NameEntry:
    """What a proper name or adjective in the text refers to."""

    code: str
    sector: str | None
    kind: str  # country | adjective | capital | seat | organisation | media | territory
    canonical: str


@dataclass(frozen=True)
class Title:
    sector: str
    office: str | None
    kind: str  # person | group


def _country_entries() -> Iterator[tuple[str, NameEntry]]:
    for row in read_table("countries.tsv"):
        code, name = row["code"], row["name"]
        seats = {}
        for seat in split_values(row["seats"]):
            seat_name, _, sector = seat.partition(":")
            seats[seat_name] = NameEntry(code, sector or "GOV", "seat", name)
        # A seat that repeats the state's own name gives the sector the state acts through
        # when it is not GOV: "the Vatican", "the Holy See" act as a church (REL).
        for alias in [name, *split_values(row["aliases"])]:
            yield alias, seats.pop(alias, NameEntry(code, None, "country", name))
        for adjective in split_values(row["adjectives"]):
            yield adjective, NameEntry(code, None, "adjective", name)
        for capital in split_values(row["capitals"]):
            yield capital, seats.pop(capital, NameEntry(code, "GOV", "capital", name))
        yield from seats.items()


def _organisation_entries() -> Iterator[tuple[str, NameEntry]]:
    for row in read_table("organisations.tsv"):
        code = row["country"] or row["code"]
        entry = NameEntry(code, row["sector"] or None, "organisation", row["name"])
        for alias in [row["name"], *split_values(row["aliases"])]:
            yield alias, entry


def _media_entries() -> Iterator[tuple[str, NameEntry]]:
    for row in read_table("media.tsv"):
        entry = NameEntry(row["country"] or "MED", "JRN", "media", row["name"])
        for alias in [row["name"], *split_values(row["aliases"])]:
            yield alias, entry


@lru_cache(maxsize=1)
def name_table() -> dict[str, NameEntry]:
    """Surface form -> entry. Earlier sources win: a state's own name beats an alias elsewhere."""
    table: dict[str, NameEntry] = {}
    for source in (_country_entries, _organisation_entries, _media_entries):
        for surface, entry in source():
            table.setdefault(surface, entry)
    return table


@lru_cache(maxsize=1)
def titles() -> dict[str, Title]:
    """Lower-case title or group noun -> sector, office label, kind. titles.tsv (accord's own
    choices) wins over agents.tsv (generic nouns converted from Phoenix)."""
    table = dict(_own_titles())
    for row in read_table("agents.tsv"):
        agent = Title(row["sector"], None, "group")
        for noun in (row["noun"], row["plural"]):
            if noun:
                table.setdefault(noun.lower(), agent)
    return table


@lru_cache(maxsize=1)
def _own_titles() -> dict[str, Title]:
    return {
        row["title"].lower(): Title(row["sector"], row["office"] or None, row["kind"])
        for row in read_table("titles.tsv")
    }


def title_source(title: str) -> str | None:
    """The data file a lower-case title or group noun comes from."""
    if title in _own_titles():
        return "titles.tsv"
    return "agents.tsv" if title in titles() else None


@dataclass(frozen=True)
class Era:
    """A span in which an organisation acts with another code or sector than its row's."""

    start: date | None
    until: date | None
    code: str
    sector: str | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.until is None or day < self.until)


@lru_cache(maxsize=1)
def organisation_eras() -> dict[str, tuple[Era, ...]]:
    """Canonical organisation name -> its dated eras (organisation_eras.tsv)."""
    eras: dict[str, list[Era]] = {}
    for row in read_table("organisation_eras.tsv"):
        start = date.fromisoformat(row["from"]) if row["from"] else None
        until = date.fromisoformat(row["until"]) if row["until"] else None
        eras.setdefault(row["name"], []).append(
            Era(start, until, row["code"], row["sector"] or None))
    return {name: tuple(found) for name, found in eras.items()}


def in_era(entry: NameEntry, day: date | None) -> NameEntry:
    """The organisation as it was on `day`: the SPLA is Sudan's rebels in 2000 and South
    Sudan's army in 2015."""
    if entry.kind != "organisation" or day is None:
        return entry
    for era in organisation_eras().get(entry.canonical, ()):
        if era.covers(day):
            return NameEntry(era.code, era.sector, entry.kind, entry.canonical)
    return entry


@lru_cache(maxsize=1)
def territories() -> dict[str, NameEntry]:
    """Territory name -> the state it belongs to, for the actor stage only (territories.tsv):
    the geolocator and the entity ruler keep seeing the place."""
    return {row["name"]: NameEntry(row["code"], None, "territory", row["name"])
            for row in read_table("territories.tsv")}


@lru_cache(maxsize=1)
def name_first_words() -> frozenset[str]:
    """First words of every known name, and "the"/"The" that a name may be written after."""
    words = {"the", "The"}
    for surface in [*name_table(), *territories()]:
        first = surface.split()[0] if surface.split() else ""
        # The tokenizer splits "Al-Shabaab" at the hyphen and "'Ndrangheta" after the quote.
        words |= {first, first.split("-")[0], first[:1], first.split("'")[0]}
    return frozenset(word for word in words if word)


@lru_cache(maxsize=1)
def title_first_words() -> frozenset[str]:
    """First words (lower case) of every title and group noun; a hyphenated title's first word
    is the part before the hyphen."""
    return frozenset(title.split()[0].split("-")[0] for title in titles() if title.split())


@lru_cache(maxsize=1)
def longest_title_words() -> int:
    return max((len(title.split()) for title in titles()), default=1)


# ---------------------------------------------------------------- event triggers


@dataclass(frozen=True)
class TriggerPattern:
    """One row of triggers.tsv: a lemma, optionally narrowed by a particle or object."""

    lemma: str
    modifier: str | None
    prep: str | None
    obj: str | None
    frame: bool
    nominal: bool
    type: str
    cameo: str
    mode: str | None
    context: tuple[str, ...]
    weight: float

    @property
    def specificity(self) -> int:
        parts = (self.modifier, self.prep, self.obj)
        return sum(part is not None for part in parts) + int(bool(self.obj and "_" in self.obj))


def parse_trigger_pattern(pattern: str) -> dict:
    parts = pattern.split()
    head = parts[0]
    nominal = head.startswith("n:")
    # "hunger_strike": the head lemma "strike" with the modifier "hunger" just before it.
    modifier, _, lemma = (head[2:] if nominal else head).rpartition("_")
    spec: dict = {"lemma": lemma, "modifier": modifier or None, "prep": None, "obj": None,
                  "frame": False, "nominal": nominal}
    for part in parts[1:]:
        if part == "~":
            spec["frame"] = True
        elif part.startswith("+"):
            spec["prep"] = part[1:]
        elif part.startswith(">"):
            spec["obj"] = part[1:]
        else:  # a multi-word noun such as "n:phone call": the last word is the head
            spec["lemma"] = part
    return spec


@lru_cache(maxsize=1)
def trigger_patterns() -> dict[str, list[TriggerPattern]]:
    """Trigger lemma -> patterns, most specific first."""
    index: dict[str, list[TriggerPattern]] = {}
    for row in read_table("triggers.tsv"):
        pattern = TriggerPattern(
            **parse_trigger_pattern(row["pattern"]),
            type=row["type"],
            cameo=row["cameo"],
            mode=row["mode"] or None,
            context=tuple(split_values(row["context"])),
            weight=float(row["weight"] or 0.7),
        )
        index.setdefault(pattern.lemma, []).append(pattern)
    for patterns in index.values():
        patterns.sort(key=lambda p: (-p.specificity, -p.weight))
    return index


@lru_cache(maxsize=1)
def state_codes() -> frozenset[str]:
    return frozenset(row["code"] for row in read_table("countries.tsv"))
