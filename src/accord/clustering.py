"""Event clusters: which stored records report the same real-world event.

Owns the rule for "the same real-world event" (records of one PLOVER type, with the same actor
codes and the same recipient codes, dated within a window, at compatible places), applied in
one pass, and clustering again only the days around new records, starting from a stored
clustering, with exactly the result clustering everything gives (`recluster_span`). Reading
and writing the cluster tables is `accord.cluster_tables`'s.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_WINDOW_DAYS = 2


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
    scores: tuple = ()  # quad class, CAMEO code, PLOVER score, Goldstein: for cluster rows
    reported: bool = True  # False while report_date and source are not read yet

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
        if identified(key):
            clusters.extend(_cluster_group(group, window_days))
        else:
            clusters.extend(alone(group))
    return clusters


def identified(key: tuple) -> bool:
    return bool(key[1] or key[2])


def alone(mentions: Iterable[Mention]) -> list[Cluster]:
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
    return sweep.clusters + alone(m for m in group if m.date is None)


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

    replaced: set[tuple[str, str]]  # (stored cluster id, uid of a member)
    clusters: list[Cluster]


def recluster_span(mentions: Sequence[Mention], stored: dict[str, str], window_days: int,
                   until: date | None) -> SpanUpdate | None:
    """Re-cluster one key after new mentions arrived, from a stored clustering that equals a
    full rebuild without them; the result then equals a full rebuild with them.

    `mentions` are every dated mention of the key from one window before the earliest new
    one's turn to the day `until` (None: to the end of the key's history); `stored` maps
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
    # Every mention taken at a turn up to `safe_turn` is known (a placed one dated `until`
    # is taken 2 x window days before).
    safe_turn = None if until is None else until.toordinal() - 2 * window_days
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
        if until is None:
            return _changes(sweep, shadow, touched, None)
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

    def members_of(self, cluster_ids: Iterable[str]) -> set[tuple[str, str]]:
        """(cluster id, uid) of each member of these stored clusters."""
        return {(cid, uid) for cid in cluster_ids for uid in self.members[cid]}

    def open_clusters(self, turn: int) -> dict[frozenset[str], str]:
        first = date.fromordinal(turn - self.window_days)
        return {frozenset(self.members[cid]): cid for cid in self.touched
                if self.first_dates[cid] >= first}


def _settled(sweep: _Sweep, shadow: _StoredShadow, turn: int) -> bool:
    ours = {cluster.uids() for cluster in sweep.open_clusters(turn)}
    return ours == set(shadow.open_clusters(turn))


def _changes(sweep: _Sweep, shadow: _StoredShadow, touched: dict[int, Cluster],
             turn: int | None) -> SpanUpdate:
    """Stored clusters still open at `turn` are kept (they go on exactly as stored); the
    others the sweep went through are replaced by the sweep's closed clusters, except where
    both are the same (a cluster the new mentions did not change keeps its row). Without a
    turn the sweep reached the end of the key's history, and nothing is open."""
    still_open = shadow.open_clusters(turn).values() if turn is not None else ()
    open_now = {id(c) for c in sweep.open_clusters(turn)} if turn is not None else set()
    old = {frozenset(shadow.members[cid]): cid for cid in shadow.touched
           if cid not in still_open}
    closed = [cluster for key, cluster in touched.items() if key not in open_now]
    unchanged = {cluster.uids() for cluster in closed} & old.keys()
    return SpanUpdate(shadow.members_of(cid for uids, cid in old.items() if uids not in unchanged),
                      [cluster for cluster in closed if cluster.uids() not in unchanged])
