"""accord: political event coding of dated news into PLOVER records.

Stages (one module each): readers -> nlp -> actors -> events -> where -> when -> store,
with `pipeline` running them in order and `cli` as the command-line surface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from accord.analyse import EventDatabase

__version__ = "0.1.0"


# Shadows the builtin only inside this module; duckdb and pandas load on the first call.
def open(path: str | Path, read_only: bool = True) -> EventDatabase:
    """Open a coded store for analysis: `.dyad()`, `.events()`, `.clusters()`, `.sql()`.

    Read-only by default, so analyses can run beside other readers; pass read_only=False to
    write through `.connection` or `.store`.
    """
    from accord.analyse import EventDatabase

    return EventDatabase(path, read_only=read_only)
