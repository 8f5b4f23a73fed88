"""From stored events to how two countries relate: dyad series, listings and pages.

Owns the per-period dyad series (raw and clustered), the event and cluster listings the HTTP
API pages through, and `EventDatabase`, the Python surface returned by `accord.open`. The
clusters are built by `accord.clustering` and `accord.cluster_tables`; the entry points are
re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pyarrow as pa

from accord.cluster_tables import (
    DEFAULT_WINDOW_DAYS,
    ClusterSummary,
    rebuild_clusters,
    stored_window,
    update_clusters,
)
from accord.store import FLAT_EVENT_COLUMNS, ClosesOnExit, Store

__all__ = ["DEFAULT_WINDOW_DAYS", "ClusterSummary", "EventDatabase", "EventFilter",
           "dyad_rows", "rebuild_clusters", "stored_window", "update_clusters"]

if TYPE_CHECKING:  # pandas loads on first use: `accord dyad` starts faster without it
    import pandas as pd

FREQUENCIES = ("week", "month", "quarter")

# ---------------------------------------------------------------- dyads

DYAD_COLUMNS = ("period", "events", "quad1", "quad2", "quad3", "quad4",
                "mean_plover_score", "mean_goldstein")

# An event belongs to the dyad (a, b) when one side acts on the other, or, with no recipient,
# when both are among the actors (a meeting, a joint statement). Directed: only a acting on b.
_BETWEEN = """(
    (list_contains(actor_codes, $a) AND list_contains(recipient_codes, $b))
    OR (NOT $directed AND list_contains(actor_codes, $b) AND list_contains(recipient_codes, $a))
    OR (NOT $directed AND len(recipient_codes) = 0
        AND list_contains(actor_codes, $a) AND list_contains(actor_codes, $b))
)"""

_DYAD_SQL = """
SELECT CAST(date_trunc($freq, {date}) AS DATE) AS period, count(*) AS events,
       count(*) FILTER (WHERE quad_code = 1) AS quad1,
       count(*) FILTER (WHERE quad_code = 2) AS quad2,
       count(*) FILTER (WHERE quad_code = 3) AS quad3,
       count(*) FILTER (WHERE quad_code = 4) AS quad4,
       avg(plover_score) AS mean_plover_score, avg(goldstein) AS mean_goldstein
FROM {table}
WHERE {date} IS NOT NULL AND {between}
GROUP BY period ORDER BY period
"""


def dyad_rows(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    freq: str = "month",
    clustered: bool = False,
    directed: bool = False,
) -> list[tuple]:
    """Per period: event count, counts per quad class, mean PLOVER score, mean Goldstein.

    Clustered, each real-world event counts once (at its first date, with its
    representative's scores) instead of once per report.
    """
    a, b = a.strip().upper(), b.strip().upper()
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}")
    if a == b:
        raise ValueError("a dyad needs two different codes")
    table, when = ("clusters", "first_date") if clustered else ("events", "date")
    sql = _DYAD_SQL.format(table=table, date=when, between=_BETWEEN)
    params = {"a": a, "b": b, "freq": freq, "directed": directed}
    return con.execute(sql, params).fetchall()


# ---------------------------------------------------------------- Python surface

ResultKind = Literal["pandas", "arrow"]


class EventDatabase(ClosesOnExit):
    """A coded store opened for analysis (`accord.open(path)`); use as a context manager."""

    def __init__(self, path: str | Path, read_only: bool = True) -> None:
        if str(path) != ":memory:" and read_only and not Path(path).exists():
            raise FileNotFoundError(f"no accord store at {path}")
        self.store = Store(path, read_only=read_only)

    def close(self) -> None:
        self.store.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for raw SQL over articles, events, clusters, event_clusters."""
        return self.store.connection

    def sql(self, query: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run raw SQL with bound parameters; the result as a DataFrame."""
        return self.connection.execute(query, params or []).df()

    def dyad(
        self, a: str, b: str, freq: str = "month", clustered: bool = False,
        directed: bool = False,
    ) -> pd.DataFrame:
        """The dyad series of `dyad_rows` as a DataFrame, one row per period with events."""
        import pandas as pd

        rows = dyad_rows(self.connection, a, b, freq, clustered, directed)
        frame = pd.DataFrame(rows, columns=list(DYAD_COLUMNS))
        frame["period"] = pd.to_datetime(frame["period"])
        return frame

    def events(
        self,
        actor: str | None = None,
        recipient: str | None = None,
        event_type: str | None = None,
        start: date | str | None = None,
        end: date | str | None = None,
        limit: int | None = None,
        as_: ResultKind = "pandas",
    ) -> pd.DataFrame | pa.Table:
        """Events (flat columns plus their cluster) matching every given filter; dates inclusive."""
        clauses, params = _event_clauses(actor, recipient, event_type, start, end)
        columns = ", ".join(f"e.{name}" for name in FLAT_EVENT_COLUMNS)
        sql = (f"SELECT {columns}, m.cluster_id FROM events e "
               "LEFT JOIN event_clusters m USING (content_hash, event_id)"
               f"{' WHERE ' + ' AND '.join(clauses) if clauses else ''} "
               "ORDER BY e.date NULLS LAST, e.doc_id, e.text_start NULLS LAST, e.event_id")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return _result(self.connection.sql(sql, params=params), as_)

    def clusters(self, as_: ResultKind = "pandas") -> pd.DataFrame | pa.Table:
        """Every cluster, most mentioned first."""
        relation = self.connection.sql(
            "SELECT * FROM clusters ORDER BY mentions DESC, first_date, cluster_id")
        return _result(relation, as_)


def _event_clauses(
    actor: str | None, recipient: str | None, event_type: str | None,
    start: date | str | None, end: date | str | None,
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for value, clause in ((actor, "list_contains(e.actor_codes, ?)"),
                          (recipient, "list_contains(e.recipient_codes, ?)"),
                          (event_type, "e.event = ?")):
        if value:
            clauses.append(clause)
            params.append(value.strip().upper())
    for value, clause in ((start, "e.date >= ?"), (end, "e.date <= ?")):
        if value:
            clauses.append(clause)
            params.append(date.fromisoformat(value) if isinstance(value, str) else value)
    return clauses, params


def _result(relation: duckdb.DuckDBPyRelation, as_: ResultKind) -> pd.DataFrame | pa.Table:
    if as_ == "arrow":
        return relation.to_arrow_table()
    if as_ == "pandas":
        return relation.df()
    raise ValueError("as_ must be 'pandas' or 'arrow'")


# ---------------------------------------------------------------- pages (the HTTP API)

# The order listings use, so a page boundary is stable from one request to the next.
_LISTING_ORDER = "date NULLS LAST, doc_id, text_start NULLS LAST, event_id"


@dataclass(frozen=True)
class EventFilter:
    """What an event listing keeps; every value reaches DuckDB as a bound parameter.

    Codes and types match exactly (case-insensitive); `place` and `text` match a substring of
    the place name and of the evidence sentence; `dyad` keeps the events between two codes the
    way `dyad_rows` counts them (either way round, or both acting together).
    """

    actor: str | None = None
    recipient: str | None = None
    event_type: str | None = None
    quad: int | None = None
    start: date | None = None
    end: date | None = None
    place: str | None = None
    country: str | None = None
    text: str | None = None
    dyad: tuple[str, str] | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        """A WHERE clause with named placeholders only, and the values bound to them."""
        checks = (
            ("actor", _upper(self.actor), "list_contains(actor_codes, $actor)"),
            ("recipient", _upper(self.recipient), "list_contains(recipient_codes, $recipient)"),
            ("event_type", _upper(self.event_type), "event = $event_type"),
            ("quad", self.quad, "quad_code = $quad"),
            ("start", self.start, "date >= $start"),
            ("end", self.end, "date <= $end"),
            ("place", _containing(self.place), "place_name ILIKE $place ESCAPE '\\'"),
            ("country", _upper(self.country), "country_code = $country"),
            ("text", _containing(self.text), "evidence ILIKE $text ESCAPE '\\'"),
        )
        clauses = [clause for _, value, clause in checks if value is not None]
        params = {name: value for name, value, _ in checks if value is not None}
        if self.dyad:
            clauses.append(_BETWEEN)
            params |= {"a": _upper(self.dyad[0]), "b": _upper(self.dyad[1]), "directed": False}
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _upper(value: str | None) -> str | None:
    return (value.strip().upper() or None) if value else None


def _containing(value: str | None) -> str | None:
    """An ILIKE pattern for a literal substring: the user's % and _ match only themselves."""
    if not value:
        return None
    literal = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def event_page(
    con: duckdb.DuckDBPyConnection, selection: EventFilter, limit: int, offset: int = 0
) -> tuple[int, list[dict]]:
    """(how many events match, the full records of one page of them in listing order).

    Each record is the coded JSON plus the article's `content_hash` and the event's
    `cluster_id` (None before clustering)."""
    where, params = selection.where()
    total = con.execute(f"SELECT count(*) FROM events {where}", params).fetchone()
    page_sql = f"""SELECT p.content_hash, p.record, m.cluster_id FROM (
            SELECT content_hash, event_id, record, date, doc_id, text_start FROM events {where}
            ORDER BY {_LISTING_ORDER} LIMIT $limit OFFSET $offset) p
        LEFT JOIN event_clusters m USING (content_hash, event_id)
        ORDER BY {', '.join('p.' + part for part in _LISTING_ORDER.split(', '))}"""
    rows = con.execute(page_sql, params | {"limit": limit, "offset": offset}).fetchall()
    return int(total[0]) if total else 0, [_listed_record(*row) for row in rows]


def _listed_record(digest: str, record: str | None, cluster_id: str | None) -> dict:
    return {**json.loads(record or "{}"), "content_hash": digest, "cluster_id": cluster_id}


def cluster_page(
    con: duckdb.DuckDBPyConnection, selection: EventFilter, limit: int, offset: int = 0
) -> tuple[int, list[dict]]:
    """(how many clusters match, one page of them, most mentioned first). Of the filter, the
    codes, type, quad, dates (first date of the cluster) and country apply."""
    checks = (
        ("actor", _upper(selection.actor), "list_contains(actor_codes, $actor)"),
        ("recipient", _upper(selection.recipient), "list_contains(recipient_codes, $recipient)"),
        ("event_type", _upper(selection.event_type), "event = $event_type"),
        ("quad", selection.quad, "quad_code = $quad"),
        ("start", selection.start, "first_date >= $start"),
        ("end", selection.end, "first_date <= $end"),
        ("country", _upper(selection.country), "country_code = $country"),
    )
    params = {name: value for name, value, _ in checks if value is not None}
    clauses = [clause for _, value, clause in checks if value is not None]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    total = con.execute(f"SELECT count(*) FROM clusters {where}", params).fetchone()
    cursor = con.execute(
        f"SELECT * FROM clusters {where} ORDER BY mentions DESC, first_date, cluster_id "
        "LIMIT $limit OFFSET $offset", params | {"limit": limit, "offset": offset})
    return int(total[0]) if total else 0, _dicts(cursor)


def article_view(
    con: duckdb.DuckDBPyConnection, doc_id: str, digest: str | None = None
) -> dict | None:
    """One stored article (the latest coded under `doc_id`, or the one with hash `digest`)
    with its text and its events in text order; None when there is none."""
    params: dict[str, Any] = {"doc_id": doc_id}
    extra = ""
    if digest:
        extra, params["digest"] = " AND content_hash = $digest", digest
    # SELECT *: a store written by an older accord may lack later columns such as `text`.
    found = _dicts(con.execute(
        f"SELECT * FROM articles WHERE doc_id = $doc_id{extra} "
        "ORDER BY coded_at DESC NULLS LAST, content_hash LIMIT 1", params))
    if not found:
        return None
    article = {key: value for key, value in found[0].items()
               if key not in {"knowledge", "dateline_end"}}
    rows = con.execute(
        "SELECT content_hash, record, m.cluster_id FROM events "
        "LEFT JOIN event_clusters m USING (content_hash, event_id) "
        "WHERE content_hash = ? ORDER BY text_start NULLS LAST, event_id",
        [article["content_hash"]]).fetchall()
    article["events"] = [_listed_record(*row) for row in rows]
    return article


def codes_in_store(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every actor or recipient code in the store with the number of events it takes part
    in, most active first."""
    return con.execute(
        "SELECT code, count(*) AS n FROM (SELECT unnest(list_distinct(actor_codes || "
        "recipient_codes)) AS code FROM events) WHERE code IS NOT NULL "
        "GROUP BY code ORDER BY n DESC, code").fetchall()


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
