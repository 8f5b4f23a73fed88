"""End-to-end k-fold cross-validation of the whole coder on PLV sentences, recorded in
docs/benchmarks.md.

Usage: .venv/bin/python bench/plv_e2e_cv.py [PATH] [--seed N] [--profile fast|accurate]
       [--events JSONL] [--folds K] [--sentence-folds DIR]
(default PATH ../shared/data/plv/PLV_train.tsv, events ../shared/data/event_location/train.jsonl)

For each fold the event-type model is trained on the other folds (plus accord's authored
examples) and the detector head on those, the first event sentences of --events and the other
folds of accord's non-event sentences; then the held-out raw sentences are coded by the whole
coder and the primary event is scored: a sentence that yields no event counts as wrong. The
held-out fold of non-event sentences gives the false-event rate. CONCEDE and RETREAT are scored
as PLV's older label YIELD.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from accord import __version__, classify, evaluate, gold, training
from bench_record import record_benchmark

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = SHARED / "plv" / "PLV_train.tsv"
EVENTS = SHARED / "event_location" / "train.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--seed", type=int, default=classify.DEFAULT_SEED)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--events", default=str(EVENTS))
    parser.add_argument("--profile", choices=classify.PROFILES, default=classify.FAST)
    parser.add_argument("--sentence-folds", metavar="DIR",
                        help="held-out answers of a sentence model per fold (bench/encoder_cv.py "
                             "train), joined to the type model's as the accurate profile does")
    args = parser.parse_args()
    path, events_path = Path(args.path), Path(args.events)
    if not path.is_file():
        print(f"no PLV file at {path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    events = (gold.read_texts(events_path)[:training.EVENT_SENTENCE_LIMIT]
              if events_path.is_file() else [])
    folds, pooled = evaluate.cross_validate_end_to_end(
        gold.read_plv(path), args.folds, args.seed, evaluate.PLV_LABELS,
        gold.read_authored(training.AUTHORED_PATH), events,
        gold.read_texts(training.NON_EVENTS_PATH), args.profile,
        held_out_typers(Path(args.sentence_folds), args.seed, args.folds)
        if args.sentence_folds else ())
    seconds = time.perf_counter() - started
    table = evaluate.fold_report(folds)
    text = table + "\n\n" + evaluate.report(
        pooled, f"accord {__version__}, PLV end to end, {args.profile} profile, "
                f"{args.folds}-fold CV pooled: {path.name}")
    print(text)
    mean_f1 = sum(f.scores.macro_f1 for f in folds) / len(folds)
    none = sum(f.scores.no_event_rate for f in folds) / len(folds)
    false = [f.false_event_rate for f in folds if f.false_event_rate is not None]
    false_mean = sum(false) / len(false) if false else float("nan")
    per_fold = ", ".join(f"{f.scores.macro_f1:.3f}/{f.scores.no_event_rate:.3f}" for f in folds)
    print(f"\nmean macro-F1 {mean_f1:.3f}, no-event rate {none:.3f}, false-event rate "
          f"{false_mean:.3f} in {seconds:.1f} s")
    joined = " + held-out sentence model" if args.sentence_folds else ""
    record_benchmark(
        f"PLV end to end, {args.folds}-fold CV ({args.profile} profile{joined}, seed {args.seed})",
        f".venv/bin/python bench/plv_e2e_cv.py {path} --seed {args.seed} "
        f"--profile {args.profile} --events {events_path}"
        + (f" --sentence-folds {args.sentence_folds}" if args.sentence_folds else ""),
        f"mean macro-F1 {mean_f1:.3f}, mean no-event rate {none:.3f} (per fold macro-F1/no-event "
        f"{per_fold}); held-out non-event folds producing an event {false_mean:.3f}; "
        f"{len(events)} event sentences for the detector; {len(pooled.gold)} sentences, "
        f"{seconds:.1f} s",
        details=text,
    )
    return 0


class HeldOutTyper:
    """The answers a sentence model trained without one fold gave for that fold's texts; a
    sentence the coder cut out of a longer text takes that text's answer. Sentences outside the
    fold's PLV texts (the held-out non-event sentences) get no answer, so the type model decides
    them alone: the sentence model only types, it never decides whether there is an event."""

    def __init__(self, texts: list[str], probabilities, labels: list[str]) -> None:
        self.rows = {text.strip(): row for text, row in zip(texts, probabilities, strict=True)}
        self.labels = labels

    def label_probabilities(self, sentences) -> list[dict[str, float] | None]:
        rows = [self._row(text) for text in sentences]
        return [None if row is None else dict(zip(self.labels, map(float, row), strict=True))
                for row in rows]

    def _row(self, sentence: str):
        sentence = sentence.strip()
        if sentence in self.rows:
            return self.rows[sentence]
        return next((row for text, row in self.rows.items() if sentence in text), None)


def held_out_typers(directory: Path, seed: int, folds: int) -> list[HeldOutTyper]:
    import json

    from encoder_cv import fold_probabilities

    data = json.loads((directory / "data.json").read_text(encoding="utf-8"))
    labels = sorted(set(data["labels"]))
    assigned = data["folds"][str(seed)]
    if len(assigned) != folds:
        raise SystemExit(f"{directory} holds {len(assigned)} folds, not {folds}")
    return [HeldOutTyper([data["texts"][i] for i in test],
                         fold_probabilities(directory, seed, fold), labels)
            for fold, test in enumerate(assigned)]


if __name__ == "__main__":
    sys.exit(main())
