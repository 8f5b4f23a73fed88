"""Which of a clause's noun phrases is the other party of its act: a conditional logit.

Owns the choice of a clause's recipient where the syntax rules of `events` (objects, the
prepositions that name a party, a passive subject, in that order) find no party the tables
know: then the model chooses among the clause's phrases that can stand for someone ("granted
asylum to Julian Assange") or none of them, which leaves the rules' pick. Each option is scored
from what it is (known to the tables, a person, a name, an abstract noun, the actor's own
troops), how it hangs on the trigger (the dependency path, the preposition) and whether the
rules picked it. Phrases of place, time or role are never offered. The weights
(`data/models/recipient_choice.json`) are learned by `bench/recipient_cv.py` from the PLV
sentences' marked targets; nothing here imports training.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

from accord.actors import Mention, phrase_tokens
from accord.model import Actor
from accord.place_choice import dependency_path
from accord.weights import FeatureWeights, read_feature_weights

MODEL_PATH = Path(__file__).parent / "data" / "models" / "recipient_choice.json"
# Nouns that are not a phrase's head: parts of a larger name, and later conjuncts, which the
# first conjunct's phrase takes in ("between India and Pakistan").
_MODIFIER_DEPS = {"compound", "amod", "poss", "nmod", "appos", "npadvmod", "conj"}
_NON_PARTY_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
# Prepositions whose phrase says where, when, how or as what: never the act's other party
# ("met in Dushanbe", "as neighbours of Afghanistan"). A place struck or entered is left to the
# event's place: as a party too, it would be barred from being the place.
SETTING_PREPS = {"in", "near", "inside", "outside", "across", "throughout", "within", "around",
                 "among", "beyond", "as", "during", "since", "after", "before", "until", "amid",
                 "despite", "like", "via", "through"}
# Prepositions that put an act in a place whose state it is then done to, where the clause
# names no other party.
ACT_PLACE_PREPS = {"in", "inside", "across", "throughout", "within", "near", "around"}
# Where a statement was made, not where its act was done ("said in a speech in Ankara").
SPEECH_SETTINGS = {"speech", "statement", "interview", "address", "remark", "meeting",
                   "conference", "session", "briefing", "talk", "summit", "rally", "ceremony",
                   "visit", "message", "letter", "article", "report", "broadcast", "post",
                   "tweet", "news", "communique", "declaration", "debate", "forum", "hearing"}
_SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
# Clauses that carry the act itself: "agreed to withdraw its troops from Syria".
_SAME_ACT_DEPS = {"xcomp"}
_RANK_CAP = 4
PARTY_ENTS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


@lru_cache(maxsize=1)
def recipient_model() -> FeatureWeights:
    return read_feature_weights(MODEL_PATH)


@dataclass
class Option:
    """One phrase that may be the recipient, as the syntax rules and the tables see it."""

    head: Token
    mention: Mention | None  # what the tables make of it (None: nothing known)
    rank: int | None  # its place in the rules' list, None when only the clause offers it
    abstract: bool = False  # a state of affairs, not someone ("opposes interference")


@dataclass
class Choice:
    """What the chooser saw and chose, kept for training while `recording()` is active.
    `offered` indexes the options the model scored (`rows`, empty when it was not asked);
    `rule_pick` and `chosen` index `options`."""

    trigger: Token
    options: list[Option]
    offered: list[int]
    rows: list[list[str]]
    none_row: list[str]
    rule_pick: int | None
    chosen: int | None
    asked: bool = True  # False: the rules' pick was a party the tables know, and stood


_recording: list[list[Choice]] = []


@contextmanager
def recording() -> Iterator[list[Choice]]:
    """Collect every choice made inside the block (the training bench reads them)."""
    choices: list[Choice] = []
    _recording.append(choices)
    try:
        yield choices
    finally:
        _recording.remove(choices)


def clause_nouns(verb: Token, excluded: set[int]) -> list[Token]:
    """The heads of the noun phrases of `verb`'s own clause that are not inside `excluded`
    tokens (the actor's phrase) nor under a preposition of setting: each may be the party the
    act is done to. A phrase inside another clause belongs to that clause's act."""
    found = []
    for token in verb.subtree:
        if token.i in excluded or token.i == verb.i:
            continue
        if token.pos_ not in {"NOUN", "PROPN"} or token.dep_ in _MODIFIER_DEPS:
            continue
        if token.ent_type_ in _NON_PARTY_ENTS:
            continue
        if _in_own_clause(token, verb) and not _under_prep(token, verb, SETTING_PREPS):
            found.append(token)
    return found


def _in_own_clause(token: Token, verb: Token) -> bool:
    head = token.head
    while head.i != verb.i:
        if head.pos_ in {"VERB", "AUX"} and head.dep_ not in _SAME_ACT_DEPS:
            return False
        head = head.head
    return True


def _under_prep(token: Token, verb: Token, preps: set[str]) -> bool:
    head = token
    while head.i != verb.i:
        if head.dep_ == "prep" and head.lower_ in preps:
            return True
        head = head.head
    return False


def names_place_of_act(verb: Token, place: str) -> bool:
    """Whether `place` is said as where `verb`'s act was done ("declared a ceasefire in
    Libya", "killed 48 people in Afghanistan", "gave food to families in Haiti"): under a
    preposition of place that hangs on the verb, its object, or a party it names, and not on
    a setting of its own ("criticised the plan in a speech in Ankara")."""
    for token in verb.subtree:
        prep = token.head
        if token.dep_ != "pobj" or prep.lower_ not in ACT_PLACE_PREPS:
            continue
        if place in phrase_text(token) and _places_the_act(prep, verb):
            return True
    return False


def _places_the_act(prep: Token, verb: Token) -> bool:
    """The preposition hangs on the verb, or on at most two nouns between it and the verb (the
    object, a party, a thing done), none of them a subject or the setting of a statement."""
    owner, nouns = prep.head, 0
    while owner.i != verb.i:
        if owner.dep_ == "prep":
            owner = owner.head
            continue
        nouns += 1
        if nouns > 2 or owner.dep_ in _SUBJECT_DEPS or owner.lemma_.lower() in SPEECH_SETTINGS:
            return False
        owner = owner.head
    return True


def phrase_text(head: Token) -> str:
    start, end = phrase_span(head)
    return head.doc.text[start:end]


def names_someone(option: Option) -> bool:
    """The tables know the phrase as a state, a body or a person."""
    return bool(option.mention) and any(a.code or a.name for a in option.mention.actors)


def is_party(option: Option) -> bool:
    """Whether the phrase can stand for someone: the tables know it as a state, body or
    person, or its head is a noun that the tables give a sector or the tagger calls a name.
    "A rise in fuel taxes" and "tear gas" are not, nor is a stray preposition."""
    if names_someone(option):
        return True
    if option.head.pos_ not in {"NOUN", "PROPN"}:
        return False
    if option.mention and any(a.sector for a in option.mention.actors):
        return True
    return option.head.ent_type_ in PARTY_ENTS


def choose(trigger: Token, options: list[Option], rule_pick: int | None,
           actors: Sequence[Actor], event_type: str) -> int | None:
    """The index of the option that is the recipient, or None for no recipient. Asked only
    where the rules found no party the tables know: the model chooses among the phrases that
    can stand for someone, or chooses none of them and leaves the rules' pick (a phrase no
    table knows, an abstract object the type models read and records leave out, or nothing).
    The model never takes away a recipient the rules found: AID, COOPERATE and SANCTION need
    one."""
    model = recipient_model()
    actor_codes = {actor.code for actor in actors if actor.code}
    offered = [index for index, option in enumerate(options) if is_party(option)]
    rows = [option_features(trigger, options[index], index == rule_pick, actor_codes, event_type)
            for index in offered]
    none_row = none_features(event_type, rule_pick not in offered, len(offered))
    best = best_option(model, rows, none_row)
    chosen = offered[best] if best is not None else rule_pick
    _record(Choice(trigger, options, offered, rows, none_row, rule_pick, chosen))
    return chosen


def known_party_stands(trigger: Token, options: list[Option]) -> int:
    """The rules' pick, the last of `options`, is a party the tables know: it stands unasked
    (there the rules are right four times in five on PLV)."""
    pick = len(options) - 1
    _record(Choice(trigger, options, [], [], [], pick, pick, asked=False))
    return pick


def _record(choice: Choice) -> None:
    for choices in _recording:
        choices.append(choice)


def best_option(model: FeatureWeights, rows: Sequence[Sequence[str]],
                none_row: Sequence[str]) -> int | None:
    """The best-scoring row, or None when "no recipient" scores higher."""
    scores = [model.score(row) for row in rows]
    best = max(range(len(rows)), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] > model.score(none_row) else None


def none_features(event_type: str, rules_found_none: bool, option_count: int) -> list[str]:
    return ["none", f"none|type={event_type}", f"none|rules_none={int(rules_found_none)}",
            f"none|options={min(option_count, 5)}"]


def option_features(trigger: Token, option: Option, rule_pick: bool, actor_codes: set[str],
                    event_type: str) -> list[str]:
    head, mention = option.head, option.mention
    actors = mention.actors if mention else []
    codes = {actor.code for actor in actors if actor.code}
    known = int(bool(codes))
    up, down = dependency_path(trigger, head)
    first_down = down[0] if down else "-"
    prep = head.head.lower_ if head.dep_ == "pobj" else "-"
    sector = next((actor.sector for actor in actors if actor.sector), None)
    offset = head.i - trigger.i
    features = [
        f"path={'/'.join(up[:3])}>{'/'.join(down[:3])}", f"down1={first_down}", f"prep={prep}",
        f"dep={head.dep_}", f"known={known}", f"sector={sector}",
        f"named={int(any(actor.name for actor in actors))}",
        f"own_code={int(bool(codes) and codes <= actor_codes)}",
        f"ent={head.ent_type_ or '-'}", f"pos={head.pos_}",
        f"abstract={int(option.abstract)}", f"own_possessive={int(own_possessive(head))}",
        f"rank={'clause' if option.rank is None else min(option.rank, _RANK_CAP)}",
        f"side={'after' if offset > 0 else 'before'}", f"distance={min(abs(offset) // 3, 4)}",
        f"prep|known={prep}|{known}", f"down1|known={first_down}|{known}",
    ]
    if rule_pick:
        features.append("rule_pick")
    crossed = [f"type={event_type}|{feature}" for feature in features
               if feature.startswith(("prep=", "down1=", "known="))]
    return features + crossed


def own_possessive(head: Token) -> bool:
    """'withdrew its troops': a phrase the actor's pronoun owns is the actor's own means."""
    return any(child.dep_ == "poss" and child.pos_ == "PRON" for child in head.children)


def phrase_span(head: Token) -> tuple[int, int]:
    """Character offsets of the head's phrase in the document."""
    tokens = phrase_tokens(head) or [head]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])
