"""Dated knowledge of who held a state's top offices, read from `data/office_holders.tsv`, and
who headed the major international organisations, read from `data/organisation_heads.tsv`.

Owns the tenure tables (heads of state and government, foreign ministers, heads of the UN, NATO,
the EU and other bodies, 2010-2025) and the questions asked of them: which tenures a name refers
to, what a named person was on a given day (GOV while in a state's office, the organisation
itself while heading one, ELI once they have left) and who held an office on a day. The coder
uses it so that "Qin Gang" is China's Foreign Minister in March 2023 and a former official in
2024, without anyone editing a dictionary when governments change.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from accord import derived_cache
from accord.knowledge import read_table, split_values

DATA_FILE = "office_holders.tsv"
ORGANISATION_FILE = "organisation_heads.tsv"
ROLES_FILE = "public_roles.tsv"
ORGANISATION_OFFICE = "head_of_organisation"
# A dated public role without a named office (a cabinet member, governor, senior official),
# converted from Phoenix for 1990-2009: it gives state and sector, never a holder of an office.
ROLE = "role"
OFFICES = ("head_of_state", "head_of_government", "prime_minister", "foreign_minister",
           "defence_minister", "interior_minister", "finance_minister", "army_chief",
           "central_bank_governor", ORGANISATION_OFFICE, ROLE)
DEFAULT_TITLES = {
    "head_of_state": "President",
    "head_of_government": "Prime Minister",
    "prime_minister": "Prime Minister",
    "foreign_minister": "Foreign Minister",
    "defence_minister": "Defence Minister",
    "interior_minister": "Interior Minister",
    "finance_minister": "Finance Minister",
    "army_chief": "Army Chief",
    "central_bank_governor": "Central Bank Governor",
    ORGANISATION_OFFICE: "Secretary-General",
    ROLE: "Official",
}
SOURCES = (DATA_FILE, ORGANISATION_FILE, ROLES_FILE)
SHARED_MARK = "~"
# Words of respect written before a full name that the table lists without them.
NAME_HONORIFICS = {"sheikh", "sheikha", "sheik", "shaikh", "shaykh"}
APPROXIMATE_MARK = "?"
# When one shared short form fits several people of the same state on a day, the highest office
# is the likelier referent ("Rajapaksa" in 2020 is the president before the prime minister).
OFFICE_RANK = {office: rank for rank, office in enumerate(OFFICES)}


@dataclass(frozen=True)
class Tenure:
    """One person's continuous time in one office; `end` is the first day out of office
    (or, marked with "?", the last day the holder is known to have held it)."""

    code: str
    office: str
    title: str
    name: str
    variants: tuple[str, ...]
    start: date
    end: date | None
    start_is_bound: bool = False
    end_is_bound: bool = False
    sector: str | None = "GOV"  # None for the head of an organisation, which has no sector

    def holds_on(self, day: date) -> bool | None:
        """True in office, False certainly not, None when a "?" bound leaves it open."""
        if day < self.start:
            return None if self.start_is_bound else False
        if self.end is not None and self.end_is_bound:
            # A "?" end is the last day the holder is known to have been in office.
            return True if day <= self.end else None
        return self.end is None or day < self.end

    @property
    def source(self) -> str:
        """The data file the tenure is written in."""
        return {ORGANISATION_OFFICE: ORGANISATION_FILE, ROLE: ROLES_FILE}.get(self.office,
                                                                           DATA_FILE)

    def span(self) -> str:
        start = self.start.isoformat() + (APPROXIMATE_MARK if self.start_is_bound else "")
        end = (self.end.isoformat() + (APPROXIMATE_MARK if self.end_is_bound else "")
               if self.end else "")
        return f"{start} to {end or 'present'}"

    def row(self) -> str:
        """The tenure written back as its data-file row, for explanations."""
        office = self.office if self.title == DEFAULT_TITLES[self.office] else (
            f"{self.office}:{self.title}")
        start, _, end = self.span().partition(" to ")
        return "\t".join([self.code, office, self.name, "|".join(self.variants), start,
                          "" if end == "present" else end, self.sector or ""])


@dataclass(frozen=True)
class PersonMatch:
    """What a personal name meant on a day: state, sector, office and why."""

    code: str
    # The tenure's sector in office (GOV for a state's offices, None for an organisation's head),
    # ELI for a former official, None when the table cannot tell.
    sector: str | None
    office: str
    name: str
    tenure: Tenure
    reason: str


def parse_bound(cell: str) -> tuple[date | None, bool]:
    """'2020-11-01?' -> (date, True); '' -> (None, False)."""
    text = cell.strip()
    if not text:
        return None, False
    is_bound = text.endswith(APPROXIMATE_MARK)
    return date.fromisoformat(text.rstrip(APPROXIMATE_MARK)), is_bound


def parse_row(row: dict[str, str], source: str = DATA_FILE) -> Tenure:
    office, _, title = row["office"].partition(":")
    if office not in DEFAULT_TITLES:
        raise ValueError(f"{source}: unknown office {row['office']!r} for {row['name']}")
    start, start_is_bound = parse_bound(row["start"])
    end, end_is_bound = parse_bound(row["end"])
    if start is None:
        raise ValueError(f"{source}: {row['name']} has no start date")
    default_sector = None if office == ORGANISATION_OFFICE else "GOV"
    return Tenure(code=row["code"], office=office, title=title or DEFAULT_TITLES[office],
                  name=row["name"], variants=tuple(split_values(row["variants"])),
                  start=start, end=end, start_is_bound=start_is_bound,
                  end_is_bound=end_is_bound, sector=row["sector"] or default_sector)


def tenures() -> tuple[Tenure, ...]:
    """Every tenure in file order (the order breaks ties between a monarch's realms): states
    first, then organisations, then the dated public roles."""
    return _tables()[0]


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[Tenure, ...], NameIndex]:
    """The tenures and the name index over them, built together (they share their Tenure
    objects) once per machine and read back by later processes (`accord.derived_cache`)."""
    return derived_cache.load_or_build("offices", _build_tables)


def _build_tables() -> tuple[tuple[Tenure, ...], NameIndex]:
    found = tuple(parse_row(row, source) for source in SOURCES for row in read_table(source))
    return found, _build_name_index(found)


@lru_cache(maxsize=65536)  # the coder asks about the same words in every phrase they appear in
def name_key(text: str) -> str:
    """Compare names without accents, apostrophe styles or extra spaces; one-word names keep
    their case so that a surname such as "Talon" or "Wade" does not match the common noun."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    for mark in ("\u2019", "\u02bb", "\u2018", "`"):
        plain = plain.replace(mark, "'")
    words = plain.replace("\u0131", "i").split()
    joined = " ".join(words)
    return joined if len(words) == 1 else joined.casefold()


@dataclass(frozen=True)
class NameIndex:
    people: dict[str, tuple[str, ...]]  # name key -> canonical names, in file order
    shared: frozenset[str]  # keys written with "~": several people may answer to them
    by_person: dict[str, tuple[Tenure, ...]]


def name_index() -> NameIndex:
    return _tables()[1]


def _build_name_index(all_tenures: tuple[Tenure, ...]) -> NameIndex:
    people: dict[str, set[str]] = defaultdict(set)
    shared: set[str] = set()
    by_person: dict[str, list[Tenure]] = defaultdict(list)
    for tenure in all_tenures:
        by_person[tenure.name].append(tenure)
        people[name_key(tenure.name)].add(tenure.name)
        for variant in tenure.variants:
            key = name_key(variant.removeprefix(SHARED_MARK))
            people[key].add(tenure.name)
            if variant.startswith(SHARED_MARK):
                shared.add(key)
    order = {person: position for position, person in enumerate(by_person)}
    return NameIndex(
        people={key: tuple(sorted(names, key=order.__getitem__))
                for key, names in people.items()},
        shared=frozenset(shared),
        by_person={name: tuple(found) for name, found in by_person.items()},
    )


def people_named(name: str) -> list[str]:
    """Canonical names of everyone the name can refer to, in file order."""
    return list(name_index().people.get(name_key(name), ()))


def holders_named(name: str) -> list[Tenure]:
    """All tenures of the people a full name, variant or surname refers to, oldest first."""
    index = name_index()
    found = [tenure for person in people_named(name) for tenure in index.by_person[person]]
    return sorted(found, key=lambda tenure: (tenure.start, OFFICE_RANK[tenure.office]))


def _best(candidates: list[Tenure]) -> Tenure:
    """The highest office; among equals, the earliest row (a monarch's first realm)."""
    order = _file_order()
    return min(candidates, key=lambda tenure: (OFFICE_RANK[tenure.office], order[tenure]))


@lru_cache(maxsize=1)
def _file_order() -> dict[Tenure, int]:
    return {tenure: position for position, tenure in enumerate(tenures())}


def _single_state(candidates: list[Tenure]) -> bool:
    people = {tenure.name for tenure in candidates}
    return len(people) == 1 or len({tenure.code for tenure in candidates}) == 1


def _match(tenure: Tenure, sector: str | None, reason: str) -> PersonMatch:
    office = tenure.title if sector != "ELI" else f"former {tenure.title}"
    return PersonMatch(code=tenure.code, sector=sector, office=office, name=tenure.name,
                       tenure=tenure, reason=reason)


def _describe(tenure: Tenure) -> str:
    return f"{tenure.name}, {tenure.title} of {tenure.code}, {tenure.span()}"


def resolve_person(name: str, on: date | None = None) -> PersonMatch | None:
    """What the named person was on `on`: GOV in office, ELI if every tenure had ended.

    None when the name is unknown, when it only names someone whose tenures start later, or
    when a shared short form fits people of different states. Without a date the most recent
    tenure decides (GOV if it is still running).
    """
    candidates = holders_named(name) or holders_named(_without_honorific(name))
    if not candidates:
        return None
    if on is None:
        return _latest(candidates)
    active = [tenure for tenure in candidates if tenure.holds_on(on) is True]
    if active:
        if not _single_state(active):
            return None
        chosen = _best(active)
        return _match(chosen, chosen.sector,
                      f"in office on {on.isoformat()}: {_describe(chosen)}")
    ended = [tenure for tenure in candidates if _has_ended(tenure, on)]
    # A bound the person's later, certain tenures have passed says nothing more about the day.
    last_end = max((tenure.end for tenure in ended if tenure.end), default=None)
    uncertain = [tenure for tenure in candidates
                 if tenure.holds_on(on) is None and tenure not in ended
                 and not (last_end and tenure.end and tenure.end <= last_end)]
    if uncertain and _single_state(uncertain):
        chosen = _best(uncertain)
        return _match(chosen, None, f"the table does not say whether {chosen.name} still "
                                    f"held office on {on.isoformat()}: {_describe(chosen)}")
    if not ended or not _single_state(ended):
        return None
    chosen = max(ended, key=lambda tenure: (tenure.end, -OFFICE_RANK[tenure.office]))
    return _match(chosen, "ELI", f"out of office on {on.isoformat()}; last tenure: "
                                 f"{_describe(chosen)}")


def _without_honorific(name: str) -> str:
    """'Sheikh Tamim bin Hamad Al Thani' -> 'Tamim bin Hamad Al Thani'. Only a fallback: for
    Sheikh Hasina the word is part of the name the table knows."""
    first, _, rest = name.partition(" ")
    return rest if first.casefold() in NAME_HONORIFICS and rest else name


def _has_ended(tenure: Tenure, on: date) -> bool:
    """Over by `on`: past an exact end, or past a "?" end with someone else in the office."""
    if tenure.end is None or on < tenure.end:
        return False
    if not tenure.end_is_bound:
        return True
    if on == tenure.end or tenure.office == ROLE:
        return False  # a role has no single successor to show that it ended
    successor = holder_of(tenure.code, tenure.office, on)
    return successor is not None and successor.name != tenure.name


def _latest(candidates: list[Tenure]) -> PersonMatch:
    newest_start = max(tenure.start for tenure in candidates)
    chosen = _best([tenure for tenure in candidates if tenure.start == newest_start])
    if chosen.end is None:
        return _match(chosen, chosen.sector,
                      f"no date given; still in office: {_describe(chosen)}")
    if chosen.end_is_bound:
        return _match(chosen, None, f"no date given; end of tenure unknown: {_describe(chosen)}")
    return _match(chosen, "ELI", f"no date given; most recent tenure ended: {_describe(chosen)}")


def holder_of(code: str, office: str, on: date) -> Tenure | None:
    """Who held `office` (head_of_state, head_of_government, ...) of state `code` on `on`."""
    for tenure in _tenures_by_office().get((code, office), ()):
        if tenure.holds_on(on) is True:
            return tenure
    return None


@lru_cache(maxsize=1)
def _tenures_by_office() -> dict[tuple[str, str], tuple[Tenure, ...]]:
    """(code, office) -> tenures in file order, so that a look-up does not scan every row."""
    index: dict[tuple[str, str], list[Tenure]] = defaultdict(list)
    for tenure in tenures():
        index[(tenure.code, tenure.office)].append(tenure)
    return {key: tuple(found) for key, found in index.items()}


def monarch_named(first_name: str, title: str, on: date) -> str | None:
    """The head of state reigning on `on` whose title is `title` ("King") and whose name starts
    with `first_name` ("Fahd" -> "Fahd bin Abdulaziz"); None unless exactly one fits."""
    found = {tenure.name for tenure in _reigns_by_first_name().get((title, first_name), ())
             if tenure.holds_on(on) is True}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def _reigns_by_first_name() -> dict[tuple[str, str], tuple[Tenure, ...]]:
    """(title, first word of the name) -> heads of state's tenures, so that a look-up does not
    scan every row."""
    index: dict[tuple[str, str], list[Tenure]] = defaultdict(list)
    for tenure in tenures():
        if tenure.office == "head_of_state":
            index[(tenure.title, tenure.name.split()[0])].append(tenure)
    return {key: tuple(found) for key, found in index.items()}
