"""From stored events to how two countries relate: event clusters and dyad series.

Owns the rule for "the same real-world event" (records of one PLOVER type, with the same actor
codes and the same recipient codes, dated within a window, at compatible places), the
`clusters`/`event_clusters` tables built from it, the per-period dyad series (raw and
clustered), and `EventDatabase`, the Python surface returned by `accord.open`.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pyarrow as pa

from accord.store import EVENT_KEY_SQL, FLAT_EVENT_COLUMNS, ClosesOnExit, Store

if TYPE_CHECKING:  # pandas loads on first use: `accord dyad` starts faster without it
    import pandas as pd

DEFAULT_WINDOW_DAYS = 2
FREQUENCIES = ("week", "month", "quarter")

# ---------------------------------------------------------------- clustering


@dataclass(frozen=True)
class Mention:
    """One stored event record, reduced to what decides which cluster it belongs to."""

    content_hash: str
    event_id: str
    event: str
    date: date | None
    actor_codes: tuple[str, ...]
    recipient_codes: tuple[str, ...]
    negated: bool
    hypothetical: bool
    confidence: float
    place: Place | None  # None when unknown, or only the dateline's (see `_event_place`)
    stated_place: Place | None  # the place as coded, dateline fallback included
    report_date: date | None
    source: str | None

    @property
    def uid(self) -> str:
        return f"{self.content_hash}:{self.event_id}"

    @property
    def key(self) -> tuple:
        return (self.event, self.actor_codes, self.recipient_codes, self.negated,
                self.hypothetical)


@dataclass(frozen=True)
class Place:
    """An event place for comparison: its country, and its GeoNames id below country level."""

    name: str | None
    country_code: str | None
    geonameid: int | None
    local: bool  # a city or district rather than a whole country
    feature_code: str | None = None
    lat: float | None = None
    lon: float | None = None

    def compatible(self, other: Place | None) -> bool:
        if other is None:
            return True
        if self.country_code and other.country_code and self.country_code != other.country_code:
            return False
        both_local = self.local and other.local and self.geonameid and other.geonameid
        return not both_local or self.geonameid == other.geonameid


@dataclass(eq=False)  # clusters are compared by identity
class Cluster:
    """Mentions of one real-world event, with the date span and place they pin down."""

    mentions: list[Mention] = field(default_factory=list)
    order: int = 0  # creation order among the clusters of its key, for stable tie-breaks
    first_date: date | None = None
    last_date: date | None = None
    place: Place | None = None
    local_place: Place | None = None

    def accepts(self, mention: Mention, window_days: int) -> bool:
        """Whether the mention fits: the span stays within the window, the places agree."""
        if mention.date is None or self.first_date is None or self.last_date is None:
            return False
        span = max(self.last_date, mention.date) - min(self.first_date, mention.date)
        if span.days > window_days:
            return False
        return all(p is None or p.compatible(mention.place)
                   for p in (self.place, self.local_place))

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        if mention.date is not None:
            self.first_date = min(filter(None, (self.first_date, mention.date)))
            self.last_date = max(filter(None, (self.last_date, mention.date)))
        if mention.place is None:
            return
        self.place = self.place or mention.place
        if mention.place.local:
            self.local_place = self.local_place or mention.place

    def representative(self) -> Mention:
        """The most confident mention; ties go to the earliest, then to a fixed order."""
        return min(self.mentions, key=lambda m: (-m.confidence, m.date or date.max, m.uid))

    def cluster_id(self) -> str:
        members = "\n".join(sorted(m.uid for m in self.mentions))
        return hashlib.sha1(members.encode()).hexdigest()[:16]


def cluster_mentions(mentions: Iterable[Mention], window_days: int) -> list[Cluster]:
    """Group mentions of the same real-world event.

    Mentions share an event only if they share a key: type, actor codes, recipient codes,
    negation and hypothetical flag. Within a key, mentions that name a place are taken first,
    in date order: each joins the earliest cluster it fits (all dates within `window_days` of
    each other; same country, and same town when both name one), else starts a new one. The
    mentions with no known place then join the best-attested cluster they fit, so the order
    reports arrive in does not decide. A cluster spans at most the window, so a daily series
    of meetings does not melt into one. Undated mentions and mentions with no actor or
    recipient codes stay alone: nothing identifies their event.
    """
    by_key: dict[tuple, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_key[mention.key].append(mention)
    clusters: list[Cluster] = []
    for key, group in by_key.items():
        group.sort(key=lambda m: (m.date or date.max, m.uid))
        if key[1] or key[2]:
            clusters.extend(_cluster_group(group, window_days))
        else:
            clusters.extend(_alone(group))
    return clusters


def _alone(mentions: Iterable[Mention]) -> list[Cluster]:
    singles = []
    for mention in mentions:
        single = Cluster()
        single.add(mention)
        singles.append(single)
    return singles


def _cluster_group(group: list[Mention], window_days: int) -> list[Cluster]:
    dated = [m for m in group if m.date is not None]
    index = _ClusterIndex(window_days)
    for mention in (m for m in dated if m.place is not None):
        index.place(mention, choose=lambda fits: fits[0])
    for mention in (m for m in dated if m.place is None):
        index.place(mention, choose=lambda fits: max(fits, key=lambda c: len(c.mentions)))
    return index.clusters + _alone(m for m in group if m.date is None)


class _ClusterIndex:
    """The clusters of one key, findable by first date so a lookup scans only the window."""

    def __init__(self, window_days: int) -> None:
        self.window_days = window_days
        self.clusters: list[Cluster] = []
        self._by_first_date: dict[date, list[Cluster]] = defaultdict(list)

    def place(self, mention: Mention, choose) -> None:
        assert mention.date is not None
        fits = [c for c in self._near(mention.date) if c.accepts(mention, self.window_days)]
        if fits:
            home = choose(sorted(fits, key=lambda c: (c.first_date, c.order)))
            self._by_first_date[home.first_date].remove(home)
        else:
            home = Cluster(order=len(self.clusters))
            self.clusters.append(home)
        home.add(mention)
        self._by_first_date[home.first_date].append(home)

    def _near(self, day: date) -> list[Cluster]:
        days = (day + timedelta(days=offset)
                for offset in range(-self.window_days, self.window_days + 1))
        return [cluster for near in days for cluster in self._by_first_date.get(near, ())]


def _mention_from_row(row: dict) -> Mention:
    return Mention(
        content_hash=row["content_hash"], event_id=row["event_id"], event=row["event"],
        date=row["date"], actor_codes=tuple(sorted(set(row["actor_codes"] or ()))),
        recipient_codes=tuple(sorted(set(row["recipient_codes"] or ()))),
        negated=bool(row["negated"]), hypothetical=bool(row["hypothetical"]),
        confidence=row["confidence"] or 0.0, place=_event_place(row),
        stated_place=_stated_place(row), report_date=row["report_date"], source=row["source"],
    )


def _stated_place(row: dict) -> Place | None:
    if not row["country_code"] and not row["geonameid"]:
        return None
    feature = row["feature_code"] or ""
    local = bool(row["geonameid"]) and not feature.startswith("PCL")
    return Place(row["place_name"], row["country_code"], row["geonameid"], local,
                 row["feature_code"], row["lat"], row["lon"])


def _event_place(row: dict) -> Place | None:
    """The place an event happened, for matching, or None when unknown.

    The coder falls back to the dateline when a sentence names no place (`event_loc.basis` is
    then "dateline"); a dateline says where the story was filed, which differs between outlets
    reporting one event, so such a place counts as unknown here. Stores coded before `basis`
    existed are judged by comparing the place's words with the dateline.
    """
    if row["place_basis"] == "dateline":
        return None
    extracted = (row["extracted_place"] or "").strip().casefold()
    dateline = (row["dateline_place"] or "").strip().casefold()
    if row["place_basis"] is None and extracted and extracted == dateline:
        return None
    return _stated_place(row)


_MENTIONS_SQL = """
SELECT e.content_hash, e.event_id, e.event, e.date, e.actor_codes, e.recipient_codes,
       e.negated, e.hypothetical, e.confidence, e.place_name, e.country_code, e.lat, e.lon,
       TRY_CAST(json_extract_string(e.event_loc, '$.geonameid') AS BIGINT) AS geonameid,
       json_extract_string(e.event_loc, '$.feature_code') AS feature_code,
       json_extract_string(e.event_loc, '$.extracted_place') AS extracted_place,
       json_extract_string(e.event_loc, '$.basis') AS place_basis,
       a.dateline_place, coalesce(a.pub_date, a.dateline_date) AS report_date, a.source
FROM events e JOIN articles a USING (content_hash)
"""



@dataclass
class ClusterSummary:
    events: int
    clusters: int
    window_days: int


def rebuild_clusters(store: Store, window_days: int | None = None) -> ClusterSummary:
    """Cluster every stored event again and replace the cluster tables in one transaction.

    Without `window_days`, the window of the previous build is kept (default 2 days).
    """
    if window_days is None:
        window_days = stored_window(store)
    if window_days < 0:
        raise ValueError("the window cannot be negative")
    mentions = _fetch_mentions(store, _MENTIONS_SQL)
    clusters = cluster_mentions(mentions, window_days)
    store.replace_clusters(*_cluster_tables(store, clusters, window_days))
    return ClusterSummary(len(mentions), len(clusters), window_days)


def update_clusters(store: Store) -> ClusterSummary:
    """Bring the clusters up to date after new events were stored, cheaply on a large store.

    Only keys (type, actor set, recipient set, flags) that some event without a cluster has
    are clustered again; the result equals a full rebuild because clusters never span keys.
    Events left unclustered by an interrupted run are picked up by the next one.
    """
    window_days = stored_window(store)
    con = store.connection
    con.execute(f"""CREATE OR REPLACE TEMP TABLE pending_keys AS
        SELECT DISTINCT {EVENT_KEY_SQL} FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM event_clusters m
                          WHERE m.content_hash = e.content_hash AND m.event_id = e.event_id)""")
    try:
        mentions = _fetch_mentions(store, _MENTIONS_SQL + _PENDING_JOIN)
        clusters = cluster_mentions(mentions, window_days)
        store.replace_clusters(*_cluster_tables(store, clusters, window_days),
                               keys_table="pending_keys")
    finally:
        con.execute("DROP TABLE IF EXISTS pending_keys")
    total = store.connection.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM clusters)").fetchone()
    assert total is not None
    return ClusterSummary(int(total[0]), int(total[1]), window_days)


_PENDING_JOIN = """
JOIN pending_keys k ON e.event = k.event
    AND list_sort(list_distinct(e.actor_codes)) = k.actor_set
    AND list_sort(list_distinct(e.recipient_codes)) = k.recipient_set
    AND coalesce(e.negated, false) = k.negated AND coalesce(e.hypothetical, false) = k.hypothetical
"""


def _fetch_mentions(store: Store, sql: str) -> list[Mention]:
    cursor = store.connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [_mention_from_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _cluster_tables(
    store: Store, clusters: list[Cluster], window_days: int
) -> tuple[list[dict], list[dict]]:
    wanted = [(c.representative().content_hash, c.representative().event_id) for c in clusters]
    scores = _representative_scores(store, wanted)
    cluster_rows, member_rows = [], []
    for cluster in clusters:
        cluster_id = cluster.cluster_id()
        cluster_rows.append(_cluster_row(cluster, cluster_id, scores, window_days))
        member_rows.extend({"content_hash": m.content_hash, "event_id": m.event_id,
                            "cluster_id": cluster_id} for m in cluster.mentions)
    return cluster_rows, member_rows


def _representative_scores(store: Store, wanted: list[tuple[str, str]]) -> dict:
    if not wanted:
        return {}
    table = pa.table({"content_hash": [w[0] for w in wanted], "event_id": [w[1] for w in wanted]})
    store.connection.register("_wanted_representatives", table)
    try:
        rows = store.connection.execute(
            "SELECT content_hash, event_id, quad_code, cameo, plover_score, goldstein "
            "FROM events JOIN _wanted_representatives USING (content_hash, event_id)"
        ).fetchall()
    finally:
        store.connection.unregister("_wanted_representatives")
    return {(row[0], row[1]): row[2:] for row in rows}


def stored_window(store: Store) -> int:
    if store.has_table("clusters"):
        row = store.connection.execute("SELECT max(window_days) FROM clusters").fetchone()
        if row and row[0] is not None:
            return int(row[0])
    return DEFAULT_WINDOW_DAYS


def _cluster_row(cluster: Cluster, cluster_id: str, scores: dict, window_days: int) -> dict:
    best = cluster.representative()
    quad, cameo, plover, goldstein = scores[(best.content_hash, best.event_id)]
    dates = [m.date for m in cluster.mentions if m.date]
    reports = [m.report_date for m in cluster.mentions if m.report_date]
    # The dateline-only place of the representative is better than none for display.
    place = cluster.local_place or cluster.place or best.stated_place
    return {
        "cluster_id": cluster_id, "event": best.event,
        "actor_codes": list(best.actor_codes), "recipient_codes": list(best.recipient_codes),
        "negated": best.negated, "hypothetical": best.hypothetical,
        "first_date": min(dates, default=None), "last_date": max(dates, default=None),
        "first_report": min(reports, default=None), "last_report": max(reports, default=None),
        "mentions": len(cluster.mentions),
        "articles": len({m.content_hash for m in cluster.mentions}),
        "sources": len({m.source or m.content_hash for m in cluster.mentions}),
        "representative_event_id": best.event_id,
        "representative_content_hash": best.content_hash,
        "place": place.name if place else None,
        "country_code": place.country_code if place else None,
        "geonameid": place.geonameid if place else None,
        "feature_code": place.feature_code if place else None,
        "lat": place.lat if place else None, "lon": place.lon if place else None,
        "quad_code": quad, "cameo": cameo, "plover_score": plover, "goldstein": goldstein,
        "confidence": best.confidence, "window_days": window_days,
    }


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


_PAIR_SQL = """
WITH ev AS (
    SELECT content_hash, event_id, quad_code, plover_score, goldstein, date,
           list_distinct(recipient_codes) AS recipients
    FROM events
),
actor_side AS (SELECT content_hash, event_id, unnest(list_distinct(actor_codes)) AS code
               FROM events),
recipient_side AS (SELECT content_hash, event_id, unnest(recipients) AS code FROM ev),
links AS (
    SELECT a.code AS source, r.code AS target, false AS joint, ev.quad_code, ev.plover_score,
           ev.goldstein, ev.date
    FROM ev JOIN actor_side a USING (content_hash, event_id)
            JOIN recipient_side r USING (content_hash, event_id)
    UNION ALL
    SELECT a.code, b.code, true, ev.quad_code, ev.plover_score, ev.goldstein, ev.date
    FROM ev JOIN actor_side a USING (content_hash, event_id)
            JOIN actor_side b USING (content_hash, event_id)
    WHERE len(ev.recipients) = 0 AND a.code < b.code
)
SELECT least(source, target) AS a, greatest(source, target) AS b, count(*) AS events,
       count(*) FILTER (WHERE NOT joint AND source <= target),
       count(*) FILTER (WHERE NOT joint AND source > target),
       count(*) FILTER (WHERE joint),
       count(*) FILTER (WHERE quad_code = 1), count(*) FILTER (WHERE quad_code = 2),
       count(*) FILTER (WHERE quad_code = 3), count(*) FILTER (WHERE quad_code = 4),
       avg(plover_score), avg(goldstein), min(date), max(date)
FROM links
GROUP BY 1, 2
ORDER BY events DESC, a, b
LIMIT ?
"""
PAIR_COLUMNS = ("a", "b", "events", "a_to_b", "b_to_a", "joint", "quad1", "quad2", "quad3",
                "quad4", "mean_plover_score", "mean_goldstein", "first_date", "last_date")


def pair_summary(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict]:
    """The most active pairs of codes, one row per unordered pair (a before b): events a
    directed at b, b at a, and both together without a recipient; quad counts and mean scores
    over all of them. An event counts once for each pair it links."""
    rows = con.execute(_PAIR_SQL, [limit]).fetchall()
    summary = [dict(zip(PAIR_COLUMNS, row, strict=True)) for row in rows]
    for item in summary:
        for key in ("first_date", "last_date"):
            item[key] = item[key].isoformat() if item[key] else None
    return summary


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
                          (recipient, "list_contains(e.recipient_codes, ?)")):
        if value:
            clauses.append(clause)
            params.append(value.strip().upper())
    if event_type:
        clauses.append("list_contains(?, e.event)")
        params.append(_types(event_type))
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
            ("event_type", _types(self.event_type), "list_contains($event_type, event)"),
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


def _types(value: str | None) -> list[str] | None:
    """The stored types a typed event type stands for (a legacy YIELD: CONCEDE and RETREAT)."""
    from accord.queries import stored_types

    return list(stored_types(value)) if value and value.strip() else None


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
        ("event_type", _types(selection.event_type), "list_contains($event_type, event)"),
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
