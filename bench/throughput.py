"""Throughput of the full pipeline against the bare spaCy pass over the same text, in one run.

Usage: .venv/bin/python bench/throughput.py [N_ARTICLES]   (default 2000)
       .venv/bin/python bench/throughput.py --flatness [SMALL LARGE]   (default 2000 20000)

(a) bare spaCy: the packaged en_core_web_sm pipeline over the article texts (nlp.pipe);
(b) accord: read the files, parse, code, write JSONL, in one process, default (fast) profile;
(b') the same with `--profile accurate` (adds the E5 embedding and the fine-tuned sentence model);
(c) accord on a local pool of 2 processes (accord.scale.code_parallel);
(d) accord on Dask, a LocalCluster of 1 and of 2 worker processes with one thread each.
(c) and (d) are timed from warm workers (model loaded); their start-up is reported apart. Peak
RSS per worker is measured inside each worker. Also reports the share of (b) spent loading and
querying the gazetteer (`where`), and the load average of the machine before and after.
`--flatness` codes SMALL and then LARGE articles on fresh 2-worker Dask clusters and compares
the workers' peak RSS. Figures are appended to docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy

from accord import scale, where
from accord.encoder import load_encoder
from accord.nlp import MODEL_NAME
from accord.pipeline import code_articles
from accord.readers import read_inputs
from bench_record import record_benchmark
from corpus import write_corpus


def bare_spacy(texts: list[str]) -> tuple[float, int]:
    nlp = spacy.load(MODEL_NAME)
    started = time.perf_counter()
    sentences = sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=32))
    return time.perf_counter() - started, sentences


class WhereTimer:
    """Wraps the gazetteer entry points the pipeline calls and adds up their time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0  # where's functions call each other: count only the outermost call
        for name in ("locate_event", "resolve_dateline", "gazetteer"):
            self._wrap(name)

    def _wrap(self, name: str) -> None:
        import accord.pipeline as pipeline

        original = getattr(where, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            self.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.seconds += time.perf_counter() - started

        setattr(where, name, timed)
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed)


def full_pipeline(folder: Path, out: Path, profile: str = "fast") -> tuple[float, int, float]:
    timer = WhereTimer()
    if profile == "accurate":
        load_encoder()  # loading is start-up, as spaCy's is for (a)
    started = time.perf_counter()
    events = 0
    with out.open("w", encoding="utf-8") as handle:
        for item in code_articles(read_inputs([str(folder)]), profile=profile):
            if isinstance(item, tuple):
                for record in item[1]:
                    handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
                events += len(item[1])
    return time.perf_counter() - started, events, timer.seconds


def write_events(outcomes, out: Path) -> int:
    events = 0
    with out.open("w", encoding="utf-8") as handle:
        for item in outcomes:
            if isinstance(item, tuple):
                for record in item[1]:
                    handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
                events += len(item[1])
    return events


class Run:
    """One parallel measurement: start-up, coding time from warm workers, per-worker memory."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.startup = 0.0
        self.seconds = 0.0
        self.events = 0
        self.stats = scale.RunStats()

    def peak_mb(self) -> float:
        return max(self.stats.worker_peak_mb.values(), default=0.0)

    def workers_mb(self) -> str:
        return ", ".join(f"{peak:.0f}" for peak in sorted(self.stats.worker_peak_mb.values()))


def _pause_and_name() -> str:
    time.sleep(0.2)
    return scale.worker_name()


def wait_for_pool(pool, workers: int, limit: float = 180.0) -> None:
    """Return once every process of the pool has started and warmed up (answered a task)."""
    seen: set[str] = set()
    deadline = time.perf_counter() + limit
    while len(seen) < workers and time.perf_counter() < deadline:
        futures = [pool.submit(_pause_and_name) for _ in range(workers * 2)]
        seen.update(future.result() for future in futures)


def pool_run(folder: Path, out: Path, workers: int) -> Run:
    run = Run(f"(c) local pool, {workers} processes")
    started = time.perf_counter()
    with scale.process_pool(workers) as pool:
        wait_for_pool(pool, workers)
        run.startup = time.perf_counter() - started
        started = time.perf_counter()
        outcomes = scale.code_on_pool(read_inputs([str(folder)]), pool, workers,
                                      stats=run.stats)
        run.events = write_events(outcomes, out)
        run.seconds = time.perf_counter() - started
    return run


def dask_run(folder: Path, out: Path, workers: int) -> Run:
    run = Run(f"(d) Dask LocalCluster, {workers} worker(s)")
    started = time.perf_counter()
    with scale.dask_client(workers=workers) as client:
        scale.warm_up_dask(client)
        run.startup = time.perf_counter() - started
        started = time.perf_counter()
        outcomes = scale.code_on_dask(read_inputs([str(folder)]), client, stats=run.stats)
        run.events = write_events(outcomes, out)
        run.seconds = time.perf_counter() - started
    return run


def describe(run: Run, sentences: int, count: int, spacy_seconds: float) -> str:
    return (f"{run.label}: {run.seconds:.1f} s (+{run.startup:.1f} s start-up), "
            f"{sentences / run.seconds:.0f} sentences/s, {count / run.seconds:.1f} articles/s, "
            f"{run.events} events, ratio to (a) {spacy_seconds / run.seconds:.2f}, "
            f"peak RSS per worker {run.workers_mb()} MB")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def throughput(count: int) -> int:
    load_before = load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        paths = write_corpus(folder, count)
        texts = [path.read_text(encoding="utf-8") for path in paths]
        words = sum(len(text.split()) for text in texts)
        spacy_seconds, sentences = bare_spacy(texts)
        del texts
        accord_seconds, events, where_seconds = full_pipeline(folder, Path(tmp) / "out.jsonl")
        single_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        accurate_seconds, accurate_events, _ = full_pipeline(
            folder, Path(tmp) / "accurate.jsonl", "accurate")
        pool = pool_run(folder, Path(tmp) / "pool.jsonl", 2)
        dask_one = dask_run(folder, Path(tmp) / "dask1.jsonl", 1)
        dask_two = dask_run(folder, Path(tmp) / "dask2.jsonl", 2)
    speedup = dask_one.seconds / dask_two.seconds
    ratio_b = spacy_seconds / accord_seconds
    ratio_accurate = spacy_seconds / accurate_seconds
    peak = max(run.peak_mb() for run in (pool, dask_one, dask_two))
    lines = [
        f"corpus: {count} generated articles, {sentences} sentences, {words} words",
        f"load average (1, 5, 15 min) before: {load_before}, after: {load()}",
        f"(a) bare spaCy pass: {spacy_seconds:.1f} s, {sentences / spacy_seconds:.0f} sentences/s, "
        f"{count / spacy_seconds:.1f} articles/s",
        f"(b) accord full pipeline (read, parse, code, write JSONL): {accord_seconds:.1f} s, "
        f"{sentences / accord_seconds:.0f} sentences/s, {count / accord_seconds:.1f} articles/s, "
        f"{events} events, ratio to (a) {ratio_b:.2f}",
        f"(b') accord full pipeline, accurate profile: {accurate_seconds:.1f} s, "
        f"{sentences / accurate_seconds:.0f} sentences/s, {accurate_events} events, "
        f"ratio to (a) {ratio_accurate:.2f}",
        f"gazetteer load + lookups: {where_seconds:.2f} s = "
        f"{100 * where_seconds / accord_seconds:.1f}% of (b)",
        f"peak RSS of the process after (a) and (b): {single_peak_mb:.0f} MB",
        describe(pool, sentences, count, spacy_seconds),
        describe(dask_one, sentences, count, spacy_seconds),
        describe(dask_two, sentences, count, spacy_seconds),
        f"Dask 2 workers / 1 worker: {speedup:.2f}x",
        f"target (b) >= 0.6x (a): {verdict(ratio_b >= 0.6)}; (b) >= 150 sentences/s: "
        f"{verdict(sentences / accord_seconds >= 150)}; Dask 2/1 >= 1.8x: "
        f"{verdict(speedup >= 1.8)}; peak RSS per worker <= 1.5 GB: {verdict(peak <= 1536)}",
        f"same events everywhere: {events == pool.events == dask_one.events == dask_two.events}",
    ]
    print("\n".join(lines))
    record_benchmark(
        "Throughput: bare spaCy, one process, local pool, Dask 1 and 2 workers",
        f".venv/bin/python bench/throughput.py {count}",
        f"(b) fast profile {sentences / accord_seconds:.0f} sentences/s = {ratio_b:.2f}x (a) "
        f"{sentences / spacy_seconds:.0f} sentences/s; (b') accurate profile "
        f"{sentences / accurate_seconds:.0f} sentences/s = {ratio_accurate:.2f}x (a); "
        f"(c) pool 2 processes/(a) {spacy_seconds / pool.seconds:.2f}, "
        f"Dask 2/1 workers {speedup:.2f}x, peak RSS per worker {peak:.0f} MB, "
        f"load average before/after {load_before} / {load()}",
        details="\n".join(lines),
    )
    return 0


def flatness(small: int, large: int) -> int:
    load_before = load()
    runs = []
    for count in (small, large):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(folder, count)
            run = dask_run(folder, Path(tmp) / "out.jsonl", 2)
        print(f"{count} articles: {run.seconds:.1f} s, {count / run.seconds:.1f} articles/s, "
              f"peak RSS per worker {run.workers_mb()} MB", flush=True)
        runs.append(run)
    growth = runs[1].peak_mb() / runs[0].peak_mb() - 1
    lines = [
        f"load average (1, 5, 15 min) before: {load_before}, after: {load()}",
        *(f"{count} articles on Dask, 2 workers: {run.seconds:.1f} s, "
          f"{count / run.seconds:.1f} articles/s, {run.stats.partitions} partitions, "
          f"peak RSS per worker {run.workers_mb()} MB"
          for count, run in zip((small, large), runs, strict=True)),
        f"highest worker peak, {large} vs {small} articles: {100 * growth:+.1f}% "
        f"(target within 10%: {verdict(abs(growth) <= 0.10)})",
    ]
    print("\n".join(lines))
    record_benchmark(
        "Memory flatness: Dask worker peak RSS, small vs large run",
        f".venv/bin/python bench/throughput.py --flatness {small} {large}",
        f"highest worker peak {runs[0].peak_mb():.0f} MB at {small} articles, "
        f"{runs[1].peak_mb():.0f} MB at {large} ({100 * growth:+.1f}%)",
        details="\n".join(lines),
    )
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--flatness"]:
        sizes = [int(value) for value in argv[1:3]] or [2000, 20000]
        return flatness(*sizes)
    return throughput(int(argv[0]) if argv else 2000)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
