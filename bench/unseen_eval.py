"""Score the patterns alone and both profiles on the sentences written after the models were
trained (tests/data/event_types_unseen.tsv); record in docs/benchmarks.md.

Usage: .venv/bin/python bench/unseen_eval.py

Unlike PLV_train, nothing was tuned on these sentences, so the gap between this figure and the
cross-validated one hints at how much of the latter is fitted to PLV's distribution. They were
written by the engineers who wrote the trigger lexicon, so they are no substitute for an
independent held-out set.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from accord import __version__, classify, evaluate, gold
from bench_record import record_benchmark

UNSEEN = Path(__file__).resolve().parents[1] / "tests" / "data" / "event_types_unseen.tsv"


def main() -> int:
    started = time.perf_counter()
    items = gold.read_authored(UNSEEN)
    summary, details = [], []
    for name, profile, use_model in (("patterns alone", classify.FAST, False),
                                     ("fast profile", classify.FAST, True),
                                     ("accurate profile", classify.ACCURATE, True)):
        coded = list(evaluate.code_items(items, profile))
        model = classify.load_model(profile) if use_model else None
        scores = evaluate.score_coded(coded, evaluate.PLV_LABELS, model, use_model)
        summary.append(f"{name}: accuracy {scores.accuracy:.3f}, macro-F1 {scores.macro_f1:.3f}")
        details.append(evaluate.report(scores, f"accord {__version__}, {name}: {UNSEEN.name}"))
    seconds = time.perf_counter() - started
    print("\n\n".join(details))
    record_benchmark(
        "Event type on sentences written after training (tests/data/event_types_unseen.tsv)",
        ".venv/bin/python bench/unseen_eval.py",
        "; ".join(summary) + f"; {len(items)} sentences, {seconds:.1f} s",
        details="\n\n".join(details),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
