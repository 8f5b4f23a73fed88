"""`accord actors lookup`: how a phrase as news writes it resolves, through the coder's own code.

Owns the look-up of free-standing phrases ("three Egyptian fishermen", "the rebel M23 force"):
each phrase becomes the subject of one template sentence, is parsed by the same spaCy pipeline,
goes through the pipeline's actor stage (article memory, `mentions_in`) and is resolved by the
function the event stage uses for a clause's subject. Nothing here is a second dictionary: the
explanation (which table row answered) is read off the actor the coder produced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date

from spacy.tokens import Doc, Span, Token

from accord.actors import mentions_in
from accord.events import resolve_group
from accord.knowledge import in_era, name_table, territories, title_source, titles
from accord.model import Actor, Article
from accord.nlp import parse
from accord.offices import holders_named, resolve_person
from accord.pipeline import article_setting

# The phrase is the subject of a plain act. Not a reporting verb: "Xinhua said" cites a source,
# while the look-up asks what the phrase is as an actor.
TEMPLATE = "{phrase} criticised the decision on Monday."


def read_batch(lines: Iterable[str]) -> Iterator[tuple[str, date | None]]:
    """One phrase a line, optionally a tab and a YYYY-MM-DD date; blank and '#' lines skipped.
    A malformed date raises ValueError naming the line."""
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        phrase, _, day = text.partition("\t")
        try:
            on = date.fromisoformat(day.strip()) if day.strip() else None
        except ValueError as error:
            raise ValueError(f"line {number}: date must be YYYY-MM-DD: {day.strip()}") from error
        yield phrase.strip(), on


def lookup_phrases(items: Iterable[tuple[str, date | None]]) -> Iterator[dict]:
    """One result per (phrase, date), in order: the actors the coder gives the phrase."""
    articles = (Article(id=str(index), text=TEMPLATE.format(phrase=phrase), pub_date=day)
                for index, (phrase, day) in enumerate(items))
    for article, doc in parse(articles):
        phrase = article.text[: -len(TEMPLATE.format(phrase=""))]
        yield _result(phrase, article.pub_date, _resolve_subject(article, doc, len(phrase)))


def lookup_phrase(phrase: str, day: date | None = None) -> dict:
    return next(lookup_phrases([(phrase, day)]))


def _resolve_subject(article: Article, doc: Doc, length: int) -> list[Actor]:
    setting = article_setting(article, doc)
    sent = next(iter(doc.sents))
    mentions_in(sent, setting.memory)
    head = _phrase_head(sent, length)
    if head is None:
        return []
    mention = resolve_group(head, setting.memory)
    return mention.actors if mention else []


def _phrase_head(sent: Span, length: int) -> Token | None:
    """The token of the phrase whose syntactic head lies outside it (the parse's own choice)."""
    inside = [token for token in sent if token.idx < length and not token.is_punct]
    heads = [token for token in inside
             if token.head == token or token.head.idx >= length]
    return heads[-1] if heads else (inside[-1] if inside else None)


def _result(phrase: str, day: date | None, actors: list[Actor]) -> dict:
    first = actors[0] if actors else Actor(code=None)
    result = {"phrase": phrase, "date": day.isoformat() if day else None,
              "code": first.code, "sector": first.sector, "name": first.name,
              "office": first.office, "entity_text": first.entity_text or None,
              "actors": [asdict(actor) for actor in actors]}
    return result | _explanation(phrase, day, first)


def _explanation(phrase: str, day: date | None, actor: Actor) -> dict:
    """Which table answered, read off the resolved actor."""
    if not actor.code and not actor.sector:
        known = holders_named(phrase)
        reason = "no name, office holder, title or group noun resolves the phrase"
        if known:
            spans = "; ".join(f"{t.name}, {t.title} of {t.code}, {t.span()}" for t in known)
            reason = f"known office holder(s), none matching the date: {spans}"
        return {"source": None, "row": None, "reason": reason}
    if actor.name:
        person = resolve_person(actor.name, day)
        if person and person.code == actor.code:
            return {"source": person.tenure.source, "row": person.tenure.row(),
                    "reason": person.reason}
    entry = _name_in(phrase)
    if entry:
        entry = in_era(entry, day)
        source = {"organisation": "organisations.tsv", "media": "media.tsv",
                  "territory": "territories.tsv"}.get(entry.kind, "countries.tsv")
        return {"source": source, "row": f"{entry.kind}: {entry.canonical}",
                "reason": f"{entry.kind} name of {entry.canonical}"
                          + (f"; sector {actor.sector} from the rest of the phrase"
                             if actor.sector != entry.sector else "")}
    title = _title_in(phrase)
    return {"source": title_source(title) if title else None, "row": title,
            "reason": "a title or group noun; the state comes from the context"
            if title else "resolved from the article's context"}


def _name_in(phrase: str):
    words = phrase.split()
    table = name_table() | territories()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            entry = table.get(" ".join(words[start:start + size]).removeprefix("the "))
            if entry:
                return entry
    return None


def _title_in(phrase: str) -> str | None:
    words = phrase.lower().split()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            text = " ".join(words[start:start + size])
            if text in titles():
                return text
    return None


def describe(result: dict) -> str:
    when = f" on {result['date']}" if result["date"] else ""
    others = result["actors"][1:]
    lines = [f"{result['phrase']}{when}",
             f"  code:    {result['code'] or '-'}",
             f"  sector:  {result['sector'] or '-'}",
             f"  office:  {result['office'] or '-'}",
             f"  name:    {result['name'] or '-'}",
             f"  source:  {result['source'] or '-'}",
             f"  row:     {(result['row'] or '-').replace(chr(9), ' | ')}",
             f"  reason:  {result['reason']}"]
    lines += [f"  also:    {a['code'] or '-'} {a['sector'] or '-'} ({a['entity_text']})"
              for a in others]
    return "\n".join(lines)
