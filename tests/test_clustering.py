"""Tests for accord.clustering: one pass gives the rule's clusters, and clustering only the days
around each new batch gives exactly what clustering the whole store again gives."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cluster_tables import rebuild_clusters, update_clusters
from accord.clustering import Mention, Place, cluster_mentions
from accord.model import Location
from accord.store import Store
from test_analyse import _cluster_table, event, memberships, one_each, store_reports

DAY_ONE = date(2024, 5, 1)
BEIJING = Place("Beijing", "CHN", 1816670, True)
SHANGHAI = Place("Shanghai", "CHN", 1796236, True)
CHINA = Place("China", "CHN", 1814991, False, "PCLI")
MOSCOW = Place("Moscow", "RUS", 524901, True)
PLACES = [None, None, BEIJING, SHANGHAI, CHINA, MOSCOW]
KEYS = [("CONSULT", ("CHN", "KGZ"), ()), ("AID", ("KAZ",), ("TJK",)), ("PROTEST", (), ())]


def two_pass_reference(mentions: list[Mention], window_days: int) -> set[frozenset[str]]:
    """The rule as its docstring reads, written plainly: per key, placed mentions in date order
    join the earliest fitting cluster (creation order breaks ties), then the mentions without a
    place join the best-attested fitting cluster."""
    by_key = defaultdict(list)
    for mention in mentions:
        by_key[mention.key].append(mention)
    found = []
    for key, group in by_key.items():
        group.sort(key=lambda m: (m.date or date.max, m.uid))
        clusters: list[list[Mention]] = []
        if not (key[1] or key[2]):
            found += [[m] for m in group]
            continue
        dated = [m for m in group if m.date is not None]
        for placed in (True, False):
            for mention in (m for m in dated if (m.place is not None) == placed):
                fits = [c for c in clusters if _fits(c, mention, window_days)]
                fits.sort(key=lambda c: min(m.date for m in c))  # stable: creation order
                if not fits:
                    clusters.append([mention])
                elif placed:
                    fits[0].append(mention)
                else:
                    max(fits, key=len).append(mention)
        found += clusters + [[m] for m in group if m.date is None]
    return {frozenset(m.uid for m in cluster) for cluster in found}


def _fits(cluster: list[Mention], mention: Mention, window_days: int) -> bool:
    dates = [m.date for m in cluster] + [mention.date]
    if (max(dates) - min(dates)).days > window_days:
        return False
    placed = [m.place for m in cluster if m.place is not None]
    local = [p for p in placed if p.local]
    return all(p.compatible(mention.place) for p in (placed[:1] + local[:1]))


def mention(index: int, key: int, day: int | None, place: int, confidence: float) -> Mention:
    event_type, actors, recipients = KEYS[key]
    return Mention(
        content_hash=f"h{index:03d}", event_id=f"e{index:03d}", event=event_type,
        date=None if day is None else DAY_ONE + timedelta(days=day), actor_codes=actors,
        recipient_codes=recipients, negated=False, hypothetical=False, confidence=confidence,
        place=PLACES[place], stated_place=PLACES[place], report_date=None, source=None)


random_mentions = st.lists(
    st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 30)),
              st.integers(0, len(PLACES) - 1), st.sampled_from([0.5, 0.7, 0.9])),
    max_size=40,
).map(lambda rows: [mention(i, *row) for i, row in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(mentions=random_mentions, window_days=st.integers(0, 3))
def test_one_pass_makes_the_clusters_the_two_pass_rule_describes(mentions, window_days):
    clusters = cluster_mentions(mentions, window_days)
    assert {c.uids() for c in clusters} == two_pass_reference(mentions, window_days)


# ---------------------------------------------------------------- batch by batch, in a store

LOCATIONS = [None, None, Location("Beijing", "Beijing", 1816670, 39.9, 116.4, "CHN", "PPLC"),
             Location("Shanghai", "Shanghai", 1796236, 31.2, 121.5, "CHN", "PPLA"),
             Location("China", "China", 1814991, 35.0, 105.0, "CHN", "PCLI"),
             Location("Moscow", "Moscow", 524901, 55.8, 37.6, "RUS", "PPLC")]
reports = st.lists(
    st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 40)),
              st.integers(0, len(LOCATIONS) - 1), st.sampled_from([0.5, 0.7, 0.9])),
    min_size=1, max_size=60)


def report(index: int, key: int, day: int | None, place: int, confidence: float):
    event_type, actors, recipients = KEYS[key]
    when = None if day is None else (DAY_ONE + timedelta(days=day)).isoformat()
    return event(f"r{index:03d}", when, list(actors), event_type, list(recipients),
                 LOCATIONS[place], confidence)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=reports, cuts=st.lists(st.integers(1, 59), max_size=4), window_days=st.integers(0, 3))
def test_updating_batch_by_batch_in_any_order_equals_a_full_rebuild(rows, cuts, window_days):
    events = [report(i, *row) for i, row in enumerate(rows)]
    bounds = sorted({0, len(events), *(cut for cut in cuts if cut < len(events))})
    with Store(":memory:") as store:
        for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            store_reports(store, *one_each(*events[start:end]))
            if number == 0:
                rebuild_clusters(store, window_days)
            else:
                update_clusters(store)
        incremental = (memberships(store), _cluster_table(store))
        rebuild_clusters(store)
        assert incremental == (memberships(store), _cluster_table(store))


@pytest.mark.parametrize("new_days", [[0], [0, 30], [0, 45, 80]])
def test_a_report_that_shifts_a_chain_of_daily_reports_is_followed_down_the_chain(new_days):
    """A long run of daily meetings: clusters of three days each. A report on the day before
    the first shifts every cluster after it, so the update must follow the chain to its end,
    through the other new reports further down it."""
    daily = [event(f"d{day:02d}", (DAY_ONE + timedelta(days=day)).isoformat(), ["KGZ", "CHN"])
             for day in range(1, 90) if day not in new_days]
    with Store(":memory:") as store:
        store_reports(store, *one_each(*daily))
        rebuild_clusters(store, 2)
        store_reports(store, *one_each(*(
            event(f"d{day:02d}", (DAY_ONE + timedelta(days=day)).isoformat(), ["KGZ", "CHN"])
            for day in new_days)))
        update_clusters(store)
        incremental = (memberships(store), _cluster_table(store))
        rebuild_clusters(store)
        assert incremental == (memberships(store), _cluster_table(store))
        assert {"d00", "d01", "d02"} in incremental[0]
