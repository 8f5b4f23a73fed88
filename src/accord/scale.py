"""Coding on many processes: a local process pool, or Dask workers on one machine or a cluster.

Owns how the input stream is cut into partitions, where partitions are coded and how their
results come back: in input order, with only a small window of partitions in flight, so a
corpus of any size is coded in bounded memory on the client and on every worker. Each worker
process loads the spaCy pipeline once (`accord.nlp.load_pipeline` is cached per process) and
keeps it for every partition it codes. The task functions live here, in an importable module,
so Dask workers import them instead of unpickling them with every task, and their per-process
caches survive from one task to the next.

Inputs are read on the client and shipped to the workers partition by partition, so workers
need accord installed but no access to the input files. Results are written on the client too:
the store and the output files are never touched by two processes at once.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from accord.classify import FAST
from accord.model import Article, EventRecord, Reject
from accord.progress import RunProgress, tracked

Item = Article | Reject
Coded = tuple[Article, list[EventRecord]]
Outcome = Coded | Reject

ENGINES = ("local", "dask")
# A partition is a few parser batches (nlp.parse closes a batch at 32 articles / 120k chars):
# big enough that task overhead is noise, small enough to keep every worker busy.
PARTITION_ARTICLES = 64
PARTITION_CHARS = 250_000
# Partitions in flight per worker: one running, the next ones queued so no worker waits.
IN_FLIGHT_PER_WORKER = 3
# Dask workers sample their task thread's stack every 10 ms and keep an hour of those profiles:
# a few percent of the speed, and memory that grows with the length of the run.
QUIET_WORKERS = {"distributed.worker.profile.enabled": False}
# Coded only to load every lazy table (model, gazetteer, name and trigger tables) in a worker.
_WARM_UP_TEXT = "The President of France met the Prime Minister of Japan in Paris on Monday."


# ---------------------------------------------------------------- partitions and the task


def partitions(items: Iterable[Item], size: int = PARTITION_ARTICLES,
               char_budget: int = PARTITION_CHARS) -> Iterator[list[Item]]:
    """Consecutive runs of the stream, closed at `size` articles or `char_budget` characters.

    Rejects ride along in their place, so the results keep the input's order."""
    chunk: list[Item] = []
    chars = articles = 0
    for item in items:
        length = len(item.text) if isinstance(item, Article) else 0
        if articles and (articles >= size or chars + length > char_budget):
            yield chunk
            chunk, chars, articles = [], 0, 0
        chunk.append(item)
        chars += length
        articles += isinstance(item, Article)
    if chunk:
        yield chunk


@dataclass
class PartitionResult:
    """What a worker sends back for one partition, with who coded it and its memory high mark."""

    index: int
    outcomes: list[Outcome]
    worker: str
    peak_rss_mb: float
    seconds: float


def code_partition(index: int, items: list[Item], profile: str = FAST) -> PartitionResult:
    """The task: code one partition in this process, with this process's cached pipeline."""
    from accord.pipeline import code_articles

    started = time.perf_counter()
    outcomes = list(code_articles(items, profile=profile))
    return PartitionResult(index, outcomes, worker_name(), peak_rss_mb(),
                           time.perf_counter() - started)


def warm_up() -> str:
    """Load everything coding needs in this process, so the first partition is not slow."""
    from accord.nlp import load_pipeline
    from accord.pipeline import code_articles
    from accord.where import gazetteer

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker process
    load_pipeline()
    gazetteer()
    list(code_articles([Article(id="warm-up", text=_WARM_UP_TEXT)]))
    return worker_name()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def failed_partition(items: list[Item], error: BaseException) -> list[Outcome]:
    """A partition whose worker failed (crashed, killed for memory): each article is rejected."""
    reason = f"coding failed on a worker: {type(error).__name__}: {error}"
    return [item if isinstance(item, Reject) else Reject(item.origin or item.id, reason)
            for item in items]


# ---------------------------------------------------------------- running statistics


@dataclass
class RunStats:
    """Counts for the benchmarks, and each worker's peak memory."""

    articles: int = 0
    events: int = 0
    rejected: int = 0
    partitions: int = 0
    worker_peak_mb: dict[str, float] = field(default_factory=dict)

    def add(self, result: PartitionResult) -> None:
        self.partitions += 1
        for outcome in result.outcomes:
            if isinstance(outcome, Reject):
                self.rejected += 1
            else:
                self.articles += 1
                self.events += len(outcome[1])
        if result.worker:
            known = self.worker_peak_mb.get(result.worker, 0.0)
            self.worker_peak_mb[result.worker] = max(known, result.peak_rss_mb)


# ---------------------------------------------------------------- in order, bounded window


Submit = Callable[[int, list[Item]], Any]


def in_order(submit: Submit, chunks: Iterable[list[Item]], window: int
             ) -> Iterator[PartitionResult]:
    """Submit partitions, at most `window` unfinished at once; yield results in input order.

    Waiting for the oldest while the others run keeps every worker busy as long as the window
    is larger than the number of workers, and keeps the output deterministic."""
    pending: deque[tuple[int, list[Item], Any]] = deque()
    for index, chunk in enumerate(chunks):
        pending.append((index, chunk, submit(index, chunk)))
        if len(pending) >= window:
            yield _collect(*pending.popleft())
    while pending:
        yield _collect(*pending.popleft())


def _collect(index: int, chunk: list[Item], future: Any) -> PartitionResult:
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - a lost worker costs its partition, not the run
        return PartitionResult(index, failed_partition(chunk, error), "", 0.0, 0.0)


def _outcomes(results: Iterable[PartitionResult], stats: RunStats | None) -> Iterator[Outcome]:
    stats = stats if stats is not None else RunStats()
    for result in results:
        stats.add(result)
        yield from result.outcomes


# ---------------------------------------------------------------- local process pool


@contextmanager
def process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """`workers` fresh processes (spawned, so no parent state such as open stores is shared),
    each warmed up once when it starts."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def code_on_pool(items: Iterable[Item], pool: ProcessPoolExecutor, workers: int,
                 partition_size: int = PARTITION_ARTICLES, stats: RunStats | None = None,
                 profile: str = FAST) -> Iterator[Outcome]:
    def submit(index: int, chunk: list[Item]) -> Future:
        return pool.submit(code_partition, index, chunk, profile)

    chunks = partitions(items, partition_size)
    results = in_order(submit, chunks, workers * IN_FLIGHT_PER_WORKER)
    yield from _outcomes(results, stats)


def code_parallel(items: Iterable[Item], workers: int = 2,
                  partition_size: int = PARTITION_ARTICLES, stats: RunStats | None = None,
                  profile: str = FAST) -> Iterator[Outcome]:
    """Code a stream on `workers` local processes; the same outcomes, in the same order, as
    `accord.pipeline.code_articles` in one process."""
    with process_pool(workers) as pool:
        yield from code_on_pool(items, pool, workers, partition_size, stats, profile)


# ---------------------------------------------------------------- Dask


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client of the scheduler at `scheduler`, or of a local cluster of `workers` processes
    with one thread each (spaCy holds the GIL: threads would not add speed)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # ":0": any free port, so two local clusters (or a user's own on 8787) never collide.
    with dask.config.set(QUIET_WORKERS), \
            LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                         processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        yield client


def dask_worker_count(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))


def warm_up_dask(client: Any) -> list[str]:
    """Load the pipeline on every worker now; returns the workers' names."""
    return list(client.run(warm_up).values())


def code_on_dask(items: Iterable[Item], client: Any,
                 partition_size: int = PARTITION_ARTICLES, stats: RunStats | None = None,
                 profile: str = FAST) -> Iterator[Outcome]:
    """Code a stream on the Dask workers behind `client`, in input order, bounded in memory."""

    def submit(index: int, chunk: list[Item]) -> Any:
        # pure=False: two identical partitions are still two tasks (their outcomes are needed
        # in both places in the output).
        return client.submit(code_partition, index, chunk, profile, pure=False)

    window = max(4, dask_worker_count(client) * IN_FLIGHT_PER_WORKER)
    results = in_order(submit, partitions(items, partition_size), window)
    yield from _outcomes(results, stats)


# ---------------------------------------------------------------- the CLI's entry point


@contextmanager
def coded(items: Iterable[Item], engine: str = "local", workers: int | None = None,
          scheduler: str | None = None, log: TextIO | None = None,
          profile: str = FAST, progress: RunProgress | None = None
          ) -> Iterator[Iterator[Outcome]]:
    """The outcome stream for `accord code`: one process by default, a local pool when
    `workers` > 1, Dask when `engine` is "dask" (a local cluster, or `scheduler`), each typing
    events with the model of `profile` and counting what it codes on `progress`."""
    log = log or sys.stderr
    if engine == "dask":
        with dask_client(scheduler, workers) as client:
            if scheduler and not (progress and progress.quiet):
                log.write(f"accord: Dask scheduler {scheduler}, dashboard {client.dashboard_link}"
                          f", {dask_worker_count(client)} worker(s)\n")
            yield tracked(code_on_dask(items, client, profile=profile), progress)
        return
    if workers and workers > 1:
        with process_pool(workers) as pool:
            yield tracked(code_on_pool(items, pool, workers, profile=profile), progress)
        return
    from accord.pipeline import code_articles

    yield tracked(code_articles(items, profile=profile), progress)


# ---------------------------------------------------------------- partitioned Parquet


# Declared so every part file has the same schema, even one whose column happens to be all null.
_COLUMN_TYPES = {"lat": "float64", "lon": "float64", "goldstein": "float64",
                 "plover_score": "float64", "confidence": "float64", "quad_code": "int64",
                 "negated": "bool", "future": "bool", "hypothetical": "bool"}
ROWS_PER_PART = 20_000


class PartitionedParquet:
    """Events as a directory of Parquet part files, written as results arrive.

    Same interface as the CLI's EventSink (`write(records)`, a context manager); `to_row`
    flattens one record's dict into columns. Part files from an earlier run are replaced."""

    def __init__(self, out: str, to_row: Callable[[dict], dict],
                 rows_per_part: int = ROWS_PER_PART) -> None:
        self.folder = Path(out)
        self.to_row = to_row
        self.rows_per_part = rows_per_part
        self.rows: list[dict] = []
        self.parts = 0

    def __enter__(self) -> PartitionedParquet:
        if self.folder.exists() and not self.folder.is_dir():
            raise FileExistsError(f"{self.folder} is a file; --format parquet with --engine "
                                  "dask writes a directory of part files")
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("part-*.parquet"):
            stale.unlink()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.flush()

    def write(self, records: list[EventRecord]) -> None:
        self.rows.extend(self.to_row(record.to_dict()) for record in records)
        if len(self.rows) >= self.rows_per_part:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(name, pa.type_for_alias(_COLUMN_TYPES.get(name, "string")))
                            for name in self.rows[0]])
        table = pa.Table.from_pylist(self.rows, schema=schema)
        pq.write_table(table, self.folder / f"part-{self.parts:05d}.parquet")
        self.parts += 1
        self.rows = []
