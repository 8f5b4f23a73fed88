"""Helpers for tests that run accord as real processes: the CLI, a server, its HTTP API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def accord_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "accord.cli", *map(str, args)]


def environment(**extra: str) -> dict[str, str]:
    paths = [str(SRC), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path), **extra}


def run_accord(*args: str | Path, timeout: float = 180, **extra_env: str
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(accord_command(*args), capture_output=True, text=True,
                          env=environment(**extra_env), timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str, timeout: float = 30) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@contextmanager
def serving(db: Path, startup: float = 60) -> Iterator[str]:
    """`accord serve --db db` in a process of its own; yields its base URL, stops it after."""
    port = free_port()
    server = subprocess.Popen(accord_command("serve", "--db", db, "--port", str(port)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=environment())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                get_json(f"{base}/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {server.stderr.read()}"
                                         ) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()


def write_report(folder: Path, name: str, day: str, dateline: str, sentence: str) -> Path:
    """One wire report in accord's text format."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f" date {day} {name}\n\n{dateline} (Xinhua) -- {sentence}\n",
                    encoding="utf-8")
    return path
