"""Event extraction: (actor, trigger, recipient) per clause, typed into PLOVER.

Owns how a parsed sentence becomes event candidates: finding trigger verbs (and nouns) from the
patterns in `triggers.tsv`, frames ("agreed to", "refused to", "is willing to"), reported
speech ("..., he said" is the speaker's act), who acts and on whom, the modality flags, and the
scoring of each candidate. Every clause verb with an agent, patient or recipient is a candidate:
one no pattern types is an open candidate (type OPEN) that the event-type model types or drops.
A subject or object no table knows stays a party with code null and its own words. Places,
dates and actor codes come from their own modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.tokens import Span, Token

from accord import recipient_choice
from accord.actors import (
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    ArticleMemory,
    Mention,
    coordinated_parts,
    entity_text,
    lookup_name,
    phrase_tokens,
    resolve_parts,
    resolve_phrase,
)
from accord.knowledge import TriggerPattern, context_keywords, titles, trigger_patterns
from accord.model import Actor
from accord.phrase_rules import STATE_FORCE_SECTORS, is_vehicle

SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
PASSIVE_SUBJECT_DEPS = {"nsubjpass", "csubjpass"}
RELATIVE_PRONOUN_TAGS = {"WP", "WDT"}
OBJECT_DEPS = {"dobj", "obj", "dative", "attr", "oprd"}
# Modifiers that say whose a thing is ("Chinese demands", "U.S. calls"), by what they name.
OWNER_MODIFIER_DEPS = {"amod", "compound", "nmod"}
OWNER_ENTS = {"NORP", "GPE", "ORG"}
# The conjunctions that put a condition on another party: a threat's, a refusal's.
CONDITION_MARKS = {"THREATEN": {"unless", "if"}, "REJECT": {"until", "unless"}}
THREAT_DEPTH = 2
THIRD_PERSON = PERSON_PRONOUNS | GROUP_PRONOUNS | {"it"}
GIVING_TYPES = {"AID", "COOPERATE"}
RECEIVER_PREPS = {"to", "into"}
PROTESTED_PREPS = {"against", "at", "over"}
RECIPIENT_PREPS = {"with", "to", "against", "on", "for", "from", "toward", "towards", "at",
                   "into", "upon"}
OBJECT_PREPS = {"of", "for", "to", "against", "with", "on", "at"}
CLAUSE_DEPS = {"ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "pcomp", "acl", "parataxis"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
HYPOTHETICAL_AUX = {"could", "might", "may", "would"}
INTENT_ADJECTIVES = {"willing", "ready", "committed", "determined", "prepared", "eager", "keen"}
INTENT_VERBS = {"plan", "intend", "aim", "hope", "wish", "want", "schedule", "expect", "due",
                "set", "prepare"}
# Intent to act cooperatively is AGREE, with the CAMEO "express intent to ..." code of the act:
# "will provide aid" (033), "is willing to withdraw" (035), "will meet" (036).
PROMISE_TYPES = {"AID": "033", "COOPERATE": "031", "RETREAT": "035", "CONCEDE": "035",
                 "CONSULT": "036"}
# "X says Y must (should) do": X demands it of Y.
OBLIGATION_AUX = {"must", "should", "ought"}
DEMAND_LEMMA = "demand"
# A clause no trigger pattern types is still a candidate: the event-type model gives it a
# PLOVER type or drops it. Its own weight is low, so a typed pattern in the same sentence
# speaks first.
OPEN = "OPEN"
PARTY_POS = {"NOUN", "PROPN", "NUM"}
OPEN_WEIGHT = 0.5
# A statement verb ("said", "announced") as an open clause: below any act the sentence reports.
STATEMENT_WEIGHT = 0.25
# Words that stand for a party without naming it; a syntax party is a noun phrase that says who.
EMPTY_PARTY_WORDS = {"it", "this", "that", "they", "them", "which", "who", "what", "one", "some",
                     "all", "both", "others", "there", "here"}
# Entity labels of words that never act: "on Thursday", "30 percent".
NON_PARTY_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"}
# Endings of abstract nouns: "opposes interference", "the politicization of ..." name no one who
# acts or is acted on. Nouns with these endings that name groups are listed in titles.tsv or
# agents.tsv (delegation, administration, opposition, authorities) and are checked first.
ABSTRACT_ENDINGS = ("tion", "sion", "ment", "ity", "ism", "ence", "ance", "ship", "ness")
# Plural abstracts without those endings that news puts where a party would stand.
ABSTRACT_NOUNS = {"tie", "relation", "issue", "affair", "matter", "effort", "measure", "policy",
                  "interest", "situation", "idea", "step"}


@dataclass
class Candidate:
    """One event found in a clause, before dates and places are attached."""

    trigger: Token
    pattern: TriggerPattern
    actors: list[Actor]
    recipients: list[Actor] = field(default_factory=list)
    actor_tokens: set[int] = field(default_factory=set)
    event_type: str = ""
    cameo: str = ""
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    reported: bool = False
    confidence: float = 0.0
    # The sentence's main event, as the event-type model decided (set by `classify.rescore`).
    primary: bool = False
    # A statement verb kept as an open clause: a fallback carrier of the sentence's event that
    # the type model's features leave out.
    statement: bool = False
    # Its recipients are an abstract object ("opposes interference"): read by the type model,
    # never emitted as a party.
    abstract_object: bool = False

    @property
    def is_open(self) -> bool:
        """No trigger pattern typed this clause (and the model has not yet)."""
        return self.event_type == OPEN


# ---------------------------------------------------------------- triggers


def hyphen_joined(token: Token) -> str | None:
    """The lemma of a hyphenated word ending in `token`, written solid: "cease-fire" is
    "ceasefire" as the lexicon writes it."""
    # This runs on every word: one look at the word before, and nothing more unless it is a
    # hyphen written solid ("cease-fire", never "cease - fire").
    if token.i < 2:
        return None
    hyphen = token.doc[token.i - 1]
    if hyphen.text != "-" or hyphen.whitespace_:
        return None
    first = token.doc[token.i - 2]
    if first.whitespace_:
        return None
    return first.lower_ + token.lemma_.lower()


def noun_keys(noun: Token) -> set[str]:
    """The lemma of a noun plus `modifier_lemma` for the word just before it ("tear_gas")."""
    lemma = noun.lemma_.lower()
    keys = {lemma} | ({joined} if (joined := hyphen_joined(noun)) else set())
    for child in noun.lefts:
        if child.dep_ in {"compound", "amod"} and child.i == noun.i - 1:
            keys.add(f"{child.lemma_.lower()}_{lemma}")
    return keys


def _object_nouns(noun: Token, depth: int) -> list[Token]:
    found = [noun, *noun.conjuncts, *(c for c in noun.children if c.dep_ == "compound")]
    if depth == 0:
        return found
    for inner in noun.children:
        if inner.dep_ == "prep" and inner.lower_ == "of":
            for pobj in (g for g in inner.children if g.dep_ == "pobj"):
                found.extend(_object_nouns(pobj, depth - 1))
        if inner.dep_ == "acl":
            for dobj in (g for g in inner.children if g.dep_ == "dobj"):
                found.extend(_object_nouns(dobj, depth - 1))
    return found


def _object_lemmas(verb: Token) -> set[str]:
    """Lemmas a pattern's `>object` may name: objects, their conjuncts, what they are made of
    ("tonnes of food"), what they carry ("a plane carrying food"), and prepositional objects."""
    nouns: list[Token] = []
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS | {"acomp"}:
            nouns.extend(_object_nouns(child, depth=3))
        if _small_clause(child):
            nouns.append(child)  # "found him guilty": the parser makes "guilty" a clause
        if child.dep_ == "prep":
            nouns.extend(g for g in child.children if g.dep_ == "pobj")
    expanded = [*nouns, *(c for noun in nouns for c in noun.conjuncts)]
    return set().union(*(noun_keys(noun) for noun in expanded)) if expanded else set()


def _small_clause(child: Token) -> bool:
    """An adjective the parser heads a complement clause with: "found him >guilty"."""
    return child.dep_ == "ccomp" and child.pos_ == "ADJ"


def _prep_lemmas(verb: Token) -> set[str]:
    return {child.lower_ for child in verb.children if child.dep_ in {"prt", "prep", "agent"}}


TRIGGERS_KEY = "accord.triggers"
_UNMATCHED = "unmatched"


def match_trigger(token: Token) -> TriggerPattern | None:
    """The most specific pattern whose lemma, particle and object all fit this token. Found
    once per token and kept with the parse: candidates, frames, speech and the model's
    features all ask about the same words."""
    found = token.doc.user_data.setdefault(TRIGGERS_KEY, {})
    pattern = found.get(token.i)
    if pattern is None:
        pattern = found[token.i] = _match_trigger(token) or _UNMATCHED
    return None if pattern is _UNMATCHED else pattern


def _match_trigger(token: Token) -> TriggerPattern | None:
    joined = hyphen_joined(token)
    patterns = (joined and trigger_patterns().get(joined)) or trigger_patterns().get(
        token.lemma_.lower())
    if not patterns:
        return None
    nominal = token.pos_ in {"NOUN", "PROPN"}
    objects = _object_lemmas(token) if not nominal else set()
    preps = _prep_lemmas(token)
    own_keys = noun_keys(token)
    for pattern in patterns:
        if pattern.nominal != nominal:
            continue
        if pattern.modifier and f"{pattern.modifier}_{pattern.lemma}" not in own_keys:
            continue
        if pattern.obj and pattern.obj not in objects:
            continue
        if pattern.prep and pattern.prep not in preps:
            continue
        return pattern
    return None


# ---------------------------------------------------------------- arguments


def subject_of(verb: Token) -> Token | None:
    """The clause subject, inherited through xcomp, conj and advcl chains when the verb has none,
    and from the issuer of a statement a participle describes."""
    issuer = _issuer_verb(verb)
    if issuer is not None:
        return subject_of(issuer)
    current: Token | None = verb
    for _ in range(6):
        if current is None:
            return None
        inherited = current is not verb and verb.dep_ == "xcomp"
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS and child.dep_ != "expl":
                # "protesters who marched": the relative pronoun stands for the noun it follows.
                if current.dep_ == "relcl" and child.tag_ in RELATIVE_PRONOUN_TAGS:
                    return current.head
                return child
            # "X is scheduled to travel": the raised passive subject is the traveller.
            if inherited and child.dep_ == "nsubjpass":
                return child
        if current.dep_ in {"xcomp", "conj", "advcl", "acomp", "pcomp"} and current.head != current:
            current = current.head
            if current.pos_ == "ADP":
                current = current.head
            continue
        return None
    return None


def agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _heads_with_conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts] if token.dep_ != "conj" else [token]


def resolve_group(head: Token, memory: ArticleMemory, avoid: set | None = None) -> Mention | None:
    """Resolve a phrase and the phrases coordinated with it ('X and Y') into one mention."""
    actors: list[Actor] = []
    tokens: set[int] = set()
    parts = coordinated_parts(head) if head.dep_ != "conj" else None
    mentions = ([resolve_parts(parts, memory, avoid or set())] if parts else
                [resolve_phrase(token, memory, avoid) for token in _heads_with_conjuncts(head)])
    for mention in mentions:
        if mention:
            actors.extend(mention.actors)
            tokens |= mention.tokens
    actors = merge_title_fragments(actors)
    for actor in actors:
        if actor.name and actor.code:
            memory.remember_person(actor)
    return Mention(actors, tokens) if actors else None


def merge_title_fragments(actors: list[Actor]) -> list[Actor]:
    """'Chinese State Councilor and Foreign Minister Wang Yi' parses as two conjuncts, is one."""
    merged: list[Actor] = []
    for actor in actors:
        previous = merged[-1] if merged else None
        if previous and _same_person(previous, actor):
            office = " and ".join(filter(None, [previous.office, actor.office]))
            merged[-1] = Actor(code=previous.code or actor.code,
                               sector=previous.sector or actor.sector,
                               entity_text=f"{previous.entity_text} and {actor.entity_text}",
                               name=previous.name or actor.name, office=office)
        else:
            merged.append(actor)
    return merged


def _same_person(first: Actor, second: Actor) -> bool:
    """A title without a name next to a name without a title (either order), same state."""
    compatible = None in (first.code, second.code) or first.code == second.code
    title_then_name = bool(first.office and not first.name and second.name)
    name_then_title = bool(first.name and not first.office and second.office and not second.name)
    return compatible and (title_then_name or name_then_title)


def _recipient_heads(verb: Token, event_type: str = OPEN) -> list[Token]:
    """Where the other party of a clause is found, nearest first."""
    heads: list[Token] = []
    objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
    heads.extend(objects)
    things = list(objects)
    # "imposed sanctions on Belarus over ...": the object's own phrases come before the verb's.
    for obj in objects:
        heads.extend(_possessors(obj))
        for prep in obj.children:
            if prep.dep_ == "prep" and prep.lower_ in OBJECT_PREPS:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        heads.append(pobj)
                        heads.extend(_possessors(pobj))
                        things.append(pobj)
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in RECIPIENT_PREPS:
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                heads.append(pobj)
                heads.extend(_possessors(pobj))  # "voiced support for Serbia's sovereignty"
                things.append(pobj)
    # Last, whose the things are when they are no one: "rejected Chinese demands".
    heads.extend(owner for thing in things for owner in _named_owners(thing))
    for complement in (c for c in verb.children if c.dep_ == "xcomp"):
        heads.extend(_recipient_heads(complement, event_type))
        heads.extend(_pattern_prep_objects(complement))
    heads.extend(_addressees(verb, event_type))
    if event_type in GIVING_TYPES:
        # "extradited Viktor Bout to the United States", "sent doctors to Italy": what is given
        # goes to the party after "to", who is the act's other party.
        receivers = [obj for prep in verb.children if prep.dep_ == "prep"
                     and prep.lower_ in RECEIVER_PREPS
                     for obj in prep.children if obj.dep_ == "pobj"]
        heads = receivers + [head for head in heads if head not in receivers]
    for carrier in (c for obj in objects for c in obj.children if c.dep_ == "acl"):
        heads.extend(g for prep in carrier.children if prep.dep_ == "prep"
                     and prep.lower_ in RECIPIENT_PREPS for g in prep.children if g.dep_ == "pobj")
    # "found him guilty": the small clause's subject is who the verdict is about.
    heads.extend(s for clause in verb.children if _small_clause(clause)
                 for s in clause.children if s.dep_ in SUBJECT_DEPS)
    # "said Taliban militants were responsible": a statement is about its content's subject.
    if _is_statement(verb):
        heads.extend(s for content in verb.children if content.dep_ == "ccomp"
                     for s in content.children if s.dep_ in SUBJECT_DEPS)
    # "fired tear gas to disperse them": the purpose clause names who it was aimed at.
    for purpose in (c for c in verb.children if c.dep_ == "advcl"
                    and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux")):
        heads.extend(c for c in purpose.children if c.dep_ in OBJECT_DEPS)
    return heads


def _possessors(thing: Token) -> list[Token]:
    """'Serbia's sovereignty', and 'Serbia's sovereignty and territorial integrity' parsed as
    one compound noun. A pronoun is the actor's own ("its units")."""
    found = [child for child in thing.children if child.dep_ == "poss" and child.pos_ != "PRON"]
    for modifier in (c for c in thing.children if c.dep_ in OWNER_MODIFIER_DEPS):
        found.extend(g for g in modifier.children if g.dep_ == "poss" and g.pos_ != "PRON")
    return found


def _named_owners(thing: Token) -> list[Token]:
    """Modifiers that name whose a thing is: "Chinese demands", "U.S. calls", "a UN Security
    Council resolution", "opposition demands". Only a word the tables know as a state or body,
    or a group noun, counts."""
    return [child for child in thing.children if child.dep_ in OWNER_MODIFIER_DEPS and (
        child.ent_type_ in OWNER_ENTS and lookup_name(entity_text(child)) is not None
        or _group_noun(child))]


def _group_noun(token: Token) -> bool:
    """"opposition demands", "rebel attacks"; not the actor's own means ("troop deployments")."""
    title = titles().get(token.lemma_.lower()) or titles().get(token.lower_)
    return (token.pos_ == "NOUN" and title is not None and title.kind == "group"
            and title.sector not in STATE_FORCE_SECTORS)


def _owner_of(thing: Token, memory: ArticleMemory, people: bool = False) -> Mention | None:
    """Who a thing that acts belongs to: "A U.S. drone strike killed", "a car bomb planted by
    FARC rebels", "warplanes from the Saudi-led coalition". None unless the owner has a code,
    and never for `people`, who act for themselves."""
    if thing.pos_ != "NOUN" or people:
        return None
    owners = _possessors(thing) + _named_owners(thing)
    owners += [obj for clause in thing.children if clause.dep_ == "acl"
               for agent in clause.children if agent.dep_ == "agent"
               for obj in agent.children if obj.dep_ == "pobj"]
    owners += [obj for prep in thing.children if prep.dep_ == "prep" and prep.lower_ == "from"
               for obj in prep.children if obj.dep_ == "pobj"]
    for owner in owners:
        mention = resolve_group(owner, memory)
        if mention is not None and any(actor.code for actor in mention.actors):
            return mention
    return None


def _addressees(verb: Token, event_type: str) -> list[Token]:
    """Whom a demand, a threat, a refusal or a protest is made of: "demanded that Iraq
    withdraw" (REQUEST), "would retaliate if Finland joined NATO", "unless Nairobi withdrew its
    troops" (THREATEN), "will not lift the embargo until Cuba undertakes reforms" (REJECT), "in
    protest against the government" (PROTEST)."""
    if event_type == "REQUEST":
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    elif event_type in CONDITION_MARKS or _refused(verb):
        scope = [verb]
        for _ in range(THREAT_DEPTH):
            scope += [c for v in scope for c in v.children if _carries_threat(c) and c not in scope]
        marks = CONDITION_MARKS.get(event_type, CONDITION_MARKS["REJECT"])
        clauses = [c for v in scope for c in v.children if c.dep_ == "advcl"
                   and any(m.lower_ in marks for m in c.children if m.dep_ == "mark")]
    elif event_type == "PROTEST":
        return _protested(verb)
    else:
        return []
    return [s for clause in clauses for s in clause.children if s.dep_ in SUBJECT_DEPS]


def _refused(verb: Token) -> bool:
    """"will not lift the embargo (until ...)": a refusal, whatever the act refused."""
    return any(child.dep_ == "neg" for child in verb.children)


def _protested(verb: Token) -> list[Token]:
    """"blocked highways in protest against the government": whom the protest is against."""
    found = []
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "in"):
        for noun in (g for g in prep.children if g.dep_ == "pobj" and g.lemma_ == "protest"):
            found += [obj for inner in noun.children if inner.dep_ == "prep"
                      and inner.lower_ in PROTESTED_PREPS
                      for obj in inner.children if obj.dep_ == "pobj"]
    return found


def _carries_threat(clause: Token) -> bool:
    """What a threat says will be done: "threatened to carry out attacks", "warned that it
    would be forced to take steps"."""
    return clause.dep_ in {"xcomp", "ccomp"} or clause.dep_ == "advcl" and any(
        a.lower_ == "to" for a in clause.children if a.dep_ == "aux")


def _pattern_prep_objects(verb: Token) -> list[Token]:
    """'encourage firms to invest in Kyrgyzstan': the complement's own trigger row ("invest
    +in") says which of its prepositions names the other party, even one that usually names a
    place."""
    rows = trigger_patterns().get(verb.lemma_.lower(), [])
    party_preps = {row.prep for row in rows if row.prep and not row.nominal and not row.obj}
    # "invest and start businesses in Kyrgyzstan": a phrase after the last of coordinated
    # verbs belongs to all of them.
    return [pobj for clause in (verb, *verb.conjuncts) for prep in clause.children
            if prep.dep_ == "prep" and prep.lower_ in party_preps
            for pobj in prep.children if pobj.dep_ == "pobj"]


def syntax_party(head: Token | None) -> Mention | None:
    """A noun phrase no table knows, kept as a party with code null and its own words: the
    subject or object of a clause still says who did what to whom ("opposition lawmakers")."""
    if head is None or head.pos_ not in PARTY_POS or head.lower_ in EMPTY_PARTY_WORDS:
        return None
    if head.ent_type_ in NON_PARTY_ENTS:
        return None
    if head.pos_ == "NOUN" and match_trigger(head) is not None:
        return None  # "held talks", "voiced support": the noun is the act, not a party
    tokens = phrase_tokens(head)
    text = " ".join(token.text for token in tokens).strip()
    return Mention([Actor(code=None, entity_text=text)], {t.i for t in tokens}) if text else None


def is_abstract(head: Token) -> bool:
    """A common noun that names a state of affairs, not someone: "bilateral ties",
    "interference". Group nouns the tables know ("the delegation") are never abstract."""
    if head.pos_ != "NOUN" or head.ent_type_:
        return False
    lemma = head.lemma_.lower()
    if lemma in titles() or head.lower_ in titles():
        return False
    return lemma in ABSTRACT_NOUNS or lemma.endswith(ABSTRACT_ENDINGS)


def find_recipients(verb: Token, memory: ArticleMemory, actors: list[Actor],
                    passive_subject: Token | None, event_type: str = OPEN,
                    excluded: set[int] | None = None) -> Mention | None:
    """The other party of the clause. The rules propose phrases in order (objects, the
    prepositions that name a party, a passive subject); the first the tables know as someone
    other than the actor stands. Otherwise the recipient model chooses among those phrases,
    the clause's other noun phrases (not inside `excluded`, the actor's own) and the rules'
    fallback (the nearest phrase no table knows, or none)."""
    avoid: set = {actor.code for actor in actors} | {actor.key() for actor in actors}

    def option(head: Token, rank: int | None) -> recipient_choice.Option:
        return recipient_choice.Option(head, resolve_group(head, memory, avoid=avoid), rank,
                                       is_abstract(head))

    rule_heads = _unique_tokens(([passive_subject] if passive_subject is not None else [])
                                + _recipient_heads(verb, event_type))
    options: list[recipient_choice.Option] = []
    # Resolved one at a time: the phrases after a known party are never read, as before.
    for rank, head in enumerate(rule_heads):
        options.append(option(head, rank))
        # "withdraw its troops from Syria": the actor's own troops are its means; the party
        # is read on.
        if _others(options[-1].mention, actors) and not _own_means(options[-1]):
            return _as_recipient(options[recipient_choice.known_party_stands(verb, options)],
                                 actors)
    rule_pick = _unknown_party(options)
    proposed = {head.i for head in rule_heads}
    options += [option(noun, None) for noun in
                recipient_choice.clause_nouns(verb, excluded or set()) if noun.i not in proposed]
    chosen = recipient_choice.choose(verb, options, rule_pick, actors, event_type)
    return None if chosen is None else _as_recipient(options[chosen], actors)


def _own_means(option: recipient_choice.Option) -> bool:
    """'its troops', 'their weapons': unnamed, and owned by the actor's pronoun. 'his Iranian
    counterpart, Mostafa Najjar' names someone else."""
    return recipient_choice.own_possessive(option.head) and not any(
        actor.name for actor in option.mention.actors)


def _unique_tokens(tokens: list[Token]) -> list[Token]:
    seen: set[int] = set()
    return [token for token in tokens if not (token.i in seen or seen.add(token.i))]


def _others(mention: Mention | None, actors: list[Actor]) -> list[Actor]:
    """The mention's actors the tables know (a code or a person) that are not the actor itself
    (same state and sector)."""
    if mention is None:
        return []
    actor_codes = {actor.code for actor in actors}
    others = [a for a in mention.actors if a.code is None or a.code not in actor_codes
              or a.sector != next((x.sector for x in actors if x.code == a.code), None)]
    return [a for a in others if a.code is not None or a.name]


def _unknown_party(options: list[recipient_choice.Option]) -> int | None:
    """The rules' fallback when no phrase names a known party: the nearest noun phrase (code
    null). A phrase the tables know as the actor itself ("Kyrgyzstan is committed") is never a
    party of unknown code."""
    for index, option in enumerate(options):
        named = option.mention and any(a.code for a in option.mention.actors)
        if not named and option.head.dep_ not in {"attr", "oprd"} and syntax_party(option.head):
            return index
    return None


def _as_recipient(option: recipient_choice.Option, actors: list[Actor]) -> Mention | None:
    others = _others(option.mention, actors)
    if others:
        return Mention(others, option.mention.tokens)
    if option.mention and any(a.code for a in option.mention.actors):
        return None  # the actor itself
    return syntax_party(option.head)


def is_abstract_party(mention: Mention | None, doc) -> bool:
    """A party of unknown code whose phrase is an abstract noun ("opposes interference"): what
    the act is about, not who it is done to. The model still reads it; records leave it out."""
    if mention is None or any(a.code or a.sector or a.name for a in mention.actors):
        return False
    heads = [doc[i] for i in mention.tokens if doc[i].head.i not in mention.tokens
             or doc[i].head.i == i]
    return bool(heads) and all(is_abstract(head) for head in heads)


# ---------------------------------------------------------------- modality


def _aux_words(verb: Token) -> set[str]:
    words: set[str] = set()
    current: Token | None = verb
    for _ in range(4):
        if current is None:
            break
        words.update(c.lower_ for c in current.children if c.dep_ in {"aux", "auxpass", "neg"})
        if current.dep_ in {"xcomp", "conj"} and current.head != current or current.dep_ == "xcomp":
            current = current.head
        else:
            break
    return words


def modality(verb: Token, frame: Token | None,
             reported: bool = False) -> tuple[bool, bool, bool]:
    """(negated, future, hypothetical) from auxiliaries, negation and conditional clauses.

    In reported speech "would" is the past of "will" ("said it would release them"), so it
    marks a future act, not a hypothetical one, unless a condition is attached."""
    scope = [verb] + ([frame] if frame is not None else [])
    negated = any(c.dep_ == "neg" for v in scope for c in v.children)
    words = set().union(*(_aux_words(v) for v in scope))
    if reported and "would" in words and not _under_condition(verb):
        words = (words - {"would"}) | {"will"}
    future = bool(words & FUTURE_AUX) or _going_to(verb)
    future = future or any(v.lemma_ in INTENT_VERBS for v in _heads(verb))
    hypothetical = bool(words & HYPOTHETICAL_AUX) or _under_condition(verb)
    return negated, future, hypothetical


def _heads(verb: Token) -> list[Token]:
    chain, current = [], verb
    while current.dep_ in {"xcomp", "conj"} and current.head != current:
        current = current.head
        chain.append(current)
    return chain


def _going_to(verb: Token) -> bool:
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ == "go" and any(
        c.dep_ == "aux" and c.lower_ in {"is", "are", "was", "'s", "'re", "am"}
        for c in head.children)


def _under_condition(verb: Token) -> bool:
    current = verb
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in current.children):
            return True
        if current.head == current:
            return False
        current = current.head
    return False


# ---------------------------------------------------------------- typing details


def contexts_for(verb: Token, pattern: TriggerPattern) -> list[str]:
    found = list(pattern.context)
    keywords = context_keywords()
    clause = verb.subtree if verb.dep_ != "ROOT" else verb.sent
    for token in clause:
        context = keywords.get(token.lemma_.lower()) or keywords.get(token.lower_)
        if context and context not in found:
            found.append(context)
    return found[:3]


def frame_of(verb: Token) -> tuple[Token, TriggerPattern] | None:
    """A frame verb or intent adjective governing this verb: 'agreed to X', 'willing to X'."""
    while verb.dep_ == "conj" and verb.head != verb:
        verb = verb.head
    head = verb.head
    if verb.dep_ != "xcomp" or head == verb:
        return None
    pattern = match_trigger(head)
    if pattern and pattern.frame:
        return head, pattern
    return None


def is_intent(verb: Token) -> bool:
    """'is willing to', 'ready to', 'committed to': an expression of intent around the verb."""
    current = verb
    for _ in range(3):
        head = current.head
        if head == current:
            return False
        if head.lower_ in INTENT_ADJECTIVES:
            return True
        if current.dep_ not in {"xcomp", "conj"}:
            return False
        current = head
    return False


# ---------------------------------------------------------------- reported speech


@dataclass
class Speech:
    """A reporting verb and who spoke; the clauses it reports are the speaker's acts.

    `fills_subject` is False for "according to X": X is a source, and a clause whose subject
    the parser lost is not thereby X's act.
    """

    verb: Token
    speaker: Mention | None
    scope: set[int]
    fills_subject: bool = True


def _according_to(sent: Span) -> Token | None:
    for token in sent:
        if token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            if to is not None:
                return next((g for g in to.children if g.dep_ == "pobj"), None)
    return None


def find_speech(sent: Span, memory: ArticleMemory) -> list[Speech]:
    speeches: list[Speech] = []
    for token in sent:
        pattern = match_trigger(token) if token.pos_ in {"VERB", "AUX"} else None
        if not pattern or pattern.type != "SAY":
            continue
        subject = subject_of(token)
        speaker = resolve_group(subject, memory) if subject is not None else None
        scope = {t.i for child in token.children
                 if child.dep_ in {"ccomp", "parataxis", "xcomp", "advcl"}
                 for t in child.subtree}
        speeches.append(Speech(token, speaker, scope))
    source = _according_to(sent)
    if source is not None:
        speaker = resolve_group(source, memory)
        root = sent.root
        scope = {t.i for t in sent} - {t.i for t in source.head.head.subtree}
        speeches.append(Speech(root, speaker, scope, fills_subject=False))
    return speeches


def speech_for(verb: Token, speeches: list[Speech]) -> Speech | None:
    """The innermost speech whose reported clause contains the verb."""
    inside = [s for s in speeches if verb.i in s.scope and s.speaker]
    return min(inside, key=lambda s: len(s.scope)) if inside else None


# ---------------------------------------------------------------- candidates


EVENT_DEPS = {"ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "parataxis"}


# Nouns for what an actor issues: "a report accusing the army", "a statement condemning the
# attack" report the issuer's act.
STATEMENT_NOUNS = {"report", "statement", "letter", "resolution", "communique", "declaration",
                   "message", "note", "editorial", "complaint", "petition", "lawsuit", "motion",
                   "decree", "order", "ruling", "verdict", "memo", "post", "tweet", "video"}


def _is_clause_verb(token: Token) -> bool:
    current = token
    while current.dep_ == "conj" and current.head != current:
        current = current.head
    return token.pos_ in {"VERB", "AUX"} and (current.dep_ in EVENT_DEPS
                                              or _issued_statement(current) is not None)


def _issued_statement(verb: Token) -> Token | None:
    """The statement noun a participle describes ("a report accusing X"), if any."""
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.lemma_.lower() in STATEMENT_NOUNS:
        return verb.head
    return None


def _issuer_verb(verb: Token) -> Token | None:
    """The clause that issues the statement: "Amnesty put out a report accusing ..." """
    statement = _issued_statement(verb)
    current = statement.head if statement is not None else None
    while current is not None and current.pos_ not in {"VERB", "AUX"} and current.head != current:
        current = current.head
    return current if current is not None and current.pos_ in {"VERB", "AUX"} else None


def _attribute_actors(actors: list[Actor], subject: Token | None,
                      speech: Speech | None) -> tuple[list[Actor], bool]:
    """Reported speech: the speaker acts for their own state, 'we', or an unnamed subject."""
    if speech is None or speech.speaker is None:
        return actors, False
    speaker = speech.speaker
    if subject is None and not speech.fills_subject:
        return actors, False
    speaker_codes = {a.code for a in speaker.actors}
    first_person = subject is not None and subject.lower_ in {"we", "i", "us"}
    # "The coalition said it would accept the deal": a pronoun nothing earlier resolves is the
    # speaker.
    unresolved_pronoun = not actors and subject is not None and subject.lower_ in THIRD_PERSON
    # A subject the parser lost (None) is the speaker's; one that names no actor ("heavy
    # rains") stays actorless rather than being pinned on whoever reported it.
    if first_person or unresolved_pronoun or subject is None or (
            actors and all(_is_bare_state(a, speaker_codes) for a in actors)):
        return list(speaker.actors), True
    return actors, False


def _is_bare_state(actor: Actor, speaker_codes: set[str | None]) -> bool:
    """'Kyrgyzstan supports ..., Zhaparov said': the state is the speaker's own government."""
    return actor.code in speaker_codes and actor.name is None and actor.sector in (None, "GOV")


def _nominal_actors(noun: Token, memory: ArticleMemory) -> tuple[Mention | None, Mention | None]:
    """'talks between X and Y', 'Israeli airstrikes on Gaza', 'X's attack on Y'."""
    actor_heads = [c for c in noun.children if c.dep_ in {"poss", "amod", "compound"}]
    recipient_heads: list[Token] = []
    for prep in (c for c in noun.children if c.dep_ == "prep"):
        objects = [g for g in prep.children if g.dep_ == "pobj"]
        if prep.lower_ in {"between", "by", "among"}:
            actor_heads.extend(objects)
        elif prep.lower_ in {"on", "against", "with", "to", "in"}:
            recipient_heads.extend(objects)
    actor = next(filter(None, (resolve_group(h, memory) for h in actor_heads)), None)
    recipient = next(filter(None, (resolve_group(h, memory) for h in recipient_heads)), None)
    # "Rabat announced a suspension of air links": who announced the act did it.
    governing = noun.head if noun.dep_ in OBJECT_DEPS and noun.head.pos_ == "VERB" else None
    subject = subject_of(governing) if governing is not None else None
    if actor is None and subject is not None:
        actor = resolve_group(subject, memory) or syntax_party(subject)
    return actor, recipient


def _complement_has_trigger(frame: Token) -> bool:
    for child in frame.children:
        if child.dep_ != "xcomp":
            continue
        for verb in [child, *child.conjuncts]:
            pattern = match_trigger(verb)
            if pattern and pattern.type not in {"SAY", "NONE"}:
                return True
    return False


def _verb_candidate(verb: Token, pattern: TriggerPattern, memory: ArticleMemory,
                    speeches: list[Speech]) -> Candidate:
    frame = frame_of(verb)
    trigger, final = (frame[0], frame[1]) if frame else (verb, pattern)
    subject = subject_of(verb)
    agent = agent_of(verb)
    passive_subject = next((c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS), None)
    actor_head = agent if agent is not None else subject
    mention = resolve_group(actor_head, memory) if actor_head is not None else None
    actors = mention.actors if mention else []
    if actor_head is not None and not any(actor.code for actor in actors):
        # "A U.S. drone strike killed ...": a thing stands for its owner; "warplanes from the
        # Saudi-led coalition" keep their own sector. People are not owned: "Mr Erdogan's
        # critics" are not Erdogan.
        sectors = {actor.sector for actor in actors if actor.sector}
        owner = _owner_of(actor_head, memory, people=bool(sectors) and not is_vehicle(actor_head))
        if owner is not None:
            mention = owner
            actors = [replace(actor, sector=next(iter(sectors)))
                      if len(sectors) == 1 and actor.sector in (None, "GOV") else actor
                      for actor in owner.actors]
    speech = speech_for(verb, speeches)
    demanded_of = _demanded_of(verb, speech, mention)
    actors, reported = _attribute_actors(actors, actor_head, speech)
    if demanded_of is not None:
        actors = list(speech.speaker.actors)
    if not actors and not reported:
        mention = syntax_party(actor_head)
        actors = mention.actors if mention else []
    if final.type == "MOBILIZE" and not actors and agent is None and passive_subject is not None:
        # "Thousands of riot police were deployed": the forces deployed are who acts.
        mention = resolve_group(passive_subject, memory)
        actors, passive_subject = (mention.actors if mention else []), None
    # "Twelve soldiers were killed": the passive subject is who it was done to, whether or not
    # the perpetrator is named.
    recipients = demanded_of or find_recipients(
        trigger, memory, actors, passive_subject, final.type,
        _subtree(actor_head) | (mention.tokens if mention else set()))
    abstract_object = is_abstract_party(recipients, verb.doc)
    negated, future, hypothetical = modality(verb, frame[0] if frame else None,
                                             reported=speech is not None)
    if demanded_of is not None:
        # The demand was made; "must not attack" negates what is demanded, not the demand.
        final, negated, future, hypothetical = demand_pattern(), False, False, False
    candidate = Candidate(
        trigger=trigger, pattern=final, actors=actors,
        recipients=recipients.actors if recipients else [],
        actor_tokens=(mention.tokens if mention else set())
        | (recipients.tokens if recipients else set()),
        event_type=final.type, cameo=final.cameo, mode=final.mode,
        contexts=contexts_for(verb, pattern),
        negated=negated, future=future, hypothetical=hypothetical, reported=reported,
        abstract_object=abstract_object,
    )
    promised = (future or is_intent(verb)) and not (negated or hypothetical)
    if final.type in PROMISE_TYPES and promised:
        candidate.event_type, candidate.cameo = "AGREE", PROMISE_TYPES[final.type]
        candidate.mode = None  # AGREE has no modes; "visit" belonged to the promised act
    return candidate


@lru_cache(maxsize=1)
def demand_pattern() -> TriggerPattern:
    """The trigger table's pattern for "demand", which a demand frame reads as."""
    return next(pattern for pattern in trigger_patterns()[DEMAND_LEMMA]
                if not (pattern.obj or pattern.frame or pattern.nominal))


def _demanded_of(verb: Token, speech: Speech | None, subject: Mention | None) -> Mention | None:
    """'Russia says Israel must end its attacks': a speaker who says another party must or
    should act demands it of that party (REQUEST), whatever the act demanded."""
    if speech is None or speech.speaker is None or subject is None:
        return None
    if verb.head.i != speech.verb.i:
        return None  # "criticised him for saying Jews should leave": not the speaker's demand
    if not any(child.dep_ == "aux" and child.lower_ in OBLIGATION_AUX for child in verb.children):
        return None
    speaker_codes = {actor.code for actor in speech.speaker.actors if actor.code}
    subject_codes = {actor.code for actor in subject.actors if actor.code}
    if not speaker_codes or not subject_codes or subject_codes & speaker_codes:
        return None
    return subject


def _subtree(head: Token | None) -> set[int]:
    return {token.i for token in head.subtree} if head is not None else set()


def _nominal_candidate(noun: Token, pattern: TriggerPattern,
                       memory: ArticleMemory) -> Candidate:
    actor, recipient = _nominal_actors(noun, memory)
    return Candidate(
        trigger=noun, pattern=pattern, actors=actor.actors if actor else [],
        recipients=recipient.actors if recipient else [],
        actor_tokens=(actor.tokens if actor else set())
        | (recipient.tokens if recipient else set()),
        event_type=pattern.type, cameo=pattern.cameo, mode=pattern.mode,
        contexts=contexts_for(noun, pattern),
    )


def extract_candidates(sent: Span, memory: ArticleMemory) -> list[Candidate]:
    """Every event candidate in the sentence, scored; the caller decides which to emit."""
    speeches = find_speech(sent, memory)
    candidates: list[Candidate] = []
    consumed: set[int] = set()
    open_verbs: list[tuple[Token, bool]] = []  # (verb, is a statement)
    for token in sent:
        if not _is_clause_verb(token):
            continue
        pattern = match_trigger(token)
        if pattern is None or pattern.type in {"NONE", "SAY"}:
            # A statement is an open clause too: what the model reads in it ("said militants
            # were responsible" ACCUSE, "announced a ceasefire") may be the sentence's event.
            open_verbs.append((token, pattern is not None and pattern.type == "SAY"))
            continue
        if token.i in consumed:
            continue
        if pattern.frame and _complement_has_trigger(token):
            continue  # coded at its complement, which carries the arguments
        candidate = _verb_candidate(token, pattern, memory, speeches)
        consumed.add(candidate.trigger.i)
        candidates.append(candidate)
    typed = bool(candidates)
    for token, statement in open_verbs:
        if token.i not in consumed and _has_argument(token):
            candidates.append(_verb_candidate(token, open_pattern(token), memory, speeches))
            if statement:
                # A statement leads only when no other clause names the act's parties, so the
                # sentence's features still come from the act it reports.
                candidates[-1].pattern = replace(candidates[-1].pattern,
                                                 weight=STATEMENT_WEIGHT)
                candidates[-1].statement = True
    if not typed:
        for token in sent:
            pattern = match_trigger(token) if token.pos_ in {"NOUN", "PROPN"} else None
            if pattern and pattern.type not in {"SAY", "NONE"}:
                candidates.append(_nominal_candidate(token, pattern, memory))
    for candidate in candidates:
        finish_candidate(candidate)
    _remember_parties(sent, candidates, speeches, memory)
    return candidates


@lru_cache(maxsize=1)
def _statement_lemmas() -> frozenset[str]:
    return frozenset(lemma for lemma, patterns in trigger_patterns().items()
                     if any(pattern.type == "SAY" for pattern in patterns))


def _is_statement(verb: Token) -> bool:
    """A statement verb ("said", "announced"); most verbs are ruled out by their lemma alone."""
    if verb.lemma_.lower() not in _statement_lemmas():
        return False
    pattern = match_trigger(verb)
    return pattern is not None and pattern.type == "SAY"


def open_pattern(token: Token) -> TriggerPattern:
    """The stand-in pattern of a clause no trigger row names."""
    return TriggerPattern(lemma=token.lemma_.lower(), modifier=None, prep=None, obj=None,
                          frame=False, nominal=token.pos_ in {"NOUN", "PROPN"}, type=OPEN,
                          cameo="", mode=None, context=(), weight=OPEN_WEIGHT)


def _has_argument(verb: Token) -> bool:
    """An agent, patient or recipient: a clause about no one is not an event candidate."""
    return verb.pos_ == "VERB" and any(
        child.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS | OBJECT_DEPS | {"agent", "dative"}
        for child in verb.children)


def finish_candidate(candidate: Candidate) -> None:
    """Meetings put every party in `actor`; then the candidate is scored."""
    if candidate.event_type == "CONSULT" and candidate.recipients:
        candidate.actors = candidate.actors + candidate.recipients
        candidate.recipients = []
    candidate.actors = _unique(candidate.actors)
    candidate.recipients = _unique(candidate.recipients)
    candidate.confidence = score(candidate)


def _unique(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple] = set()
    kept = []
    for actor in actors:
        key = (actor.code, actor.sector, actor.name)
        if key not in seen:
            seen.add(key)
            kept.append(actor)
    return kept


def score(candidate: Candidate) -> float:
    """A confidence in [0, 1]: trigger certainty, how well the parties are known, clause depth."""
    value = candidate.pattern.weight
    coded = [a for a in candidate.actors if a.code]
    value *= 1.0 if coded else (0.75 if candidate.actors else 0.45)
    if candidate.recipients:
        value *= 1.0 if any(a.code for a in candidate.recipients) else 0.9
    elif candidate.event_type in {"COOPERATE", "AID", "SANCTION"}:
        value *= 0.7
    if candidate.trigger.dep_ not in {"ROOT"} and not candidate.reported:
        value *= 0.9
    if candidate.hypothetical:
        value *= 0.9
    return round(max(0.0, min(1.0, value)), 3)


def _remember_parties(sent: Span, candidates: list[Candidate], speeches: list[Speech],
                      memory: ArticleMemory) -> None:
    for candidate in candidates:
        states = [a for a in candidate.actors + candidate.recipients if a.code]
        if len({a.code for a in states}) >= 2 and (
                candidate.event_type == "CONSULT" or not memory.last_pair):
            memory.last_pair = _unique(states)
            memory.remember_plural(memory.last_pair)
    people = [a for s in speeches if s.speaker for a in s.speaker.actors if a.name]
    if not people:
        subject = subject_of(sent.root)
        mention = resolve_group(subject, memory) if subject is not None else None
        people = [a for a in (mention.actors if mention else []) if a.name]
    if len(people) == 1:
        memory.last_speaker = people[-1]
