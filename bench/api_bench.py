"""Time the HTTP API (`/events` with filters, and the other read endpoints) on a 100k-event store
and record the figures in docs/benchmarks.md.

The store comes from dyad_bench's generator (SQL straight into accord's schema), then every event
gets an evidence sentence, a place and a full JSON record of realistic size, so text search,
place filters and the response bodies cost what they would on coded news. Requests go through
FastAPI's TestClient: routing, validation, DuckDB and JSON encoding, without network. Run:

    .venv/bin/python bench/api_bench.py [--events 100000] [--db PATH to keep/reuse] [--no-record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # before accord
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402

from accord.analyse import rebuild_clusters  # noqa: E402
from accord.server import create_app  # noqa: E402
from accord.store import Store  # noqa: E402
from bench_record import record_benchmark  # noqa: E402
from dyad_bench import generate  # noqa: E402

TARGET_SECONDS = 0.200
# (label, path with query): the filters an analyst combines on the dashboard and the API.
REQUESTS = [
    ("events, no filter", "/events?limit=50"),
    ("events, actor+recipient", "/events?actor=KGZ&recipient=CHN&limit=50"),
    ("events, dyad+quad+date range", "/events?a=KGZ&b=CHN&quad=1&start=2022-01-01"
                                     "&end=2022-12-31&limit=50"),
    ("events, text search", "/events?q=border%20crossing&limit=50"),
    ("events, place+country", "/events?place=bish&country=KGZ&limit=50"),
    ("events, type, deep page", "/events?type=ACCUSE&offset=5000&limit=100"),
    ("events, largest page (500)", "/events?actor=KGZ&limit=500"),
    ("dyad series", "/dyad?a=KGZ&b=CHN&freq=month"),
    ("clusters, actor", "/clusters?actor=KGZ&limit=50"),
    ("top dyads", "/top-dyads?limit=20"),
]

# Places by state for the synthetic events: (name, lat, lon).
PLACES_SQL = """
CREATE TEMP TABLE bench_places AS SELECT * FROM (VALUES
    ('KGZ', 'Bishkek', 42.87, 74.59), ('CHN', 'Beijing', 39.91, 116.40),
    ('KAZ', 'Astana', 51.18, 71.45), ('RUS', 'Moscow', 55.75, 37.62),
    ('USA', 'Washington', 38.90, -77.04), ('TJK', 'Dushanbe', 38.54, 68.78)
) t(code, name, lat, lon)
"""

# Evidence, place and a record shaped like a coded one, for every generated event.
ENRICH_SQL = """
UPDATE events e SET
    evidence = 'Officials of ' || e.actor_codes[1] || ' said on Monday that talks on the '
        || CASE WHEN hash(e.event_id) % 7 = 0 THEN 'border crossing' ELSE 'water treaty' END
        || ' with ' || coalesce(e.recipient_codes[1], e.actor_codes[2], 'partners')
        || ' would continue, the ministry said in a statement.',
    trigger = lower(e.event),
    text_start = 0, text_end = 140,
    place_name = p.name, country_code = p.code, lat = p.lat, lon = p.lon
FROM (SELECT code, name, lat, lon FROM bench_places) p
WHERE p.code = e.actor_codes[1];
UPDATE events SET record = json_object(
    'id', event_id, 'doc_id', doc_id, 'date', CAST(date AS VARCHAR), 'date_precision', 'day',
    'actor', [json_object('code', actor_codes[1], 'sector', 'GOV', 'entity_text',
                          'Officials of ' || actor_codes[1], 'name', NULL, 'office', NULL)],
    'event', event, 'recipient', [json_object('code', recipient_codes[1], 'sector', 'GOV',
                                             'entity_text', recipient_codes[1])],
    'mode', NULL, 'context', ['diplomatic'],
    'event_loc', json_object('extracted_place', place_name, 'resolved_place', place_name,
                             'lat', lat, 'lon', lon, 'country_code', country_code),
    'trigger', trigger, 'event_text', trigger, 'quad_code', quad_code, 'cameo', cameo,
    'goldstein', goldstein, 'plover_score', plover_score, 'confidence', confidence,
    'negated', negated, 'future', future, 'hypothetical', hypothetical,
    'evidence', evidence, 'text_info', json_object('sentence', 0, 'start', 0, 'end', 140,
                                                   'trigger_start', 20, 'trigger_end', 26),
    'cite_info', json_object('source', 'outlet', 'title', NULL, 'url', NULL));
CHECKPOINT;
"""


def build_store(path: Path, events: int) -> None:
    generate(path, events)
    with Store(path) as store:
        con = store.connection
        con.execute(PLACES_SQL)
        con.execute(ENRICH_SQL)
        rebuild_clusters(store)


def time_requests(client: TestClient, runs: int) -> list[tuple[str, int, int, float, float]]:
    """Per request: (label, status, total, median seconds, slowest seconds)."""
    results = []
    for label, url in REQUESTS:
        response = client.get(url)  # the first call warms DuckDB's caches
        body = response.json()
        total = body["total"] if isinstance(body, dict) and "total" in body else len(
            body.get("periods", body) if isinstance(body, dict) else body)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        results.append((label, response.status_code, total, statistics.median(times), max(times)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", help="keep the generated store here, or reuse it if present")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "api_bench.duckdb"
        if not path.exists():
            started = time.perf_counter()
            build_store(path, args.events)
            print(f"generated {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with Store(path, read_only=True) as store:
            counts = store.counts()
        with TestClient(create_app(path)) as client:
            results = time_requests(client, args.runs)
    lines = [f"store: {counts['articles']:,} articles, {counts['events']:,} events; "
             f"{args.runs} timed runs per request after one warm-up (TestClient, in-process)"]
    lines += [f"{label:<30} {status} {total:>7,} matches  median {median * 1000:6.1f} ms  "
              f"slowest {slowest * 1000:6.1f} ms"
              for label, status, total, median, slowest in results]
    print("\n".join(lines))
    events = [r for r in results if r[0].startswith("events")]
    worst = max(median for _, _, _, median, _ in events)
    ok = all(status == 200 for _, status, _, _, _ in results)
    if not args.no_record:
        record_benchmark(
            "HTTP API: /events with filters",
            f"python bench/api_bench.py --events {args.events}",
            f"{counts['events']:,} events: `/events` with filters answers in "
            f"{worst * 1000:.0f} ms or less (median of {args.runs}, worst of "
            f"{len(events)} filter combinations; target < {TARGET_SECONDS * 1000:.0f} ms)",
            "\n".join(lines),
        )
    return 0 if ok and worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
