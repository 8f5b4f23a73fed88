"""The records that flow between accord's stages: articles in, rejects aside, events out.

These dataclasses are the contracts between modules; the JSON shape of `EventRecord.to_dict`
is the PLOVER record described in ONTOLOGY.md plus accord's own fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Article:
    """One news report as read from an input, before any language processing.

    `text` is the body the coder reads; all character offsets (`text_info`, `dateline_end`)
    point into it. `dateline_end` is the offset where a wire dateline such as
    "DUSHANBE, Sept. 16 (Xinhua) --" ends (0 when there is none), so later stages can skip it.
    """

    id: str
    text: str
    title: str | None = None
    pub_date: date | None = None
    dateline_place: str | None = None
    dateline_date: date | None = None
    dateline_end: int = 0
    url: str | None = None
    source: str | None = None
    origin: str = ""

    @property
    def reference_date(self) -> date | None:
        """The date relative expressions are resolved against: dateline first, then publication."""
        return self.dateline_date or self.pub_date


@dataclass
class Reject:
    """An input (or one record of an input) that could not be read, and why."""

    origin: str
    reason: str

    def to_dict(self) -> dict:
        return {"input": self.origin, "reason": self.reason}


@dataclass
class Actor:
    """One coded participant: a state or organisation code plus the sector it acts through."""

    code: str | None
    sector: str | None = None
    entity_text: str = ""
    name: str | None = None
    office: str | None = None

    def key(self) -> tuple[str | None, str | None]:
        return (self.code, self.sector)


@dataclass
class Location:
    """Where an event happened, with the words it came from so users can judge the match."""

    extracted_place: str
    resolved_place: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    feature_code: str | None = None
    # "text" when the clause names the place, "dateline" when it is only where the story was filed.
    basis: str | None = None


@dataclass
class EventRecord:
    """A PLOVER event as accord emits it (one JSONL line)."""

    id: str
    doc_id: str
    date: str | None
    actor: list[Actor]
    event: str
    recipient: list[Actor] = field(default_factory=list)
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    event_loc: Location | None = None
    event_text: str = ""
    trigger: str = ""
    quad_code: int | None = None
    cameo: str | None = None
    goldstein: float | None = None
    plover_score: float | None = None
    confidence: float = 0.0
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    date_precision: str | None = None
    evidence: str = ""
    text_info: dict = field(default_factory=dict)
    cite_info: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)
