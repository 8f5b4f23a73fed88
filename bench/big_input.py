"""Code one very large plain-text file and record wall time and peak memory.

Writes a text file of the requested size (default 50 MB) from invented news paragraphs, runs
`accord code` on it in a subprocess (the file is streamed and cut into chunks of
`--max-chars`), and appends the time, the number of chunks and events, and the subprocess's
peak RSS to docs/benchmarks.md.

    .venv/bin/python bench/big_input.py [--megabytes 50] [--max-chars N]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from accord.readers import DEFAULT_MAX_CHARS
from bench_record import record_benchmark

STATES = ["Kenya", "Ghana", "Peru", "Chile", "Norway", "Japan", "Vietnam", "Egypt", "Jordan",
          "Poland", "Mongolia", "Nepal", "Uruguay", "Tunisia", "Finland", "Malaysia"]
PARAGRAPHS = [
    "The foreign minister of {a} met his counterpart from {b} on Tuesday to discuss trade and "
    "border security, officials said.",
    "{a} accused {b} of violating a ceasefire along their shared border and demanded an "
    "explanation.",
    "Thousands of people marched through the capital of {a} to protest against rising food "
    "prices.",
    "The government of {a} said it would send medical supplies to {b} after the floods.",
    "Analysts said the talks between {a} and {b} were unlikely to produce an agreement before "
    "the end of the year.",
    "Police in {a} arrested several opposition activists ahead of the election, a rights group "
    "said.",
    "{a} and {b} signed an agreement to expand cooperation in energy and agriculture.",
    "The weather remained mild for most of the week, and markets closed slightly higher.",
]


def write_big_text(path: Path, megabytes: int, seed: int = 9) -> int:
    """Write about `megabytes` MB of paragraphs separated by blank lines; return the size."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < target:
            a, b = rng.sample(STATES, 2)
            paragraph = rng.choice(PARAGRAPHS).format(a=a, b=b) + "\n\n"
            handle.write(paragraph)
            written += len(paragraph.encode("utf-8"))
    return written


def run(megabytes: int, max_chars: int) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.txt"
        size = write_big_text(big, megabytes)
        out, rejects = Path(folder) / "events.jsonl", Path(folder) / "rejects.jsonl"
        command = [sys.executable, "-m", "accord.cli", "code", str(big), "--out", str(out),
                   "--rejects", str(rejects), "--max-chars", str(max_chars)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with out.open(encoding="utf-8") as handle:
            events = sum(1 for _ in handle)
        summary = (f"{size / 1e6:.1f} MB text, exit {done.returncode}, {events:,} events, "
                   f"{seconds:.0f} s ({size / 1e6 / seconds * 60:.2f} MB/min), "
                   f"peak RSS {peak_mb:,.0f} MB; stderr tail: {done.stderr.strip()[-160:]}")
    return seconds, peak_mb, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    args = parser.parse_args()
    _seconds, _peak, summary = run(args.megabytes, args.max_chars)
    print(summary)
    record_benchmark(
        f"Big input: one {args.megabytes} MB text file, chunked at {args.max_chars:,} chars",
        f".venv/bin/python bench/big_input.py --megabytes {args.megabytes} "
        f"--max-chars {args.max_chars}",
        summary,
    )


if __name__ == "__main__":
    main()
