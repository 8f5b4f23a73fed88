"""Throughput of the full pipeline against the bare spaCy pass over the same text, in one run.

Usage: .venv/bin/python bench/throughput.py [N_ARTICLES]   (default 2000)

(a) bare spaCy: the packaged en_core_web_sm pipeline over the article texts (nlp.pipe);
(b) accord: read the files, parse, code, write JSONL, in one process.
Also reports the share of (b) spent loading and querying the gazetteer (`where`).
Figures are appended to docs/benchmarks.md.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy

from accord import where
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


def full_pipeline(folder: Path, out: Path) -> tuple[float, int, float]:
    timer = WhereTimer()
    started = time.perf_counter()
    events = 0
    with out.open("w", encoding="utf-8") as handle:
        for item in code_articles(read_inputs([str(folder)])):
            if isinstance(item, tuple):
                for record in item[1]:
                    handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
                events += len(item[1])
    return time.perf_counter() - started, events, timer.seconds


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        paths = write_corpus(folder, count)
        texts = [path.read_text(encoding="utf-8") for path in paths]
        words = sum(len(text.split()) for text in texts)
        spacy_seconds, sentences = bare_spacy(texts)
        accord_seconds, events, where_seconds = full_pipeline(folder, Path(tmp) / "out.jsonl")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"corpus: {count} generated articles, {sentences} sentences, {words} words",
        f"(a) bare spaCy pass: {spacy_seconds:.1f} s, {sentences / spacy_seconds:.0f} sentences/s, "
        f"{count / spacy_seconds:.1f} articles/s",
        f"(b) accord full pipeline (read, parse, code, write JSONL): {accord_seconds:.1f} s, "
        f"{sentences / accord_seconds:.0f} sentences/s, {count / accord_seconds:.1f} articles/s, "
        f"{events} events",
        f"ratio (b)/(a) throughput: {spacy_seconds / accord_seconds:.2f}",
        f"gazetteer load + lookups: {where_seconds:.2f} s = "
        f"{100 * where_seconds / accord_seconds:.1f}% of (b)",
        f"peak RSS of the process: {peak_mb:.0f} MB",
    ]
    print("\n".join(lines))
    record_benchmark(
        "Throughput: full pipeline vs bare spaCy (one process)",
        f".venv/bin/python bench/throughput.py {count}",
        f"{sentences / accord_seconds:.0f} sentences/s full pipeline, ratio to bare spaCy "
        f"{spacy_seconds / accord_seconds:.2f}, "
        f"gazetteer {100 * where_seconds / accord_seconds:.1f}%",
        details="\n".join(lines),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
