"""Event records as files other tools read: JSONL, one tabular schema (CSV, Parquet), GDELT TSV.

Owns the tabular schema that `accord code --format csv|parquet` and `accord export --format
csv|parquet` both write (`TABULAR_COLUMNS`, documented column by column in docs/exports.md),
the writers for it, and the exports of a store (`export_events`). Every tabular row is built by
one function, `tabular_row`, from the event record as coded and the article it came from, so a
file written while coding and a file exported from the store hold the same columns.

Where `--out` points: JSONL, CSV and GDELT write one file; Parquet writes a directory
partitioned by event month (`month=YYYY-MM/`, undated events in `month=undated/`), whatever
the engine that coded the events.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pyarrow as pa

from accord.model import Article, EventRecord

if TYPE_CHECKING:
    import duckdb

    from accord.store import Store

EXPORT_FORMATS = ("jsonl", "parquet", "csv", "gdelt")
CODE_FORMATS = ("jsonl", "parquet", "csv")
# Formats whose --out is a directory; the others write one file.
DIRECTORY_FORMATS = frozenset({"parquet"})
UNDATED = "undated"
ROWS_PER_PART = 20_000


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    meaning: str


# The one tabular schema, in file order. List columns are Arrow lists in Parquet and
# "|"-joined text in CSV; nested parties and offsets are JSON text in both.
TABULAR_COLUMNS: tuple[Column, ...] = (
    Column("event_id", pa.string(), "the event's id, unique within its article"),
    Column("doc_id", pa.string(), "the input's `id`, or the file name"),
    Column("content_hash", pa.string(), "sha256 of the article text (the store's article key)"),
    Column("date", pa.date32(), "event date; a month or year date falls on its first day"),
    Column("date_precision", pa.string(), "day, month or year: how much of `date` is known"),
    Column("event", pa.string(), "PLOVER event type"),
    Column("mode", pa.string(), "PLOVER mode"),
    Column("context", pa.list_(pa.string()), "PLOVER contexts"),
    Column("quad_code", pa.int32(), "quad class 1-4"),
    Column("cameo", pa.string(), "CAMEO code"),
    Column("goldstein", pa.float64(), "Goldstein score of the CAMEO code"),
    Column("plover_score", pa.float64(), "PLOVER intensity score"),
    Column("confidence", pa.float64(), "the coder's confidence in [0, 1]"),
    Column("negated", pa.bool_(), "the clause says the act did not happen"),
    Column("future", pa.bool_(), "the act is announced for later"),
    Column("hypothetical", pa.bool_(), "the act is conditional or a possibility"),
    Column("actor_codes", pa.list_(pa.string()), "distinct actor codes, in order"),
    Column("recipient_codes", pa.list_(pa.string()), "distinct recipient codes, in order"),
    Column("actor", pa.string(), "the actors as JSON (code, sector, entity_text, name, office)"),
    Column("recipient", pa.string(), "the recipients as JSON, same fields"),
    Column("place_name", pa.string(), "resolved event place, else the words naming it"),
    Column("extracted_place", pa.string(), "the words naming the place"),
    Column("country_code", pa.string(), "country of the event place"),
    Column("geonameid", pa.int64(), "GeoNames id of the place"),
    Column("feature_code", pa.string(), "GeoNames feature code of the place"),
    Column("lat", pa.float64(), "latitude"),
    Column("lon", pa.float64(), "longitude"),
    Column("place_basis", pa.string(), "text: the clause names the place; dateline: filed there"),
    Column("trigger", pa.string(), "the words that name the act"),
    Column("event_text", pa.string(), "the clause coded"),
    Column("evidence", pa.string(), "the sentence that proves the record"),
    Column("text_start", pa.int64(), "character offset of the sentence in the article text"),
    Column("text_end", pa.int64(), "character offset where the sentence ends"),
    Column("text_info", pa.string(), "all character offsets, as JSON"),
    Column("cite_info", pa.string(), "citation details, as JSON"),
    Column("cluster_id", pa.string(), "the real-world event this report belongs to (export only; "
                                      "empty from `code`)"),
    Column("source", pa.string(), "the outlet"),
    Column("title", pa.string(), "the article title"),
    Column("url", pa.string(), "the article URL"),
    Column("pub_date", pa.date32(), "the article's publication date"),
    Column("origin", pa.string(), "the input the article was read from"),
    Column("month", pa.string(), "YYYY-MM of `date`, or `undated` (the Parquet partition)"),
)
TABULAR_SCHEMA = pa.schema([(column.name, column.type) for column in TABULAR_COLUMNS])
LIST_COLUMNS = tuple(c.name for c in TABULAR_COLUMNS if pa.types.is_list(c.type))


# ---------------------------------------------------------------- one row per event


@dataclass(frozen=True)
class ArticleInfo:
    """What a tabular row says about the article an event came from."""

    content_hash: str
    source: str | None = None
    title: str | None = None
    url: str | None = None
    pub_date: date | None = None
    origin: str | None = None

    @classmethod
    def of(cls, article: Article) -> ArticleInfo:
        from accord.store import content_hash

        return cls(content_hash(article.text), article.source, article.title, article.url,
                   article.pub_date, article.origin or None)


def tabular_row(record: dict, article: ArticleInfo, cluster_id: str | None = None) -> dict:
    """One event (the dict of `EventRecord.to_dict`) as a row of the tabular schema."""
    # The store's own readings of dates and offsets, so a stored row and a coded row agree.
    from accord.store import _END_KEYS, _START_KEYS, _first_offset, _parse_event_date

    place = record.get("event_loc") or {}
    day = _parse_event_date(record.get("date"))
    text_info = record.get("text_info") or {}
    return {
        "event_id": record["id"], "doc_id": record["doc_id"],
        "content_hash": article.content_hash, "date": day,
        "date_precision": record.get("date_precision"), "event": record["event"],
        "mode": record.get("mode"), "context": list(record.get("context") or []),
        "quad_code": record.get("quad_code"), "cameo": record.get("cameo"),
        "goldstein": record.get("goldstein"), "plover_score": record.get("plover_score"),
        "confidence": record.get("confidence"), "negated": record.get("negated"),
        "future": record.get("future"), "hypothetical": record.get("hypothetical"),
        "actor_codes": _codes(record.get("actor") or []),
        "recipient_codes": _codes(record.get("recipient") or []),
        "actor": _json(record.get("actor") or []),
        "recipient": _json(record.get("recipient") or []),
        "place_name": place.get("resolved_place") or place.get("extracted_place"),
        "extracted_place": place.get("extracted_place"),
        "country_code": place.get("country_code"), "geonameid": place.get("geonameid"),
        "feature_code": place.get("feature_code"), "lat": place.get("lat"),
        "lon": place.get("lon"), "place_basis": place.get("basis"),
        "trigger": record.get("trigger"), "event_text": record.get("event_text"),
        "evidence": record.get("evidence"),
        "text_start": _first_offset(text_info, _START_KEYS),
        "text_end": _first_offset(text_info, _END_KEYS),
        "text_info": _json(text_info), "cite_info": _json(record.get("cite_info") or {}),
        "cluster_id": cluster_id, "source": article.source, "title": article.title,
        "url": article.url, "pub_date": article.pub_date, "origin": article.origin,
        "month": day.strftime("%Y-%m") if day else UNDATED,
    }


def _codes(parties: list[dict]) -> list[str]:
    return list(dict.fromkeys(p["code"] for p in parties if p.get("code")))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# ---------------------------------------------------------------- writers


class TabularWriter:
    """Rows of the tabular schema to CSV (one file) or Parquet (a directory by month),
    written in batches as they come, so memory stays bounded."""

    def __init__(self, out: str | Path, fmt: str, rows_per_part: int = ROWS_PER_PART) -> None:
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"not a tabular format: {fmt}")
        self.out, self.format, self.rows_per_part = Path(out), fmt, rows_per_part
        self.rows: list[dict] = []
        self.parts = 0
        self.written = 0
        self._csv: Any = None

    def __enter__(self) -> TabularWriter:
        if self.format == "parquet":
            self.out.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, rows: Iterable[dict]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.rows_per_part:
            self.flush()

    def flush(self) -> None:
        if not self.rows and (self.format == "parquet" or self._csv is not None):
            return
        table = pa.Table.from_pylist(self.rows, schema=TABULAR_SCHEMA)
        self.written += len(self.rows)
        self.rows = []
        if self.format == "csv":
            self._write_csv(table)
        else:
            self._write_parquet(table)

    def _write_csv(self, table: pa.Table) -> None:
        import pyarrow.csv as pcsv

        flat = _join_lists(table)
        if self._csv is None:
            self._csv = pcsv.CSVWriter(str(self.out), flat.schema)
        self._csv.write_table(flat)

    def _write_parquet(self, table: pa.Table) -> None:
        import pyarrow.dataset as ds

        ds.write_dataset(table, self.out, format="parquet",
                         partitioning=ds.partitioning(pa.schema([("month", pa.string())]),
                                                      flavor="hive"),
                         basename_template=f"part-{self.parts:05d}-{{i}}.parquet",
                         existing_data_behavior="overwrite_or_ignore")
        self.parts += 1

    def close(self) -> None:
        self.flush()
        if self._csv is not None:
            self._csv.close()
            self._csv = None


def remove_parquet_parts(folder: Path) -> None:
    """Delete the Parquet files of an earlier run (`month=*/…parquet`), and nothing else."""
    for part in folder.glob("month=*/*.parquet"):
        part.unlink()
    for month in folder.glob("month=*"):
        if month.is_dir() and not any(month.iterdir()):
            month.rmdir()


def _join_lists(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    for name in LIST_COLUMNS:
        index = table.schema.get_field_index(name)
        joined = pc.binary_join(table[name], "|")
        table = table.set_column(index, pa.field(name, pa.string()), joined)
    return table


class EventOutput:
    """Where `accord code` writes events: JSONL (a file or stdout) or the tabular schema."""

    def __init__(self, out: str | None, fmt: str, echo: bool = True) -> None:
        self.out, self.format, self.echo = out, fmt, echo
        self.handle: TextIO | None = None
        self.table: TabularWriter | None = None

    def __enter__(self) -> EventOutput:
        import sys

        if self.format == "jsonl" and self.echo:
            to_file = self.out and self.out != "-"
            self.handle = open(self.out, "w", encoding="utf-8") if to_file else sys.stdout  # noqa: SIM115
        elif self.format != "jsonl":
            assert self.out is not None
            self.table = TabularWriter(self.out, self.format).__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        import sys

        if self.table is not None:
            self.table.close()
        if self.handle is sys.stdout:
            sys.stdout.flush()
        elif self.handle is not None:
            self.handle.close()

    def write(self, article: Article, records: list[EventRecord]) -> None:
        if self.handle is not None:
            self.handle.writelines(json.dumps(r.to_dict(), ensure_ascii=False) + "\n"
                                   for r in records)
        elif self.table is not None:
            info = ArticleInfo.of(article)
            self.table.add(tabular_row(r.to_dict(), info) for r in records)


# ---------------------------------------------------------------- exports of a store


def export_events(store: Store, fmt: str, out: str | Path) -> int:
    """Write the stored events to `out`; returns the number of rows written.

    jsonl: the PLOVER records as coded, one a line. csv, parquet: the tabular schema (Parquet
    as a directory partitioned by event month). gdelt: one tab-separated row per event
    cluster, columns as in docs/exports.md.
    """
    writers = {"jsonl": _export_jsonl, "parquet": _export_tabular, "csv": _export_tabular,
               "gdelt": _export_gdelt}
    if fmt not in writers:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    return writers[fmt](store, fmt, Path(out))


_EVENT_ORDER = "e.date NULLS LAST, e.doc_id, e.text_start NULLS LAST, e.event_id"


def _export_jsonl(store: Store, fmt: str, out: Path) -> int:
    cursor = store.connection.execute(f"SELECT record FROM events e ORDER BY {_EVENT_ORDER}")
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        while rows := cursor.fetchmany(10_000):
            handle.writelines(f"{row[0]}\n" for row in rows)
            written += len(rows)
    return written


def _tabular_sql(with_clusters: bool) -> str:
    """Each event's record with its article's fields (and cluster, once a store has any)."""
    cluster, join = ("m.cluster_id", "LEFT JOIN event_clusters m USING (content_hash, event_id)"
                     ) if with_clusters else ("NULL", "")
    return f"""SELECT e.record, a.content_hash, a.source, a.title, a.url, a.pub_date, a.origin,
                      {cluster}
               FROM events e JOIN articles a USING (content_hash) {join}
               ORDER BY {_EVENT_ORDER}"""


def _export_tabular(store: Store, fmt: str, out: Path) -> int:
    sql = _tabular_sql(store.has_table("event_clusters"))
    with TabularWriter(out, fmt) as writer:
        for row in _fetch(store.connection, sql):
            record, digest, source, title, url, pub_date, origin, cluster_id = row
            info = ArticleInfo(digest, source, title, url, pub_date, origin)
            writer.add([tabular_row(json.loads(record), info, cluster_id)])
    return writer.written


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    cursor = con.execute(sql)
    while rows := cursor.fetchmany(10_000):
        yield from rows


# ---------------------------------------------------------------- GDELT-style TSV

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

# SOURCEURL is the article's URL or empty: never the local path the article was read from,
# which means nothing on another machine and may name a user's private folders.
_GDELT_SQL = """
SELECT c.cluster_id, c.first_date, c.mentions, c.sources, c.articles, c.cameo, c.quad_code,
       c.goldstein, c.place, c.country_code, c.geonameid, c.lat, c.lon, c.feature_code,
       CAST(e.actor AS VARCHAR), CAST(e.recipient AS VARCHAR),
       e.text_start IS NOT DISTINCT FROM (
           SELECT min(x.text_start) FROM events x WHERE x.content_hash = e.content_hash
       ) AS is_root,
       a.coded_at, a.url
FROM clusters c
JOIN events e ON e.content_hash = c.representative_content_hash
             AND e.event_id = c.representative_event_id
JOIN articles a ON a.content_hash = e.content_hash
ORDER BY c.first_date NULLS LAST, c.cluster_id
"""


def _export_gdelt(store: Store, fmt: str, out: Path) -> int:
    from accord.knowledge import cameo_roots, state_codes

    roots, states = cameo_roots(), state_codes()
    written = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n",
                            quoting=csv.QUOTE_NONE, escapechar="\\")
        for row in _fetch(store.connection, _GDELT_SQL):
            writer.writerow(_gdelt_row(row, roots, states))
            written += 1
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
        "DATEADDED": _stamp(coded_at),
        "SOURCEURL": url or "",
    }
    return [_tsv_cell(values.get(column, "")) for column in GDELT_COLUMNS]


def _stamp(coded_at: datetime | None) -> str:
    return coded_at.strftime("%Y%m%d%H%M%S") if coded_at else ""


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
