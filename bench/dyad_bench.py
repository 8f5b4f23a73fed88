"""Time `accord dyad` on a store of synthetic events and record the figure in docs/benchmarks.md.

The store is generated with SQL straight into accord's schema (no spaCy): articles spread over
three years, events between 30 states with a heavy KGZ-CHN share, reports repeated the way
several outlets repeat one event, so clustering has something to merge. Run:

    .venv/bin/python bench/dyad_bench.py [--events 200000] [--verify] [--no-record]

It also times clustering: a full rebuild, then bringing the clusters up to date after a batch
of 100 articles is stored (the batch is set aside before the rebuild and stored again after);
--verify checks that the update equals a full rebuild (another full rebuild's time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # before accord
sys.path.insert(0, str(Path(__file__).resolve().parent))

import accord  # noqa: E402
from accord.cluster_tables import rebuild_clusters, update_clusters  # noqa: E402
from accord.store import Store  # noqa: E402
from bench_record import record_benchmark  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
STATES = ["KGZ", "CHN", "KAZ", "TJK", "UZB", "RUS", "USA", "JPN", "TUR", "IND", "PAK", "AFG",
          "IRN", "DEU", "FRA", "GBR", "EGY", "KEN", "IDN", "BRA", "ZAF", "NGA", "MEX", "ARG",
          "UKR", "BLR", "POL", "KOR", "PRK", "VNM"]
# (type, quad, PLOVER score, CAMEO, Goldstein, takes a recipient)
TYPES = [("CONSULT", 1, 2.5, "040", 1.0, False), ("AGREE", 1, 2.5, "030", 4.0, True),
         ("SUPPORT", 1, 5.0, "051", 3.5, True), ("COOPERATE", 2, 9.5, "061", 6.0, True),
         ("AID", 2, 10.0, "070", 7.0, True), ("ACCUSE", 3, -3.0, "112", -2.0, True),
         ("REJECT", 3, -2.0, "120", -4.0, True), ("THREATEN", 3, -3.5, "130", -6.0, True),
         ("PROTEST", 4, -5.0, "140", -6.5, True), ("SANCTION", 4, -6.0, "160", -4.0, True),
         ("ASSAULT", 4, -9.0, "180", -9.0, True)]


def generate(path: Path, events: int) -> None:
    """Fill a fresh store: one article per event, each real-world event told 1-4 times."""
    with Store(path) as store:
        con = store.connection
        con.execute("SELECT setseed(0.42)")
        con.execute("CREATE TEMP TABLE states AS SELECT unnest(?) AS code, "
                    "generate_subscripts(?, 1) - 1 AS n", [STATES, STATES])
        con.execute("CREATE TEMP TABLE kinds (event VARCHAR, quad INTEGER, score DOUBLE, "
                    "cameo VARCHAR, goldstein DOUBLE, directed BOOLEAN)")
        con.executemany("INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?)", TYPES)
        con.execute(_HAPPENINGS_SQL, [len(STATES), len(TYPES), events])
        con.execute(_ARTICLES_SQL)
        con.execute(_EVENTS_SQL)
        con.execute("CHECKPOINT")


# Real-world happenings: a pair, a type, a day; about a fifth are KGZ-CHN. Each is reported
# 1-4 times (mean 2.5), so `events` / 2.5 happenings give about `events` records.
_HAPPENINGS_SQL = """
CREATE TEMP TABLE happenings AS
SELECT h AS happening,
       CASE WHEN random() < 0.2 THEN 0 ELSE floor(random() * $1)::INT END AS a,
       CASE WHEN random() < 0.2 THEN 1 ELSE floor(random() * $1)::INT END AS b,
       floor(random() * $2)::INT + 1 AS kind,
       DATE '2021-01-01' + floor(random() * 1095)::INT AS day,
       1 + floor(random() * 4)::INT AS reports
FROM range(CAST($3 / 2.5 AS BIGINT)) t(h)
"""

_ARTICLES_SQL = """
CREATE TEMP TABLE reports AS
SELECT happening, report, happening * 4 + report AS article,
       sha256(CAST(happening * 4 + report AS VARCHAR)) AS content_hash
FROM happenings, range(4) r(report) WHERE report < reports;
INSERT INTO articles (doc_id, content_hash, source, pub_date, coder_version, knowledge, text)
SELECT 'synthetic-' || article, content_hash, 'outlet-' || report, day + CAST(report AS INTEGER),
       'bench', 'bench', 'synthetic article ' || article
FROM reports JOIN happenings USING (happening)
"""

_EVENTS_SQL = """
INSERT INTO events (event_id, doc_id, content_hash, date, date_precision, event, quad_code,
                    cameo, goldstein, plover_score, confidence, negated, future, hypothetical,
                    actor_codes, recipient_codes, record)
SELECT substr(content_hash, 1, 16), 'synthetic-' || article, content_hash,
       day + CAST(report = 3 AS INTEGER), 'day', k.event, k.quad, k.cameo,
       k.goldstein, k.score, 0.5 + report / 10, false, false, false,
       CASE WHEN k.directed THEN [sa.code] ELSE [sa.code, sb.code] END,
       CASE WHEN k.directed THEN [sb.code] ELSE [] END, '{}'
FROM reports
JOIN happenings USING (happening)
JOIN (SELECT *, row_number() OVER () AS kind FROM kinds) k USING (kind)
JOIN states sa ON sa.n = a
JOIN states sb ON sb.n = CASE WHEN a = b THEN (b + 1) % 30 ELSE b END
"""


BATCH_ARTICLES = 100


def set_aside_batch(store: Store, articles: int) -> int:
    """Take `articles` articles (spread over the three years) and their events out of the
    store, into tables of their own; returns their number of events."""
    con = store.connection
    con.execute("CREATE TABLE held_articles AS SELECT * FROM articles "
                "ORDER BY content_hash LIMIT ?", [articles])
    con.execute("CREATE TABLE held_events AS SELECT * FROM events "
                "WHERE content_hash IN (SELECT content_hash FROM held_articles)")
    con.execute("DELETE FROM events WHERE content_hash IN (SELECT content_hash FROM held_articles)")
    con.execute("DELETE FROM articles WHERE content_hash IN "
                "(SELECT content_hash FROM held_articles)")
    (held,), = con.execute("SELECT count(*) FROM held_events").fetchall()
    return int(held)


def store_batch_again(store: Store) -> None:
    """As `accord code --db` storing a batch: the set-aside articles and events come back."""
    con = store.connection
    con.execute("INSERT INTO articles SELECT * FROM held_articles")
    con.execute("INSERT INTO events SELECT * FROM held_events")


def memberships(store: Store) -> list[tuple]:
    return store.connection.execute(
        "SELECT content_hash, event_id, cluster_id FROM event_clusters ORDER BY ALL").fetchall()


def best_of(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """(fastest, median) wall time in seconds over `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verify", action="store_true",
                        help="check the updated clusters against a full rebuild")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        generate(db, args.events)
        generated = time.perf_counter() - started
        with Store(db) as store:
            counts = store.counts()
            batch_events = set_aside_batch(store, BATCH_ARTICLES)
            started = time.perf_counter()
            clusters = rebuild_clusters(store)
            clustering = time.perf_counter() - started
        # As a later `accord code --db` run: the store opened afresh, the batch stored, then
        # the clusters brought up to date.
        with Store(db) as store:
            store_batch_again(store)
            started = time.perf_counter()
            update_clusters(store)
            updating = time.perf_counter() - started
            if args.verify:
                updated = memberships(store)
                rebuild_clusters(store)
                assert memberships(store) == updated, "the update differs from a full rebuild"
        timings = measure(db, args.runs)
    lines = [f"store: {counts['articles']:,} articles, {counts['events']:,} events "
             f"(generated in {generated:.1f} s)",
             f"clusters: {clusters.clusters:,} built in {clustering:.2f} s; updated after a "
             f"{BATCH_ARTICLES}-article batch ({batch_events} events) in {updating:.2f} s"
             f"{' (verified equal to a full rebuild)' if args.verify else ''}",
             f"load average before the run: {load[0]:.2f} (1 min), {load[2]:.2f} (15 min)",
             *(f"{name}: fastest {fast:.3f} s, median {median:.3f} s"
               for name, (fast, median) in timings.items())]
    print("\n".join(lines))
    if not args.no_record:
        worst = max(median for _, median in timings.values())
        record_benchmark(
            "accord dyad on synthetic events",
            f"python bench/dyad_bench.py --events {args.events}"
            f"{' --verify' if args.verify else ''}",
            f"{counts['events']:,} events: `accord dyad KGZ CHN` answers in {worst:.2f} s "
            "or less (median, CLI wall time including Python start-up; target < 1 s); "
            f"clustering after a {BATCH_ARTICLES}-article batch {updating:.2f} s "
            "(target <= 1 s)",
            "\n".join(lines),
        )
    return 0


def measure(db: Path, runs: int) -> dict[str, tuple[float, float]]:
    timings = {}
    with accord.open(db) as opened:
        for label, clustered in (("python dyad (events)", False),
                                 ("python dyad (clustered)", True)):
            frame = opened.dyad("KGZ", "CHN", freq="month", clustered=clustered)
            # Three years of dates; at 2M events some report lands on 2024-01-01: 37 months.
            assert len(frame) in (36, 37), len(frame)
            timings[label] = best_of(
                lambda c=clustered: opened.dyad("KGZ", "CHN", freq="month", clustered=c), runs)
        timings["python dyad weekly"] = best_of(
            lambda: opened.dyad("KGZ", "CHN", freq="week"), runs)
    for label, extra in (("CLI accord dyad (events)", []),
                         ("CLI accord dyad --clustered", ["--clustered"])):
        command = [sys.executable, "-m", "accord.cli", "dyad", "KGZ", "CHN", "--db", str(db),
                   *extra]
        timings[label] = best_of(
            lambda cmd=command: subprocess.run(cmd, check=True, capture_output=True, env=ENV), runs)
    return timings


if __name__ == "__main__":
    sys.exit(main())
