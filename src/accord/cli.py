"""The `accord` command line: its commands, their arguments, and the exit-code contract.

Owns argument parsing and help, and turning every failure a user can cause into one line on
stderr with the exit code of the contract: 0 ok, 1 some inputs rejected (each named, the rest
still coded), 2 a usage error or a store that cannot be opened or written. Arguments are checked
(accord.cli_checks) before any model loads; the commands themselves live in accord.cli_code
(coding, evaluation, training, versions) and accord.cli_store (reading and serving a store).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from accord import __version__
from accord.cli_checks import (
    UsageError,
    folds,
    non_negative_int,
    port_number,
    positive_int,
    positive_seconds,
)
from accord.queries import UnknownValue
from accord.storage_lock import StoreUnavailable

DEFAULT_DB = "accord.duckdb"
STORE_BATCH = 64

DESCRIPTION = """\
Code dated news into PLOVER political event data, store it, and ask the store questions.

commands:
  code        code news articles into PLOVER event records (stdout, a file, and/or a store)
  events      list stored events, filtered by actor, recipient and type
  top-dyads   the most active pairs of actors in a store
  dyad        how two actors relate over time: events per period and quad class
  cluster     group stored events that report the same real-world event
  recode      code again stored articles whose coder or knowledge changed
  export      write stored events as JSONL, CSV, Parquet or GDELT-style TSV
  serve       the HTTP API and dashboard over a store
  watch       code every file that lands in a folder into a store, until stopped
  actors      how a phrase as news writes it resolves to a code and sector
  eval        score the coder against gold data (PLV, PLOVER records, non-event sentences)
  train       train the event-type model from gold files
  info        versions of accord, its models and data files

Exit codes: 0 ok; 1 some inputs rejected; 2 usage error or a store that cannot be used.
Run `accord COMMAND --help` for a command's arguments."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default after its help, unless it has none (None or a flag)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and action.option_strings
        if shown and "default" not in text and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accord", description=DESCRIPTION,
                                     usage="accord [-h] [--version] COMMAND ...",
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"accord {__version__}",
                        help="print accord's version and exit")
    # The commands are listed in DESCRIPTION (a test keeps it complete), not a second time.
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     help=argparse.SUPPRESS)
    for add in (_add_code, _add_events, _add_top_dyads, _add_dyad, _add_cluster, _add_recode,
                _add_export, _add_serve, _add_watch, _add_actors, _add_eval, _add_train,
                _add_info):
        add(commands)
    return parser


def _command(commands: argparse._SubParsersAction, name: str, summary: str,
             ) -> argparse.ArgumentParser:
    return commands.add_parser(name, prog=f"accord {name}", help=summary, description=summary,
                               formatter_class=HelpFormatter)


def _add_db(parser: argparse.ArgumentParser, purpose: str = "the store to read") -> None:
    parser.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"{purpose}, a "
                        "DuckDB file")


def _add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=["fast", "accurate"], default="fast",
                        help="event-type model: fast, or accurate (adds a sentence encoder; "
                             "slower, see docs/benchmarks.md)")


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="PATH",
                        help="an event-type model file written by `accord train` (default: the "
                             "packaged model of --profile)")


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="replace an existing --out (and --rejects) instead of refusing")


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true",
                        help="no progress display and no summary on stderr (rejects and "
                             "errors are still named)")


def _add_code(commands: argparse._SubParsersAction) -> None:
    from accord.readers import DEFAULT_MAX_CHARS, OVERSIZE_MODES

    code = _command(commands, "code", "code news articles into PLOVER event records")
    code.add_argument("inputs", nargs="+", metavar="INPUT",
                      help=".txt/.jsonl/.csv/.html files, folders, or - for stdin")
    code.add_argument("--out", metavar="PATH",
                      help="write events here instead of stdout: a file for jsonl and csv, a "
                           "directory partitioned by month for parquet (any --engine)")
    code.add_argument("--format", choices=["jsonl", "parquet", "csv"], default="jsonl",
                      help="jsonl: the PLOVER records; csv, parquet: the tabular schema of "
                           "docs/exports.md, the same as `accord export`")
    code.add_argument("--db", nargs="?", const=DEFAULT_DB, metavar="PATH",
                      help=f"also store articles and events in this DuckDB file ({DEFAULT_DB} "
                           "when --db has no value); without --out, events go only there")
    code.add_argument("--rejects", metavar="PATH",
                      help="write one JSON line per rejected input here")
    _add_force(code)
    code.add_argument("--max-chars", type=positive_int, default=DEFAULT_MAX_CHARS,
                      metavar="N", help="longest text coded as one article")
    code.add_argument("--oversize", choices=OVERSIZE_MODES, default=OVERSIZE_MODES[0],
                      help="longer texts: chunk into <id>#<n> articles, or reject them")
    code.add_argument("--batch-size", type=positive_int, default=STORE_BATCH, metavar="N",
                      help="articles stored per transaction with --db")
    code.add_argument("--engine", choices=["local", "dask"], default="local",
                      help="local: this machine; dask: a Dask cluster, local or at --scheduler "
                           "(see docs/scaling.md)")
    code.add_argument("--workers", type=positive_int, metavar="N",
                      help="processes to code on (default: local 1, dask all cores)")
    code.add_argument("--scheduler", metavar="ADDRESS",
                      help="with --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786")
    _add_profile(code)
    _add_model(code)
    _add_quiet(code)


def _add_events(commands: argparse._SubParsersAction) -> None:
    events = _command(commands, "events", "list stored events, filtered by actor, recipient "
                                          "and type")
    _add_db(events)
    events.add_argument("--actor", help="an actor code or name, e.g. KGZ, kgz or Kyrgyzstan")
    events.add_argument("--recipient", help="a recipient code or name, e.g. CHN or China")
    events.add_argument("--type", dest="event_type",
                        help="a PLOVER type, e.g. SUPPORT (older labels such as YIELD accepted)")
    events.add_argument("--limit", type=non_negative_int, metavar="N",
                        help="at most N events (default: all)")
    events.add_argument("--format", choices=["jsonl", "table"], default="jsonl",
                        help="jsonl: full records; table: one readable line per event")


def _add_top_dyads(commands: argparse._SubParsersAction) -> None:
    dyads = _command(commands, "top-dyads", "the most active pairs of actors in a store, one "
                                            "row per pair with each direction counted")
    _add_db(dyads)
    dyads.add_argument("--limit", type=positive_int, default=20, metavar="N",
                       help="how many pairs to list")


def _add_dyad(commands: argparse._SubParsersAction) -> None:
    dyad = _command(commands, "dyad", "how two actors relate over time: events per period "
                                      "and quad class")
    dyad.add_argument("a", metavar="CODE", help="an actor code or name, e.g. KGZ or Kyrgyzstan")
    dyad.add_argument("b", metavar="OTHER", help="the other code or name, e.g. CHN or China")
    _add_db(dyad)
    dyad.add_argument("--freq", choices=["week", "month", "quarter"], default="month",
                      help="the length of a period")
    dyad.add_argument("--clustered", action="store_true",
                      help="count each real-world event once, not each report of it")
    dyad.add_argument("--directed", action="store_true",
                      help="only CODE acting on OTHER (default: both ways and joint events)")
    dyad.add_argument("--format", choices=["table", "csv"], default="table",
                      help="a readable table, or CSV with a header")


def _add_cluster(commands: argparse._SubParsersAction) -> None:
    cluster = _command(commands, "cluster", "group stored events that report the same "
                                            "real-world event")
    _add_db(cluster, "the store to cluster")
    cluster.add_argument("--window-days", type=non_negative_int, metavar="DAYS",
                         help="most days between first and last date of a cluster "
                              "(default: as last built, else 2)")


def _add_recode(commands: argparse._SubParsersAction) -> None:
    recode = _command(commands, "recode", "code again the stored articles whose coder or data "
                                          "files changed")
    _add_db(recode, "the store to recode")
    recode.add_argument("--batch-size", type=positive_int, default=STORE_BATCH, metavar="N",
                        help="articles replaced per transaction")
    _add_quiet(recode)


def _add_export(commands: argparse._SubParsersAction) -> None:
    export = _command(commands, "export", "write stored events for other tools "
                                          "(docs/exports.md)")
    _add_db(export, "the store to export")
    export.add_argument("--format", choices=["jsonl", "parquet", "csv", "gdelt"], required=True,
                        help="jsonl: the records as coded; csv, parquet: the tabular schema "
                             "(parquet: a directory partitioned by month); gdelt: TSV, one "
                             "row per event cluster")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="a new file (a new or empty directory for parquet)")
    export.add_argument("--force", action="store_true",
                        help="replace an existing --out instead of refusing")


def _add_serve(commands: argparse._SubParsersAction) -> None:
    serve = _command(commands, "serve", "the HTTP API and dashboard over a store (read-only "
                                        "by default)")
    _add_db(serve, "the store to serve")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=port_number, default=8000, help="the TCP port, 1-65535")
    serve.add_argument("--allow-write", action="store_true",
                       help="enable POST /code, which codes and stores new text (needs a token)")
    serve.add_argument("--token", help="the bearer token POST /code needs (default: "
                                       "$ACCORD_TOKEN)")
    serve.add_argument("--max-body-bytes", type=positive_int, metavar="N",
                       help="larger request bodies get 413 (default: 1,000,000)")


def _add_watch(commands: argparse._SubParsersAction) -> None:
    watch = _command(commands, "watch", "code every file that lands in a folder into a store, "
                                        "until stopped")
    watch.add_argument("folder", metavar="DIR", help="the drop folder (subfolders included)")
    _add_db(watch, "the store to code into")
    watch.add_argument("--interval", type=positive_seconds, default=2.0, metavar="SECONDS",
                       help="seconds between looks at the folder; a file is coded once it is "
                            "unchanged for one interval")
    _add_profile(watch)


def _add_actors(commands: argparse._SubParsersAction) -> None:
    actors = _command(commands, "actors", "actor knowledge: how names resolve")
    actor_commands = actors.add_subparsers(dest="actors_command", required=True,
                                           metavar="SUBCOMMAND")
    lookup = actor_commands.add_parser(
        "lookup", prog="accord actors lookup",
        help="show how a phrase as news writes it resolves to a code and sector, and why, "
             "through the coder's own actor stage",
        formatter_class=HelpFormatter)
    lookup.add_argument("name", nargs="*", metavar="PHRASE",
                        help='e.g. "Wang Yi", Kremlin, "three Egyptian fishermen"')
    lookup.add_argument("--date", help="the article date, YYYY-MM-DD (default: latest tenure)")
    lookup.add_argument("--json", action="store_true", help="print one JSON object")
    lookup.add_argument("--batch", metavar="FILE",
                        help="one phrase a line, optionally a tab and a date (- for stdin); "
                             "prints one JSON line per phrase")


def _add_eval(commands: argparse._SubParsersAction) -> None:
    evaluation = _command(commands, "eval", "score the coder against gold data")
    evaluation.add_argument("kind", choices=["plv", "plover", "none"],
                            help="plv: PLV TSV sentences; plover: PLOVER JSON/JSONL records; "
                                 "none: sentences reporting no event (TSV with a text column)")
    evaluation.add_argument("path", help="the gold file (PLV: github.com/snowood1/"
                                         "Zero-Shot-PLOVER, see README)")
    evaluation.add_argument("--limit", type=positive_int, metavar="N",
                            help="score only the first N items")
    evaluation.add_argument("--marked", action="store_true",
                            help="plv: read marked_sentence and type the candidate whose "
                                 "parties overlap the <s>/<t> marks")
    evaluation.add_argument("--cv", type=folds, metavar="K",
                            help="K-fold cross-validation: train on K-1 folds, score the other")
    evaluation.add_argument("--seed", type=int, help="fold shuffling and training seed "
                                                     "(default: the model's, 13)")
    evaluation.add_argument("--rules-only", action="store_true",
                            help="score the trigger patterns alone, without the trained model")
    evaluation.add_argument("--end-to-end", action="store_true",
                            help="code the raw texts through the whole coder and score the "
                                 "primary event (no event counts as wrong)")
    evaluation.add_argument("--events", nargs="+", default=[], metavar="PATH",
                            help="with --end-to-end --cv: unlabelled event sentences for each "
                                 "fold's detector head (default: none)")
    _add_profile(evaluation)
    _add_model(evaluation)


def _add_train(commands: argparse._SubParsersAction) -> None:
    training = _command(commands, "train", "train the event-type model from gold files")
    training.add_argument("--data", nargs="+", required=True, metavar="PATH",
                          help="PLV TSV, PLOVER JSON/JSONL, or accord training TSV files")
    training.add_argument("--out", metavar="PATH",
                          help="the model file to write (use it with --model); a detector "
                               "head goes beside it as NAME.detector.npz")
    training.add_argument("--replace-packaged", action="store_true",
                          help="write over the packaged model of --profile instead of --out "
                               "(for maintainers rebuilding the shipped files)")
    _add_force(training)
    training.add_argument("--seed", type=int, help="training seed (default: 13)")
    training.add_argument("--no-authored", action="store_true",
                          help="leave out accord's authored examples")
    training.add_argument("--events", nargs="+", default=[], metavar="PATH",
                          help="sentences known to report an event, type unknown (JSONL with "
                               "text, or TSV with a text column): the detector head's positives "
                               "(default: none)")
    training.add_argument("--non-events", nargs="+", metavar="PATH",
                          help="sentences reporting no event (default: accord's own "
                               "data/training/non_events.tsv): the detector head's negatives")
    _add_profile(training)


def _add_info(commands: argparse._SubParsersAction) -> None:
    info = _command(commands, "info", "versions of accord, its models and data files")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    _add_model(info)


# ---------------------------------------------------------------- running


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (argparse's own errors included)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, and argparse's usage errors (code 2)
        return stop.code if isinstance(stop.code, int) else 0
    try:
        return _handler(args.command)(args)
    except (UsageError, UnknownValue, StoreUnavailable) as error:
        # The one place a usage error (a code or type no table knows is one) or a store that
        # cannot be opened or written ends a run.
        print(f"accord: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("accord: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the contract: no traceback, whatever went wrong
        if os.environ.get("ACCORD_DEBUG"):
            raise
        print(f"accord: unexpected error ({type(error).__name__}: {error}); nothing more was "
              "done. Please report it, with ACCORD_DEBUG=1 set for the details", file=sys.stderr)
        return 2


def _handler(command: str):
    from accord import cli_code, cli_store

    return {"code": cli_code.run_code, "eval": cli_code.run_eval, "train": cli_code.run_train,
            "info": cli_code.run_info, "events": cli_store.run_events,
            "top-dyads": cli_store.run_top_dyads, "dyad": cli_store.run_dyad,
            "cluster": cli_store.run_cluster, "recode": cli_store.run_recode,
            "export": cli_store.run_export, "serve": cli_store.run_serve,
            "watch": cli_code.run_watch, "actors": cli_store.run_actors}[command]


__all__ = ["DEFAULT_DB", "STORE_BATCH", "UsageError", "build_parser", "main"]


if __name__ == "__main__":
    sys.exit(main())
