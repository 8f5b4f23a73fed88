"""The coder end to end: articles in, `EventRecord`s out, one spaCy pass per article.

Owns the order of the stages (parse, actors, events, where, when) and what makes a candidate
worth emitting; each stage's knowledge stays in its own module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from accord import classify, place_choice, placed_parties, when, where
from accord.actors import ArticleMemory, lookup_name, mentions_in
from accord.events import Candidate, extract_candidates
from accord.knowledge import cameo_roots, plover_types, state_codes
from accord.model import Actor, Article, EventRecord, Location, Reject
from accord.nlp import parse

if TYPE_CHECKING:
    from accord.place_pointer import PlacePointer

MIN_CONFIDENCE = 0.3


@dataclass
class ArticleSetting:
    """What every sentence of an article shares: memory, reference date, dateline place."""

    article: Article
    memory: ArticleMemory
    dateline_location: Location | None
    context_countries: list[str]
    # The accurate profile's place pointer; None in the fast one.
    place_pointer: PlacePointer | None = None


def article_setting(article: Article, doc: Doc) -> ArticleSetting:
    mentioned = _countries_mentioned(doc)
    dateline = (where.resolve_dateline(article.dateline_place, mentioned)
                if article.dateline_place else None)
    home = dateline.country_code if dateline else None
    memory = ArticleMemory(home_country=home, on=article.reference_date)
    return ArticleSetting(article, memory, dateline, mentioned)


def _countries_mentioned(doc: Doc) -> list[str]:
    codes: list[str] = []
    for ent in doc.ents:
        entry = lookup_name(ent.text)
        if entry and entry.code in state_codes() and entry.code not in codes:
            codes.append(entry.code)
    return codes


def body_sentences(article: Article, doc: Doc) -> Iterator[tuple[int, Span]]:
    for index, sent in enumerate(doc.sents):
        if sent.end_char > article.dateline_end and sent.text.strip():
            yield index, sent


def article_candidates(article: Article, doc: Doc,
                       rescored: bool = False) -> Iterator[tuple[Span, int, Candidate]]:
    """Every scored candidate of the article, sentence by sentence, with article memory.

    `rescored=False` gives the trigger patterns' candidates alone, which is what the event-type
    model is trained and evaluated on; the coder itself uses the rescored ones."""
    setting = article_setting(article, doc)
    yield from candidates_of(setting, doc, rescored)


def candidates_of(setting: ArticleSetting, doc: Doc, rescored: bool = True,
                  profile: str = classify.FAST,
                  models: classify.Models | None = None) -> Iterator[tuple[Span, int, Candidate]]:
    found: list[tuple[int, Span, list[Candidate]]] = []
    for index, sent in body_sentences(setting.article, doc):
        mentions_in(sent, setting.memory)
        candidates = extract_candidates(sent, setting.memory)
        if candidates:
            found.append((index, sent, candidates))
    if rescored and found:
        found = _rescored(found, profile, models or classify.load_models(profile))
    for index, sent, candidates in found:
        for candidate in candidates:
            if rescored and candidate.abstract_object:
                # The models have read it; an abstract object is no party of the record.
                candidate.recipients = []
            yield sent, index, candidate


def _rescored(found: list[tuple[int, Span, list[Candidate]]], profile: str,
              models: classify.Models) -> list[tuple[int, Span, list[Candidate]]]:
    """The models of the profile decide each sentence's event and type; the features of the
    whole article are built together so the accurate profile's encoders run once."""
    if models.types is None:
        return found
    sentences = [sent for _, sent, _ in found]
    features = classify.profile_features(sentences, [cands for _, _, cands in found], profile)
    typed = models.sentence_probabilities([sent.text for sent in sentences])
    return [(index, sent, classify.rescore(sent, cands, models.types, features=found_features,
                                           detector=models.detector,
                                           sentence_probabilities=sentence_types))
            for (index, sent, cands), found_features, sentence_types
            in zip(found, features, typed, strict=True)]


def worth_emitting(candidate: Candidate) -> bool:
    if candidate.is_open:
        return False  # no model typed it
    # The sentence's main event stands on the model's word with any party at all: an unnamed
    # perpetrator ("soldiers were killed in an ambush") leaves the actor empty.
    if candidate.primary:
        return bool(candidate.actors or candidate.recipients)
    # An actor known only by its sector ("rebels" in a story with no country) is still an
    # actor, kept with code null; a bare "it" or "the move" that resolved to nothing is not.
    if not any(actor.code or actor.name or actor.sector for actor in candidate.actors):
        return False
    if plover_types()[candidate.event_type].recipient_required and not candidate.recipients:
        return False
    return candidate.confidence >= MIN_CONFIDENCE


def code_document(article: Article, doc: Doc, profile: str = classify.FAST,
                  models: classify.Models | None = None) -> list[EventRecord]:
    """The article's event records; `models` (default: the profile's shipped ones) decide."""
    models = models or classify.load_models(profile)
    setting = replace(article_setting(article, doc), place_pointer=models.places)
    emitted = [item for item in candidates_of(setting, doc, profile=profile, models=models)
               if worth_emitting(item[2])]
    return [build_record(setting, sent, index, candidate)
            for sent, index, candidate in one_per_statement(emitted)]


Placed = tuple[Span, int, Candidate]


def one_per_statement(items: list[Placed]) -> list[Placed]:
    """A sentence saying one thing twice ("support X in A and support X in B") is one event;
    the same act with and without a recipient keeps the version that names the recipient."""
    kept: dict[tuple, Placed] = {}
    contexts: dict[tuple, list[str]] = {}
    for item in items:
        key = _statement_key(item)
        if key not in kept or kept[key][2].confidence < item[2].confidence:
            kept[key] = item
        contexts.setdefault(key, []).extend(item[2].contexts)
    with_recipient = {key[:3] for key in kept if key[3]}
    survivors = {key: item for key, item in kept.items()
                 if key[3] or key[:3] not in with_recipient}
    # The merged statements' contexts stay: "support against the pandemic and investment" is
    # both health and economic. A version without the recipient merges into the one with it.
    for key, (_, _, candidate) in survivors.items():
        merged = contexts[key] + (contexts.get((*key[:3], ()), []) if key[3] else [])
        candidate.contexts = list(dict.fromkeys([*candidate.contexts, *merged]))
    return sorted(survivors.values(), key=lambda item: item[2].trigger.i)


def _statement_key(item: Placed) -> tuple:
    """Sentence, type, actors, recipients: what makes two candidates one statement."""
    _, index, candidate = item
    return (index, candidate.event_type, _party_key(candidate.actors),
            _party_key(candidate.recipients))


def _party_key(actors: list[Actor]) -> tuple:
    return tuple(sorted((actor.code or "", actor.sector or "") for actor in actors))


def code_articles(
    items: Iterable[Article | Reject], batch_size: int = 32, profile: str = classify.FAST
) -> Iterator[tuple[Article, list[EventRecord]] | Reject]:
    """Code a stream of articles with the event-type model of `profile`; rejects pass through
    in order, so callers can report them."""
    rejects: list[Reject] = []

    def articles_only() -> Iterator[Article]:
        for item in items:
            if isinstance(item, Reject):
                rejects.append(item)
            else:
                yield item

    for article, doc in parse(articles_only(), batch_size=batch_size):
        while rejects:
            yield rejects.pop(0)
        yield _code_safely(article, doc, profile)
    yield from rejects


def _code_safely(article: Article, doc: Doc,
                 profile: str) -> tuple[Article, list[EventRecord]] | Reject:
    """One article that trips the coder is rejected with the reason; the batch goes on."""
    try:
        return article, code_document(article, doc, profile)
    except Exception as error:  # noqa: BLE001 - any coder bug must not cost the other articles
        origin = article.origin or article.id
        return Reject(origin, f"coding failed: {type(error).__name__}: {error}")


# ---------------------------------------------------------------- records


def build_record(setting: ArticleSetting, sent: Span, index: int,
                 candidate: Candidate) -> EventRecord:
    article = setting.article
    trigger = candidate.trigger
    location = locate(setting, sent, candidate)
    location = (replace(location, basis="text") if location
                else replace(setting.dateline_location, basis="dateline")
                if setting.dateline_location else None)
    clause_text = sent.text if trigger.dep_ == "ROOT" else _clause_text(trigger)
    future = candidate.future or when.has_future_time(clause_text)
    # A planned event is dated by the report that announces it, not by the plan.
    event_date, precision = ((article.reference_date, "day") if future and article.reference_date
                             else when.resolve_date(clause_text, article.reference_date))
    if candidate.event_type == "CONSULT":
        add_host(candidate, location)
    else:
        placed_parties.settle(candidate, location)
    placed_parties.name_places(candidate, location, setting.context_countries)
    plover = plover_types()[candidate.event_type]
    cameo = candidate.cameo or plover.cameo_default
    goldstein = cameo_roots().get(cameo[:2], (None, None, None))[1]
    return EventRecord(
        id=_event_id(article.id, trigger.idx, candidate.event_type),
        doc_id=article.id,
        date=event_date.isoformat() if event_date else None,
        date_precision=precision,
        actor=candidate.actors,
        event=candidate.event_type,
        recipient=candidate.recipients,
        mode=consult_mode(candidate, location)
        if candidate.event_type == "CONSULT"
        else candidate.mode,
        context=candidate.contexts,
        event_loc=location,
        event_text=_trigger_phrase(trigger),
        trigger=trigger.text,
        quad_code=plover.quad,
        cameo=cameo,
        goldstein=goldstein,
        plover_score=plover.score,
        confidence=candidate.confidence,
        negated=candidate.negated,
        future=future,
        hypothetical=candidate.hypothetical,
        evidence=sent.text.strip(),
        text_info={"sentence": index, "start": sent.start_char, "end": sent.end_char,
                   "trigger_start": trigger.idx, "trigger_end": trigger.idx + len(trigger)},
        cite_info={"source": article.source, "title": article.title, "url": article.url,
                   "pub_date": article.pub_date.isoformat() if article.pub_date else None},
    )


def locate(setting: ArticleSetting, sent: Span, candidate: Candidate) -> Location | None:
    """The place the clause names for this event; a nominal trigger ("the summit opened in
    X") also looks at its verb."""
    parties = {a.code for a in candidate.actors + candidate.recipients if a.code}
    names = {a.entity_text for a in candidate.actors + candidate.recipients if a.entity_text}
    trigger = candidate.trigger
    anchors = [trigger] + ([trigger.head] if trigger.pos_ == "NOUN" and trigger.head != trigger
                           else [])
    for anchor in anchors:
        location = place_choice.event_place(sent, anchor, setting.context_countries,
                                            exclude=candidate.actor_tokens, parties=parties,
                                            party_names=names, pointer=setting.place_pointer)
        if location:
            return location
    # A city that is also a party ("visited Canberra", "sent aid to Kathmandu") is the place
    # too; a whole country that is a party ("sanctions on Iran") is not.
    location = place_choice.event_place(sent, trigger, setting.context_countries,
                                        parties=parties, party_names=names,
                                        pointer=setting.place_pointer)
    return location if location and location.feature_code != "PCLI" else None


def add_host(candidate: Candidate, location: Location | None) -> None:
    """A visit by one state's official to another state: the host is a party to the meeting."""
    if candidate.mode != "visit" or location is None or location.country_code is None:
        return
    states = {actor.code for actor in candidate.actors if actor.code in state_codes()}
    if len(states) == 1 and location.country_code not in states:
        candidate.actors.append(Actor(code=location.country_code, sector="GOV",
                                      entity_text=location.extracted_place))


def consult_mode(candidate: Candidate, location: Location | None) -> str | None:
    """Meetings: phone and visit from the trigger, otherwise from where the parties met."""
    if candidate.mode:
        return candidate.mode
    states = {actor.code for actor in candidate.actors if actor.code in state_codes()}
    if len(states) >= 3:
        return "multilateral"
    if len(states) < 2 or location is None or location.country_code is None:
        return None
    if location.basis == "dateline":
        return None  # the dateline says where the story was filed, not where they met
    return "visit" if location.country_code in states else "third-party"


def _clause_text(trigger) -> str:
    tokens = list(trigger.subtree)
    return trigger.doc[tokens[0].i : tokens[-1].i + 1].text


def _trigger_phrase(trigger) -> str:
    words = [trigger] + [c for c in trigger.children if c.dep_ in {"prt", "neg"}]
    words += [c for c in trigger.children if c.dep_ in {"dobj"}][:1]
    return " ".join(token.text for token in sorted(words, key=lambda t: t.i))


def _event_id(doc_id: str, offset: int, event_type: str) -> str:
    digest = hashlib.sha1(f"{doc_id}\x1f{offset}\x1f{event_type}".encode()).hexdigest()
    return digest[:16]

