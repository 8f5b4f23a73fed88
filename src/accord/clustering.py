"""Event clusters: which stored records report the same real-world event.

Owns the rule for "the same real-world event" (records of one PLOVER type, with the same actor
codes and the same recipient codes, dated within a window, at compatible places), the
`clusters`/`event_clusters` tables built from it, and keeping them up to date as batches
arrive: only the days around a batch's events are clustered again, with exactly the result a
full rebuild gives (see `update_clusters`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyarrow as pa

from accord.store import Store

DEFAULT_WINDOW_DAYS = 2
# How far past a batch's last date the first re-clustering reads; doubled while the clusters
# there still differ from the stored ones (a chain of dense days can carry a change further).
_FIRST_REACH_DAYS = 16


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

    def turn(self, window_days: int) -> tuple[int, bool, str]:
        """When the sweep takes this dated mention: see `_Sweep`."""
        assert self.date is not None
        lead = 2 * window_days if self.place is not None else 0
        return (self.date.toordinal() - lead, self.place is None, self.uid)


@dataclass(eq=False)  # clusters are compared by identity
class Cluster:
    """Mentions of one real-world event, with the date span and place they pin down."""

    mentions: list[Mention] = field(default_factory=list)
    first_date: date | None = None
    last_date: date | None = None
    place: Place | None = None
    local_place: Place | None = None

    @property
    def rank(self) -> tuple:
        """Tie-break among clusters that fit a mention: earliest first date, then the cluster
        whose first mention came first (mentions with a place come before those without)."""
        first = self.mentions[0]
        return (self.first_date, first.place is None, first.date, first.uid)

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

    def uids(self) -> frozenset[str]:
        return frozenset(m.uid for m in self.mentions)

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
        if _identified(key):
            clusters.extend(_cluster_group(group, window_days))
        else:
            clusters.extend(_alone(group))
    return clusters


def _identified(key: tuple) -> bool:
    return bool(key[1] or key[2])


def _alone(mentions: Iterable[Mention]) -> list[Cluster]:
    singles = []
    for mention in mentions:
        single = Cluster()
        single.add(mention)
        singles.append(single)
    return singles


def _cluster_group(group: list[Mention], window_days: int) -> list[Cluster]:
    sweep = _Sweep(window_days)
    for mention in sorted((m for m in group if m.date is not None),
                          key=lambda m: m.turn(window_days)):
        sweep.take(mention)
    return sweep.clusters + _alone(m for m in group if m.date is None)


class _Sweep:
    """The clustering of one key, done in one pass over its dated mentions.

    The rule reads as two passes (mentions with a place, then those without); as one pass it
    takes a placed mention 2 x window days ahead of its date (`Mention.turn`): by the time a
    mention without a place dated d is taken, every cluster it could join (first date within
    d +- window) has all its placed mentions, and no placed mention still to come can reach a
    cluster that mentions without a place have changed. One pass has a state at each turn, the
    clusters so far, so clustering can start again from a stored state at any turn.
    """

    def __init__(self, window_days: int, clusters: Iterable[Cluster] = ()) -> None:
        self.window_days = window_days
        self.clusters: list[Cluster] = []
        self._by_first_date: dict[date, list[Cluster]] = defaultdict(list)
        for cluster in clusters:
            self._file(cluster)

    def take(self, mention: Mention) -> Cluster:
        assert mention.date is not None
        fits = sorted((c for c in self._near(mention.date)
                       if c.accepts(mention, self.window_days)), key=lambda c: c.rank)
        if not fits:
            home = Cluster()
            home.add(mention)
            self._file(home)
            return home
        # A placed mention joins the earliest cluster it fits, one without a place the best
        # attested (the earliest of those on a tie).
        home = fits[0] if mention.place is not None else max(fits, key=lambda c: len(c.mentions))
        assert home.first_date is not None
        self._by_first_date[home.first_date].remove(home)
        home.add(mention)
        self._by_first_date[home.first_date].append(home)
        return home

    def open_clusters(self, turn: int) -> list[Cluster]:
        """The clusters a mention taken at `turn` or later may still join or be ranked against.
        A cluster's first date only moves earlier, so one outside this set stays outside."""
        first = date.fromordinal(turn - self.window_days)
        return [cluster for day, clusters in self._by_first_date.items() if day >= first
                for cluster in clusters]

    def _file(self, cluster: Cluster) -> None:
        assert cluster.first_date is not None
        self.clusters.append(cluster)
        self._by_first_date[cluster.first_date].append(cluster)

    def _near(self, day: date) -> list[Cluster]:
        days = (day + timedelta(days=offset)
                for offset in range(-self.window_days, self.window_days + 1))
        return [cluster for near in days for cluster in self._by_first_date.get(near, ())]


# ---------------------------------------------------------------- clustering a span again


@dataclass
class SpanUpdate:
    """What re-clustering one key around new mentions changes: the stored clusters it
    replaces, and the clusters that replace them."""

    replaced: set[str]
    clusters: list[Cluster]


def recluster_span(mentions: Sequence[Mention], stored: dict[str, str], window_days: int,
                   complete: bool) -> SpanUpdate | None:
    """Re-cluster one key after new mentions arrived, from a stored clustering that equals a
    full rebuild without them; the result then equals a full rebuild with them.

    `mentions` are every dated mention of the key from 3 x window days before the earliest
    new one's turn onwards (to the end of the key's history when `complete`); `stored` maps
    each old mention's uid to its stored cluster id, and new mentions have none. The sweep
    starts at the first new mention's turn from the stored state there (the stored clusters
    restricted to the mentions taken before it) and runs until, past the last new mention,
    its open clusters are the stored ones restricted the same way: from there on both
    clusterings take the same mentions from the same state. None when that point lies beyond
    the mentions given (the caller reads further and asks again).
    """
    order = sorted(mentions, key=lambda m: m.turn(window_days))
    new = [m for m in order if m.uid not in stored]
    if not new:
        return SpanUpdate(set(), [])
    start = new[0].turn(window_days)
    restart, shadow = _stored_state(order, stored, start, window_days)
    sweep = _Sweep(window_days, restart.values())
    touched: dict[int, Cluster] = {id(c): c for c in restart.values()}
    last_new_turn = new[-1].turn(window_days)[0]
    safe_turn = None if complete else order[-1].date.toordinal() - 2 * window_days
    checked = last_new_turn
    for mention in (m for m in order if m.turn(window_days) >= start):
        turn = mention.turn(window_days)[0]
        if safe_turn is not None and turn > safe_turn:
            break
        if turn > checked:  # once per turn past the new mentions: has the sweep settled?
            checked = turn
            if _settled(sweep, shadow, turn):
                return _changes(sweep, shadow, touched, turn)
        home = sweep.take(mention)
        touched[id(home)] = home
        shadow.take(mention)
    else:
        if complete:
            return SpanUpdate(set(shadow.touched), list(touched.values()))
    assert safe_turn is not None
    if safe_turn + 1 > last_new_turn and _settled(sweep, shadow, safe_turn + 1):
        return _changes(sweep, shadow, touched, safe_turn + 1)
    return None


def _stored_state(order: list[Mention], stored: dict[str, str], start: tuple, window_days: int
                  ) -> tuple[dict[str, Cluster], _StoredShadow]:
    """The stored clusters as they stood when the sweep reached `start`: only those still
    open there (the others cannot change), with the members taken before it, by id."""
    members: dict[str, list[Mention]] = defaultdict(list)
    for mention in order:
        if mention.uid in stored and mention.turn(window_days) < start:
            members[stored[mention.uid]].append(mention)
    first_open = date.fromordinal(start[0] - window_days)
    restart = {}
    for cluster_id, taken in members.items():
        cluster = Cluster()
        for mention in taken:
            cluster.add(mention)
        if cluster.first_date is not None and cluster.first_date >= first_open:
            restart[cluster_id] = cluster
    return restart, _StoredShadow(window_days, restart, stored)


class _StoredShadow:
    """The stored clustering replayed alongside the sweep, as uid sets per stored cluster;
    `touched` are the stored clusters the sweep went through (open at its start, or taking
    a mention since)."""

    def __init__(self, window_days: int, restart: dict[str, Cluster],
                 stored: dict[str, str]) -> None:
        self.window_days = window_days
        self.stored = stored
        self.members = {cid: set(cluster.uids()) for cid, cluster in restart.items()}
        self.first_dates = {cid: cluster.first_date for cid, cluster in restart.items()}
        self.touched = set(restart)

    def take(self, mention: Mention) -> None:
        cid = self.stored.get(mention.uid)
        if cid is None:
            return
        assert mention.date is not None
        self.members.setdefault(cid, set()).add(mention.uid)
        known = self.first_dates.get(cid) or mention.date
        self.first_dates[cid] = min(known, mention.date)
        self.touched.add(cid)

    def open_clusters(self, turn: int) -> dict[frozenset[str], str]:
        first = date.fromordinal(turn - self.window_days)
        return {frozenset(self.members[cid]): cid for cid in self.touched
                if self.first_dates[cid] >= first}


def _settled(sweep: _Sweep, shadow: _StoredShadow, turn: int) -> bool:
    ours = {cluster.uids() for cluster in sweep.open_clusters(turn)}
    return ours == set(shadow.open_clusters(turn))


def _changes(sweep: _Sweep, shadow: _StoredShadow, touched: dict[int, Cluster], turn: int
             ) -> SpanUpdate:
    """Stored clusters still open at `turn` are kept (they go on exactly as stored); the
    others the sweep went through are replaced by the sweep's closed clusters."""
    still_open = shadow.open_clusters(turn)
    open_now = {id(cluster) for cluster in sweep.open_clusters(turn)}
    replaced = {cid for cid in shadow.touched if cid not in still_open.values()}
    closed = [cluster for key, cluster in touched.items() if key not in open_now]
    return SpanUpdate(replaced, closed)


# ---------------------------------------------------------------- reading and writing the store


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


_MENTION_COLUMNS = """e.content_hash, e.event_id, e.event, e.date, e.actor_codes,
       e.recipient_codes, e.negated, e.hypothetical, e.confidence, e.place_name,
       e.country_code, e.lat, e.lon,
       TRY_CAST(json_extract_string(e.event_loc, '$.geonameid') AS BIGINT) AS geonameid,
       json_extract_string(e.event_loc, '$.feature_code') AS feature_code,
       json_extract_string(e.event_loc, '$.extracted_place') AS extracted_place,
       json_extract_string(e.event_loc, '$.basis') AS place_basis,
       a.dateline_place, coalesce(a.pub_date, a.dateline_date) AS report_date, a.source"""

_MENTIONS_SQL = f"SELECT {_MENTION_COLUMNS} FROM events e JOIN articles a USING (content_hash)"

_UNCLUSTERED_SQL = f"""
WITH candidates AS MATERIALIZED (
    SELECT content_hash, event_id FROM events WHERE rowid >= $first_row),
unclustered AS (
    SELECT c.* FROM candidates c LEFT JOIN event_clusters m USING (content_hash, event_id)
    WHERE m.cluster_id IS NULL)
SELECT {_MENTION_COLUMNS} FROM unclustered u JOIN events e USING (content_hash, event_id)
JOIN articles a USING (content_hash)"""

# The stored mentions of each span's key dated within it, with their stored cluster: read
# through the clusters table, which holds each key as it is compared here, so no list of codes
# is sorted per stored event.
_SPAN_SQL = f"""
WITH touching AS (
    SELECT s.span, c.cluster_id FROM clusters c JOIN _spans s
        ON c.event = s.event AND c.actor_codes = s.actor_set
        AND c.recipient_codes = s.recipient_set AND c.negated = s.negated
        AND c.hypothetical = s.hypothetical
    WHERE c.last_date >= s.lo AND c.first_date <= s.hi
),
members AS MATERIALIZED (
    SELECT t.span, m.content_hash, m.event_id, m.cluster_id AS stored_cluster
    FROM event_clusters m JOIN touching t USING (cluster_id)
)
SELECT {_MENTION_COLUMNS}, k.span, k.stored_cluster
FROM members k JOIN events e USING (content_hash, event_id) JOIN articles a USING (content_hash)
JOIN _spans s ON s.span = k.span
WHERE e.date >= s.lo AND e.date <= s.hi
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

    The new events are the ones without a cluster (so events left unclustered by an
    interrupted run are picked up by the next one). Within each of their keys only the days
    around them are clustered again (`recluster_span`), reading further only while a chain of
    close reports carries the change on; the result equals a full rebuild.
    """
    window_days = stored_window(store)
    new = _unclustered(store)
    by_key: dict[tuple, list[Mention]] = defaultdict(list)
    clusters: list[Cluster] = []
    for mention in new:
        if mention.date is not None and _identified(mention.key):
            by_key[mention.key].append(mention)
        else:
            clusters.extend(_alone([mention]))
    replaced: set[str] = set()
    for update in _span_updates(store, by_key, window_days):
        replaced |= update.replaced
        clusters.extend(update.clusters)
    if clusters or replaced:
        store.replace_clusters(*_cluster_tables(store, clusters, window_days),
                               replaced=sorted(replaced))
    total = store.connection.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM clusters)").fetchone()
    assert total is not None
    return ClusterSummary(int(total[0]), int(total[1]), window_days)


def _unclustered(store: Store) -> list[Mention]:
    """The stored events without a cluster. Memberships only exist for stored events (they
    are deleted with their events), so their count is known at once; they are looked for
    among the latest rows first, where a batch just stored lies, and everywhere if that
    does not find them all."""
    (events, members, last_row), = store.connection.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_clusters), "
        "(SELECT max(rowid) FROM events)").fetchall()
    pending = events - members
    if pending <= 0:
        return []
    recent = _fetch_mentions(store, _UNCLUSTERED_SQL, {"first_row": last_row - 2 * pending - 64})
    if len(recent) == pending:
        return recent
    return _fetch_mentions(store, _UNCLUSTERED_SQL, {"first_row": 0})


def _span_updates(store: Store, by_key: dict[tuple, list[Mention]], window_days: int
                  ) -> Iterable[SpanUpdate]:
    """One update per key, each read over a span that grows until the sweep settles."""
    (latest,), = store.connection.execute("SELECT max(date) FROM events").fetchall()
    last_day: date = latest or date.max
    spans = {}
    for key, mentions in by_key.items():
        first = min(m.turn(window_days)[0] for m in mentions) - 3 * window_days
        last = max(m.date for m in mentions if m.date)
        spans[key] = (date.fromordinal(first), last + timedelta(days=_FIRST_REACH_DAYS
                                                                + 2 * window_days))
    while spans:
        fetched = _fetch_spans(store, spans)
        for key, (first, last) in list(spans.items()):
            mentions, stored = fetched[key]
            mentions = mentions + by_key[key]
            complete = last >= last_day
            update = recluster_span(mentions, stored, window_days, complete)
            if update is not None:
                del spans[key]
                yield update
            else:
                reach = (last - first).days * 2
                spans[key] = (first, min(last + timedelta(days=reach), last_day))


def _fetch_spans(store: Store, spans: dict[tuple, tuple[date, date]]
                 ) -> dict[tuple, tuple[list[Mention], dict[str, str]]]:
    keys = list(spans)
    table = pa.table({
        "span": list(range(len(keys))),
        "event": [key[0] for key in keys],
        "actor_set": [list(key[1]) for key in keys],
        "recipient_set": [list(key[2]) for key in keys],
        "negated": [key[3] for key in keys],
        "hypothetical": [key[4] for key in keys],
        "lo": [spans[key][0] for key in keys],
        "hi": [spans[key][1] for key in keys],
    })
    con = store.connection
    con.register("_spans", table)
    try:
        cursor = con.execute(_SPAN_SQL)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.unregister("_spans")
    fetched: dict[tuple, tuple[list[Mention], dict[str, str]]] = {
        key: ([], {}) for key in keys}
    for row in rows:
        mentions, stored = fetched[keys[row["span"]]]
        mention = _mention_from_row(row)
        mentions.append(mention)
        if row["stored_cluster"] is not None:
            stored[mention.uid] = row["stored_cluster"]
    return fetched


def _fetch_mentions(store: Store, sql: str, params: dict | None = None) -> list[Mention]:
    cursor = store.connection.execute(sql, params or {})
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
