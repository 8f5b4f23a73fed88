"""Exports: `code` and `export` write one tabular schema, column for column; --out means the
same everywhere; the GDELT TSV never carries a local path."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from accord.cli import main
from accord.exports import TABULAR_COLUMNS, TABULAR_SCHEMA, export_events
from accord.model import Actor, Article, EventRecord
from accord.store import Store

SUMMIT = """\
 date 2021-09-17 Kyrgyzstan and China agree to deepen cooperation

DUSHANBE, Sept. 16 (Xinhua) -- Kyrgyz President Sadyr Japarov met Chinese Foreign Minister \
Wang Yi in Dushanbe on Thursday, and the two sides agreed to deepen cooperation in trade.

China supports Kyrgyzstan in safeguarding its independence, Wang said.
"""


@pytest.fixture
def coded(tmp_path: Path, capsys) -> dict[str, Path]:
    """The same article written by `code` as CSV and Parquet, and exported from its store."""
    story = tmp_path / "summit.txt"
    story.write_text(SUMMIT, encoding="utf-8")
    out = {"db": tmp_path / "s.duckdb", "code_csv": tmp_path / "code.csv",
           "code_parquet": tmp_path / "code_parquet", "export_csv": tmp_path / "export.csv",
           "export_parquet": tmp_path / "export_parquet"}
    assert main(["code", str(story), "--db", str(out["db"]), "--out", str(out["code_csv"]),
                 "--format", "csv"]) == 0
    assert main(["code", str(story), "--out", str(out["code_parquet"]),
                 "--format", "parquet"]) == 0
    for fmt in ("csv", "parquet"):
        assert main(["export", "--db", str(out["db"]), "--format", fmt,
                     "--out", str(out[f"export_{fmt}"])]) == 0
    capsys.readouterr()
    return out


def _csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_code_and_export_write_the_same_csv_columns_and_values(coded):
    names = [column.name for column in TABULAR_COLUMNS]
    code_header, code_rows = _csv(coded["code_csv"])
    export_header, export_rows = _csv(coded["export_csv"])
    assert code_header == export_header == names
    assert code_rows, "the summit codes to events"

    def comparable(row: dict) -> dict:
        return {k: v for k, v in row.items() if k != "cluster_id"}

    by_id = {row["event_id"]: comparable(row) for row in export_rows}
    assert {row["event_id"]: comparable(row) for row in code_rows} == by_id
    agree = next(row for row in code_rows if row["event"] == "AGREE")
    assert agree["actor_codes"].split("|") and agree["date"] == "2021-09-16"
    assert agree["content_hash"] and agree["month"] == "2021-09"


def test_code_and_export_write_the_same_parquet_schema_partitioned_by_month(coded):
    from_code = pq.read_table(coded["code_parquet"])
    from_export = pq.read_table(coded["export_parquet"])
    assert from_code.schema.names == from_export.schema.names
    assert [f.name for f in from_code.schema] == [c.name for c in TABULAR_COLUMNS
                                                  if c.name != "month"] + ["month"]
    for field in TABULAR_SCHEMA:
        if field.name != "month":
            assert from_code.schema.field(field.name).type == field.type
            assert from_export.schema.field(field.name).type == field.type
    assert sorted(p.name for p in coded["code_parquet"].iterdir()) == ["month=2021-09"]
    assert sorted(p.name for p in coded["export_parquet"].iterdir()) == ["month=2021-09"]
    assert sorted(from_code.column("event_id").to_pylist()) == sorted(
        from_export.column("event_id").to_pylist())


def test_docs_list_the_tabular_columns_in_file_order():
    documented = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text()
    section = documented.split("## The tabular schema")[1].split("## GDELT")[0]
    listed = [line.split("|")[1].strip(" `") for line in section.splitlines()
              if line.startswith("| `")]
    assert listed == [column.name for column in TABULAR_COLUMNS]


def test_force_replaces_only_the_parquet_parts_of_an_earlier_run(coded, capsys):
    folder = coded["export_parquet"]
    (folder / "README.txt").write_text("my notes", encoding="utf-8")
    assert main(["export", "--db", str(coded["db"]), "--format", "parquet",
                 "--out", str(folder)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["export", "--db", str(coded["db"]), "--format", "parquet",
                 "--out", str(folder), "--force"]) == 0
    assert (folder / "README.txt").read_text() == "my notes"
    parts = list(folder.glob("month=*/*.parquet"))
    assert len(parts) == 1  # the earlier run's part was replaced, not added to
    assert pq.read_table(parts[0]).num_rows == pq.read_table(coded["code_parquet"]).num_rows


def test_gdelt_sourceurl_is_the_url_or_empty_never_a_local_path(tmp_path):
    from accord.analyse import rebuild_clusters
    from accord.exports import GDELT_COLUMNS

    def event(doc: str) -> EventRecord:
        return EventRecord(id=f"{doc}-1", doc_id=doc, date="2021-09-16",
                           actor=[Actor("KGZ", "GOV", "Kyrgyzstan")], event="AGREE",
                           recipient=[Actor("CHN", "GOV", "China")], cameo="057")

    with Store(tmp_path / "s.duckdb") as store:
        for doc, url in (("local", None), ("web", "https://example.org/summit")):
            article = Article(doc, f"Text of {doc}.", pub_date=date(2021, 9, 17), url=url,
                              origin=f"/home/someone/private/{doc}.txt")
            store.add_article(article, [event(doc)], "test")
        rebuild_clusters(store, window_days=0)
        out = tmp_path / "events.tsv"
        export_events(store, "gdelt", out)
    urls = {row.split("\t")[GDELT_COLUMNS.index("SOURCEURL")]
            for row in out.read_text().splitlines()}
    assert "/home/someone" not in out.read_text()
    assert urls <= {"", "https://example.org/summit"}
