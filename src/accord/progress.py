"""How far a long coding run has got, shown on stderr while it runs.

Owns the one progress display every engine (one process, a process pool, Dask) and `recode`
report through: articles done out of the total when it is known, events, rejects, rate and time
left. On a terminal it is a tqdm bar rewritten in place; in a log (stderr not a terminal) it is
a plain line now and then, with no escape codes; quiet, it prints nothing. Also owns the cheap
estimate of how many articles the inputs hold, so the display has a total before coding starts.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from accord.model import Reject

if TYPE_CHECKING:
    from accord.readers import ReadOptions

# A log gets a line at most this often, and none for runs shorter than the first interval.
LOG_EVERY_SECONDS = 30.0
# Files up to this size have their lines counted exactly; above, counted in a sample and scaled,
# so a huge input is not read twice before coding starts.
COUNT_EXACTLY_BYTES = 64 * 1024 * 1024
_SAMPLE_BYTES = 4 * 1024 * 1024
_BLOCK_BYTES = 1024 * 1024

Outcome = TypeVar("Outcome")


class RunProgress:
    """Counts of a run and their display; `advance` after each article or reject."""

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None,
                 quiet: bool = False, clock: Callable[[], float] = time.monotonic,
                 log_every: float = LOG_EVERY_SECONDS) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.clock = clock
        self.log_every = log_every
        self.articles = self.events = self.rejected = 0
        self.started = clock()
        self.last_logged = self.started
        self._bar: Any = None
        self.terminal = not quiet and _is_terminal(self.stream)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def set_total(self, total: int | None) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def advance(self, articles: int = 0, events: int = 0, rejected: int = 0) -> None:
        if self.terminal and self._bar is None:
            self._open_bar()  # shows 0 done before this first advance
        self.articles += articles
        self.events += events
        self.rejected += rejected
        if self.quiet:
            return
        if self.terminal:
            self._show_bar(articles + rejected)
        elif self.clock() - self.last_logged >= self.log_every:
            self.last_logged = self.clock()
            self.stream.write(self.log_line() + "\n")
            self.stream.flush()

    def note(self, message: str) -> None:
        """A line for the user (a reject, say), written above the bar when one is shown."""
        if self._bar is not None:
            self._bar.write(message, file=self.stream)
        else:
            self.stream.write(message + "\n")
            self.stream.flush()

    def log_line(self) -> str:
        """The plain status line a log gets: counts, rate and, with a total, time left."""
        elapsed = max(self.clock() - self.started, 1e-9)
        done = self.articles + self.rejected
        rate = done / elapsed
        of_total = f"/{self.total:,}" if self.total else ""
        line = (f"accord: {self.label}: {done:,}{of_total} article(s), {self.events:,} event(s), "
                f"{self.rejected:,} rejected, {rate:.1f}/s")
        if self.total and rate > 0 and done < self.total:
            line += f", about {_duration((self.total - done) / rate)} left"
        return line

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()  # the final counts, however recent the last redraw
            self._bar.close()
            self._bar = None

    def _open_bar(self) -> None:
        from tqdm import tqdm

        # leave=False: the command's own summary line replaces the bar when the run ends.
        self._bar = tqdm(total=self.total, desc=f"accord: {self.label}", unit=" article",
                         file=self.stream, leave=False, dynamic_ncols=True, mininterval=0.5,
                         smoothing=0.1, postfix=self._counts())

    def _show_bar(self, done: int) -> None:
        self._bar.set_postfix_str(self._counts(), refresh=False)
        self._bar.update(done)

    def _counts(self) -> str:
        return f"{self.events:,} events, {self.rejected:,} rejected"


def tracked(outcomes: Iterable[Outcome], progress: RunProgress | None) -> Iterator[Outcome]:
    """Pass a stream of coded articles (`(article, events)`) and rejects through, counting
    them; the display is the caller's to close (one display may count several streams)."""
    if progress is None:
        yield from outcomes
        return
    for outcome in outcomes:
        if isinstance(outcome, Reject):
            progress.advance(rejected=1)
        else:
            progress.advance(articles=1, events=len(outcome[1]))  # type: ignore[index]
        yield outcome


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or file-like stream without a terminal
        return False


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# ---------------------------------------------------------------- knowing the total


def estimate_inputs(inputs: Sequence[str], options: ReadOptions) -> int | None:
    """About how many articles (or rejects) reading `inputs` gives; None when it cannot be
    known without reading them (stdin, a JSON array).

    Folders count their readable files, JSON lines and CSV files their lines, a text longer
    than the size limit the chunks it will be cut into."""
    from accord.readers import readable_files

    total = 0
    for given in inputs:
        path = Path(given)
        if given == "-":
            return None
        files = [Path(name) for name in readable_files(given)] if path.is_dir() else [path]
        for file in files:
            count = _file_estimate(file, options)
            if count is None:
                return None
            total += count
    return total


def _file_estimate(path: Path, options: ReadOptions) -> int | None:
    try:
        size = path.stat().st_size
    except OSError:
        return 1  # it becomes one reject
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".json"}:
        return None if _starts_with(path, b"[") else max(1, _line_count(path, size))
    if suffix == ".csv":
        return max(1, _line_count(path, size) - 1)  # less the header
    if suffix in {".html", ".htm"} or options.oversize != "chunk":
        return 1
    return max(1, math.ceil(size / options.max_chars))


def _starts_with(path: Path, prefix: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(4096).lstrip().lstrip(b"\xef\xbb\xbf").startswith(prefix)


def _line_count(path: Path, size: int) -> int:
    """Lines in a file: counted exactly up to COUNT_EXACTLY_BYTES, else scaled from a sample."""
    limit = size if size <= COUNT_EXACTLY_BYTES else _SAMPLE_BYTES
    lines = read = 0
    last = b"\n"
    with path.open("rb") as handle:
        while read < limit and (block := handle.read(min(_BLOCK_BYTES, limit - read))):
            lines += block.count(b"\n")
            read += len(block)
            last = block[-1:]
    if read < size:
        return round(lines * size / max(read, 1))
    return lines + (last != b"\n")
