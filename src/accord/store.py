"""The embedded event store: coded articles and their events in one DuckDB file.

This module owns the on-disk schema (`articles`, `events`, `clusters`, `event_clusters`), the
rule that an article is stored at most once (keyed by the sha256 of its text), the all-or-nothing
write of a batch of articles with their events, recoding of articles whose coder or knowledge
changed, and the read side the CLI, API and analysis build on: filtered event lists, a flat
DataFrame view, the dyad summary and the exports (JSONL, Parquet by month, CSV, GDELT-style TSV).
Every user-supplied value reaches DuckDB as a bound parameter, never as SQL text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import duckdb
import pyarrow as pa

from accord.model import Actor, Article, EventRecord, Reject
from accord.progress import RunProgress, tracked
from accord.storage_lock import StoreUnavailable, Waiter, open_connection, reason

if TYPE_CHECKING:  # pandas loads on first use: `accord dyad` starts faster without it
    import pandas as pd

# One entry per column: (name, DuckDB type, Arrow type used to hand rows to DuckDB in bulk).
Columns = tuple[tuple[str, str, pa.DataType], ...]
ARTICLE_COLUMNS: Columns = (
    ("doc_id", "VARCHAR NOT NULL", pa.string()),
    ("content_hash", "VARCHAR PRIMARY KEY", pa.string()),
    ("title", "VARCHAR", pa.string()),
    ("source", "VARCHAR", pa.string()),
    ("url", "VARCHAR", pa.string()),
    ("pub_date", "DATE", pa.date32()),
    ("dateline_place", "VARCHAR", pa.string()),
    ("dateline_date", "DATE", pa.date32()),
    ("origin", "VARCHAR", pa.string()),
    ("coded_at", "TIMESTAMP", pa.timestamp("us")),
    ("coder_version", "VARCHAR", pa.string()),
    # Checksum of the data files, model and coder that produced the events (see `knowledge_id`).
    ("knowledge", "VARCHAR", pa.string()),
    # The text and where its dateline ends, so the article can be coded again (`recode`).
    ("dateline_end", "INTEGER", pa.int32()),
    ("text", "VARCHAR", pa.string()),
)

EVENT_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("event_id", "VARCHAR NOT NULL", pa.string()),
    ("doc_id", "VARCHAR NOT NULL", pa.string()),
    ("content_hash", "VARCHAR NOT NULL", pa.string()),
    ("date", "DATE", pa.date32()),
    ("date_precision", "VARCHAR", pa.string()),
    ("event", "VARCHAR NOT NULL", pa.string()),
    ("mode", "VARCHAR", pa.string()),
    ("context", "VARCHAR[]", pa.list_(pa.string())),
    ("quad_code", "INTEGER", pa.int32()),
    ("cameo", "VARCHAR", pa.string()),
    ("goldstein", "DOUBLE", pa.float64()),
    ("plover_score", "DOUBLE", pa.float64()),
    ("confidence", "DOUBLE", pa.float64()),
    ("negated", "BOOLEAN", pa.bool_()),
    ("future", "BOOLEAN", pa.bool_()),
    ("hypothetical", "BOOLEAN", pa.bool_()),
    ("actor_codes", "VARCHAR[]", pa.list_(pa.string())),
    ("recipient_codes", "VARCHAR[]", pa.list_(pa.string())),
    ("actor", "JSON", pa.string()),
    ("recipient", "JSON", pa.string()),
    ("event_loc", "JSON", pa.string()),
    ("place_name", "VARCHAR", pa.string()),
    ("country_code", "VARCHAR", pa.string()),
    ("lat", "DOUBLE", pa.float64()),
    ("lon", "DOUBLE", pa.float64()),
    ("trigger", "VARCHAR", pa.string()),
    ("event_text", "VARCHAR", pa.string()),
    ("evidence", "VARCHAR", pa.string()),
    ("text_start", "BIGINT", pa.int64()),
    ("text_end", "BIGINT", pa.int64()),
    ("record", "JSON", pa.string()),
)

# One row per group of records describing the same real-world event (built by accord.analyse).
CLUSTER_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("cluster_id", "VARCHAR PRIMARY KEY", pa.string()),
    ("event", "VARCHAR NOT NULL", pa.string()),
    ("actor_codes", "VARCHAR[]", pa.list_(pa.string())),
    ("recipient_codes", "VARCHAR[]", pa.list_(pa.string())),
    ("negated", "BOOLEAN", pa.bool_()),
    ("hypothetical", "BOOLEAN", pa.bool_()),
    ("first_date", "DATE", pa.date32()),
    ("last_date", "DATE", pa.date32()),
    ("first_report", "DATE", pa.date32()),
    ("last_report", "DATE", pa.date32()),
    ("mentions", "INTEGER", pa.int32()),
    ("articles", "INTEGER", pa.int32()),
    ("sources", "INTEGER", pa.int32()),
    ("representative_event_id", "VARCHAR", pa.string()),
    ("representative_content_hash", "VARCHAR", pa.string()),
    ("place", "VARCHAR", pa.string()),
    ("country_code", "VARCHAR", pa.string()),
    ("geonameid", "BIGINT", pa.int64()),
    ("feature_code", "VARCHAR", pa.string()),
    ("lat", "DOUBLE", pa.float64()),
    ("lon", "DOUBLE", pa.float64()),
    ("quad_code", "INTEGER", pa.int32()),
    ("cameo", "VARCHAR", pa.string()),
    ("plover_score", "DOUBLE", pa.float64()),
    ("goldstein", "DOUBLE", pa.float64()),
    ("confidence", "DOUBLE", pa.float64()),
    ("window_days", "INTEGER", pa.int32()),
)

EVENT_CLUSTER_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("content_hash", "VARCHAR NOT NULL", pa.string()),
    ("event_id", "VARCHAR NOT NULL", pa.string()),
    ("cluster_id", "VARCHAR NOT NULL", pa.string()),
)

TABLES: dict[str, tuple[tuple[str, str, pa.DataType], ...]] = {
    "articles": ARTICLE_COLUMNS,
    "events": EVENT_COLUMNS,
    "clusters": CLUSTER_COLUMNS,
    "event_clusters": EVENT_CLUSTER_COLUMNS,
}

# Columns whose content is nested JSON; the flat DataFrame view leaves them out.
NESTED_EVENT_COLUMNS = frozenset({"actor", "recipient", "event_loc", "record"})
FLAT_EVENT_COLUMNS = tuple(name for name, _, _ in EVENT_COLUMNS if name not in NESTED_EVENT_COLUMNS)

# Keys under which the event stage may put character offsets in `text_info`.
_START_KEYS = ("start", "start_char", "char_start", "text_start")
_END_KEYS = ("end", "end_char", "char_end", "text_end")

_EVENT_ORDER = "date NULLS LAST, doc_id, text_start NULLS LAST, event_id"


def content_hash(text: str) -> str:
    """The identity of an article in the store: sha256 of its text, hex encoded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def knowledge_id() -> str:
    """One checksum of everything a coding depends on besides the text: the data files, the
    spaCy library and model versions and accord's own version. Stored per article; when it
    changes, `recode` codes the article again."""
    from accord import __version__
    from accord.knowledge import data_checksums
    from accord.nlp import MODEL_NAME

    parts = {"accord": __version__, "data": data_checksums(),
             "spacy": _installed_version("spacy"), "model": _installed_version(MODEL_NAME)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _installed_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def open_store(path: str | Path, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (creating if needed) the store at `path`; see `Store` for the waiting."""
    return Store(path, read_only=read_only, wait=wait)


class ClosesOnExit:
    """A resource used as a context manager: leaving the `with` block calls `close()`."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class Store(ClosesOnExit):
    """A DuckDB file holding coded articles and events; use as a context manager.

    Opening waits (up to `wait` seconds, default $ACCORD_STORE_WAIT or 30) while another
    process holds the file; a writer holds it, and its place in the writer queue, until
    `close()` (accord.storage_lock, docs/store.md). Any failure to open or write the store
    raises `StoreUnavailable` naming the store and the reason.
    """

    def __init__(self, path: str | Path, read_only: bool = False,
                 wait: float | None = None) -> None:
        self.path = str(path)
        waiter = Waiter(self.path, wait)
        self._con, self._turn = open_connection(self.path, read_only, waiter)
        try:
            self._check_schema(read_only)
        except BaseException:
            self.close()
            raise

    @classmethod
    def borrowing(cls, connection: duckdb.DuckDBPyConnection, path: str | Path) -> Store:
        """A store over a connection someone else owns and closes (the server's shared one)."""
        store = cls.__new__(cls)
        store.path, store._con, store._turn = str(path), connection, None
        store._borrowed = True
        return store

    _borrowed = False

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        if self._borrowed:
            return
        try:
            # Closing checkpoints the write-ahead log into the file: it can fail like a write.
            with self._failures_named("could not close it"):
                self._con.close()
        finally:
            if self._turn is not None:
                self._turn.release()
                self._turn = None

    def _check_schema(self, read_only: bool) -> None:
        if not read_only:
            with self._failures_named("could not create its tables"):
                self._create_schema()
        elif not self.has_table("events"):
            raise StoreUnavailable(self.path, "a DuckDB database, but not an accord store "
                                              "(it has no events table)")

    @contextmanager
    def _failures_named(self, doing: str) -> Iterator[None]:
        """DuckDB's errors from opening or writing, as `StoreUnavailable` naming this store."""
        try:
            yield
        except duckdb.Error as error:
            raise StoreUnavailable(self.path, f"{doing}: {reason(str(error))}") from error

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection, for raw SQL over `articles` and `events`."""
        return self._con

    def _create_schema(self) -> None:
        for table, columns in TABLES.items():
            self._con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_columns_sql(columns)})")
            self._add_missing_columns(table, columns)
        # Updating clusters looks up a few events' memberships by article (accord.cluster_tables).
        self._con.execute("CREATE INDEX IF NOT EXISTS event_clusters_by_article "
                          "ON event_clusters (content_hash)")

    def _add_missing_columns(
        self, table: str, columns: tuple[tuple[str, str, pa.DataType], ...]
    ) -> None:
        """Bring a store written by an older accord up to the current schema, in place."""
        present = {
            row[0]
            for row in self._con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }
        for name, sql_type, _ in columns:
            if name not in present:
                # Constraints cannot be added to a filled table; old rows get NULL.
                self._con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type.split()[0]}")

    def has_table(self, table: str) -> bool:
        row = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()
        return bool(row and row[0])

    # -- writing ---------------------------------------------------------------------------

    def has_article(self, content_hash: str) -> bool:
        row = self._con.execute(
            "SELECT count(*) FROM articles WHERE content_hash = ?", [content_hash]
        ).fetchone()
        return bool(row and row[0])

    def add_article(
        self,
        article: Article,
        events: Sequence[EventRecord],
        coder_version: str,
        knowledge: str | None = None,
    ) -> bool:
        """Store an article with its events; False (and nothing written) if already stored."""
        added, _ = self.add_batch([(article, events)], coder_version, knowledge)
        return added == 1

    def add_batch(
        self,
        items: Iterable[tuple[Article, Sequence[EventRecord]]],
        coder_version: str,
        knowledge: str | None = None,
    ) -> tuple[int, int]:
        """Store many articles in one transaction; returns (added, skipped as duplicates).

        `knowledge` names the data and model the events were coded with (default: the
        installed ones, `knowledge_id()`).
        """
        items = list(items)
        coded_at = datetime.now(UTC).replace(tzinfo=None)
        knowledge = knowledge or knowledge_id()
        with self._transaction():
            fresh = self._drop_known(items)
            article_rows = [
                _article_row(a, d, coder_version, knowledge, coded_at) for a, _, d in fresh
            ]
            event_rows = [_event_row(e, a, d) for a, evs, d in fresh for e in evs]
            self._insert_articles(article_rows)
            self._insert_events(event_rows)
        return len(fresh), len(items) - len(fresh)

    def replace_batch(
        self,
        items: Iterable[tuple[Article, Sequence[EventRecord]]],
        coder_version: str,
        knowledge: str | None = None,
    ) -> int:
        """Replace the events of already stored articles (same text) in one transaction.

        Articles not in the store are left alone; returns how many were replaced.
        """
        knowledge = knowledge or knowledge_id()
        coded_at = datetime.now(UTC).replace(tzinfo=None)
        by_hash = {content_hash(article.text): (article, events) for article, events in items}
        with self._transaction():
            stored = self._stored_hashes(list(by_hash))
            event_rows = [
                _event_row(event, by_hash[digest][0], digest)
                for digest in stored
                for event in by_hash[digest][1]
            ]
            for table in ("event_clusters", "events"):
                # Memberships go with their events; the next cluster build places the new ones.
                self._con.execute(
                    f"DELETE FROM {table} WHERE list_contains(?, content_hash)", [sorted(stored)]
                )
            self._insert_events(event_rows)
            self._con.execute(
                "UPDATE articles SET coder_version = ?, knowledge = ?, coded_at = ? "
                "WHERE list_contains(?, content_hash)",
                [coder_version, knowledge, coded_at, sorted(stored)],
            )
        return len(stored)

    def _stored_hashes(self, hashes: list[str]) -> set[str]:
        return {
            row[0]
            for row in self._con.execute(
                "SELECT content_hash FROM articles WHERE list_contains(?, content_hash)",
                [sorted(set(hashes))],
            ).fetchall()
        }

    def replace_clusters(
        self, cluster_rows: list[dict], member_rows: list[dict],
        replaced: tuple[Sequence[str], Sequence[int]] | None = None,
    ) -> None:
        """Swap cluster contents for new ones, all or nothing: every cluster, or only the
        clusters `replaced` names, (cluster ids, row ids of their `event_clusters` rows), and
        whichever the new rows overwrite."""
        with self._transaction():
            if replaced is None:
                self._con.execute("DELETE FROM event_clusters")
                self._con.execute("DELETE FROM clusters")
            else:
                ids, member_row_ids = replaced
                overwritten = {row["cluster_id"] for row in cluster_rows}
                self._delete_clusters(sorted({*ids, *overwritten}), member_row_ids)
            self._append("clusters", CLUSTER_COLUMNS, cluster_rows)
            self._append("event_clusters", EVENT_CLUSTER_COLUMNS, member_rows)

    def _delete_clusters(self, ids: Sequence[str], member_row_ids: Sequence[int]) -> None:
        # Literal IN lists: DuckDB finds the rows by row id, and clusters through the index on
        # cluster_id, instead of reading the tables.
        for start in range(0, len(member_row_ids), 1024):
            listed = ", ".join(str(int(row)) for row in member_row_ids[start:start + 1024])
            self._con.execute(f"DELETE FROM event_clusters WHERE rowid IN ({listed})")
        for chunk in _chunks(ids):
            self._con.execute(f"DELETE FROM clusters WHERE cluster_id IN ({chunk})")

    def append_rows(self, table: str, columns: Columns, rows: list[dict]) -> None:
        """Add rows to a table of another module's (created if missing), in one transaction."""
        with self._transaction():
            self._con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_columns_sql(columns)})")
            self._append(table, columns, rows)

    # -- recoding --------------------------------------------------------------------------

    def stale_hashes(self, coder_version: str, knowledge: str) -> tuple[list[str], int]:
        """Articles coded by another coder version or knowledge: (recodable hashes, how many
        of them cannot be recoded because their text was not stored)."""
        rows = self._con.execute(
            "SELECT content_hash, text IS NOT NULL FROM articles "
            "WHERE coder_version IS DISTINCT FROM ? OR knowledge IS DISTINCT FROM ? "
            "ORDER BY content_hash",
            [coder_version, knowledge],
        ).fetchall()
        recodable = [digest for digest, has_text in rows if has_text]
        return recodable, len(rows) - len(recodable)

    def stored_articles(self, hashes: Sequence[str]) -> list[Article]:
        """The stored articles with these content hashes, rebuilt for coding again."""
        columns = ("doc_id", "text", "title", "pub_date", "dateline_place", "dateline_date",
                   "dateline_end", "url", "source", "origin")
        rows = self._con.execute(
            f"SELECT {', '.join(columns)} FROM articles WHERE list_contains(?, content_hash) "
            "ORDER BY content_hash",
            [list(hashes)],
        ).fetchall()
        return [_article_from_row(dict(zip(columns, row, strict=True))) for row in rows]

    def _drop_known(
        self, items: list[tuple[Article, Sequence[EventRecord]]]
    ) -> list[tuple[Article, Sequence[EventRecord], str]]:
        """Keep the first occurrence of each text not already in the store, with its hash."""
        hashes = [content_hash(article.text) for article, _ in items]
        stored = {
            row[0]
            for row in self._con.execute(
                "SELECT content_hash FROM articles WHERE list_contains(?, content_hash)",
                [sorted(set(hashes))],
            ).fetchall()
        }
        fresh = []
        for item, digest in zip(items, hashes, strict=True):
            if digest not in stored:
                stored.add(digest)
                fresh.append((*item, digest))
        return fresh

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One all-or-nothing write; a failure rolls back and names the store."""
        with self._failures_named("could not write"):
            self._con.begin()
            try:
                yield
                self._con.commit()
            except BaseException:
                # A failed COMMIT may already have ended the transaction; the first error counts.
                with suppress(duckdb.Error):
                    self._con.rollback()
                raise

    def _insert_articles(self, rows: list[dict]) -> None:
        self._append("articles", ARTICLE_COLUMNS, rows)

    def _insert_events(self, rows: list[dict]) -> None:
        self._append("events", EVENT_COLUMNS, rows)

    def _append(
        self, table: str, columns: tuple[tuple[str, str, pa.DataType], ...], rows: list[dict]
    ) -> None:
        # Handing DuckDB one Arrow table is far faster than row-by-row executemany.
        if not rows:
            return
        schema = pa.schema([(name, arrow_type) for name, _, arrow_type in columns])
        pending = pa.Table.from_pylist(rows, schema=schema)
        view = f"_pending_{table}"
        self._con.register(view, pending)
        try:
            self._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
        finally:
            self._con.unregister(view)

    # -- reading ---------------------------------------------------------------------------

    def events(
        self,
        actor: str | None = None,
        recipient: str | None = None,
        event_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict]:
        """Full event records (the JSON of `EventRecord.to_dict`) matching all given filters."""
        where, params = _event_filter(actor, recipient, event_type)
        sql = f"SELECT record FROM events {where} ORDER BY {_EVENT_ORDER}"
        sql, params = _with_limit(sql, params, limit)
        return [json.loads(row[0]) for row in self._con.execute(sql, params).fetchall()]

    def events_frame(
        self,
        actor: str | None = None,
        recipient: str | None = None,
        event_type: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The same selection as `events`, as a DataFrame of the flat (non-JSON) columns."""
        where, params = _event_filter(actor, recipient, event_type)
        columns = ", ".join(FLAT_EVENT_COLUMNS)
        sql = f"SELECT {columns} FROM events {where} ORDER BY {_EVENT_ORDER}"
        sql, params = _with_limit(sql, params, limit)
        return self._con.execute(sql, params).df()

    def dyad_summary(self, limit: int = 20) -> list[dict]:
        """Per pair of codes: event count, counts per quad class, mean scores, first/last date.

        An event with recipients counts for every (actor code -> recipient code) pair. An
        event with no recipient and several actor codes (a meeting, a joint agreement) counts
        once for every unordered pair of its actors, written alphabetically with "<->".
        """
        rows = self._con.execute(_DYAD_SQL, [limit]).fetchall()
        keys = (
            "actor", "recipient", "direction", "events", "quad1", "quad2", "quad3", "quad4",
            "mean_plover_score", "mean_goldstein", "first_date", "last_date",
        )
        summary = [dict(zip(keys, row, strict=True)) for row in rows]
        for item in summary:
            for key in ("first_date", "last_date"):
                item[key] = item[key].isoformat() if item[key] else None
        return summary

    def counts(self) -> dict[str, int]:
        row = self._con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
        ).fetchone()
        assert row is not None
        return {"articles": int(row[0]), "events": int(row[1])}

    def event_count(self, hashes: Sequence[str]) -> int:
        row = self._con.execute(
            "SELECT count(*) FROM events WHERE list_contains(?, content_hash)", [list(hashes)]
        ).fetchone()
        return int(row[0]) if row else 0

    def cluster_count(self) -> int:
        if not self.has_table("clusters"):
            return 0
        row = self._con.execute("SELECT count(*) FROM clusters").fetchone()
        return int(row[0]) if row else 0


def _chunks(values: Sequence[str], size: int = 128) -> Iterator[str]:
    """The values as SQL string literals, `size` at a time, comma-separated."""
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield ", ".join("'" + value.replace("'", "''") + "'" for value in chunk)


# -- recoding ------------------------------------------------------------------------------

Coder = Callable[[Iterable[Article]], Iterable["tuple[Article, list[EventRecord]] | Reject"]]


@dataclass
class RecodeResult:
    """What `recode` did: articles coded again, events before and after, articles skipped."""

    recoded: int = 0
    events_before: int = 0
    events_after: int = 0
    without_text: int = 0


def recode(
    store: Store | str | Path,
    coder: Coder | None = None,
    batch_size: int = 64,
    coder_version: str | None = None,
    knowledge: str | None = None,
    progress: RunProgress | None = None,
) -> RecodeResult:
    """Code again only the articles whose coder version or knowledge differ from the current
    ones, replacing their events one transaction per batch (a crash loses at most a batch,
    and the next run picks up the articles still marked with the old version). `progress`
    counts the articles coded, out of the outdated ones.

    Given a path instead of an open store, the file is held only while a batch is read or
    written, not while it is coded, so the server and other writers get their turns.
    """
    from accord import __version__

    if coder is None:
        from accord.pipeline import code_articles as coder
    coder_version = coder_version or __version__
    knowledge = knowledge or knowledge_id()
    with held(store) as opened:
        hashes, without_text = opened.stale_hashes(coder_version, knowledge)
    result = RecodeResult(without_text=without_text)
    if progress is not None:
        progress.set_total(len(hashes))
    for start in range(0, len(hashes), batch_size):
        chunk = hashes[start : start + batch_size]
        with held(store) as opened:
            result.events_before += opened.event_count(chunk)
            articles = opened.stored_articles(chunk)
        coded = [item for item in tracked(coder(articles), progress) if isinstance(item, tuple)]
        with held(store) as opened:
            result.recoded += opened.replace_batch(coded, coder_version, knowledge)
        result.events_after += sum(len(events) for _, events in coded)
    return result


@contextmanager
def held(store: Store | str | Path) -> Iterator[Store]:
    """An open store as it is, or the store at a path opened for this block only."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store) as opened:
        yield opened


_DYAD_SQL = """
WITH ev AS (
    SELECT content_hash, event_id, quad_code, plover_score, goldstein, date,
           list_distinct(actor_codes) AS actors, list_distinct(recipient_codes) AS recipients
    FROM events
),
actor_side AS (SELECT content_hash, event_id, unnest(actors) AS code FROM ev),
recipient_side AS (SELECT content_hash, event_id, unnest(recipients) AS code FROM ev),
directed AS (
    SELECT a.code AS actor, r.code AS recipient, '->' AS direction,
           ev.quad_code, ev.plover_score, ev.goldstein, ev.date
    FROM ev
    JOIN actor_side a USING (content_hash, event_id)
    JOIN recipient_side r USING (content_hash, event_id)
),
mutual AS (
    SELECT a.code AS actor, b.code AS recipient, '<->' AS direction,
           ev.quad_code, ev.plover_score, ev.goldstein, ev.date
    FROM ev
    JOIN actor_side a USING (content_hash, event_id)
    JOIN actor_side b USING (content_hash, event_id)
    WHERE len(ev.recipients) = 0 AND a.code < b.code
),
pairs AS (SELECT * FROM directed UNION ALL SELECT * FROM mutual)
SELECT actor, recipient, direction, count(*) AS n_events,
       count(*) FILTER (WHERE quad_code = 1), count(*) FILTER (WHERE quad_code = 2),
       count(*) FILTER (WHERE quad_code = 3), count(*) FILTER (WHERE quad_code = 4),
       avg(plover_score), avg(goldstein), min(date), max(date)
FROM pairs
GROUP BY actor, recipient, direction
ORDER BY n_events DESC, actor, recipient, direction
LIMIT ?
"""


def _columns_sql(columns: Columns) -> str:
    return ", ".join(f"{name} {sql_type}" for name, sql_type, _ in columns)


def _event_filter(
    actor: str | None, recipient: str | None, event_type: str | None
) -> tuple[str, list[Any]]:
    """A WHERE clause with placeholders only, and the values bound to them."""
    clauses: list[str] = []
    params: list[Any] = []
    if actor:
        clauses.append("list_contains(actor_codes, ?)")
        params.append(actor.strip().upper())
    if recipient:
        clauses.append("list_contains(recipient_codes, ?)")
        params.append(recipient.strip().upper())
    if event_type:
        clauses.append("event = ?")
        params.append(event_type.strip().upper())
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


def _with_limit(sql: str, params: list[Any], limit: int | None) -> tuple[str, list[Any]]:
    if limit is None:
        return sql, params
    return f"{sql} LIMIT ?", [*params, int(limit)]


def _article_row(
    article: Article, digest: str, coder_version: str, knowledge: str, coded_at: datetime
) -> dict:
    return {
        "doc_id": article.id,
        "content_hash": digest,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "pub_date": article.pub_date,
        "dateline_place": article.dateline_place,
        "dateline_date": article.dateline_date,
        "origin": article.origin,
        "coded_at": coded_at,
        "coder_version": coder_version,
        "knowledge": knowledge,
        "dateline_end": article.dateline_end,
        "text": article.text,
    }


def _article_from_row(row: dict) -> Article:
    return Article(
        id=row["doc_id"], text=row["text"], title=row["title"], pub_date=row["pub_date"],
        dateline_place=row["dateline_place"], dateline_date=row["dateline_date"],
        dateline_end=row["dateline_end"] or 0, url=row["url"], source=row["source"],
        origin=row["origin"] or "",
    )


def _event_row(record: EventRecord, article: Article, digest: str) -> dict:
    location = record.event_loc
    # to_dict is the costly step when storing in bulk; its parts double as the JSON columns.
    as_dict = record.to_dict()
    return {
        # The article's id and hash, so events always join to the row stored with them.
        "event_id": record.id,
        "doc_id": article.id,
        "content_hash": digest,
        "date": _parse_event_date(record.date),
        "date_precision": record.date_precision,
        "event": record.event,
        "mode": record.mode,
        "context": list(record.context),
        "quad_code": record.quad_code,
        "cameo": record.cameo,
        "goldstein": record.goldstein,
        "plover_score": record.plover_score,
        "confidence": record.confidence,
        "negated": record.negated,
        "future": record.future,
        "hypothetical": record.hypothetical,
        "actor_codes": _codes(record.actor),
        "recipient_codes": _codes(record.recipient),
        "actor": _to_json(as_dict["actor"]),
        "recipient": _to_json(as_dict["recipient"]),
        "event_loc": _to_json(as_dict["event_loc"]) if location else None,
        "place_name": (location.resolved_place or location.extracted_place) if location else None,
        "country_code": location.country_code if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "trigger": record.trigger,
        "event_text": record.event_text,
        "evidence": record.evidence,
        "text_start": _first_offset(record.text_info, _START_KEYS),
        "text_end": _first_offset(record.text_info, _END_KEYS),
        "record": _to_json(as_dict),
    }


def _codes(actors: Sequence[Actor]) -> list[str]:
    """Distinct non-empty codes in the order they appear."""
    return list(dict.fromkeys(a.code for a in actors if a.code))


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _first_offset(text_info: dict, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = text_info.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _parse_event_date(value: str | None) -> date | None:
    """A DATE for the column; partial dates fall to the first day of their month or year.

    The exact string (and its precision) stays in the `record` JSON, so nothing is lost.
    """
    if not value:
        return None
    padded = {4: "-01-01", 7: "-01"}.get(len(value), "")
    try:
        return date.fromisoformat(value + padded)
    except ValueError:
        return None


# -- exports -------------------------------------------------------------------------------

EXPORT_FORMATS = ("jsonl", "parquet", "csv", "gdelt")

# The tabular exports: every flat event column, the nested parties as JSON text, the event's
# cluster and where its article came from.
_TABULAR_SQL = """
SELECT {columns}, CAST(e.actor AS VARCHAR) AS actor, CAST(e.recipient AS VARCHAR) AS recipient,
       m.cluster_id, a.source, a.title, a.url, a.pub_date, a.origin,
       coalesce(strftime(e.date, '%Y-%m'), 'undated') AS month
FROM events e
JOIN articles a USING (content_hash)
LEFT JOIN event_clusters m USING (content_hash, event_id)
ORDER BY e.date NULLS LAST, e.doc_id, e.text_start NULLS LAST, e.event_id
"""

_LIST_COLUMNS = ("context", "actor_codes", "recipient_codes")


def export_events(store: Store, fmt: str, out: str | Path) -> int:
    """Write the stored events to `out`; returns the number of rows written.

    jsonl: the PLOVER records as coded, one a line. parquet: a directory partitioned by
    event month (`month=YYYY-MM/`, undated events under `month=undated/`). csv: one file, list
    columns joined with "|". gdelt: one tab-separated row per event cluster, columns as in
    docs/exports.md.
    """
    writers = {"jsonl": _export_jsonl, "parquet": _export_parquet, "csv": _export_csv,
               "gdelt": _export_gdelt}
    if fmt not in writers:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    return writers[fmt](store.connection, Path(out))


def _export_jsonl(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    cursor = con.execute(f"SELECT record FROM events ORDER BY {_EVENT_ORDER}")
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        while rows := cursor.fetchmany(10_000):
            handle.writelines(f"{row[0]}\n" for row in rows)
            written += len(rows)
    return written


def _tabular_sql(join_lists: bool) -> str:
    def column(name: str) -> str:
        if join_lists and name in _LIST_COLUMNS:
            return f"array_to_string(e.{name}, '|') AS {name}"
        return f"e.{name}"

    return _TABULAR_SQL.format(columns=", ".join(column(n) for n in FLAT_EVENT_COLUMNS))


def _sql_string(path: Path) -> str:
    # COPY takes its target as a literal, not a parameter: quote it the SQL way.
    return "'" + str(path).replace("'", "''") + "'"


def _export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({_tabular_sql(join_lists=False)}) TO {_sql_string(out)} "
                "(FORMAT parquet, PARTITION_BY (month), OVERWRITE true)")
    return _row_count(con, "events")


def _export_csv(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    con.execute(f"COPY ({_tabular_sql(join_lists=True)}) TO {_sql_string(out)} "
                "(FORMAT csv, HEADER true)")
    return _row_count(con, "events")


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


# GDELT 2.0 event table columns, in GDELT's order (documented in docs/exports.md).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{part}" for n in (1, 2) for part in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{side}Geo_{part}" for side in ("Actor1", "Actor2", "Action") for part in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
)

_GDELT_SQL = """
SELECT c.cluster_id, c.first_date, c.mentions, c.sources, c.articles, c.cameo, c.quad_code,
       c.goldstein, c.place, c.country_code, c.geonameid, c.lat, c.lon, c.feature_code,
       CAST(e.actor AS VARCHAR), CAST(e.recipient AS VARCHAR),
       e.text_start IS NOT DISTINCT FROM (
           SELECT min(x.text_start) FROM events x WHERE x.content_hash = e.content_hash
       ) AS is_root,
       a.coded_at, coalesce(a.url, a.origin, a.doc_id)
FROM clusters c
JOIN events e ON e.content_hash = c.representative_content_hash
             AND e.event_id = c.representative_event_id
JOIN articles a ON a.content_hash = e.content_hash
ORDER BY c.first_date NULLS LAST, c.cluster_id
"""


def _export_gdelt(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    import csv

    from accord.knowledge import cameo_roots, state_codes

    roots, states = cameo_roots(), state_codes()
    cursor = con.execute(_GDELT_SQL)
    written = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n",
                            quoting=csv.QUOTE_NONE, escapechar="\\")
        while rows := cursor.fetchmany(10_000):
            writer.writerows(_gdelt_row(row, roots, states) for row in rows)
            written += len(rows)
    return written


def _gdelt_row(row: tuple, roots: dict, states: frozenset[str]) -> list[str]:
    (cluster_id, day, mentions, sources, articles, cameo, quad, goldstein, place, country,
     geonameid, lat, lon, feature, actor_json, recipient_json, is_root, coded_at, url) = row
    actors, recipients = json.loads(actor_json or "[]"), json.loads(recipient_json or "[]")
    # GDELT has two actor slots: the first actor, then the first recipient or, for a meeting
    # without recipients, the second actor.
    first = actors[0] if actors else {}
    second = recipients[0] if recipients else (actors[1] if len(actors) > 1 else {})
    cameo = cameo or ""
    root_quad = roots.get(cameo[:2], (None, None, None))[2]
    values: dict[str, Any] = {
        "GLOBALEVENTID": int(cluster_id[:15], 16),
        "SQLDATE": day.strftime("%Y%m%d") if day else "",
        "MonthYear": day.strftime("%Y%m") if day else "",
        "Year": day.year if day else "",
        "FractionDate": f"{day.year + day.timetuple().tm_yday / 365:.4f}" if day else "",
        **_gdelt_actor(1, first, states), **_gdelt_actor(2, second, states),
        "IsRootEvent": int(bool(is_root)), "EventCode": cameo, "EventBaseCode": cameo[:3],
        "EventRootCode": cameo[:2], "QuadClass": root_quad or quad or "",
        "GoldsteinScale": "" if goldstein is None else goldstein,
        "NumMentions": mentions, "NumSources": sources, "NumArticles": articles,
        "ActionGeo_Type": _gdelt_geo_type(country, feature) if (country or place) else "",
        "ActionGeo_FullName": place or "", "ActionGeo_CountryCode": country or "",
        "ActionGeo_Lat": "" if lat is None else lat, "ActionGeo_Long": "" if lon is None else lon,
        "ActionGeo_FeatureID": geonameid or "",
        "DATEADDED": coded_at.strftime("%Y%m%d%H%M%S") if coded_at else "",
        "SOURCEURL": url or "",
    }
    return [_tsv_cell(values.get(column, "")) for column in GDELT_COLUMNS]


def _gdelt_actor(slot: int, actor: dict, states: frozenset[str]) -> dict[str, str]:
    code, sector = actor.get("code") or "", actor.get("sector") or ""
    name = (actor.get("name") or actor.get("entity_text") or "").strip()
    prefix = f"Actor{slot}"
    return {
        f"{prefix}Code": code + sector,
        f"{prefix}Name": name.upper(),
        f"{prefix}CountryCode": code if code in states else "",
        f"{prefix}KnownGroupCode": code if code and code not in states else "",
        f"{prefix}Type1Code": sector,
    }


def _gdelt_geo_type(country: str | None, feature: str | None) -> int:
    """GDELT's geographic resolution: 1 country, 2 US state, 3 US city, 4 city, 5 region."""
    feature = feature or ""
    if feature.startswith("PCL") or not feature:
        return 1
    if feature.startswith("ADM"):
        return 2 if country == "USA" else 5
    return 3 if country == "USA" else 4


def _tsv_cell(value: object) -> str:
    # Tabs and newlines would break the row: evidence-like text never goes in, names may.
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
