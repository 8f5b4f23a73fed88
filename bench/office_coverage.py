"""Report how many UN member states have all three top offices known on a date, and the gaps.

Usage: .venv/bin/python bench/office_coverage.py [YYYY-MM-DD] [--no-record]   (default 2021-01-01)

A state counts as covered when data/office_holders.tsv names a holder, in office that day, of
its head of state, head of government and foreign minister. Besides the gaps on the chosen day,
the report gives the same count on 1 January of every year the table is meant to span
(2010-2025). The figures are appended to docs/benchmarks.md unless --no-record is given.
"""

from __future__ import annotations

import sys
from datetime import date

from accord.knowledge import read_table
from accord.offices import holder_of
from bench_record import record_benchmark

REQUIRED = ("head_of_state", "head_of_government", "foreign_minister")
DEFAULT_DAY = date(2021, 1, 1)
SPAN_YEARS = range(2010, 2026)


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


def main(argv: list[str]) -> int:
    record = "--no-record" not in argv
    days = [arg for arg in argv if not arg.startswith("--")]
    day = date.fromisoformat(days[0]) if days else DEFAULT_DAY
    gaps = gaps_on(day)
    text = report(day, gaps) + "\n" + yearly_table()
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
