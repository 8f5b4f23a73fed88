"""Helper for tests that code one short text through the whole coder, as of a report date."""

from __future__ import annotations

from datetime import date

from accord.model import Article, EventRecord
from accord.nlp import parse
from accord.pipeline import code_document

REPORT_DATE = date(2024, 5, 3)


def coded(text: str, on: date = REPORT_DATE) -> list[EventRecord]:
    article = Article(id="test", text=text, pub_date=on, dateline_date=on)
    (_, doc), = parse([article])
    return code_document(article, doc)


def recipients_of(text: str, event_type: str, on: date = REPORT_DATE) -> list[str | None]:
    """The recipients' codes of the text's records of `event_type`."""
    return [a.code for r in coded(text, on) if r.event == event_type for a in r.recipient]
