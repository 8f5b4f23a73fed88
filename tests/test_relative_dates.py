"""The relative-date table (tests/data/relative_dates.tsv): every row must resolve exactly."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from accord.when import read_time

TABLE = Path(__file__).parent / "data" / "relative_dates.tsv"


def _rows() -> list[dict[str, str]]:
    with open(TABLE, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_relative_date_table_covers_every_weekday_and_month_and_year_boundaries():
    rows = _rows()
    datelines = {date.fromisoformat(row["dateline"]) for row in rows}
    assert len(rows) >= 150
    assert {day.weekday() for day in datelines} == set(range(7))
    assert any(day.month == 1 and day.day <= 7 for day in datelines)  # year boundary
    assert any(day.month == 12 and day.day == 31 for day in datelines)
    assert any(day.day == 1 for day in datelines)  # month boundary


def test_every_relative_date_in_the_table_resolves_exactly():
    failures = []
    rows = _rows()
    for row in rows:
        ref = date.fromisoformat(row["dateline"])
        got = read_time(row["text"], ref)
        want = (date.fromisoformat(row["date"]), row["precision"], row["future"] == "1")
        if (got.date, got.precision, got.future) != want:
            failures.append(f"{row['dateline']} {row['weekday']} {row['text']!r}: "
                            f"got {got.date} {got.precision} future={got.future}, want {want}")
    assert not failures, f"{len(failures)}/{len(rows)} wrong:\n" + "\n".join(failures)
