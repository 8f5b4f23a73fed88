"""Who did what to whom, end to end: score the primary record's type, actor and recipient
against PLOVER records, and record the figures in docs/benchmarks.md.

Usage: .venv/bin/python bench/roles_eval.py [PATH ...] [--profile fast|accurate]
(default: tests/data/plover_roles_heldout.jsonl and tests/data/plover_roles_dev.jsonl)

Each text is coded by the whole coder with the shipped models; its most confident record is
the answer. Actor and recipient are right when they share a code with the gold's, or both have
none (see accord.evaluate.check_roles). Read tests/data/README_plover_roles.md before using the
held-out set for anything but scoring.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from accord import __version__, classify, evaluate, gold
from bench_record import record_benchmark

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULTS = [DATA / "plover_roles_heldout.jsonl", DATA / "plover_roles_dev.jsonl"]


def score(path: Path, profile: str) -> tuple[str, str]:
    items = list(gold.read_plover_json(path))
    started = time.perf_counter()
    scores = evaluate.score_end_to_end(evaluate.parse_items(items, profile),
                                       classify.load_models(profile), profile=profile)
    seconds = time.perf_counter() - started
    text = evaluate.report(scores, f"accord {__version__} ({profile} profile) on {path.name}")
    lines = evaluate.role_report(scores)
    summary = (f"{path.name}: type accuracy {scores.accuracy:.3f}, macro-F1 "
               f"{scores.macro_f1:.3f}; " + "; ".join(line for line in lines if line)
               + f" ({len(items)} texts, {seconds:.1f} s)")
    return summary, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULTS)
    parser.add_argument("--profile", choices=[classify.FAST, classify.ACCURATE],
                        default=classify.FAST)
    args = parser.parse_args(argv)
    for path in args.paths:
        if not path.is_file():
            print(f"no gold file at {path}", file=sys.stderr)
            return 2
    summaries, texts = zip(*(score(path, args.profile) for path in args.paths), strict=True)
    for text in texts:
        print(text + "\n")
    command = " ".join([".venv/bin/python bench/roles_eval.py",
                        *(str(p) for p in args.paths if args.paths != DEFAULTS),
                        f"--profile {args.profile}"])
    record_benchmark("Who did what to whom: type, actor and recipient of the primary record",
                     command, " | ".join(summaries), details="\n\n".join(texts))
    print("\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
