"""Measure how often the Phoenix country dictionary agrees with office_holders.tsv, 2010-2014.

Usage: .venv/bin/python bench/phoenix_agreement.py [PATH/Phoenix.Countries.actors.txt]
       [--years FIRST-LAST] [--no-record]
(default ../shared/data/phoenix/Phoenix.Countries.actors.txt)

With --years 1990-2009 the same check runs on 1 January and 1 July of those years instead: how
often Phoenix, an independent source, agrees with the office rows written from the authors'
recollections for the years before 2010 (Phoenix's own roles in public_roles.tsv are left out of
both sides).

For every holder in office_holders.tsv whom Phoenix knows by a full name, on 1 January and 1 July
of 2010-2013 and on 1 January 2014 (Phoenix was generated in January 2014) while the table has
them in office, the day counts as agreeing when Phoenix gives the same state with a GOV role
(MIL for an army chief). The figures are given for all offices and for each office.
Elizabeth II's realms other than the United Kingdom are left out: Phoenix codes her with the
United Kingdom only, a convention rather than an error. Public_roles.tsv was converted from
the same file for 1990-2009; this is the error rate its rows carry.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from accord.offices import ORGANISATION_OFFICE, name_key, tenures
from accord.offices import ROLE as ROLE_OFFICE
from bench_record import record_benchmark

DEFAULT = (Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "phoenix"
           / "Phoenix.Countries.actors.txt")
DAYS = [date(year, month, 1) for year in range(2010, 2014) for month in (1, 7)] + [
    date(2014, 1, 1)]
ROLE = re.compile(r"^\s*\[([A-Z]{3})([A-Z]*)\s*([<>]?)(\d*)-?(\d*)\]")
Role = tuple[str, str, date, date]


def phoenix_date(text: str, default: date) -> date:
    if len(text) == 6:
        text = ("19" if int(text[:2]) > 25 else "20") + text
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return default


def read_people(path: Path) -> dict[str, list[Role]]:
    """Full name (and full-name alias) key -> dated roles."""
    people: dict[str, list[Role]] = {}
    roles: list[Role] = []
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            body = line.split("#")[0].rstrip()
            match = ROLE.match(body)
            if match:
                code, sector, mark, start, end = match.groups()
                low, high = date(1900, 1, 1), date(2100, 1, 1)
                first = phoenix_date(start, low) if start and mark != "<" else low
                last = phoenix_date(end, high) if end else (
                    phoenix_date(start, high) if mark == "<" else high)
                roles.append((code, sector, first, last))
            elif body.strip() and (body[0].isalpha() or body.startswith("+")):
                name = body.lstrip("+").split("[")[0].strip().strip("_").replace("_", " ")
                if not body.startswith("+"):
                    roles = []
                if len(name.split()) > 1:
                    people.setdefault(name_key(name.title()), roles)
    return people


def half_years(first: int, last: int) -> list[date]:
    return [date(year, month, 1) for year in range(first, last + 1) for month in (1, 7)]


def agreement(people: dict[str, list[Role]], days: list[date] = DAYS,
              by_office: dict[str, dict[str, int]] | None = None) -> dict[str, int]:
    """Counts over all checks; `by_office`, when given, is filled with the same per office. A
    serving army chief is expected with a MIL role, every other holder with GOV."""
    counts = _empty_counts()
    for tenure in tenures():
        if tenure.office in (ORGANISATION_OFFICE, ROLE_OFFICE) or tenure.code not in _states() or (
                tenure.name == "Elizabeth II" and tenure.code != "GBR"):
            continue
        names = [tenure.name, *(v.lstrip("~") for v in tenure.variants)]
        found = [role for n in names if len(n.split()) > 1
                 for role in people.get(name_key(n), [])]
        if not any(name_key(n) in people for n in names if len(n.split()) > 1):
            continue
        office = by_office.setdefault(tenure.office, _empty_counts()) if by_office is not None \
            else _empty_counts()
        for day in days:
            if tenure.holds_on(day) is not True:
                continue
            on = [(code, sector) for code, sector, s, e in found if s <= day < e]
            outcome = _outcome(on, tenure.code, tenure.sector)
            for tally in (counts, office):
                tally["days"] += 1
                tally[outcome] += 1
    return counts


def _empty_counts() -> dict[str, int]:
    return {"days": 0, "agree": 0, "no_role": 0, "other_state": 0, "not_gov": 0}


def _outcome(on: list[tuple[str, str]], state: str, sector: str) -> str:
    if any(code == state and role.startswith(sector) for code, role in on):
        return "agree"
    if not on:
        return "no_role"
    if all(code != state for code, _ in on):
        return "other_state"
    return "not_gov"


def _states() -> set[str]:
    from accord.knowledge import state_codes
    return set(state_codes())


def main(argv: list[str]) -> int:
    years = argv[argv.index("--years") + 1] if "--years" in argv else None
    paths = [arg for arg in argv if not arg.startswith("--") and arg != years]
    path = Path(paths[0]) if paths else DEFAULT
    if not path.exists():
        print(f"phoenix_agreement: no file at {path}", file=sys.stderr)
        return 2
    if years:
        first, last = (int(year) for year in years.split("-"))
        days, span = half_years(first, last), f"{first}-{last}"
    else:
        days, span = DAYS, "2010-2014"
    by_office: dict[str, dict[str, int]] = {}
    counts = agreement(read_people(path), days, by_office)
    text = _line("all offices", counts)
    details = "\n".join(_line(office, found) for office, found in sorted(by_office.items())
                        if found["days"])
    print(text + "\n" + details)
    if "--no-record" not in argv:
        command = ".venv/bin/python bench/phoenix_agreement.py" + (f" --years {years}"
                                                                   if years else "")
        record_benchmark(f"Phoenix country dictionary against office_holders.tsv, {span}",
                         command, text, details=details)
    return 0


def _line(label: str, counts: dict[str, int]) -> str:
    share = counts["agree"] / counts["days"] if counts["days"] else 0.0
    return (f"{label}: {counts['agree']} of {counts['days']} (holder, day) checks agree "
            f"({share:.3f}); no role that day {counts['no_role']}, another state "
            f"{counts['other_state']}, another sector {counts['not_gov']}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
