"""The command line's coding side: `code`, `eval`, `train` and `info`.

Each command checks its arguments first (accord.cli_checks), then loads what it needs. `code`
never codes an article it has nowhere to put: the output, store and rejects paths are checked
before the model loads, and inputs that do not exist are rejected before the first one is read.
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
from accord import cli_checks as check
from accord.cli_checks import UsageError
from accord.model import Reject

if TYPE_CHECKING:  # the progress module (and tqdm) load only for the commands that show it
    from accord.progress import RunProgress

IN_SAMPLE_WARNING = """\
!! IN-SAMPLE: {path} is (a file with the same content as) the data this model was trained on.
!! The figures below measure memory, not accuracy on new text. For an honest estimate run
!!   accord eval {kind} {path} --cv 5
!! (trains on 4/5 of the file, scores the other fifth, five times), or score a held-out file."""


# ---------------------------------------------------------------- code


def run_code(args: argparse.Namespace) -> int:
    present, missing = _check_code_arguments(args)
    _check_profile(args.profile, model=args.model)
    from accord.weights import use_model_file

    with use_model_file(args.model):
        return _code(args, present, missing)


def _check_code_arguments(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    if args.format != "jsonl" and not args.out:
        raise UsageError(f"--format {args.format}: needs --out PATH (a "
                         f"{'directory' if args.format == 'parquet' else 'file'})")
    if args.format == "parquet":
        check.output_directory(args.out, "--out", args.force)
    else:
        check.output_file(args.out, "--out", args.force, stdout_ok=args.format == "jsonl")
    check.store_to_write(args.db)
    check.output_file(args.rejects, "--rejects", args.force)
    check.distinct({"--out": args.out, "--db": args.db, "--rejects": args.rejects})
    _check_engine(args)
    check.model_file(args.model, args.profile)
    present, missing = check.existing_inputs(args.inputs)
    if not present:
        raise UsageError(f"INPUT: nothing to code; no such file: {', '.join(missing)}")
    check.outside_inputs({"--out": args.out, "--rejects": args.rejects}, present)
    return present, missing


def _check_engine(args: argparse.Namespace) -> None:
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler: needs --engine dask")
    if args.scheduler and args.workers:
        raise UsageError("--workers: starts a local cluster; a --scheduler has its own workers")
    if args.scheduler and args.model:
        raise UsageError("--model: workers of a remote --scheduler use their packaged model; "
                         "install the model there, or code with a local engine")


def _check_profile(profile: str, needs_model: bool = True, model: str | None = None) -> None:
    """Fail before any input is read when the profile cannot run here."""
    from accord import classify

    if profile == classify.ACCURATE:
        from accord.encoder import EncoderUnavailable, load_encoder
        from accord.place_pointer import load_place_pointer
        from accord.sentence_model import SentenceModelUnavailable, load_sentence_model

        try:
            load_encoder()
            load_sentence_model()
            load_place_pointer()
        except (EncoderUnavailable, SentenceModelUnavailable) as error:
            raise UsageError(f"--profile accurate: {error}") from error
    if needs_model and model is None and not classify.packaged_model_path(profile).exists():
        raise UsageError(f"--profile {profile}: no model at "
                         f"{classify.packaged_model_path(profile)}; build one with accord "
                         f"train --profile {profile} --out PATH and pass --model PATH")


def _code(args: argparse.Namespace, inputs: list[str], missing: list[str]) -> int:
    from accord import scale
    from accord.exports import EventOutput, remove_parquet_parts
    from accord.readers import ReadOptions, read_inputs

    totals = {"articles": 0, "events": 0, "rejected": 0}
    with ExitStack() as stack:
        rejects_file = (stack.enter_context(open(args.rejects, "w", encoding="utf-8"))
                        if args.rejects else None)
        options = ReadOptions(max_chars=args.max_chars, oversize=args.oversize)
        progress = stack.enter_context(run_progress("coding", args, inputs, options))
        for path in missing:  # named now, not after the model has loaded
            totals["rejected"] += 1
            _report_reject(Reject(path, "file not found"), rejects_file, progress)
        if args.format == "parquet" and args.force:
            remove_parquet_parts(Path(args.out))
        sink = stack.enter_context(EventOutput(
            args.out, args.format, echo=args.db is None or args.out is not None))
        if args.db:
            open_store(args.db).close()  # a store that cannot be written stops the run first
        results = stack.enter_context(scale.coded(
            read_inputs(inputs, stdin=sys.stdin, options=options), engine=args.engine,
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
                sink.write(*item)
                totals["events"] += len(item[1])
            totals["articles"] += len(coded)
            if args.db and coded:
                # Held for one batch only, so the server and other writers get their turns.
                with open_store(args.db) as store:
                    store.add_batch(coded, coder_version=__version__)
        progress.close()  # before the summary lines, so they do not land on the bar
        if args.db:
            with open_store(args.db) as store:
                report_clusters(store, incremental=True, args=args)
    say(args, f"coded {totals['articles']} article(s), {totals['events']} event(s); "
        f"{totals['rejected']} rejected")
    return 1 if totals["rejected"] else 0


def _batches(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run_progress(label: str, args: argparse.Namespace, inputs: Sequence[str] = (),
                 options=None) -> RunProgress:
    """The run's progress display on stderr, with the inputs' estimated size as its total."""
    from accord.progress import RunProgress, estimate_inputs

    total = estimate_inputs(inputs, options) if inputs and not args.quiet else None
    return RunProgress(label, total, quiet=args.quiet)


def say(args: argparse.Namespace | None, message: str) -> None:
    """A summary line on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        print(f"accord: {message}", file=sys.stderr)


def _report_reject(reject: Reject, rejects_file: TextIO | None, progress: RunProgress) -> None:
    progress.note(f"accord: rejected {reject.origin}: {reject.reason}")
    if rejects_file:
        rejects_file.write(json.dumps(reject.to_dict()) + "\n")


def open_store(path: str, read_only: bool = False):
    """The store at `path`; one that cannot be opened raises `StoreUnavailable` (exit 2)."""
    from accord.store import Store

    return Store(path, read_only=read_only)


def report_clusters(store, window_days: int | None = None, incremental: bool = False,
                    args: argparse.Namespace | None = None) -> None:
    from accord.analyse import rebuild_clusters, update_clusters

    summary = update_clusters(store) if incremental else rebuild_clusters(store, window_days)
    say(args, f"{summary.events} stored event(s) in {summary.clusters} cluster(s) "
        f"(window {summary.window_days} day(s))")


# ---------------------------------------------------------------- watch (the drop folder)


def run_watch(args: argparse.Namespace) -> int:
    check.input_folder(args.folder, "DIR")
    check.store_to_write(args.db)
    _check_profile(args.profile)
    from functools import partial

    from accord.pipeline import code_articles
    from accord.readers import read_inputs
    from accord.watch import watch

    open_store(args.db).close()  # a store that cannot be written stops the start
    watch(Path(args.folder), args.db, args.interval,
          coder=partial(code_articles, profile=args.profile),
          read=lambda path: read_inputs([str(path)]))
    return 0


# ---------------------------------------------------------------- eval


def run_eval(args: argparse.Namespace) -> int:
    check.input_file(args.path, "PATH")
    for path in args.events:
        check.input_file(path, "--events")
    if args.events and not (args.end_to_end and args.cv):
        raise UsageError("--events: only used with --end-to-end --cv")
    check.model_file(args.model, args.profile)
    if args.model and (args.cv or args.rules_only):
        raise UsageError(f"--model: not used with {'--cv' if args.cv else '--rules-only'}, "
                         "which " + ("trains its own models" if args.cv else "uses no model"))
    from accord.weights import use_model_file

    with _unreadable_gold_is_a_usage_error(args.path), use_model_file(args.model):
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
        raise UsageError(f"PATH {args.path}: no labelled sentences in this gold file")
    title = f"accord {__version__} ({args.profile} profile) on {args.kind} gold: {args.path}"
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
    _check_profile(args.profile, needs_model=not args.rules_only, model=args.model)
    warning = None if args.rules_only else _say_if_in_sample(args)
    scores = evaluate.evaluate(items, label_map, use_model=not args.rules_only,
                               profile=args.profile)
    print(evaluate.report(scores, title + (" (marked)" if args.marked else "")
                          + (" [IN-SAMPLE: the model's own training data]" if warning else "")))
    return 0


def _say_if_in_sample(args: argparse.Namespace) -> str | None:
    warning = in_sample_warning(args)
    if warning:
        print(warning, file=sys.stderr)
        print(warning + "\n")
    return warning


def _evaluate_end_to_end(args: argparse.Namespace, items: list, label_map: dict[str, str],
                         title: str, seed: int) -> int:
    """The whole coder on raw texts: the active models, or with --cv models trained per fold."""
    from accord import classify, evaluate, gold, training

    title += " (end to end)"
    if not args.cv:
        _check_profile(args.profile, model=args.model)
        warning = _say_if_in_sample(args)
        scores = evaluate.score_end_to_end(evaluate.parse_items(items, args.profile),
                                           classify.load_models(args.profile), label_map,
                                           args.profile)
        print(evaluate.report(scores, title + (" [IN-SAMPLE]" if warning else "")))
        return 0
    _check_profile(args.profile, needs_model=False)
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
        raise UsageError(f"PATH {args.path}: no sentences in this file")
    _check_profile(args.profile, model=args.model)
    rate, coded = evaluate.non_event_rate(texts, args.profile)
    print(f"# accord {__version__} ({args.profile} profile) on non-event sentences: {args.path}")
    print(f"sentences: {len(texts)}")
    print(f"produce an event: {len(coded)} ({rate:.3f})")
    for text in coded:
        print(f"  {text}")
    return 0


def in_sample_warning(args: argparse.Namespace) -> str | None:
    """A loud warning when the gold file is one the active model was trained on."""
    from accord import classify
    from accord.weights import sha256, trained_on

    model = Path(args.model) if args.model else classify.packaged_model_path(args.profile)
    if sha256(args.path) not in trained_on(model):
        return None
    return IN_SAMPLE_WARNING.format(path=args.path, kind=args.kind)


# ---------------------------------------------------------------- train


def run_train(args: argparse.Namespace) -> int:
    from accord import classify

    for option, paths in (("--data", args.data), ("--events", args.events),
                          ("--non-events", args.non_events or [])):
        for path in paths:
            check.input_file(path, option)
    if args.replace_packaged and args.out:
        raise UsageError("--replace-packaged: writes the packaged model; give it or --out, "
                         "not both")
    if not args.replace_packaged:
        if not args.out:
            raise UsageError("--out: needed (the model file to write, then pass it to code and "
                             "eval with --model PATH); --replace-packaged writes over the "
                             "packaged model instead")
        check.output_file(args.out, "--out", args.force)
    out = classify.packaged_model_path(args.profile) if args.replace_packaged else Path(args.out)
    _check_profile(args.profile, needs_model=False)
    return _train(args, out)


def _train(args: argparse.Namespace, out: Path) -> int:
    import time

    from threadpoolctl import threadpool_limits

    from accord import classify, training
    from accord.weights import sha256

    seed = classify.DEFAULT_SEED if args.seed is None else args.seed
    started = time.perf_counter()
    # One thread for the solver's linear algebra: the sums come out in one order on any machine.
    with _unreadable_gold_is_a_usage_error("training data"), threadpool_limits(limits=1):
        models, examples = training.train(args.data, seed=seed,
                                          include_authored=not args.no_authored,
                                          profile=args.profile, event_paths=args.events,
                                          non_event_paths=args.non_events)
    models.types.save(out, trained_on=[f"{sha256(path)} {Path(path).name}"
                                       for path in args.data])
    written = [f"{out} (sha256 {sha256(out)[:16]})"]
    if models.detector is not None:
        models.detector.save(classify.detector_beside(out))
        written.append(str(classify.detector_beside(out)))
    print(f"accord: trained on {examples} examples ({len(models.types.feature_index)} "
          f"features, {len(models.types.classes)} classes) in "
          f"{time.perf_counter() - started:.1f} s; wrote {', '.join(written)}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- info


def run_info(args: argparse.Namespace) -> int:
    from accord import classify
    from accord.knowledge import data_checksums
    from accord.nlp import model_info
    from accord.weights import sha256

    if args.model:
        check.input_file(args.model, "--model")
    models = {profile: _model_entry(classify.packaged_model_path(profile), sha256)
              for profile in classify.PROFILES}
    active = Path(args.model) if args.model else classify.model_path(classify.FAST)
    import spacy

    info = {"accord": __version__, "spacy": spacy.__version__, "spacy_model": model_info(),
            "active_model": _model_entry(active, sha256), "models": models,
            "data_files": data_checksums()}
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


def _model_entry(path: Path, sha256) -> dict:
    resolved = path.resolve()
    return {"path": str(resolved), "sha256": sha256(resolved) if resolved.exists() else None}
