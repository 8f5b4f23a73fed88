"""Rebuild the shipped event-place model from the event-location data set.

    .venv/bin/python bench/event_location_train.py ../shared/data/event_location/train.jsonl

Writes src/accord/data/models/event_place.json: the feature weights of a conditional logit over
each item's mentions and "no place here" (see event_location_model.py). The data set (Andy
Halterman's, MIT) is used for training only; only the learned weights are committed.
"""

from __future__ import annotations

import os

# One BLAS thread: on a loaded two-core machine the optimiser's threads fight each other
# (a fold's fit took 80 s with the default threads, 6 s with one).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from accord.place_choice import MODEL_PATH  # noqa: E402
from event_location_data import build_examples, parse_items, read_items  # noqa: E402
from event_location_model import accuracy, fit  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="event-location JSONL (text, verb, event_locations)")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"error: {args.path}: no such file", file=sys.stderr)
        return 2
    items = read_items(args.path)
    examples = build_examples(items, parse_items(items, args.path))
    model = fit(examples)
    note = (f"event-place model: conditional logit over {len(examples)} items of the "
            "event-location data set (A. Halterman, MIT); rebuilt by bench/event_location_train.py")
    model.to_json(Path(args.out), note)
    print(f"wrote {args.out}: {len(model.weights)} features, "
          f"training accuracy {accuracy(model, examples):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
