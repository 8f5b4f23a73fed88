"""5-fold cross-validation of the event-place model on the event-location data set.

    .venv/bin/python bench/event_location_cv.py ../shared/data/event_location/train.jsonl

Given each item's gold verb, the model chooses its place among the sentence's place mentions, or
none; accuracy is defined in event_location_model.py (and docs/benchmarks.md). Folds are fixed by
a seeded shuffle; each fold's model sees only the other four folds. The errors are broken down
by kind over all folds. Appends the figures to docs/benchmarks.md unless --no-record.
"""

from __future__ import annotations

import os

# One BLAS thread: on a loaded two-core machine the optimiser's threads fight each other
# (a fold's fit took 80 s with the default threads, 6 s with one).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from event_location_data import build_examples, parse_items, read_items  # noqa: E402
from event_location_model import accuracy, fit, is_correct  # noqa: E402

FOLDS = 5
SEED = 0


def folds_of(count: int) -> list[list[int]]:
    order = list(range(count))
    random.Random(SEED).shuffle(order)
    return [order[fold::FOLDS] for fold in range(FOLDS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="event-location JSONL (text, verb, event_locations)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"error: {args.path}: no such file", file=sys.stderr)
        return 2
    started = time.perf_counter()
    items = read_items(args.path)
    examples = build_examples(items, parse_items(items, args.path))
    lines = []
    scores = []
    kinds: Counter[str] = Counter()
    for fold, test_ids in enumerate(folds_of(len(examples))):
        held = set(test_ids)
        train = [e for i, e in enumerate(examples) if i not in held]
        test = [examples[i] for i in test_ids]
        model = fit(train)
        score = accuracy(model, test)
        scores.append(score)
        kinds.update(_outcome(e, model.choose(e)) for e in test)
        with_gold = [e for e in test if e.item.gold]
        without = [e for e in test if not e.item.gold]
        lines.append(f"fold {fold}: accuracy {score:.3f} (items {len(test)}; with gold place "
                     f"{_share(model, with_gold):.3f} of {len(with_gold)}; without "
                     f"{_share(model, without):.3f} of {len(without)}; "
                     f"{len(model.weights)} weights)")
    reachable = sum(1 for e in examples if not e.item.gold or any(e.labels)) / len(examples)
    mean = sum(scores) / len(scores)
    lines.append("outcomes over all folds: " + "; ".join(f"{kind} {count}" for kind, count
                                                          in sorted(kinds.items())))
    lines.append(f"mean accuracy {mean:.3f} (min {min(scores):.3f}); ceiling with the tagger's "
                 f"mentions {reachable:.3f}; {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))
    if not args.no_record:
        _record(args.path, lines)
    return 0


def _share(model, examples) -> float:
    return sum(is_correct(e, model.choose(e)) for e in examples) / max(len(examples), 1)


def _outcome(example, chosen: int | None) -> str:
    """Right or the kind of error: the kinds a better model, or a better tagger, would fix."""
    gold = example.item.gold
    if is_correct(example, chosen):
        if not gold or chosen is None:
            return "right (none)"
        golds = {example.item.text[start:end].strip() for start, end in gold}
        exact = example.mentions[chosen].strip() in golds
        return "right (same text)" if exact else "right (overlapping text)"
    if not gold:
        return "wrong: place chosen, gold none"
    if not any(example.labels):
        return "wrong: gold place not among the mentions"
    return "wrong: none chosen, gold place" if chosen is None else "wrong: another mention"


def _record(path: str, lines: list[str]) -> None:
    from bench_record import record_benchmark

    record_benchmark("Event location: 5-fold CV of the place choice",
                     f".venv/bin/python bench/event_location_cv.py {path}", lines[-1],
                     "\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
