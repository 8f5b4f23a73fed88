"""Report how many UN member states have all three top offices known on a date, and the gaps.

Usage: .venv/bin/python bench/office_coverage.py [YYYY-MM-DD] [--no-record]   (default 2021-01-01)

A state counts as covered when data/office_holders.tsv names a holder, in office that day, of its
head of state, head of government and foreign minister. Besides the gaps on the chosen day, the
report gives the same count on 1 January of every year the table is meant to span (1990-2025), the
share of (UN member, office, 1 January) filled for each of the three offices over 1990-2025 (a
state counts from the first 1 January it existed), and the same share for the other offices:
defence, interior and finance ministers over the 60 states most in the news (NEWS_STATES), and
those with the army chief and central bank governor over the G20 states. The figures are appended
to docs/benchmarks.md unless --no-record is given.
"""

from __future__ import annotations

import sys
from datetime import date

from accord.knowledge import read_table
from accord.offices import holder_of
from bench_record import record_benchmark

REQUIRED = ("head_of_state", "head_of_government", "foreign_minister")
DEFAULT_DAY = date(2021, 1, 1)
SPAN_YEARS = range(1990, 2026)
OTHER_OFFICES = ("defence_minister", "interior_minister", "finance_minister", "army_chief",
                 "central_bank_governor")
# The 60 states most in the news, whose defence, interior and finance ministers the table keeps.
NEWS_STATES = (
    "USA", "RUS", "CHN", "GBR", "FRA", "DEU", "JPN", "IND", "PAK", "IRN", "ISR", "TUR", "SAU",
    "EGY", "SYR", "IRQ", "AFG", "UKR", "KOR", "PRK", "ITA", "ESP", "CAN", "AUS", "BRA", "MEX",
    "ARG", "ZAF", "NGA", "KEN", "ETH", "SDN", "SOM", "LBY", "YEM", "LBN", "JOR", "QAT", "ARE",
    "IDN", "PHL", "THA", "MMR", "BGD", "LKA", "POL", "GRC", "SRB", "GEO", "AZE", "ARM", "KAZ",
    "BLR", "VEN", "COL", "CUB", "DZA", "MAR", "TUN", "VNM")
MINISTRIES = ("defence_minister", "interior_minister", "finance_minister")
G20_STATES = ("ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "MEX",
              "RUS", "SAU", "ZAF", "KOR", "TUR", "GBR", "USA")
# The first 1 January on which a state formed after 1989 existed (the Russian Federation counts
# from 1992, as the USSR's successor; Serbia from 1992, as FR Yugoslavia).
FIRST_YEAR = {code: 1992 for code in ("ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LVA", "LTU",
                                      "MDA", "TJK", "TKM", "UKR", "UZB", "RUS", "HRV", "SVN", "MKD",
                                      "SRB")} | {
    "BIH": 1993, "CZE": 1993, "SVK": 1993, "ERI": 1994, "PLW": 1995, "TLS": 2003, "MNE": 2007,
    "SSD": 2012, "NAM": 1991, "YEM": 1991}


def un_members() -> list[tuple[str, str]]:
    return [(row["code"], row["name"]) for row in read_table("countries.tsv")
            if row["status"] == "member"]


def gaps_on(day: date) -> dict[str, list[str]]:
    """State code -> offices with no known holder on `day` (covered states are left out)."""
    gaps: dict[str, list[str]] = {}
    for code, _ in un_members():
        missing = [office for office in REQUIRED if holder_of(code, office, day) is None]
        if missing:
            gaps[code] = missing
    return gaps


def report(day: date, gaps: dict[str, list[str]]) -> str:
    names = dict(un_members())
    total = len(names)
    missing_offices = sum(len(offices) for offices in gaps.values())
    lines = [f"{total - len(gaps)} of {total} UN member states have all three offices filled "
             f"on {day.isoformat()}; {len(gaps)} states lack {missing_offices} office(s):"]
    lines += [f"  {code}  {names[code]:<34} {', '.join(offices)}"
              for code, offices in sorted(gaps.items())]
    for office in REQUIRED:
        count = sum(office in offices for offices in gaps.values())
        lines.append(f"missing {office}: {count}")
    return "\n".join(lines)


def yearly_table() -> str:
    """States fully covered, and states missing each office, on 1 January of each year."""
    total = len(un_members())
    header = ("1 January", "states covered") + tuple(f"no {office}" for office in REQUIRED)
    widths = [len(cell) for cell in header]
    lines = ["", "  ".join(header)]
    for year in SPAN_YEARS:
        gaps = gaps_on(date(year, 1, 1))
        cells = [str(year), f"{total - len(gaps)} of {total}"] + [
            str(sum(office in offices for offices in gaps.values())) for office in REQUIRED]
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(cells, widths,
                                                                         strict=True)))
    return "\n".join(lines)


def share_filled(states: list[str], offices: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Office -> (filled, asked) over (state, office, 1 January) for every year in the span."""
    result = {}
    for office in offices:
        asked = filled = 0
        for year in SPAN_YEARS:
            day = date(year, 1, 1)
            for code in states:
                if year < FIRST_YEAR.get(code, SPAN_YEARS[0]):
                    continue
                asked += 1
                filled += holder_of(code, office, day) is not None
        result[office] = (filled, asked)
    return result


def shares_table() -> str:
    members = [code for code, _ in un_members()]
    lines = ["", f"Share filled, 1 January {SPAN_YEARS[0]}-{SPAN_YEARS[-1]}:"]
    for label, states, offices in (("UN members", members, REQUIRED),
                                   ("60 in news", list(NEWS_STATES), MINISTRIES),
                                   ("G20 states", list(G20_STATES), OFFICES_OF_G20)):
        for office, (filled, asked) in share_filled(states, offices).items():
            lines.append(f"  {label:<10} {office:<22} {filled:>5} of {asked:>5}  "
                         f"{filled / asked:.3f}")
    return "\n".join(lines)


OFFICES_OF_G20 = REQUIRED + OTHER_OFFICES


def main(argv: list[str]) -> int:
    record = "--no-record" not in argv
    days = [arg for arg in argv if not arg.startswith("--")]
    day = date.fromisoformat(days[0]) if days else DEFAULT_DAY
    gaps = gaps_on(day)
    text = report(day, gaps) + "\n" + yearly_table() + "\n" + shares_table()
    print(text)
    if record:
        total = len(un_members())
        record_benchmark(
            f"Office-holder coverage on {day.isoformat()}",
            f".venv/bin/python bench/office_coverage.py {day.isoformat()}",
            f"{total - len(gaps)} of {total} UN members have head of state, head of government "
            f"and foreign minister filled; {len(gaps)} states with gaps",
            details=text,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
