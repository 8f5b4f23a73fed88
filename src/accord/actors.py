"""Actor coding: from a noun phrase in a parsed sentence to `Actor` records, with article memory.

Owns how a mention becomes a code and sector: state names, adjectives and demonyms, capitals and
seats of government used as metonyms, organisations, titles ("State Councilor and Foreign
Minister"), group nouns ("police", "rebels"), and within-article coreference: people named once
with a title keep it ("Wang said"), pronouns go to the last person who spoke or acted, and "the
two sides" to the last pair of parties. News media are never actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from accord.knowledge import (
    NameEntry,
    Title,
    in_era,
    longest_title_words,
    name_first_words,
    name_table,
    state_codes,
    territories,
    title_first_words,
    titles,
)
from accord.model import Actor
from accord.offices import ROLE, monarch_named, people_named, resolve_person
from accord.phrase_rules import (
    OFFICIAL_SECTORS,
    STATE_KINDS,
    cited_as_source,
    is_kin,
    is_vehicle,
    medium_actor,
    multinational,
    national_branch,
    only_mentioned,
    organisation_people,
    ousted_before,
    patron_only,
    specialised_sector,
)
from accord.place_choice import PLACE_FRAMES
from accord.where import resolve_place

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them"}
FIRST_PERSON = {"i", "we", "us", "me"}
PAIR_WORDS = {"side", "sides", "country", "countries", "nation", "nations", "party", "parties",
              "government", "governments", "leader", "leaders"}
FORMER_WORDS = {"former", "ex", "ex-", "then", "late"}
# A noun that, with a state's name or adjective, stands for its government ("the Chinese side").
STATE_STAND_INS = {"side"}
NAME_PARTICLES = {"bin", "bint", "ibn", "al", "el", "de", "da", "do", "dos", "du", "van", "von",
                  "der", "den", "la", "le", "ould", "ben", "y", "arap"}
# Nouns that count people ("thousands of Pakistanis").
QUANTITY_NOUNS = {"thousand", "thousands", "hundred", "hundreds", "dozen", "dozens", "ten",
                  "tens", "million", "millions", "score", "scores", "crowd", "crowds", "group",
                  "groups", "number", "couple", "handful"}
# Sectors of people who act outside the state: a title read as GOV does not override them.
NON_STATE_SECTORS = {"REB", "OPP", "PTY", "CRM", "REL", "BUS", "JRN", "SOC", "LAB", "UAF"}
HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "madam", "sir",
              # Abbreviated ranks the tagger reads as part of a name ("Gen. Colin Powell"); the
              # title tables give their sector where a rank is written out.
              "gen.", "lt.", "col.", "maj.", "adm.", "brig.", "capt.", "sgt.", "cpl.", "sen.",
              "rep.", "gov.", "prof.", "rev.", "amb."}
# Dependants that carry another phrase, not more words about this one.
DETACHED_DEPS = {"conj", "cc", "relcl", "acl", "advcl", "appos", "punct", "prep", "case"}
PHRASE_PREPS = {"of"}
# Dependencies of a word that only qualifies another noun ("border security cooperation").
MODIFIER_DEPS = {"compound", "amod", "nmod"}
# The longest name in the tables, in tokens ("The Democratic People's Republic of Korea").
MAX_NAME_TOKENS = 9
# Unknown places (GPE, LOC, FAC) are where things happen, not who acts.
NAMED_ENTITY_LABELS = {"PERSON", "ORG", "NORP"}


@dataclass
class ArticleMemory:
    """What the article has established so far, for names and pronouns used later."""

    home_country: str | None = None
    on: date | None = None  # the article's reference date, for office holders
    people: dict[str, Actor] = field(default_factory=dict)
    last_speaker: Actor | None = None
    last_pair: list[Actor] = field(default_factory=list)
    countries_seen: list[str] = field(default_factory=list)
    # States seen acting (not only as a place or topic), for group nouns with no state of
    # their own.
    countries_acting: list[str] = field(default_factory=list)
    # Where in the article each acting state was first named (token index), so that a phrase
    # never takes a state its own sentence names only after it.
    first_acting_at: dict[str, int] = field(default_factory=dict)
    plural_referents: list[list[Actor]] = field(default_factory=list)

    def remember_plural(self, actors: list[Actor]) -> None:
        """Groups ("protesters") and pairs ("the two sides") that 'they' may refer to later."""
        keys = [a.key() for a in actors]
        self.plural_referents = [r for r in self.plural_referents
                                 if [a.key() for a in r] != keys] + [actors]

    def remember_person(self, actor: Actor) -> None:
        if not actor.name:
            return
        for key in [actor.name, *(part for part in actor.name.split() if len(part) > 2)]:
            known = self.people.get(key)
            # A fuller description (state and office) replaces a thinner one, never the reverse.
            if known is None or known.code is None or key == actor.name:
                self.people[key] = actor

    def remember_country(self, code: str | None, acting: bool = True,
                         position: int | None = None) -> None:
        if code not in state_codes():
            return
        if acting and position is not None:
            self.first_acting_at[code] = min(position, self.first_acting_at.get(code, position))
        for seen in (self.countries_seen, self.countries_acting) if acting else (
                self.countries_seen,):
            if code in seen:
                seen.remove(code)
            seen.append(code)

    def recent_countries(self, exclude: set[str | None], acting: bool = False) -> list[str]:
        seen = self.countries_acting if acting else self.countries_seen
        return [code for code in reversed(seen) if code not in exclude]


@dataclass
class Mention:
    """Actors resolved from one phrase, with the token indices the phrase covered."""

    actors: list[Actor]
    tokens: set[int]


# Where a parse keeps what this module found in it: phrases, names and titles depend on the
# words alone, and every phrase is read again by each clause and candidate it belongs to.
FOUND_KEY = "accord.actor_phrases"


def _found_in(doc, kind: str) -> dict:
    return doc.user_data.setdefault(FOUND_KEY, {}).setdefault(kind, {})


def phrase_tokens(head: Token) -> list[Token]:
    """The head's own phrase: its subtree without clauses, coordinated phrases and most PPs."""
    found = _found_in(head.doc, "phrase")
    if head.i not in found:
        found[head.i] = _phrase_tokens(head)
    return list(found[head.i])


def _phrase_tokens(head: Token) -> list[Token]:
    kept: list[Token] = []

    def visit(token: Token) -> None:
        kept.append(token)
        for child in token.children:
            kept_prep = child.dep_ == "prep" and child.lower_ in PHRASE_PREPS
            # "his Egyptian counterpart Sameh Shoukry": the appended name is the same person.
            # "his counterpart Sameh Shoukry", "Wang Yi, China's foreign minister": one person.
            name_appos = child.dep_ == "appos" and {child.pos_, token.pos_} == {"PROPN", "NOUN"}
            if child.dep_ in DETACHED_DEPS and not (kept_prep or name_appos or _word_hyphen(child)):
                continue
            visit(child)

    visit(head)
    # A named entity is one unit even when the parse splits it ("Moon Jae-in": "in" hangs off
    # the verb), so the head's whole entity joins the phrase.
    kept += [token for token in _entity_of(head) if token not in kept]
    return sorted(kept, key=lambda token: token.i)


def entity_text(token: Token) -> str:
    """The whole named entity a token belongs to ("UN Security Council"), or the token."""
    tokens = _entity_of(token)
    return token.doc[tokens[0].i : tokens[-1].i + 1].text if tokens else token.text


def _entity_of(token: Token) -> list[Token]:
    if token.ent_iob_ not in {"B", "I"}:
        return []
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return list(doc[start:end])


def _word_hyphen(token: Token) -> bool:
    """The hyphen inside "Secretary-General" belongs to the word, unlike a dash between clauses."""
    return token.text == "-" and not token.whitespace_ and token.i > 0 and (
        not token.doc[token.i - 1].whitespace_)


def lookup_name(text: str) -> NameEntry | None:
    table = name_table()
    for candidate in (text, text.removeprefix("the ").removeprefix("The ")):
        entry = table.get(candidate)
        if entry:
            return entry
    return None


def _actor_name(text: str) -> NameEntry | None:
    """A name as an actor: the tables' names, then territories that act for their state."""
    return lookup_name(text) or territories().get(text.removeprefix("the ").removeprefix("The "))


def _name_entries(tokens: list[Token]) -> list[tuple[NameEntry, set[int]]]:
    """Known names inside the phrase, the longest first, none overlapping another.

    Every contiguous run of the phrase's tokens is a candidate, possessive "'s" included
    ("The Democratic People's Republic of Korea"), so a longer name always beats a shorter one
    inside or overlapping it ("Republic of Korea"); the result is in text order."""
    candidates: list[tuple[int, int, NameEntry, set[int]]] = []
    starts = name_first_words()
    for start in range(len(tokens)):
        if tokens[start].text not in starts or tokens[start].dep_ == "case":
            continue  # no name begins with this word: skip the windows (the coder's hot path)
        for end in range(min(len(tokens), start + MAX_NAME_TOKENS), start, -1):
            span = tokens[start:end]
            if any(span[k + 1].i != span[k].i + 1 for k in range(len(span) - 1)):
                continue
            if span[-1].dep_ == "case":
                continue
            entry = _actor_name(_joined(span))
            if entry:
                candidates.append((len(span), -span[0].i, entry, {t.i for t in span}))
    found: list[tuple[NameEntry, set[int]]] = []
    used: set[int] = set()
    for _, _, entry, indices in sorted(candidates, key=lambda c: (c[0], c[1]), reverse=True):
        if not indices & used and not _inside_a_person(entry, indices, tokens):
            found.append((entry, indices))
            used |= indices
    doc = tokens[0].doc if tokens else None
    found = [(entry, indices) for entry, indices in found
             if doc is None or not _part_of_an_unknown_name(entry, indices, used, doc)]
    return sorted(found, key=lambda item: min(item[1]))


def _part_of_an_unknown_name(entry: NameEntry, indices: set[int], used: set[int],
                             doc: Doc) -> bool:
    """A body's name inside a longer name no table knows is another body: "the Zapatista
    National Liberation Army" is not Colombia's National Liberation Army, and "(PCC)" after
    "First Capital Command" is that gang's acronym, not Cuba's Communist Party."""
    if entry.kind != "organisation":
        return False
    start, end = min(indices), max(indices) + 1
    if end - start == 1 and start > 0 and end < len(doc) and doc[start - 1].text == "(" and (
            doc[end].text == ")"):
        before = doc[start - 2] if start >= 2 else None
        return before is not None and before.pos_ == "PROPN" and before.i not in used
    before = doc[start - 1] if start > 0 else None
    return (end - start > 1 and before is not None and before.pos_ == "PROPN"
            and before.text[:1].isupper() and before.i not in used
            and before.lower_ not in HONORIFICS)


def _inside_a_person(entry: NameEntry, indices: set[int], tokens: list[Token]) -> bool:
    """A capital or country that is part of a known person's name ("Joseph Muscat", "Mohamed
    Kabul"): the run of proper nouns around it names the person, not the place."""
    if entry.kind not in {"capital", "seat", "country"}:
        return False
    doc = tokens[0].doc
    start, end = min(indices), max(indices) + 1
    window = {token.i for token in tokens}
    for before in range(1, 4):
        if start - before not in window or doc[start - before].pos_ != "PROPN":
            break
        if people_named(doc[start - before:end].text):
            return True
    return False


def _titles_in(tokens: list[Token]) -> list[tuple[Title, str, set[int]]]:
    """Titles in the phrase, longest first; "former" makes any title an ex-official's (ELI)."""
    table = titles()
    found: list[tuple[Title, str, set[int]]] = []
    position = 0
    while position < len(tokens):
        match = _title_at(tokens, position, table)
        if match is None:
            position += 1
            continue
        title, office, size = match
        start = tokens[position]
        # "former Foreign Minister X", "a former MI6 officer": the word may sit before a name.
        earlier = [token.lower_ for token in tokens[:position]]
        former = (start.i > 0 and start.doc[start.i - 1].lower_ in FORMER_WORDS) or (
            set(earlier) & FORMER_WORDS)
        # "a retired US general", "the ousted president": only an official can be ousted.
        if former or (ousted_before(tokens, position) and title.sector in OFFICIAL_SECTORS):
            title, office = Title("ELI", f"former {office}", title.kind), f"former {office}"
        found.append((title, office, {token.i for token in tokens[position : position + size]}))
        position += size
    return found


def _title_at(tokens: list[Token], position: int,
              table: dict[str, Title]) -> tuple[Title, str, int] | None:
    first = tokens[position]
    if first.lower_ not in title_first_words() and first.lemma_.lower() not in table:
        return None
    # Hyphenated titles ("Secretary-General") are three tokens: allow for them in the window.
    longest = min(longest_title_words() + 2, len(tokens) - position)
    for size in range(longest, 0, -1):
        window = tokens[position : position + size]
        if any(window[k + 1].i != window[k].i + 1 for k in range(size - 1)):
            continue
        if _inside_a_name(window):
            continue
        text = _joined(window)
        title = table.get(text.lower()) or (
            table.get(window[0].lemma_.lower()) if size == 1 else table.get(_lemma_text(window)))
        if title:
            return title, title.office or text, size
    return None


def _lemma_text(window: list[Token]) -> str:
    """'opposition figures' -> 'opposition figure': a plural title the table has singular."""
    return (_joined(window[:-1]) + window[-2].whitespace_ + window[-1].lemma_).lower()


def _joined(tokens: list[Token]) -> str:
    """The text of contiguous tokens, without slicing the Doc (cheaper on the hot path)."""
    return "".join(token.text_with_ws for token in tokens).strip()


def _inside_a_name(window: list[Token]) -> bool:
    """'Gang' in "Qin Gang" is part of a person's name, not the noun "gang"; a title at the start
    of a PERSON entity ("President Xi" tagged as one) is still a title."""
    return all(token.ent_type_ == "PERSON" and token.ent_iob_ == "I" for token in window)


def _person_name(tokens: list[Token], taken: set[int], head: Token,
                 remembered: dict[str, Actor] | None = None) -> str | None:
    """The longest run of proper nouns not used by a place, organisation or title."""
    runs: list[list[Token]] = []
    for token in tokens:
        # "Moon Jae-in", "Kassym-Jomart": hyphens and the piece after one stay in the name.
        joined = _word_hyphen(token) or (token.i > 0 and _word_hyphen(token.doc[token.i - 1]))
        # "Tamim bin Hamad", "Ursula von der Leyen": small particles inside a name keep it whole.
        inside = token.lower_ in NAME_PARTICLES and bool(runs) and runs[-1][-1].i == token.i - 1
        # The tagger sometimes takes a sentence-initial surname for a noun ("Guterres said").
        # So does a surname the article has already tied to a person ("Traore said").
        proper = token.pos_ == "PROPN" or bool(people_named(token.text)) or (
            token.text in (remembered or {}))
        # A place or a nationality ("rebels in India", "Maoist rebels") is nobody's name.
        place = token.ent_type_ in PLACE_LABELS | {"NORP"} and not people_named(token.text)
        usable = token.i not in taken and not place and (joined or inside or (
            proper and token.lower_ not in HONORIFICS and token.text[:1].isupper()))
        if usable and runs and runs[-1][-1].i == token.i - 1:
            runs[-1].append(token)
        elif usable:
            runs.append([token])
    if not runs:
        return None
    best = max(runs, key=lambda run: (head in run, len(run)))
    while best and (_word_hyphen(best[-1]) or best[-1].lower_ in NAME_PARTICLES):
        best = best[:-1]
    if len(best) == 1 and _has_article(best[0]):
        return None  # "The Hague said": a place or body, not Mr Hague
    return best[0].doc[best[0].i : best[-1].i + 1].text if best else None


def _has_article(token: Token) -> bool:
    return any(child.dep_ == "det" and child.lower_ == "the" for child in token.children)


def _span_text(tokens: list[Token]) -> str:
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text.strip()


def _pronoun_actors(head: Token, memory: ArticleMemory,
                    avoid: set) -> list[Actor] | None:
    """'he' is the last person who spoke or acted; 'they' the latest group or pair that is not
    the other party of the clause ("police fired tear gas to disperse them")."""
    word = head.lower_
    if word in PERSON_PRONOUNS and memory.last_speaker:
        return [_copy(memory.last_speaker, head.text)]
    if word in GROUP_PRONOUNS:
        for referent in reversed(memory.plural_referents):
            if not all(actor.key() in avoid for actor in referent):
                return [_copy(actor, head.text) for actor in referent]
    return None


def _pair_actors(tokens: list[Token], head: Token, memory: ArticleMemory) -> list[Actor] | None:
    """'the two sides', 'both countries' -> the last pair of parties in the article."""
    if head.lower_ not in PAIR_WORDS and head.tag_ != "NNS":
        return None  # neither a pair word nor a plural title: the cheap test comes first
    words = {token.lower_ for token in tokens}
    if not words & {"two", "both"}:
        return None
    forms = {head.lower_, head.lemma_.lower()}
    table = titles()
    # "the two leaders", not "two Egyptian fishermen": officials, and no state named with them.
    plural_person = head.tag_ == "NNS" and any(
        form in table and table[form].kind == "person" for form in forms)
    if head.lower_ not in PAIR_WORDS and not plural_person:
        return None
    if _name_entries(tokens):
        return None
    text = _span_text(tokens)
    if memory.last_pair:
        return [_copy(actor, text) for actor in memory.last_pair]
    recent = memory.recent_countries(set())[:2]
    return [Actor(code=code, sector="GOV", entity_text=text) for code in recent] or None


def _the_country(tokens: list[Token], head: Token, memory: ArticleMemory,
                 avoid: set[str | None]) -> list[Actor] | None:
    """'the country' -> the most recent state that is not the other party of the clause."""
    if head.lower_ not in {"country", "nation"} or len(tokens) > 3:
        return None
    if not any(token.lower_ == "the" for token in tokens):
        return None
    recent = memory.recent_countries(avoid)
    if not recent:
        return None
    return [Actor(code=recent[0], sector="GOV", entity_text=_span_text(tokens))]


def _copy(actor: Actor, entity_text: str) -> Actor:
    return Actor(code=actor.code, sector=actor.sector, entity_text=entity_text,
                 name=actor.name, office=actor.office)


def resolve_phrase(head: Token, memory: ArticleMemory,
                   avoid: set | None = None) -> Mention | None:
    """Resolve the noun phrase headed by `head` to actors, or None when it names no actor.

    `avoid` holds the codes and (code, sector) keys of the clause's other party, so that
    'the country' and 'them' do not point back at it."""
    tokens = phrase_tokens(head)
    covered = {token.i for token in tokens}
    if head.pos_ == "PRON":
        actors = _pronoun_actors(head, memory, avoid or set())
        return Mention(actors, covered) if actors else None
    actors = _resolve_tokens(tokens, head, memory, avoid or set())
    return Mention(actors, covered) if actors else None


def _resolve_tokens(tokens: list[Token], head: Token, memory: ArticleMemory,
                    avoid: set) -> list[Actor]:
    special = (_pair_actors(tokens, head, memory) or _the_country(tokens, head, memory, avoid)
               or _officials_of_several(tokens, head))
    if special:
        return special
    actor = _resolve_named(tokens, head, memory)
    return [actor] if actor else []


def _titles_only_modify(title_hits: list, head: Token) -> bool:
    """No title in the phrase, or only words that qualify its head ("rebel movement")."""
    doc = head.doc
    return all(i != head.i and doc[i].dep_ in MODIFIER_DEPS
               for _, _, indices in title_hits for i in indices)


def _a_thing_titles_only_modify(head: Token, named: set[int], title_hits: list,
                                person: str | None) -> bool:
    """A common noun that is neither a name nor a title, whose group words only modify other
    nouns ("the level of border security cooperation", "police reform"), names a thing;
    "thousands of protesters" names the protesters."""
    if person or head.pos_ != "NOUN" or head.i in named or head.lower_ in STATE_STAND_INS:
        return False
    if is_vehicle(head):
        return False  # "Chinese coast guard vessels": the service acts through its vessels
    if not title_hits or any(head.i in indices for _, _, indices in title_hits):
        return False
    if head.lower_ in titles() or head.lemma_.lower() in titles():
        return False
    doc = head.doc
    return all(doc[i].dep_ in MODIFIER_DEPS for _, _, indices in title_hits for i in indices)


def _officials_of_several(tokens: list[Token], head: Token) -> list[Actor] | None:
    """'the presidents of China and Kyrgyzstan': one official of each state."""
    if head.tag_ != "NNS":
        return None
    title = titles().get(head.lower_) or titles().get(head.lemma_.lower())
    if title is None:
        return None
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"):
        states = [pobj for pobj in prep.children if pobj.dep_ == "pobj"]
        states = [s for pobj in states for s in (pobj, *pobj.conjuncts)]
        entries = [lookup_name(state.text) for state in states]
        if len(entries) >= 2 and all(entries):
            sector = title.sector if title.sector != "GOV" else "GOV"
            return [Actor(code=entry.code, sector=entry.sector or sector,
                          entity_text=_span_text(tokens)) for entry in entries if entry]
    return None


def coordinated_parts(head: Token) -> list[list[Token]] | None:
    """The parts of a coordinated subject, split at 'and' and commas, when the parser buried
    the coordination inside a name ('Chinese President Xi Jinping and Kyrgyz President Sadyr
    Japarov' parsed as one phrase). None when the phrase is not coordinated."""
    tokens = [t for t in head.subtree if not _under_clause_or_pp(t, head)]
    if not any(t.lower_ == "and" and t.dep_ == "cc" and t.ent_iob_ != "I" for t in tokens):
        return None
    parts: list[list[Token]] = [[]]
    for token in tokens:
        # "the Food and Agriculture Organization": a word inside a name never splits it.
        inside_name = token.ent_iob_ == "I"
        if not inside_name and ((token.dep_ == "cc" and token.lower_ == "and") or (
                token.text == "," and token.dep_ == "punct")):
            parts.append([])
        elif token.dep_ != "cc" or inside_name:
            parts[-1].append(token)
    parts = [part for part in parts if any(t.pos_ in {"PROPN", "NOUN"} for t in part)]
    return parts if len(parts) >= 2 else None


def _under_clause_or_pp(token: Token, head: Token) -> bool:
    current = token
    while current != head and current.head != current:
        if current.dep_ in {"relcl", "acl", "advcl"} or (
                current.dep_ == "prep" and current.lower_ not in PHRASE_PREPS):
            return True
        current = current.head
    return False


def resolve_parts(parts: list[list[Token]], memory: ArticleMemory, avoid: set) -> Mention | None:
    actors: list[Actor] = []
    for part in parts:
        head = max(part, key=lambda t: (t.pos_ in {"PROPN", "NOUN", "PRON"}, t.i))
        if head.pos_ == "PRON":
            actors.extend(_pronoun_actors(head, memory, avoid) or [])
        else:
            actors.extend(_resolve_tokens(part, head, memory, avoid))
    covered = {t.i for part in parts for t in part}
    return Mention(actors, covered) if actors else None


Names = list[tuple[NameEntry, set[int]]]
TitleHits = list[tuple[Title, str, set[int]]]


def _read_phrase(tokens: list[Token]) -> tuple[Names, set[int], TitleHits]:
    """What the words of a phrase say whatever the article said before: its own names (not a
    patron's), the tokens of every name, and its titles. Read once per phrase of a parse and
    kept with it; callers must not change what it returns."""
    found = _found_in(tokens[0].doc, "reading")
    key = tuple(token.i for token in tokens)
    reading = found.get(key)
    if reading is None:
        reading = found[key] = _phrase_reading(tokens)
    return reading


def _phrase_reading(tokens: list[Token]) -> tuple[Names, set[int], TitleHits]:
    names = _name_entries(tokens)
    named = set().union(*(indices for _, indices in names))
    # "Iran-backed militias", "pro-Russian rebels": the patron is not the group's state.
    own = [(entry, indices) for entry, indices in names
           if entry.kind not in STATE_KINDS or not patron_only(indices, tokens)]
    return own, named, _titles_in([token for token in tokens if token.i not in named])


def _resolve_named(tokens: list[Token], head: Token, memory: ArticleMemory) -> Actor | None:
    names, named, title_hits = _read_phrase(tokens)
    names = [(in_era(entry, memory.on), indices) for entry, indices in names]
    if any(entry.kind == "media" for entry, _ in names):
        if not title_hits:
            # "Xinhua reported", "told Reuters": the medium is the source, not an actor;
            # "Al Jazeera defied the ban": the medium acts (JRN, manual sector note 4).
            return None if cited_as_source(head) else medium_actor(names, _span_text(tokens))
        # "a BBC reporter": a journalist of the medium's home state.
        names = [(_media_staff(entry), indices) if entry.kind == "media" else (entry, indices)
                 for entry, indices in names]
    taken = named.union(*(indices for _, _, indices in title_hits))
    person = _person_name(tokens, taken, head, memory.people)
    person, title_hits = _titled_name(person, title_hits, tokens, memory.on)
    if person and person not in memory.people and not people_named(person) and (
            _state_named(person)):
        person = None  # "the governor of Lagos State": a place, not a name
    if person and title_hits and head.tag_ == "NNS" and head.i in title_hits[-1][2]:
        person = None  # "Tuareg rebels": a plural group noun is the actor, not a person
    if not names and not title_hits and not person:
        return None
    text = _span_text(tokens)
    known = memory.people.get(person) if person else None
    if not names and not title_hits and known:
        return _copy(known, text)
    if not person and head.pos_ == "NOUN" and _titles_only_modify(title_hits, head):
        member = organisation_people(names, head, text)
        if member:
            # "the M23 movement", "OSCE monitors", "the head of the IMF", "Angola's UNITA
            # rebel movement", "the Shin Bet security service"
            return member
    counted = _counted(head)
    if counted is not head and not title_hits and not person and _people_of_a_state(
            names, tokens, counted):
        code = names[-1][0].code  # "thousands of Pakistanis": the state's people
        memory.remember_country(code, acting=not only_mentioned(head), position=head.i)
        return Actor(code=code, sector="CVL", entity_text=text)
    if not title_hits and not person and head.pos_ == "NOUN" and head.i not in named and (
            head.lower_ not in STATE_STAND_INS):
        return None  # "20 million U.S. dollars", "Chinese investment": a thing, not an actor
    if _a_thing_titles_only_modify(head, named, title_hits, person):
        return None  # "the level of border security cooperation": a thing, not the security forces
    code, sector = _code_and_sector(names, title_hits)
    if sector is None and _people_of_a_state(names, tokens, head):
        sector = "CVL"
    if is_kin(head) and sector in OFFICIAL_SECTORS and not any(
            head.i in indices for _, _, indices in title_hits):
        sector = "ELI"  # "the daughter of Uzbekistan's president": an official's family
    office = " and ".join(off for title, off, _ in title_hits if title.kind == "person") or None
    if known and code in (None, known.code):
        code, sector, office = (known.code, _over_title(sector, known.sector) or known.sector,
                                office or known.office)
    elif person and not known:
        code, sector, office = _office_holder(person, memory.on, code, sector, office, title_hits)
    if code is None and sector == "BUS" and multinational(tokens):
        code = "MNC"  # "foreign oil companies": unnamed firms of no one state
    if code is None and title_hits and not person:
        # "gunmen in Karachi", "residents of Mosul": the place the phrase names; otherwise
        # "police", "protesters" are domestic actors of the state the story is about just now.
        # A state only mentioned as a place or topic ("the chaos in Afghanistan") is not theirs.
        # "The minister accused Iran": the minister is not Iran's, named after him.
        recent = [country for country in memory.recent_countries(set(), acting=True)
                  if memory.first_acting_at.get(country, -1) < head.i]
        body = _affiliation(head)
        if body and body.kind == "organisation" and body.sector and sector in (None, "GOV"):
            sector = body.sector  # "a spokesman for Amnesty International": the NGO's sector
        story_state = None if _foreign(head) else (recent[0] if recent else memory.home_country)
        code = _state_of_place(head) or (body.code if body else None) or story_state
    if code is None and not title_hits and head.ent_type_ not in NAMED_ENTITY_LABELS:
        return None
    if code in state_codes() and sector is None:
        sector = "GOV"  # a state named on its own acts through its government
    actor = Actor(code=code, sector=sector, entity_text=text, name=person, office=office)
    if person and (code or office):
        memory.remember_person(actor)
    if not person and title_hits and title_hits[-1][0].kind == "group" and head.tag_ == "NNS":
        memory.remember_plural([actor])
    memory.remember_country(code, acting=not only_mentioned(head), position=head.i)
    return actor


def _counted(head: Token) -> Token:
    """What a number noun counts: "Pakistanis" in "tens of thousands of Pakistanis"."""
    current = head
    while current.lemma_.lower() in QUANTITY_NOUNS:
        counted = next((obj for prep in current.children if prep.dep_ == "prep"
                        and prep.lower_ == "of" for obj in prep.children if obj.dep_ == "pobj"),
                       None)
        if counted is None:
            break
        current = counted
    return current


def _people_of_a_state(names: list[tuple[NameEntry, set[int]]], tokens: list[Token],
                       head: Token) -> bool:
    """'ordinary Uzbeks', 'three Egyptians', 'Iranians': a plural demonym at the head is the
    state's people (CVL); only 'the Americans' on its own stands for the government."""
    if not names or head.i not in names[-1][1] or names[-1][0].kind != "adjective":
        return False
    if head.tag_ not in {"NNS", "NNPS"} and not head.text.endswith("s"):
        return False
    others = [token for token in tokens if token.i not in names[-1][1]]
    return not (others and all(token.lower_ == "the" for token in others))


def _titled_name(person: str | None, title_hits: list, tokens: list[Token],
                 on: date | None) -> tuple[str | None, list]:
    """A title that is part of how a holder is named: "Pope Francis" and "Queen Elizabeth" are
    names in the table, "King Fahd" is the reigning king whose name starts with Fahd."""
    if not person or not title_hits:
        return person, title_hits
    title, _, indices = title_hits[-1]
    words = [token for token in tokens if token.i in indices]
    titled = f"{_span_text(words)} {person}" if words else person
    if people_named(titled):
        return titled, title_hits[:-1]
    if resolve_person(person, on) is not None:
        return person, title_hits
    monarch = monarch_named(person, title.office or "", on) if on else None
    return (monarch, title_hits[:-1]) if monarch else (person, title_hits)


# "external forces", "foreign troops": not the story's own state's, whoever else they are.
FOREIGN_ADJECTIVES = {"external", "foreign", "outside", "overseas", "international"}


def _foreign(head: Token) -> bool:
    return any(child.dep_ == "amod" and child.lower_ in FOREIGN_ADJECTIVES
               for child in head.children)


LOCATIVE_PREPS = {"in", "of", "from"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}


def _state_of_place(head: Token) -> str | None:
    """The state of a place named in a PP on the head ("clerics in Najaf" -> IRQ) or before it
    ("Darfur rebels", "Texas officials")."""
    for modifier in head.children:
        if modifier.dep_ in {"compound", "nmod", "amod"} and modifier.ent_type_ in PLACE_LABELS:
            code = _state_named(_span_text([t for t in modifier.subtree
                                             if t.ent_type_ in PLACE_LABELS]))
            if code:
                return code
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in LOCATIVE_PREPS:
            continue
        for place in (child for child in prep.children if child.dep_ == "pobj"):
            if place.pos_ != "PROPN" and place.ent_type_ not in PLACE_LABELS:
                # "in Cameroon's English-speaking regions", "in the Afghan province"; not "in
                # China's internal affairs", which names no place
                if place.lemma_.lower() not in PLACE_FRAMES:
                    continue
                owners = [c for c in place.children if c.dep_ in {"poss", "amod", "compound"}
                          and (c.pos_ == "PROPN" or c.ent_type_ in PLACE_LABELS | {"NORP"})]
                code = next(filter(None, (_state_named(o.text) for o in owners)), None)
                if code:
                    return code
                continue
            words = [t for t in place.subtree if t.pos_ == "PROPN" or t.ent_type_ in PLACE_LABELS]
            code = _state_named(_span_text(words) if words else place.text)
            if code:
                return code
    return None


AFFILIATION_PREPS = {"for", "at", "with"}


def _affiliation(head: Token) -> NameEntry | None:
    """'a spokesman for the Chinese foreign ministry', 'an official at the UN': the body the
    person works for gives the code."""
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in AFFILIATION_PREPS:
            continue
        for body in (child for child in prep.children if child.dep_ == "pobj"):
            names = _name_entries(list(body.subtree))
            if names and names[-1][0].kind != "media":
                return names[-1][0]
    return None


def _state_named(text: str) -> str | None:
    entry = lookup_name(text)
    if entry and entry.code in state_codes():
        return entry.code
    found = resolve_place(text)
    return found.country_code if found and found.country_code in state_codes() else None


def _media_staff(entry: NameEntry) -> NameEntry:
    code = entry.code if entry.code in state_codes() else None
    return NameEntry(code, "JRN", "organisation", entry.canonical)  # type: ignore[arg-type]


Coded = tuple[str | None, str | None, str | None]  # code, sector, office


def _office_holder(person: str, on: date | None, code: str | None, sector: str | None,
                   office: str | None, title_hits: list) -> Coded:
    """A named office holder: the state and office valid on the article's date (ELI once the
    tenure is over). A title written in the text outranks the table ("former", an IGO post)."""
    match = resolve_person(person, on)
    if match is None or code not in (None, match.code):
        return code, sector, office
    if title_hits:
        return match.code, _over_title(sector, match.sector), office
    # An open "?" bound leaves the sector unknown: a state's office holder is still GOV; a
    # role known only up to a bound gives its state alone.
    sector = match.sector if match.sector is not None else (
        match.tenure.sector if match.tenure.office != ROLE else None)
    return match.code, sector, match.office


def _over_title(title_sector: str | None, person_sector: str | None) -> str | None:
    """The sector a title gives, unless it is GOV and the person acts outside the state that
    day ("Tamil Tiger leader Velupillai Prabhakaran" is a rebel leader, not the government) or
    had left every office the tables know of by then ("President Joseph Estrada" three months
    after he was ousted is a former official)."""
    if title_sector == "GOV" and person_sector in NON_STATE_SECTORS | {"ELI"}:
        return person_sector
    return title_sector


def _code_and_sector(names: list[tuple[NameEntry, set[int]]],
                     title_hits: list[tuple[Title, str, set[int]]],
                     ) -> tuple[str | None, str | None]:
    code = sector = None
    if names:
        # The name nearest the head of an English noun phrase is the last one.
        entry = names[-1][0]
        code, sector = national_branch(names) or entry.code, entry.sector
    if title_hits:
        last = specialised_sector([title.sector for title, _, _ in title_hits])
        # "a former MI6 officer": having left the service outranks the service's own sector.
        sector = last if sector in (None, "GOV") or last == "ELI" else sector
    return code, sector


def mentions_in(sent: Span, memory: ArticleMemory) -> None:
    """Read every named phrase of a sentence so that people and states are remembered."""
    for token in sent:
        if token.pos_ in {"PROPN", "NOUN"} and token.dep_ not in {"compound", "amod", "poss"}:
            if token.head.pos_ == "PROPN" and token.dep_ in {"flat", "nmod"}:
                continue
            resolve_phrase(token, memory)
