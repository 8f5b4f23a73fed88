"""The towns table kept on disk: read back exactly as built, built once, and never required."""

from __future__ import annotations

import os

from accord import derived_cache, towns, where

PALMA_A = where.Candidate(101, "Palma", 12, -3.5, "MOZ", "PPL", 600, None)
PALMA_B = where.Candidate(102, "Palma", 39.5, 2.6, None, "PPL", 0, "07")
OTHER = where.Candidate(103, "Tell Abyad Village", 36.7, 38.9, "SYR", "PPL", 900, "11")


def _few_towns(key_of):
    yield key_of("palma"), PALMA_A
    yield key_of("tell abyad village"), OTHER
    yield key_of("palma"), PALMA_B


def test_a_town_read_from_the_file_equals_the_one_built_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(towns, "_keyed_towns", _few_towns)
    path = tmp_path / "towns-test.sqlite"
    towns._write(str(path), str)
    found = towns.TownFile(path, str)
    in_memory = towns.build_table(str)
    assert found.get("palma", []) == in_memory["palma"] == [PALMA_A, PALMA_B]
    # An integer latitude stays an integer: the coded JSON must not change by a ".0".
    assert isinstance(found.get("palma")[0].lat, int)
    assert found.get("tell abyad village") == [OTHER]
    assert found.get("nowhere", []) == []
    assert found.get("nowhere") is None


def test_the_file_is_built_on_first_use_and_only_the_newest_builds_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(towns, "_keyed_towns", _few_towns)
    monkeypatch.setattr(derived_cache, "fingerprint", lambda: "current")
    monkeypatch.setenv(derived_cache.CACHE_ENV, str(tmp_path))
    for age in range(derived_cache.KEPT_BUILDS + 2):
        older = tmp_path / f"towns-older{age}.sqlite"
        older.write_bytes(b"an earlier build")
        os.utime(older, (1_000_000 - age, 1_000_000 - age))
    table = towns.load(str)
    assert isinstance(table, towns.TownFile)
    assert table.get("palma") == [PALMA_A, PALMA_B]
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == ["towns-current.sqlite"] + [
        f"towns-older{age}.sqlite" for age in range(derived_cache.KEPT_BUILDS - 1)]


def test_a_town_file_removed_while_coding_gives_the_same_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(towns, "_keyed_towns", _few_towns)
    path = tmp_path / "towns-test.sqlite"
    towns._write(str(path), str)
    found = towns.TownFile(path, str)
    path.unlink()  # another checkout's build took its place before this process connected
    assert found.get("palma") == [PALMA_A, PALMA_B]
    assert found.get("nowhere") is None


def test_an_unwritable_cache_directory_builds_the_table_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(towns, "_keyed_towns", _few_towns)
    blocker = tmp_path / "a file, not a directory"
    blocker.write_text("")
    monkeypatch.setenv(derived_cache.CACHE_ENV, str(blocker / "cache"))
    table = towns.load(str)
    assert table == {"palma": [PALMA_A, PALMA_B], "tell abyad village": [OTHER]}


def test_a_derived_table_is_built_once_and_read_back_by_the_next_process(tmp_path, monkeypatch):
    monkeypatch.setattr(derived_cache, "fingerprint", lambda: "current")
    monkeypatch.setenv(derived_cache.CACHE_ENV, str(tmp_path))
    builds = []

    def build() -> dict:
        builds.append(1)
        return {"palma": [PALMA_A]}

    assert derived_cache.load_or_build("table", build) == {"palma": [PALMA_A]}
    assert derived_cache.load_or_build("table", build) == {"palma": [PALMA_A]}
    assert len(builds) == 1
    (tmp_path / "table-current.pickle").write_bytes(b"not a pickle")
    assert derived_cache.load_or_build("table", build) == {"palma": [PALMA_A]}
    assert len(builds) == 2  # an unreadable file is built again, never an error
