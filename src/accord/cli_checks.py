"""Checks of the command line's arguments, run before any model loads or any input is coded.

Owns what makes an invocation a usage error (exit 2): empty or misplaced paths, outputs that
would go nowhere or replace something, stores that are not stores, numbers out of range, a busy
port. (Codes and types no table knows raise accord.queries' `UnknownValue`, which the CLI
treats the same way.) Each failure is one line naming the argument and the reason. Nothing
here imports spaCy, the model or DuckDB: a bad invocation fails fast.
"""

from __future__ import annotations

import argparse
import os
import socket
from collections.abc import Callable
from pathlib import Path

# Suffixes of the inputs `accord code` reads: a store path with one of them is almost always an
# input that `--db` took as its value.
INPUT_SUFFIXES = frozenset({".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".htm"})
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class UsageError(Exception):
    """A bad invocation: reported as `accord: <message>` with exit code 2."""


# ---------------------------------------------------------------- numbers (argparse types)


def _whole_number(low: int, high: int | None, rule: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else `rule` and the value."""
    def parse(text: str) -> int:
        value = _int(text)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{rule}, not {text}")
        return value

    return parse


positive_int = _whole_number(1, None, "must be 1 or more")
non_negative_int = _whole_number(0, None, "must be 0 or more")
port_number = _whole_number(1, 65535, "a TCP port is 1 to 65535")
folds = _whole_number(2, None, "cross-validation needs 2 folds or more")


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


# ---------------------------------------------------------------- stores


def store_to_write(path: str | None, option: str = "--db") -> None:
    """A store `accord code` may create or add to."""
    if path is None:
        return
    location = _named(path, option)
    if location.is_dir():
        raise UsageError(f"{option} {path}: is a directory; name a store file, e.g. "
                         f"{option} {location / 'accord.duckdb'}")
    if location.exists():
        _must_be_a_store(location, option)
        _must_be_writable(location, option)
        return
    if location.suffix.lower() in INPUT_SUFFIXES:
        raise UsageError(f"{option} {path}: looks like an input file, not a store (a store is a "
                         f"DuckDB file such as accord.duckdb); give {option} its value first")
    _parent_must_hold_files(location, option)


def store_to_read(path: str, option: str = "--db", create_hint: bool = True) -> None:
    """A store that must already exist."""
    location = _named(path, option)
    if location.is_dir():
        raise UsageError(f"{option} {path}: is a directory, not a store file")
    if not location.exists():
        hint = f" (create one with: accord code INPUT --db {path})" if create_hint else ""
        raise UsageError(f"{option} {path}: no store there{hint}")
    _must_be_a_store(location, option)


def _must_be_a_store(location: Path, option: str) -> None:
    try:
        with location.open("rb") as handle:
            head = handle.read(12)
    except OSError as error:
        raise UsageError(f"{option} {location}: cannot be read ({error.strerror})") from None
    if head[8:12] != _DUCKDB_MAGIC:
        hint = (f"; did {option} take an input as its value?"
                if location.suffix.lower() in INPUT_SUFFIXES else
                "; it is empty: remove it and accord creates the store" if not head else "")
        raise UsageError(f"{option} {location}: not an accord store (not a DuckDB file){hint}")


def _must_be_writable(location: Path, option: str) -> None:
    if not os.access(location, os.W_OK):
        raise UsageError(f"{option} {location}: not writable")


# ---------------------------------------------------------------- outputs


def output_file(path: str | None, option: str, force: bool = False,
                stdout_ok: bool = False) -> None:
    """A file an output will be written to: a new one, or an old one only with --force;
    `-` (stdout) where `stdout_ok`."""
    if path is None or (path == "-" and stdout_ok):
        return
    if path == "-":
        raise UsageError(f"{option} -: this output cannot go to stdout; name a file")
    location = _named(path, option)
    if path.endswith(("/", os.sep)) or location.is_dir():
        raise UsageError(f"{option} {path}: is a directory; this format writes one file, "
                         f"e.g. {option} {location / 'events'}")
    if location.exists() and not force:
        raise UsageError(f"{option} {path}: already exists; choose a new path, or add --force "
                         "to replace it")
    _parent_must_hold_files(location, option)


def output_directory(path: str | None, option: str, force: bool = False) -> None:
    """A directory of part files (Parquet): new, empty, or replaced only with --force."""
    if path is None:
        return
    if path == "-":
        raise UsageError(f"{option} -: Parquet output is a directory, not stdout")
    location = _named(path, option)
    if location.exists() and not location.is_dir():
        raise UsageError(f"{option} {path}: is a file; Parquet output is a directory of files "
                         "partitioned by month")
    if location.is_dir() and any(location.iterdir()) and not force:
        raise UsageError(f"{option} {path}: a directory that is not empty; choose a new path, "
                         "or add --force to replace the Parquet files in it")
    _parent_must_hold_files(location, option)


def _parent_must_hold_files(location: Path, option: str) -> None:
    parent = location.parent if str(location.parent) else Path(".")
    if not parent.exists():
        raise UsageError(f"{option} {location}: folder {parent} does not exist")
    if not parent.is_dir():
        raise UsageError(f"{option} {location}: {parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{option} {location}: cannot write in {parent}")


def distinct(paths: dict[str, str | None]) -> None:
    """No two outputs (or an output and the store) may be the same file."""
    seen: dict[Path, str] = {}
    for option, path in paths.items():
        if not path or path == "-":
            continue
        resolved = Path(path).resolve()
        if resolved in seen:
            raise UsageError(f"{option} {path}: the same path as {seen[resolved]}")
        seen[resolved] = option


def outside_inputs(outputs: dict[str, str | None], inputs: list[str]) -> None:
    """An output inside an input folder would be read back as input while it is written."""
    for option, path in outputs.items():
        if not path or path == "-":
            continue
        written = Path(path).resolve()
        for given in inputs:
            read = Path(given).resolve()
            if given != "-" and (written == read or read in written.parents):
                raise UsageError(f"{option} {path}: inside the input {given}; it would be read "
                                 "as input while it is written")


def _named(path: str, option: str) -> Path:
    if "\x00" in path:
        raise UsageError(f"{option} {path!r}: a path cannot hold a NUL character")
    if not path.strip():
        raise UsageError(f"{option}: empty path; name a file, e.g. {option} "
                         f"{'accord.duckdb' if option == '--db' else 'events.jsonl'}")
    return Path(path)


# ---------------------------------------------------------------- inputs


def existing_inputs(paths: list[str]) -> tuple[list[str], list[str]]:
    """(inputs that exist or are stdin, inputs that do not exist)."""
    missing = [p for p in paths if p != "-" and ("\x00" in p or not Path(p).exists())]
    return [p for p in paths if p not in missing], missing


def input_folder(path: str, option: str) -> None:
    location = _named(path, option)
    if not location.is_dir():
        reason = "is a file, not a folder" if location.exists() else "no such folder"
        raise UsageError(f"{option} {path}: {reason}")


def input_file(path: str, option: str) -> None:
    location = _named(path, option)
    if not location.is_file():
        reason = "is a directory" if Path(path).is_dir() else "no such file"
        raise UsageError(f"{option} {path}: {reason}")


# ---------------------------------------------------------------- network


def port_is_free(host: str, port: int) -> None:
    """The server will be able to listen: fail before saying it serves."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UsageError(f"--host {host}: not an address this machine has "
                         f"({error.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise UsageError(f"--port {port}: cannot listen on {host}:{port} "
                             f"({error.strerror}); is another server running there?") from None


# ---------------------------------------------------------------- models


def model_file(path: str | None, profile: str, option: str = "--model") -> None:
    """A model file the profile can use."""
    if path is None:
        return
    input_file(path, option)
    from accord.weights import ModelFileError, check_model_file

    try:
        check_model_file(path, profile)
    except ModelFileError as error:
        raise UsageError(f"{option} {error}") from None
