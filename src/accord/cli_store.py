"""The command line's store side: `events`, `top-dyads`, `dyad`, `cluster`, `recode`,
`export`, `serve`, and `actors lookup`.

Questions are read the way the HTTP API reads them (accord.queries): codes in any case,
country names, legacy type labels; a value no table knows is a usage error naming the valid
values, never an empty answer.
"""

from __future__ import annotations

import argparse
import json
import sys

from accord import cli_checks as check
from accord.cli_checks import UsageError
from accord.cli_code import open_store, report_clusters, run_progress, say

TOP_DYADS_LEGEND = """\
A B: a pair of actor codes, alphabetical; each event counts for every pair it links.
A>B / B>A: events the first code directed at the second / the second at the first.
joint: events both carried out together with no recipient (a meeting, a joint statement).
q1-q4: events per quad class: 1 verbal cooperation, 2 material cooperation,
       3 verbal conflict, 4 material conflict.
PLOVER: mean PLOVER intensity score (-10 most hostile .. +10 most cooperative).
Goldst.: mean Goldstein score of the CAMEO codes (-10 .. +10)."""


def _store_to_read(path: str):
    check.store_to_read(path)
    return open_store(path, read_only=True)


def _store_to_write(path: str):
    check.store_to_read(path)
    return open_store(path)


# ---------------------------------------------------------------- listing


def run_events(args: argparse.Namespace) -> int:
    from accord.queries import actor_code, event_types

    actor = actor_code(args.actor, "--actor") if args.actor is not None else None
    recipient = actor_code(args.recipient, "--recipient") if args.recipient is not None else None
    if args.event_type is not None:
        event_types(args.event_type, "--type")
    with _store_to_read(args.db) as store:
        records = store.events(actor=actor, recipient=recipient,
                               event_type=args.event_type, limit=args.limit)
    for record in records:
        if args.format == "table":
            print(describe_event(record))
        else:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def describe_event(record: dict) -> str:
    def parties(actors: list[dict]) -> str:
        return "+".join(f"{a['code'] or '?'}/{a['sector'] or '?'}" for a in actors) or "-"

    place = (record.get("event_loc") or {}).get("resolved_place") or "-"
    mode = f" ({record['mode']})" if record.get("mode") else ""
    return (f"{record['date'] or '????-??-??'}  {parties(record['actor']):<22} "
            f"{record['event'] + mode:<24} {parties(record['recipient']):<14} {place:<14} "
            f"{record['confidence']:.2f}  {record['evidence'][:70]}")


def run_top_dyads(args: argparse.Namespace) -> int:
    from accord.analyse import pair_summary

    with _store_to_read(args.db) as store:
        rows = pair_summary(store.connection, limit=args.limit)
    print(f"{'A B':<9} {'events':>6} {'A>B':>5} {'B>A':>5} {'joint':>5} {'q1':>4} {'q2':>4} "
          f"{'q3':>4} {'q4':>4} {'PLOVER':>7} {'Goldst.':>8}  {'first':<10}  last")
    for row in rows:
        print(f"{row['a'] + ' ' + row['b']:<9} {row['events']:>6} {row['a_to_b']:>5} "
              f"{row['b_to_a']:>5} {row['joint']:>5} {row['quad1']:>4} {row['quad2']:>4} "
              f"{row['quad3']:>4} {row['quad4']:>4} {_mean(row['mean_plover_score']):>7} "
              f"{_mean(row['mean_goldstein']):>8}  {row['first_date'] or '-':<10}  "
              f"{row['last_date'] or '-'}")
    if not rows:
        print("(no events with two coded parties in this store)")
    print("\n" + TOP_DYADS_LEGEND)
    return 0


def run_dyad(args: argparse.Namespace) -> int:
    from accord.analyse import DYAD_COLUMNS, dyad_rows
    from accord.queries import dyad_codes

    a, b = dyad_codes(args.a, args.b)
    with _store_to_read(args.db) as store:
        if args.clustered and not store.has_table("clusters"):
            raise UsageError(f"--clustered: no clusters in {args.db} yet (build them: "
                             f"accord cluster --db {args.db})")
        rows = dyad_rows(store.connection, a, b, args.freq, args.clustered, args.directed)
    if args.format == "csv":
        print(",".join(DYAD_COLUMNS))
        for row in rows:
            print(",".join("" if value is None else str(value) for value in row))
        return 0
    unit = "clusters" if args.clustered else "events"
    arrow = "->" if args.directed else "<->"
    print(f"{a} {arrow} {b}, {unit} per {args.freq}")
    print(f"{'period':<10} {unit:>8} {'q1':>5} {'q2':>5} {'q3':>5} {'q4':>5} "
          f"{'PLOVER':>7} {'Goldst.':>7}")
    for period, total, q1, q2, q3, q4, plover, goldstein in rows:
        print(f"{period.isoformat():<10} {total:>8} {q1:>5} {q2:>5} {q3:>5} {q4:>5} "
              f"{_mean(plover):>7} {_mean(goldstein):>7}")
    if not rows:
        print(f"(no events between {a} and {b} in {args.db})")
    return 0


def _mean(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


# ---------------------------------------------------------------- maintaining


def run_cluster(args: argparse.Namespace) -> int:
    with _store_to_write(args.db) as store:
        report_clusters(store, args.window_days)
    return 0


def run_recode(args: argparse.Namespace) -> int:
    from accord.store import recode

    _store_to_write(args.db).close()  # a store that cannot be written stops the run first
    # Given the path, recode holds the store only while a batch is read or written.
    with run_progress("recoding", args) as progress:
        result = recode(args.db, batch_size=args.batch_size, progress=progress)
    say(args, f"recoded {result.recoded} article(s): {result.events_before} event(s) "
        f"replaced by {result.events_after}")
    if result.without_text:
        print(f"accord: {result.without_text} outdated article(s) stored without their "
              "text cannot be recoded; code them again from the source files",
              file=sys.stderr)
    if result.recoded:
        with open_store(args.db) as store:
            report_clusters(store, args=args)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from accord.exports import DIRECTORY_FORMATS, export_events, remove_parquet_parts

    if args.format in DIRECTORY_FORMATS:
        check.output_directory(args.out, "--out", args.force)
    else:
        check.output_file(args.out, "--out", args.force)
    check.distinct({"--db": args.db, "--out": args.out})
    with _store_to_read(args.db) as store:
        if args.format == "gdelt" and not store.has_table("clusters"):
            raise UsageError(f"--format gdelt: no clusters in {args.db} yet (build them: "
                             f"accord cluster --db {args.db})")
        if args.format in DIRECTORY_FORMATS and args.force:
            remove_parquet_parts(Path(args.out))
        written = export_events(store, args.format, args.out)
    print(f"accord: wrote {written} row(s) to {args.out}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- actors lookup


def run_actors(args: argparse.Namespace) -> int:
    from datetime import date

    if args.batch:
        if args.name:
            raise UsageError("--batch: give phrases either on the command line or with --batch, "
                             "not both")
        return _lookup_batch(args.batch)
    name = " ".join(args.name).strip()
    if not name:
        raise UsageError("PHRASE: actors lookup needs a PHRASE or --batch FILE")
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise UsageError(f"--date {args.date}: not a date; use YYYY-MM-DD") from None
    from accord.lookup import describe, lookup_phrase

    result = lookup_phrase(name, day)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(describe(result))
    return 0 if result["code"] or result["sector"] else 1


def _lookup_batch(path: str) -> int:
    from accord.lookup import lookup_phrases, read_batch

    try:
        if path == "-":
            items = list(read_batch(sys.stdin))
        else:
            check.input_file(path, "--batch")
            with open(path, encoding="utf-8") as handle:
                items = list(read_batch(handle))
    except OSError as error:
        raise UsageError(f"--batch {path}: cannot be read ({error.strerror})") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"--batch {path}: {error}") from error
    for result in lookup_phrases(items):
        print(json.dumps(result, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------- serve


def run_serve(args: argparse.Namespace) -> int:
    check.store_to_read(args.db)
    check.port_is_free(args.host, args.port)
    import uvicorn

    from accord.server import DEFAULT_MAX_BODY_BYTES, create_app

    try:
        app = create_app(args.db, allow_write=args.allow_write, token=args.token,
                         max_body_bytes=args.max_body_bytes or DEFAULT_MAX_BODY_BYTES)
    except (ValueError, FileNotFoundError) as error:
        raise UsageError(str(error)) from error
    print(f"accord: serving {args.db} on http://{args.host}:{args.port}/ "
          f"({'writable' if args.allow_write else 'read-only'}; API docs at /docs)",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
