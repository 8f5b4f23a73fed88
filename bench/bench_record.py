"""Append a measured figure, with date, machine and command, to docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Every figure here was produced by the command shown beside it, on the machine named, and
appended by that command. Newer entries are at the bottom.
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    return f"{platform.node() or 'host'}: {os.cpu_count()} cores, {cpu}, Python {python}"


def record_benchmark(name: str, command: str, summary: str, details: str = "") -> None:
    if not BENCHMARKS.exists():
        BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
        BENCHMARKS.write_text(HEADER, encoding="utf-8")
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    entry = [f"\n## {name}", f"- date: {stamp}", f"- machine: {machine()}",
             f"- command: `{command}`", f"- result: {summary}"]
    if details:
        entry += ["", "```", details, "```"]
    with BENCHMARKS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(entry) + "\n")
