"""HTML in, article text out: scraped pages reduced to the story before anything reads them.

Owns recognising HTML (an `.html`/`.htm` file, or a `text` field that is markup) and extracting
the main text with trafilatura, which drops navigation, footers and comments. The page title
comes along; a publication date only when the page states one in its metadata — trafilatura's
wider date search guesses from copyright lines and URLs, and a guessed date is an invented one.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import NamedTuple

MAX_HTML_CHARS = 20_000_000  # trafilatura refuses larger documents

# Markup, not prose that mentions "<" once: a tag that only pages use, near the start.
_HTML_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|div|p|section|main|span"
    r"|table|h[1-6]|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_DOCUMENT_TAG = re.compile(r"<(?:html|body)\b", re.IGNORECASE)


class PageText(NamedTuple):
    """What a page says: its main text, its title and the date its metadata gives, if any."""

    text: str
    title: str | None
    pub_date: date | None


def looks_like_html(text: str) -> bool:
    """Whether a text field holds markup rather than prose."""
    return bool(_HTML_START.match(text[:2000]))


@lru_cache(maxsize=1)
def _extraction_config():
    from trafilatura.settings import use_config

    config = use_config()
    # Short wire items are still articles; trafilatura's default minimum (250 chars) drops them.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    # Its timeout uses signals, which only work in the main thread.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _as_document(markup: str) -> str:
    # trafilatura reads whole pages; a bare fragment ("<p>Talks ended.</p>") needs a body.
    return markup if _DOCUMENT_TAG.search(markup[:5000]) else f"<html><body>{markup}</body></html>"


def extract_page(markup: str) -> PageText:
    """The main text of an HTML page; raises ValueError when the page has none or is too big."""
    if len(markup) > MAX_HTML_CHARS:
        raise ValueError(f"HTML too large to extract: {len(markup):,} characters")
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            _as_document(markup),
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            config=_extraction_config(),
        )
    except Exception as error:  # noqa: BLE001 - a parser failure on one page is that page's reject
        raise ValueError(f"unreadable HTML ({type(error).__name__})") from None
    text = (result.text or "") if result is not None else ""
    if not text.strip():
        raise ValueError("HTML page has no article text")
    title = (result.title or "").strip() or None
    return PageText(_without_title_line(text, title), title, _metadata_date(result.date))


def _without_title_line(text: str, title: str | None) -> str:
    """Drop the headline trafilatura puts first, so a dateline opens the body as in wire text."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title and rest.strip() else text


def _metadata_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
