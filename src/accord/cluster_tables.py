"""The `clusters` and `event_clusters` tables: built from every stored event, or brought up to
date after a batch by reading only what the batch can change.

Owns reading events as `Mention`s (with their article's dateline, date and outlet), the rows
written for each cluster, `rebuild_clusters` and `update_clusters`. On a large store the update
reads no table whole: new events are looked for among the latest rows, the stored events near
them are found by type, day and first actor (cheap columns) before their code lists are
compared, and their articles and memberships are fetched by key through the stores' indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import duckdb

from accord.clustering import (
    DEFAULT_WINDOW_DAYS,
    Cluster,
    Mention,
    Place,
    SpanUpdate,
    alone,
    cluster_mentions,
    identified,
    recluster_span,
)
from accord.store import Store

# How far past a batch's last date the first re-clustering reads; doubled while the sweep has
# not met the stored clusters (a chain of close reports can carry a change further).
FIRST_REACH_DAYS = 2
# Keys looked up per statement: DuckDB answers a short IN list from the index, row by row.
_LOOKUP_CHUNK = 128


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
    mentions = _mentions(store.connection.execute(_ALL_MENTIONS_SQL))
    clusters = cluster_mentions(mentions, window_days)
    store.replace_clusters(*_cluster_tables(clusters, window_days))
    return ClusterSummary(len(mentions), len(clusters), window_days)


def update_clusters(store: Store) -> ClusterSummary:
    """Bring the clusters up to date after new events were stored, cheaply on a large store.

    The new events are the ones without a cluster (so events left unclustered by an
    interrupted run are picked up by the next one). Within each of their keys only the days
    around them are clustered again (`recluster_span`), reading further only while a chain of
    close reports carries the change on; the result equals a full rebuild.
    """
    window_days = stored_window(store)
    by_key: dict[tuple, list[Mention]] = defaultdict(list)
    clusters: list[Cluster] = []
    for mention in _unclustered(store):
        if mention.date is not None and identified(mention.key):
            by_key[mention.key].append(mention)
        else:
            clusters.extend(alone([mention]))
    replaced: set[tuple[str, str]] = set()
    member_rows: dict[str, int] = {}  # uid -> row id of its stored membership
    for update in _span_updates(store, by_key, window_days, member_rows):
        replaced |= update.replaced
        clusters.extend(update.clusters)
    if clusters or replaced:
        _with_reports(store.connection, clusters)
        ids = sorted({cluster_id for cluster_id, _ in replaced})
        rows = sorted(member_rows[uid] for _, uid in replaced)
        store.replace_clusters(*_cluster_tables(clusters, window_days), replaced=(ids, rows))
    (events, total), = store.connection.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM clusters)").fetchall()
    return ClusterSummary(int(events), int(total), window_days)


def stored_window(store: Store) -> int:
    if store.has_table("clusters"):
        row = store.connection.execute("SELECT max(window_days) FROM clusters").fetchone()
        if row and row[0] is not None:
            return int(row[0])
    return DEFAULT_WINDOW_DAYS


# ---------------------------------------------------------------- what an update reads


def _unclustered(store: Store) -> list[Mention]:
    """The stored events without a cluster. Memberships exist only for stored events (they
    are deleted with their events), so how many are missing is known at once; they are
    looked for among the latest rows first, where a batch just stored lies, and in the
    whole table only if that does not find them all."""
    con = store.connection
    (events, members, last_row), = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_clusters), "
        "(SELECT max(rowid) FROM events)").fetchall()
    pending = events - members
    if pending <= 0:
        return []
    for reach in (pending, 4 * pending + 64):  # the latest rows, then a few more
        recent = _event_rows(con, f"SELECT {_EVENT_COLUMNS} FROM events e WHERE rowid > ?",
                             [last_row - reach])
        clustered = _memberships(con, [row["content_hash"] for row in recent])
        fresh = [row for row in recent if _uid(row) not in clustered]
        if len(fresh) == pending:
            return _with_articles(con, fresh)
    return _mentions(con.execute(_ALL_MENTIONS_SQL + _WITHOUT_CLUSTER))


@dataclass
class _Run:
    """New mentions of one key close enough in time to be re-clustered together, the days of
    stored mentions read around them, and the result once the sweep settled."""

    key: tuple
    new: list[Mention]
    first: date
    last: date
    update: SpanUpdate | None = None


def _span_updates(store: Store, by_key: dict[tuple, list[Mention]], window_days: int,
                  member_rows: dict[str, int]) -> list[SpanUpdate]:
    """An update per run of close new mentions of a key, each read over days that grow until
    the sweep settles. Runs settle independently: each one's sweep ends before the next run's
    first day, and one that would reach it is merged with it and done again."""
    (latest,), = store.connection.execute("SELECT max(date) FROM events").fetchall()
    last_day: date = latest or date.max
    runs = [run for key, mentions in by_key.items()
            for run in _runs(key, mentions, window_days, last_day)]
    while pending := [run for run in runs if run.update is None]:
        fetched = _stored_in_spans(store.connection, [(r.key, r.first, r.last) for r in pending],
                                   member_rows)
        for run, (mentions, stored) in zip(pending, fetched, strict=True):
            until = None if run.last >= last_day else run.last
            run.update = recluster_span(mentions + run.new, stored, window_days, until)
        runs = _extended(runs, last_day)
    return [run.update for run in runs if run.update is not None]


def _runs(key: tuple, mentions: list[Mention], window_days: int, last_day: date) -> list[_Run]:
    """The key's new mentions in runs, each read from one window before its first mention's
    turn (see `recluster_span`) to a few days past its last mention's date."""
    reach = timedelta(days=FIRST_REACH_DAYS + 2 * window_days)
    runs: list[_Run] = []
    for mention in sorted(mentions, key=lambda m: m.turn(window_days)):
        assert mention.date is not None
        first = date.fromordinal(mention.turn(window_days)[0] - window_days - 1)
        last = min(mention.date + reach, last_day)
        if runs and first <= runs[-1].last + timedelta(days=1):
            runs[-1].new.append(mention)
            runs[-1].last = max(runs[-1].last, last)
        else:
            runs.append(_Run(key, [mention], first, last))
    return runs


def _extended(runs: list[_Run], last_day: date) -> list[_Run]:
    """Runs that did not settle read twice as far; one that reaches the key's next run
    takes it in (both are done again)."""
    result: list[_Run] = []
    for run in runs:
        previous = result[-1] if result else None
        if (previous is not None and previous.update is None and previous.key == run.key
                and run.first <= previous.last + timedelta(days=1)):
            previous.new += run.new
            previous.last = max(previous.last, run.last)
            continue
        if run.update is None:
            run.last = min(run.last + (run.last - run.first) * 2, last_day)
        result.append(run)
    return result


def _stored_in_spans(con: duckdb.DuckDBPyConnection, spans: list[tuple[tuple, date, date]],
                     member_rows: dict[str, int]
                     ) -> list[tuple[list[Mention], dict[str, str]]]:
    """For each (key, first day, last day): the key's clustered mentions dated within those
    days, and their stored clusters; each membership's row id goes into `member_rows`."""
    days: dict[str, list] = defaultdict(list)
    for span, (key, first, last) in enumerate(spans):
        for offset in range((last - first).days + 1):
            for lead in key[1] or ("",):
                for column, value in (("span", span), ("event", key[0]), ("lead", lead),
                                      ("day", first + timedelta(days=offset)),
                                      ("negated", key[3]), ("hypothetical", key[4])):
                    days[column].append(value)
    _temp_table(con, "_span_days", {"span": "INTEGER", "event": "VARCHAR", "lead": "VARCHAR",
                                    "day": "DATE", "negated": "BOOLEAN",
                                    "hypothetical": "BOOLEAN"}, days)
    _temp_table(con, "_span_keys", {"event": "VARCHAR", "actor_set": "VARCHAR[]",
                                    "recipient_set": "VARCHAR[]", "negated": "BOOLEAN",
                                    "hypothetical": "BOOLEAN", "first": "DATE", "last": "DATE"},
                {"event": [key[0] for key, _, _ in spans],
                 "actor_set": [list(key[1]) for key, _, _ in spans],
                 "recipient_set": [list(key[2]) for key, _, _ in spans],
                 "negated": [key[3] for key, _, _ in spans],
                 "hypothetical": [key[4] for key, _, _ in spans],
                 "first": [first for _, first, _ in spans], "last": [last for _, _, last in spans]})
    try:
        candidates = con.execute(_SPAN_CANDIDATES_SQL).fetchall()
        memberships = con.execute(_SPAN_MEMBERS_SQL).fetchall()
        clusters = {f"{digest}:{event_id}": cluster for digest, event_id, cluster, _
                    in memberships}
        member_rows.update((f"{digest}:{event_id}", row)
                           for digest, event_id, _, row in memberships)
    finally:
        con.execute("DROP TABLE IF EXISTS _span_days; DROP TABLE IF EXISTS _span_keys")
    # The key's code sets compared here: a few thousand rows, cheaper than in SQL.
    spans_of_row: dict[int, list[int]] = defaultdict(list)
    for row_number, span, actors, recipients in candidates:
        key = spans[span][0]
        if _code_set(actors) == key[1] and _code_set(recipients) == key[2]:
            spans_of_row[row_number].append(span)
    rows = _event_rows(con, f"SELECT {_EVENT_COLUMNS}, e.rowid AS row_number FROM events e "
                            "WHERE rowid IN (SELECT unnest($rows::BIGINT[]))",
                       {"rows": list(spans_of_row)}) if spans_of_row else []
    fetched: list[tuple[list[Mention], dict[str, str]]] = [([], {}) for _ in spans]
    rows = [row for row in rows if _uid(row) in clusters]  # new mentions are the caller's
    # An old store's place needs the article's dateline; report dates and outlets are read
    # later, only for the clusters written (`_with_reports`).
    datelines = _article_fields(con, [row["content_hash"] for row in rows
                                      if row["place_basis"] is None and row["extracted_place"]])
    for row in rows:
        article = datelines.get(row["content_hash"], {"reported": False})
        mention = _mention_from_row(row | article)
        for span in spans_of_row[row["row_number"]]:
            mentions, stored = fetched[span]
            mentions.append(mention)
            stored[mention.uid] = clusters[mention.uid]
    return fetched


def _code_set(codes: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted(set(codes or ())))


def _memberships(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> dict[str, str]:
    """uid -> stored cluster id, for the events of these articles that have one."""
    found = {}
    for rows in _by_key_chunks(con, "SELECT content_hash, event_id, cluster_id "
                                    "FROM event_clusters WHERE content_hash IN ({})", hashes):
        found.update((f"{digest}:{event_id}", cluster) for digest, event_id, cluster in rows)
    return found


def _with_articles(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[Mention]:
    """The event rows as mentions, with their articles' dateline, date and outlet."""
    articles = _article_fields(con, [row["content_hash"] for row in rows])
    return [_mention_from_row(row | articles.get(row["content_hash"], {})) for row in rows]


def _with_reports(con: duckdb.DuckDBPyConnection, clusters: list[Cluster]) -> None:
    """Fill in the report dates and outlets of the mentions read without them."""
    unread = [m.content_hash for c in clusters for m in c.mentions if not m.reported]
    articles = _article_fields(con, unread)
    for cluster in clusters:
        cluster.mentions = [
            m if m.reported else replace(m, reported=True, **{
                field: articles.get(m.content_hash, {}).get(field)
                for field in ("report_date", "source")})
            for m in cluster.mentions]


def _article_fields(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> dict[str, dict]:
    found = {}
    for rows in _by_key_chunks(con, "SELECT content_hash, dateline_place, coalesce(pub_date, "
                                    "dateline_date), source FROM articles "
                                    "WHERE content_hash IN ({})", hashes):
        found.update((digest, {"dateline_place": place, "report_date": day, "source": source})
                     for digest, place, day, source in rows)
    return found


def _by_key_chunks(con: duckdb.DuckDBPyConnection, sql: str, hashes: Sequence[str]
                   ) -> Iterator[list[tuple]]:
    """Run `sql` over the distinct hashes, a chunk at a time, as literal IN lists (DuckDB
    uses a table's index for a literal list, not for a join or a bound list)."""
    wanted = sorted(set(hashes))
    con.execute("SET index_scan_max_count = 100000")
    try:
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start:start + _LOOKUP_CHUNK]
            listed = ", ".join(_quoted(digest) for digest in chunk)
            yield con.execute(sql.format(listed)).fetchall()
    finally:
        con.execute("RESET index_scan_max_count")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
                values: dict[str, list]) -> None:
    """A temporary table filled from Python lists in one statement."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} "
                f"({', '.join(f'{column} {kind}' for column, kind in columns.items())})")
    selects = ", ".join(f"unnest(${column}) AS {column}" for column in columns)
    con.execute(f"INSERT INTO {name} SELECT {selects}", {c: values[c] for c in columns})


def _uid(row: dict) -> str:
    return f"{row['content_hash']}:{row['event_id']}"


# ---------------------------------------------------------------- rows and mentions

_EVENT_COLUMNS = """e.content_hash, e.event_id, e.event, e.date, e.actor_codes,
       e.recipient_codes, e.negated, e.hypothetical, e.confidence, e.place_name,
       e.country_code, e.lat, e.lon, e.quad_code, e.cameo, e.plover_score, e.goldstein,
       TRY_CAST(json_extract_string(e.event_loc, '$.geonameid') AS BIGINT) AS geonameid,
       json_extract_string(e.event_loc, '$.feature_code') AS feature_code,
       json_extract_string(e.event_loc, '$.extracted_place') AS extracted_place,
       json_extract_string(e.event_loc, '$.basis') AS place_basis"""

_ALL_MENTIONS_SQL = f"""
SELECT {_EVENT_COLUMNS}, a.dateline_place, coalesce(a.pub_date, a.dateline_date) AS report_date,
       a.source
FROM events e JOIN articles a USING (content_hash)"""

_WITHOUT_CLUSTER = """
WHERE NOT EXISTS (SELECT 1 FROM event_clusters m
                  WHERE m.content_hash = e.content_hash AND m.event_id = e.event_id)"""

# Events that may belong to a span: of its type, on one of its days, led by one of its key's
# actors (`_span_days` has a row per span, day and actor code): cheap columns only.
_SPAN_CANDIDATES_SQL = """
SELECT e.rowid, s.span, e.actor_codes, e.recipient_codes
FROM events e JOIN _span_days s
    ON e.event = s.event AND e.date = s.day AND coalesce(e.actor_codes[1], '') = s.lead
    AND coalesce(e.negated, false) = s.negated AND coalesce(e.hypothetical, false) = s.hypothetical
"""


# The memberships of the stored clusters of each span's key that overlap its days: the
# clusters table holds each key as compared here, and is far smaller than the events.
_SPAN_MEMBERS_SQL = """
WITH touching AS MATERIALIZED (
    SELECT c.cluster_id FROM clusters c JOIN _span_keys s
        ON c.event = s.event AND c.actor_codes = s.actor_set
        AND c.recipient_codes = s.recipient_set AND c.negated = s.negated
        AND c.hypothetical = s.hypothetical
    WHERE c.last_date >= s.first AND c.first_date <= s.last
)
SELECT m.content_hash, m.event_id, m.cluster_id, m.rowid FROM event_clusters m
WHERE m.cluster_id IN (SELECT cluster_id FROM touching)
"""


def _event_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _mentions(cursor: duckdb.DuckDBPyConnection) -> list[Mention]:
    names = [column[0] for column in cursor.description]
    return [_mention_from_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _mention_from_row(row: dict) -> Mention:
    return Mention(
        content_hash=row["content_hash"], event_id=row["event_id"], event=row["event"],
        date=row["date"], actor_codes=tuple(sorted(set(row["actor_codes"] or ()))),
        recipient_codes=tuple(sorted(set(row["recipient_codes"] or ()))),
        negated=bool(row["negated"]), hypothetical=bool(row["hypothetical"]),
        confidence=row["confidence"] or 0.0, place=_event_place(row),
        stated_place=_stated_place(row), report_date=row.get("report_date"),
        source=row.get("source"), reported=row.get("reported", True),
        scores=(row["quad_code"], row["cameo"], row["plover_score"], row["goldstein"]),
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
    dateline = (row.get("dateline_place") or "").strip().casefold()
    if row["place_basis"] is None and extracted and extracted == dateline:
        return None
    return _stated_place(row)


# ---------------------------------------------------------------- what is written


def _cluster_tables(clusters: Iterable[Cluster], window_days: int
                    ) -> tuple[list[dict], list[dict]]:
    cluster_rows, member_rows = [], []
    for cluster in clusters:
        cluster_id = cluster.cluster_id()
        cluster_rows.append(_cluster_row(cluster, cluster_id, window_days))
        member_rows.extend({"content_hash": m.content_hash, "event_id": m.event_id,
                            "cluster_id": cluster_id} for m in cluster.mentions)
    return cluster_rows, member_rows


def _cluster_row(cluster: Cluster, cluster_id: str, window_days: int) -> dict:
    best = cluster.representative()
    quad, cameo, plover, goldstein = best.scores
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
