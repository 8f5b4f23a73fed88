"""Score the trigger patterns alone (no trained model) on PLV sentences; record in
docs/benchmarks.md.

Usage: .venv/bin/python bench/plv_eval.py [PATH]   (default ../shared/data/plv/PLV_train.tsv)

The shipped event-type model is trained on PLV_train, so scoring it there would be in-sample;
its honest figure is the cross-validation in bench/plv_cv.py. The sentences are coded raw (no
actor/target marks). CONCEDE and RETREAT are scored as PLV's older label YIELD.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from accord import __version__, evaluate, gold
from bench_record import record_benchmark

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "plv" / "PLV_train.tsv"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"no PLV file at {path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    scores = evaluate.evaluate(gold.read_plv(path), evaluate.PLV_LABELS, use_model=False)
    seconds = time.perf_counter() - started
    title = f"accord {__version__}, trigger patterns only, PLV raw sentences: {path.name}"
    text = evaluate.report(scores, title)
    print(text)
    print(f"\n{len(scores.gold)} sentences in {seconds:.1f} s")
    record_benchmark(
        "PLV event type, trigger patterns only (raw sentences, primary event)",
        f".venv/bin/python bench/plv_eval.py {path}",
        f"accuracy {scores.accuracy:.3f}, macro-F1 {scores.macro_f1:.3f} over "
        f"{len(scores.gold)} sentences ({seconds:.1f} s)",
        details=text,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
