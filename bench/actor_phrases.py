"""Score `accord actors lookup` on the actor phrase suite: country and sector right, by report date.

Usage: .venv/bin/python bench/actor_phrases.py [SUITE.tsv] [--misses] [--no-record]

Each phrase is resolved through the coder's own actor stage (`accord.lookup`). Country is right
when the first actor's code equals the gold country (an empty gold country wants code null);
sector is scored where the gold names one (a bare state or organisation has none in the suite's
convention); a phrase is right when both are.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

from accord.lookup import lookup_phrases
from bench_record import record_benchmark

DEFAULT_SUITE = Path(__file__).resolve().parent.parent / "tests" / "data" / "actor_phrases.tsv"


def read_suite(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def score(rows: list[dict[str, str]]) -> tuple[dict[str, int], list[tuple]]:
    items = [(row["phrase"], date.fromisoformat(row["date"])) for row in rows]
    counts = {"rows": 0, "country": 0, "sector_scored": 0, "sector": 0, "both": 0}
    misses = []
    for row, found in zip(rows, lookup_phrases(items), strict=True):
        country_ok = (found["code"] or "") == row["country"]
        sector_ok = not row["sector"] or found["sector"] == row["sector"]
        counts["rows"] += 1
        counts["country"] += country_ok
        counts["sector_scored"] += bool(row["sector"])
        counts["sector"] += bool(row["sector"]) and sector_ok
        counts["both"] += country_ok and sector_ok
        if not (country_ok and sector_ok):
            misses.append((row["phrase"], row["date"], row["country"], row["sector"],
                           found["code"], found["sector"], row.get("note", "")))
    return counts, misses


def summary(counts: dict[str, int]) -> str:
    rows, scored = counts["rows"], counts["sector_scored"]
    return (f"{counts['both']} of {rows} phrases right on country and sector "
            f"({counts['both'] / rows:.3f}); country {counts['country']} of {rows} "
            f"({counts['country'] / rows:.3f}); sector {counts['sector']} of {scored} "
            f"({counts['sector'] / scored:.3f})")


def main(argv: list[str]) -> int:
    paths = [arg for arg in argv if not arg.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT_SUITE
    counts, misses = score(read_suite(path))
    text = summary(counts)
    if "--misses" in argv:
        for miss in misses:
            print("\t".join(str(cell) for cell in miss))
    print(text)
    if "--no-record" not in argv:
        record_benchmark(f"Actor phrase suite ({path.name})",
                         f".venv/bin/python bench/actor_phrases.py {path}", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
