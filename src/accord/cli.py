"""The `accord` command line: code, events, top-dyads, eval, info.

Owns argument parsing, output formats and exit codes (0 ok, 1 some inputs rejected, 2 usage).
Every rejected input is named on stderr with its reason; the rest of the batch is still coded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from accord import __version__
from accord.model import EventRecord, Reject
from accord.storage_lock import StoreUnavailable

if TYPE_CHECKING:  # the progress module (and tqdm) load only for the commands that show it
    from accord.progress import RunProgress

DEFAULT_DB = "accord.duckdb"
STORE_BATCH = 64


def build_parser() -> argparse.ArgumentParser:
    from accord.readers import DEFAULT_MAX_CHARS, OVERSIZE_MODES

    parser = argparse.ArgumentParser(prog="accord", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"accord {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    code = commands.add_parser("code", help="code news articles into PLOVER event records")
    code.add_argument("inputs", nargs="+", metavar="INPUT",
                      help=".txt/.jsonl/.csv files, folders, or - for stdin")
    code.add_argument("--out", help="write events here instead of stdout")
    code.add_argument("--format", choices=["jsonl", "parquet", "csv"], default="jsonl")
    code.add_argument("--db", nargs="?", const=DEFAULT_DB,
                      help=f"also store articles and events in this DuckDB file ({DEFAULT_DB})")
    code.add_argument("--rejects", help="write one JSON line per rejected input here")
    code.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS,
                      help=f"longest text coded as one article ({DEFAULT_MAX_CHARS:,})")
    code.add_argument("--oversize", choices=OVERSIZE_MODES, default=OVERSIZE_MODES[0],
                      help="longer texts: chunk into <id>#<n> articles (default) or reject")
    code.add_argument("--batch-size", type=_positive_int, default=STORE_BATCH,
                      help=f"articles stored per transaction with --db ({STORE_BATCH})")
    code.add_argument("--engine", choices=["local", "dask"], default="local",
                      help="local: this machine (default); dask: a Dask cluster, local or "
                           "at --scheduler (see docs/scaling.md)")
    code.add_argument("--workers", type=_positive_int,
                      help="processes to code on: local default 1, dask default all cores")
    code.add_argument("--scheduler", metavar="ADDRESS",
                      help="with --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786")
    _add_profile_argument(code)
    _add_quiet_argument(code)

    events = commands.add_parser("events", help="read stored events back")
    events.add_argument("--db", default=DEFAULT_DB)
    events.add_argument("--actor", help="an actor code, e.g. KGZ")
    events.add_argument("--recipient", help="a recipient code, e.g. CHN")
    events.add_argument("--type", dest="event_type", help="a PLOVER type, e.g. SUPPORT")
    events.add_argument("--limit", type=int)
    events.add_argument("--format", choices=["jsonl", "table"], default="jsonl")

    dyads = commands.add_parser("top-dyads", help="the most active pairs in a store")
    dyads.add_argument("--db", default=DEFAULT_DB)
    dyads.add_argument("--limit", type=int, default=20)

    evaluation = commands.add_parser("eval", help="score the coder against gold data")
    evaluation.add_argument("kind", choices=["plv", "plover", "none"],
                            help="plv: PLV TSV sentences; plover: PLOVER JSON/JSONL records; "
                                 "none: sentences reporting no event (TSV with a text column)")
    evaluation.add_argument("path")
    evaluation.add_argument("--limit", type=int, help="score only the first N items")
    evaluation.add_argument("--marked", action="store_true",
                            help="plv: read marked_sentence and type the candidate whose "
                                 "parties overlap the <s>/<t> marks")
    evaluation.add_argument("--cv", type=int, metavar="K",
                            help="K-fold cross-validation: train on K-1 folds, score the other")
    evaluation.add_argument("--seed", type=int, help="fold shuffling and training seed")
    evaluation.add_argument("--rules-only", action="store_true",
                            help="score the trigger patterns alone, without the trained model")
    evaluation.add_argument("--end-to-end", action="store_true",
                            help="code the raw texts through the whole coder and score the "
                                 "primary event (no event counts as wrong)")
    evaluation.add_argument("--events", nargs="+", default=[], metavar="PATH",
                            help="with --end-to-end --cv: unlabelled event sentences for each "
                                 "fold's detector head")
    _add_profile_argument(evaluation)

    training = commands.add_parser("train", help="train the event-type model from gold files")
    training.add_argument("--data", nargs="+", required=True, metavar="PATH",
                          help="PLV TSV, PLOVER JSON/JSONL, or accord training TSV files")
    training.add_argument("--seed", type=int, help="training seed")
    training.add_argument("--out", help="where to write the model (default: the packaged one)")
    training.add_argument("--no-authored", action="store_true",
                          help="leave out accord's authored examples")
    training.add_argument("--events", nargs="+", default=[], metavar="PATH",
                          help="sentences known to report an event, type unknown (JSONL with "
                               "text, or TSV with a text column): the detector head's positives")
    training.add_argument("--non-events", nargs="+", metavar="PATH",
                          help="sentences reporting no event (default: accord's own "
                               "data/training/non_events.tsv): the detector head's negatives")
    _add_profile_argument(training)

    info = commands.add_parser("info", help="versions of accord, its model and data files")
    info.add_argument("--json", action="store_true")
    for add_store_parser in (_add_cluster_parser, _add_recode_parser, _add_dyad_parser,
                             _add_export_parser):
        add_store_parser(commands)
    _add_actors_parser(commands)
    _add_serve_parser(commands)
    _add_watch_parser(commands)
    return parser


def _add_profile_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=["fast", "accurate"], default="fast",
                        help="event-type model: fast (default) or accurate (adds a sentence "
                             "encoder; slower, see docs/benchmarks.md)")


def _add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true",
                        help="no progress display and no summary on stderr (rejects and "
                             "errors are still named)")


def _progress(label: str, args: argparse.Namespace, inputs: Sequence[str] = (),
              options=None) -> RunProgress:
    """The run's progress display on stderr, with the inputs' estimated size as its total."""
    from accord.progress import RunProgress, estimate_inputs

    total = estimate_inputs(inputs, options) if inputs and not args.quiet else None
    return RunProgress(label, total, quiet=args.quiet)


def _say(args: argparse.Namespace, message: str) -> None:
    """A summary line on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        print(f"accord: {message}", file=sys.stderr)


def _check_profile(profile: str, needs_model: bool = True) -> None:
    """Fail before any input is read when the profile cannot run here."""
    from accord import classify

    if profile == classify.ACCURATE:
        from accord.encoder import EncoderUnavailable, load_encoder

        try:
            load_encoder()
        except EncoderUnavailable as error:
            raise UsageError(str(error)) from error
    if needs_model and classify.load_model(profile) is None:
        raise UsageError(f"no {profile} event-type model at {classify.model_path(profile)}; "
                         f"build it with accord train --profile {profile}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"code": run_code, "events": run_events, "top-dyads": run_top_dyads,
                "eval": run_eval, "train": run_train, "info": run_info, "cluster": run_cluster,
                "recode": run_recode, "dyad": run_dyad, "export": run_export,
                "actors": run_actors, "serve": run_serve, "watch": run_watch}
    try:
        return handlers[args.command](args)
    except (UsageError, StoreUnavailable) as error:
        # The one place a usage error or a store that cannot be opened or written ends a run.
        print(f"accord: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- code


def run_code(args: argparse.Namespace) -> int:
    from accord import scale
    from accord.readers import ReadOptions, read_inputs

    if args.format != "jsonl" and not args.out:
        raise UsageError(f"--format {args.format} needs --out PATH")
    _check_engine(args)
    _check_profile(args.profile)
    totals = {"articles": 0, "events": 0, "rejected": 0}
    with ExitStack() as stack:
        sink = stack.enter_context(_event_sink(args))
        if args.db:
            _open_store(args.db).close()  # a store that cannot be written stops the run first
        rejects_file = (stack.enter_context(open(args.rejects, "w", encoding="utf-8"))
                        if args.rejects else None)
        options = ReadOptions(max_chars=args.max_chars, oversize=args.oversize)
        progress = stack.enter_context(_progress("coding", args, args.inputs, options))
        results = stack.enter_context(scale.coded(
            read_inputs(args.inputs, stdin=sys.stdin, options=options), engine=args.engine,
            workers=args.workers, scheduler=args.scheduler, profile=args.profile,
            progress=progress))
        for batch in _batches(results, args.batch_size):
            coded = []
            for item in batch:
                if isinstance(item, Reject):
                    totals["rejected"] += 1
                    _report_reject(item, rejects_file, progress)
                    continue
                coded.append(item)
                sink.write(item[1])
                totals["events"] += len(item[1])
            totals["articles"] += len(coded)
            if args.db and coded:
                # Held for one batch only, so the server and other writers get their turns.
                with _open_store(args.db) as store:
                    store.add_batch(coded, coder_version=__version__)
        progress.close()  # before the summary lines, so they do not land on the bar
        if args.db:
            with _open_store(args.db) as store:
                _report_clusters(store, incremental=True, args=args)
    _say(args, f"coded {totals['articles']} article(s), {totals['events']} event(s); "
         f"{totals['rejected']} rejected")
    return 1 if totals["rejected"] else 0


def _check_engine(args: argparse.Namespace) -> None:
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.scheduler and args.workers:
        raise UsageError("--workers starts a local cluster; a --scheduler has its own workers")


def _event_sink(args: argparse.Namespace):
    """On Dask, Parquet goes to a directory of part files written as partitions arrive."""
    if args.engine == "dask" and args.format == "parquet":
        from accord.scale import PartitionedParquet

        return PartitionedParquet(args.out, flat_row)
    return EventSink(args.out, args.format, echo=args.db is None or args.out is not None)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _report_reject(reject: Reject, rejects_file: TextIO | None, progress: RunProgress) -> None:
    progress.note(f"accord: rejected {reject.origin}: {reject.reason}")
    if rejects_file:
        rejects_file.write(json.dumps(reject.to_dict()) + "\n")


def _open_store(path: str):
    from accord.store import Store

    return Store(path)


class EventSink:
    """Writes event records as JSONL (streaming) or collects them for Parquet/CSV."""

    def __init__(self, out: str | None, fmt: str, echo: bool) -> None:
        self.format = fmt
        self.rows: list[dict] = []
        self.handle: TextIO | None = None
        self.out = out
        self.echo = echo

    def __enter__(self) -> EventSink:
        if self.format == "jsonl" and self.echo:
            to_file = self.out and self.out != "-"
            self.handle = open(self.out, "w", encoding="utf-8") if to_file else sys.stdout  # noqa: SIM115
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, records: list[EventRecord]) -> None:
        for record in records:
            data = record.to_dict()
            if self.handle is not None:
                self.handle.write(json.dumps(data, ensure_ascii=False) + "\n")
            elif self.format != "jsonl":
                self.rows.append(data)

    def close(self) -> None:
        if self.handle is not None and self.handle is not sys.stdout:
            self.handle.close()
        elif self.handle is sys.stdout:
            sys.stdout.flush()
        if self.format in {"parquet", "csv"}:
            write_table(self.rows, Path(self.out), self.format)


def flat_row(record: dict) -> dict:
    """One event as flat columns for tabular formats."""
    location = record.get("event_loc") or {}
    return {
        "id": record["id"], "doc_id": record["doc_id"], "date": record["date"],
        "event": record["event"], "mode": record["mode"],
        "context": "|".join(record["context"]),
        "actor_codes": "|".join(a["code"] or "" for a in record["actor"]),
        "recipient_codes": "|".join(r["code"] or "" for r in record["recipient"]),
        "actor": json.dumps(record["actor"]), "recipient": json.dumps(record["recipient"]),
        "place": location.get("resolved_place"), "country_code": location.get("country_code"),
        "lat": location.get("lat"), "lon": location.get("lon"),
        "quad_code": record["quad_code"], "cameo": record["cameo"],
        "goldstein": record["goldstein"], "plover_score": record["plover_score"],
        "confidence": record["confidence"], "negated": record["negated"],
        "future": record["future"], "hypothetical": record["hypothetical"],
        "evidence": record["evidence"],
    }


def write_table(rows: list[dict], path: Path, fmt: str) -> None:
    import pandas as pd

    frame = pd.DataFrame([flat_row(row) for row in rows])
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


# ---------------------------------------------------------------- reading the store


def _existing_store(path: str):
    if not Path(path).exists():
        raise UsageError(f"no store at {path} (create one with: accord code INPUT --db {path})")
    from accord.store import Store

    return Store(path, read_only=True)


def run_events(args: argparse.Namespace) -> int:
    with _existing_store(args.db) as store:
        records = store.events(actor=args.actor, recipient=args.recipient,
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
    with _existing_store(args.db) as store:
        rows = store.dyad_summary(limit=args.limit)
    print(f"{'dyad':<14} {'events':>6} {'q1':>3} {'q2':>3} {'q3':>3} {'q4':>3} "
          f"{'PLOVER':>7} {'Goldst.':>7}  first       last")
    for row in rows:
        dyad = f"{row['actor']}{' <-> ' if row['direction'] == '<->' else ' -> '}{row['recipient']}"
        print(f"{dyad:<14} {row['events']:>6} {row['quad1']:>3} {row['quad2']:>3} "
              f"{row['quad3']:>3} {row['quad4']:>3} {row['mean_plover_score']:>7.2f} "
              f"{row['mean_goldstein']:>7.2f}  {row['first_date']}  {row['last_date']}")
    return 0


# ---------------------------------------------------------------- eval and info


def run_eval(args: argparse.Namespace) -> int:
    if not Path(args.path).is_file():
        raise UsageError(f"no gold file at {args.path}")
    with _unreadable_gold_is_a_usage_error(args.path):
        return _evaluate(args)


@contextmanager
def _unreadable_gold_is_a_usage_error(what: str) -> Iterator[None]:
    """A gold or training file in the wrong format or encoding stops the command with its
    name and the reason, not a traceback."""
    from accord.gold import GoldFormatError

    try:
        yield
    except GoldFormatError as error:
        raise UsageError(str(error)) from error
    except UnicodeDecodeError as error:
        raise UsageError(f"{what}: not UTF-8 text ({error.reason})") from error


def _evaluate(args: argparse.Namespace) -> int:
    from accord import classify, evaluate, gold, training

    if args.kind == "none":
        return _evaluate_non_events(args)
    if args.kind == "plv":
        items = list(islice(gold.read_plv(args.path, marked=args.marked), args.limit))
        label_map = evaluate.PLV_LABELS
    else:
        items = list(islice(gold.read_plover_json(args.path), args.limit))
        label_map = {}
    if not items:
        raise UsageError(f"no labelled sentences in gold file {args.path}")
    title = f"accord {__version__} ({args.profile} profile) on {args.kind} gold: {args.path}"
    if args.cv is not None and args.cv < 2:
        raise UsageError("--cv needs at least 2 folds")
    seed = classify.DEFAULT_SEED if args.seed is None else args.seed
    if args.end_to_end:
        return _evaluate_end_to_end(args, items, label_map, title, seed)
    if args.cv:
        _check_profile(args.profile, needs_model=False)
        authored = gold.read_authored(training.AUTHORED_PATH)
        folds, pooled = evaluate.cross_validate(items, args.cv, seed, label_map, authored,
                                                args.profile)
        print(evaluate.fold_report(folds) + "\n")
        print(evaluate.report(pooled, f"{title} ({args.cv}-fold CV, seed {seed}, pooled)"))
        return 0
    _check_profile(args.profile, needs_model=not args.rules_only)
    scores = evaluate.evaluate(items, label_map, use_model=not args.rules_only,
                               profile=args.profile)
    print(evaluate.report(scores, title + (" (marked)" if args.marked else "")))
    return 0


def _evaluate_end_to_end(args: argparse.Namespace, items: list, label_map: dict[str, str],
                         title: str, seed: int) -> int:
    """The whole coder on raw texts: the shipped models, or with --cv models trained per fold."""
    from accord import classify, evaluate, gold, training

    title += " (end to end)"
    if not args.cv:
        _check_profile(args.profile)
        scores = evaluate.score_end_to_end(evaluate.parse_items(items, args.profile),
                                           classify.load_models(args.profile), label_map,
                                           args.profile)
        print(evaluate.report(scores, title))
        return 0
    _check_profile(args.profile, needs_model=False)
    missing = [path for path in args.events if not Path(path).is_file()]
    if missing:
        raise UsageError(f"no event sentence file at {', '.join(missing)}")
    authored = gold.read_authored(training.AUTHORED_PATH)
    events = [text for path in args.events
              for text in gold.read_texts(path)][:training.EVENT_SENTENCE_LIMIT]
    non_events = (gold.read_texts(training.NON_EVENTS_PATH)
                  if training.NON_EVENTS_PATH.exists() else [])
    folds, pooled = evaluate.cross_validate_end_to_end(
        items, args.cv, seed, label_map, authored, events, non_events, args.profile)
    print(evaluate.fold_report(folds) + "\n")
    print(evaluate.report(pooled, f"{title} ({args.cv}-fold CV, seed {seed}, pooled)"))
    return 0


def _evaluate_non_events(args: argparse.Namespace) -> int:
    """The share of sentences reporting no event that still produce one."""
    from accord import evaluate, gold

    texts = list(islice(gold.read_texts(args.path), args.limit))
    if not texts:
        raise UsageError(f"no sentences in {args.path}")
    _check_profile(args.profile)
    rate, coded = evaluate.non_event_rate(texts, args.profile)
    print(f"# accord {__version__} ({args.profile} profile) on non-event sentences: {args.path}")
    print(f"sentences: {len(texts)}")
    print(f"produce an event: {len(coded)} ({rate:.3f})")
    for text in coded:
        print(f"  {text}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    import time

    from accord import classify, training

    given = [*args.data, *args.events, *(args.non_events or [])]
    missing = [path for path in given if not Path(path).is_file()]
    if missing:
        raise UsageError(f"no training file at {', '.join(missing)}")
    seed = classify.DEFAULT_SEED if args.seed is None else args.seed
    started = time.perf_counter()
    _check_profile(args.profile, needs_model=False)
    with _unreadable_gold_is_a_usage_error("training data"):
        models, examples = training.train(args.data, seed=seed,
                                          include_authored=not args.no_authored,
                                          profile=args.profile, event_paths=args.events,
                                          non_event_paths=args.non_events)
    out = Path(args.out) if args.out else classify.model_path(args.profile)
    models.types.save(out)
    written = [str(out)]
    if models.detector is not None:
        models.detector.save(classify.detector_beside(out))
        written.append(str(classify.detector_beside(out)))
    print(f"accord: trained on {examples} examples ({len(models.types.feature_index)} "
          f"features, {len(models.types.classes)} classes) in "
          f"{time.perf_counter() - started:.1f} s; wrote {', '.join(written)}", file=sys.stderr)
    return 0


def run_info(args: argparse.Namespace) -> int:
    from accord.knowledge import data_checksums
    from accord.nlp import model_info

    info = {"accord": __version__, "spacy_model": model_info(), "data_files": data_checksums()}
    import spacy

    info["spacy"] = spacy.__version__
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


# ---------------------------------------------------------------- store: clusters, recoding,
# dyad series, exports (the analysis side lives in accord.analyse and accord.store)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _writable_store(path: str):
    if not Path(path).exists():
        raise UsageError(f"no store at {path} (create one with: accord code INPUT --db {path})")
    return _open_store(path)


def _report_clusters(store, window_days: int | None = None, incremental: bool = False,
                     args: argparse.Namespace | None = None) -> None:
    from accord.analyse import rebuild_clusters, update_clusters

    summary = update_clusters(store) if incremental else rebuild_clusters(store, window_days)
    _say(args, f"{summary.events} stored event(s) in {summary.clusters} cluster(s) "
         f"(window {summary.window_days} day(s))")


def _add_cluster_parser(commands) -> None:
    cluster = commands.add_parser(
        "cluster", help="group stored events that report the same real-world event")
    cluster.add_argument("--db", default=DEFAULT_DB)
    cluster.add_argument("--window-days", type=int,
                         help="most days between first and last date of a cluster "
                              "(default: as last built, else 2)")


def run_cluster(args: argparse.Namespace) -> int:
    if args.window_days is not None and args.window_days < 0:
        raise UsageError("--window-days cannot be negative")
    with _writable_store(args.db) as store:
        _report_clusters(store, args.window_days)
    return 0


def _add_recode_parser(commands) -> None:
    recode = commands.add_parser(
        "recode", help="code again the stored articles whose coder or data files changed")
    recode.add_argument("--db", default=DEFAULT_DB)
    recode.add_argument("--batch-size", type=_positive_int, default=STORE_BATCH,
                        help=f"articles replaced per transaction ({STORE_BATCH})")
    _add_quiet_argument(recode)


def run_recode(args: argparse.Namespace) -> int:
    from accord.store import recode

    _writable_store(args.db).close()
    with _progress("recoding", args) as progress:
        result = recode(args.db, batch_size=args.batch_size, progress=progress)
    _say(args, f"recoded {result.recoded} article(s): {result.events_before} event(s) "
         f"replaced by {result.events_after}")
    if result.without_text:
        print(f"accord: {result.without_text} outdated article(s) stored without their "
              "text cannot be recoded; code them again from the source files",
              file=sys.stderr)
    if result.recoded:
        with _open_store(args.db) as store:
            _report_clusters(store, args=args)
    return 0


def _add_dyad_parser(commands) -> None:
    dyad = commands.add_parser(
        "dyad", help="how two actors relate over time: events per period and quad class")
    dyad.add_argument("a", metavar="CODE", help="an actor code, e.g. KGZ")
    dyad.add_argument("b", metavar="OTHER", help="the other code, e.g. CHN")
    dyad.add_argument("--db", default=DEFAULT_DB)
    dyad.add_argument("--freq", choices=["week", "month", "quarter"], default="month")
    dyad.add_argument("--clustered", action="store_true",
                      help="count each real-world event once, not each report of it")
    dyad.add_argument("--directed", action="store_true",
                      help="only CODE acting on OTHER (default: both ways and joint events)")
    dyad.add_argument("--format", choices=["table", "csv"], default="table")


def run_dyad(args: argparse.Namespace) -> int:
    from accord.analyse import DYAD_COLUMNS, dyad_rows

    if args.a.strip().upper() == args.b.strip().upper():
        raise UsageError("a dyad needs two different codes")
    with _existing_store(args.db) as store:
        if args.clustered and not store.has_table("clusters"):
            raise UsageError(f"no clusters in {args.db} yet (build them: accord cluster)")
        rows = dyad_rows(store.connection, args.a, args.b, args.freq, args.clustered,
                         args.directed)
    if args.format == "csv":
        print(",".join(DYAD_COLUMNS))
        for row in rows:
            print(",".join("" if value is None else str(value) for value in row))
        return 0
    unit = "clusters" if args.clustered else "events"
    arrow = "->" if args.directed else "<->"
    print(f"{args.a.upper()} {arrow} {args.b.upper()}, {unit} per {args.freq}")
    print(f"{'period':<10} {unit:>8} {'q1':>5} {'q2':>5} {'q3':>5} {'q4':>5} "
          f"{'PLOVER':>7} {'Goldst.':>7}")
    for period, total, q1, q2, q3, q4, plover, goldstein in rows:
        print(f"{period.isoformat():<10} {total:>8} {q1:>5} {q2:>5} {q3:>5} {q4:>5} "
              f"{_mean(plover):>7} {_mean(goldstein):>7}")
    return 0


def _mean(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _add_export_parser(commands) -> None:
    export = commands.add_parser("export", help="write stored events for other tools")
    export.add_argument("--db", default=DEFAULT_DB)
    export.add_argument("--format", choices=["jsonl", "parquet", "csv", "gdelt"],
                        required=True,
                        help="parquet: a directory partitioned by month; gdelt: TSV, one row "
                             "per event cluster, columns as in docs/exports.md")
    export.add_argument("--out", required=True)


def run_export(args: argparse.Namespace) -> int:
    from accord.store import export_events

    with _existing_store(args.db) as store:
        if args.format == "gdelt" and not store.has_table("clusters"):
            raise UsageError(f"no clusters in {args.db} yet (build them: accord cluster)")
        written = export_events(store, args.format, args.out)
    print(f"accord: wrote {written} row(s) to {args.out}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- actors lookup


def _add_actors_parser(commands: argparse._SubParsersAction) -> None:
    actors = commands.add_parser("actors", help="actor knowledge: how names resolve")
    actor_commands = actors.add_subparsers(dest="actors_command", required=True)
    lookup = actor_commands.add_parser(
        "lookup", help="show how a phrase as news writes it resolves to a code and sector, and "
                       "why, through the coder's own actor stage")
    lookup.add_argument("name", nargs="*", metavar="PHRASE",
                        help='e.g. "Wang Yi", Kremlin, "three Egyptian fishermen"')
    lookup.add_argument("--date", help="the article date, YYYY-MM-DD (default: latest tenure)")
    lookup.add_argument("--json", action="store_true", help="print one JSON object")
    lookup.add_argument("--batch", metavar="FILE",
                        help="one phrase a line, optionally a tab and a date (- for stdin); "
                             "prints one JSON line per phrase")


def run_actors(args: argparse.Namespace) -> int:
    from datetime import date

    from accord.lookup import describe, lookup_phrase

    if args.batch:
        if args.name:
            raise UsageError("give phrases either on the command line or with --batch, not both")
        return _lookup_batch(args.batch)
    name = " ".join(args.name).strip()
    if not name:
        raise UsageError("actors lookup needs a PHRASE or --batch FILE")
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError as error:
        raise UsageError(f"--date must be YYYY-MM-DD: {args.date}") from error
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
            with open(path, encoding="utf-8") as handle:
                items = list(read_batch(handle))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: {error}") from error
    for result in lookup_phrases(items):
        print(json.dumps(result, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------- serve (HTTP API + dashboard)


def _add_serve_parser(commands: argparse._SubParsersAction) -> None:
    # Defaults live in accord.server, which loads FastAPI: not imported for every command.
    serve = commands.add_parser(
        "serve", help="the HTTP API and dashboard over a store (read-only by default)")
    serve.add_argument("--db", default=DEFAULT_DB)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_positive_int, default=8000)
    serve.add_argument("--allow-write", action="store_true",
                       help="enable POST /code, which codes and stores new text (needs a token)")
    serve.add_argument("--token", help="the bearer token POST /code needs (else $ACCORD_TOKEN)")
    serve.add_argument("--max-body-bytes", type=_positive_int,
                       help="larger request bodies get 413 (default 1,000,000)")


def run_serve(args: argparse.Namespace) -> int:
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


# ---------------------------------------------------------------- watch (the drop folder)


def _add_watch_parser(commands: argparse._SubParsersAction) -> None:
    watch = commands.add_parser(
        "watch", help="code every file that lands in a folder into a store, until stopped")
    watch.add_argument("folder", metavar="DIR", help="the drop folder (subfolders included)")
    watch.add_argument("--db", default=DEFAULT_DB)
    watch.add_argument("--interval", type=_positive_seconds, default=2.0,
                       help="seconds between looks at the folder (2); a file is coded once "
                            "it is unchanged for one interval")
    _add_profile_argument(watch)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from error
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def run_watch(args: argparse.Namespace) -> int:
    from functools import partial

    from accord.pipeline import code_articles
    from accord.readers import read_inputs
    from accord.watch import watch

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"no folder at {args.folder}")
    _check_profile(args.profile)
    _open_store(args.db).close()  # a store that cannot be written stops the start
    watch(folder, args.db, args.interval, coder=partial(code_articles, profile=args.profile),
          read=lambda path: read_inputs([str(path)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
