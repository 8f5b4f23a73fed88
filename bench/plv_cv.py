"""5-fold cross-validation of accord's event typing on PLV sentences, recorded in
docs/benchmarks.md.

Usage: .venv/bin/python bench/plv_cv.py [PATH] [--seed N] [--marked] [--profile fast|accurate]
(default PATH ../shared/data/plv/PLV_train.tsv)

For each fold the event-type model is trained on the other four folds (plus accord's authored
examples, which are never scored) and scores the held-out fold from the raw sentence. The
trigger lexicon is fixed knowledge and is the same in every fold. CONCEDE and RETREAT are scored
as PLV's older label YIELD.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from accord import __version__, classify, evaluate, gold, training
from bench_record import record_benchmark

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "plv" / "PLV_train.tsv"
FOLDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--seed", type=int, default=classify.DEFAULT_SEED)
    parser.add_argument("--marked", action="store_true")
    parser.add_argument("--profile", choices=classify.PROFILES, default=classify.FAST)
    args = parser.parse_args()
    path = Path(args.path)
    if not path.is_file():
        print(f"no PLV file at {path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    items = gold.read_plv(path, marked=args.marked)
    authored = gold.read_authored(training.AUTHORED_PATH)
    folds, pooled = evaluate.cross_validate(items, FOLDS, args.seed, evaluate.PLV_LABELS,
                                            authored, args.profile)
    seconds = time.perf_counter() - started
    kind = ("marked" if args.marked else "raw") + f" sentences, {args.profile} profile"
    table = evaluate.fold_report(folds)
    text = table + "\n\n" + evaluate.report(
        pooled, f"accord {__version__}, PLV {kind}, {FOLDS}-fold CV pooled: {path.name}")
    print(text)
    mean_f1 = sum(f.scores.macro_f1 for f in folds) / len(folds)
    mean_accuracy = sum(f.scores.accuracy for f in folds) / len(folds)
    per_fold = ", ".join(f"{f.scores.macro_f1:.3f}" for f in folds)
    verdict = "meets" if mean_f1 >= 0.80 else "does not meet"
    print(f"\nmean macro-F1 {mean_f1:.3f} ({verdict} the 0.80 target) in {seconds:.1f} s")
    flags = (" --marked" if args.marked else "") + f" --seed {args.seed} --profile {args.profile}"
    record_benchmark(
        f"PLV event type, {FOLDS}-fold CV ({kind}, rules + model)",
        f".venv/bin/python bench/plv_cv.py {path}{flags}",
        f"mean accuracy {mean_accuracy:.3f}, mean macro-F1 {mean_f1:.3f} (per fold {per_fold}; "
        f"pooled macro-F1 {pooled.macro_f1:.3f}, expected calibration error "
        f"{pooled.calibration_error():.3f}); {verdict} the 0.80 target; "
        f"{len(pooled.gold)} sentences, {seconds:.1f} s",
        details=text,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
