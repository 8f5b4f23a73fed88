"""Time one store shared by `accord serve` and a writer: how long the writer waits for its
turn, how long it holds the file, and what the API's clients see meanwhile.

A server runs as its own process over a 100k-event store (api_bench's generator); client
threads ask `/events` without pause, first alone, then while a writer process stores batches
of 64 articles (3 events each), pausing between batches as a coder would. Run:

    .venv/bin/python bench/store_share_bench.py [--events 100000] [--db PATH to keep/reuse]
                                                [--batches 20] [--clients 4] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # before accord
sys.path.insert(0, str(ROOT / "bench"))

from bench_record import record_benchmark  # noqa: E402

# The writer: opens the store per batch exactly as `accord code --db` does, and says how long
# it waited for the file and how long it held it.
WRITER = """
import json, sys, time, uuid
from datetime import date
from accord.model import Actor, Article, EventRecord
from accord.store import Store

db, batches, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def party(code):
    return [Actor(code=code, sector="GOV", entity_text=code)]

for number in range(batches):
    items = []
    for n in range(64):
        doc = f"bench-{uuid.uuid4().hex[:12]}"
        text = f"{doc}: Kyrgyzstan and China held talks in Bishkek on Monday."
        events = [EventRecord(id=f"{doc}-{k}", doc_id=doc, date="2024-05-16",
                              actor=party("KGZ"), recipient=party("CHN"), event="CONSULT",
                              quad_code=1, plover_score=2.0, goldstein=1.0)
                  for k in range(3)]
        items.append((Article(id=doc, text=text, pub_date=date(2024, 5, 17)), events))
    asked = time.monotonic()
    with Store(db) as store:
        opened = time.monotonic()
        store.add_batch(items, coder_version="bench")
    print(json.dumps({"wait": opened - asked, "hold": time.monotonic() - opened}), flush=True)
    time.sleep(pause)
"""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


class Clients:
    """Threads asking `/events` without pause; latencies and statuses of every answer."""

    def __init__(self, base: str, count: int) -> None:
        self.base = base
        self.answers: list[tuple[int, float]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._ask) for _ in range(count)]

    def _ask(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{self.base}/events?limit=50", timeout=60) as reply:
                    reply.read()
                    status = reply.status
            except urllib.error.HTTPError as error:
                status = error.code
            self.answers.append((status, time.monotonic() - started))

    def run_while(self, work: callable) -> list[tuple[int, float]]:
        self.answers, self.stop = [], threading.Event()
        self.threads = [threading.Thread(target=self._ask) for _ in self.threads]
        for thread in self.threads:
            thread.start()
        try:
            work()
        finally:
            self.stop.set()
            for thread in self.threads:
                thread.join()
        return self.answers


def latency_line(label: str, answers: list[tuple[int, float]]) -> str:
    times = sorted(seconds for _, seconds in answers)
    failed = sum(status != 200 for status, _ in answers)
    p95 = times[int(len(times) * 0.95)] if times else float("nan")
    return (f"{label:<26} {len(times):>5} requests  median {statistics.median(times) * 1000:6.1f}"
            f" ms  p95 {p95 * 1000:6.1f} ms  slowest {times[-1] * 1000:7.1f} ms  "
            f"not 200: {failed}")


def serve(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "accord.cli", "serve", "--db", str(db),
                               "--port", str(port)], env=environment(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", help="keep the generated store here, or reuse it if present")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between batches")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "share_bench.duckdb"
        if not path.exists():
            from api_bench import build_store

            build_store(path, args.events)
        port = free_port()
        server = serve(path, port)
        try:
            clients = Clients(f"http://127.0.0.1:{port}", args.clients)
            alone = clients.run_while(lambda: time.sleep(5))
            writes: list[dict] = []

            def write() -> None:
                writer = subprocess.run(
                    [sys.executable, "-c", WRITER, str(path), str(args.batches), str(args.pause)],
                    capture_output=True, text=True, env=environment(), check=True)
                writes.extend(json.loads(line) for line in writer.stdout.splitlines())

            shared = clients.run_while(write)
        finally:
            server.terminate()
            server.wait(timeout=30)
    waits = sorted(w["wait"] for w in writes)
    holds = sorted(w["hold"] for w in writes)
    lines = [
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        f"writer: {len(writes)} batches of 64 articles; wait for the file median "
        f"{statistics.median(waits) * 1000:.0f} ms, slowest {waits[-1] * 1000:.0f} ms; held "
        f"median {statistics.median(holds) * 1000:.0f} ms, slowest {holds[-1] * 1000:.0f} ms",
        latency_line(f"/events, {args.clients} clients alone", alone),
        latency_line("/events, while writing", shared),
    ]
    print("\n".join(lines))
    ok = len(writes) == args.batches and all(status == 200 for status, _ in alone + shared)
    if not args.no_record:
        record_benchmark(
            "Store shared by the server and a writer",
            f"python bench/store_share_bench.py --events {args.events} --batches "
            f"{args.batches} --clients {args.clients}",
            f"a writer waited at most {waits[-1] * 1000:.0f} ms for the served store "
            f"(median {statistics.median(waits) * 1000:.0f} ms); every API request answered "
            f"200: {'yes' if ok else 'NO'}",
            "\n".join(lines),
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
