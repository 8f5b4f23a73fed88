"""Which of a sentence's places is where its event happened: candidates, features, learned choice.

Owns the candidate places of a sentence (the tagger's GPE/LOC/FAC entities, and other capitalised
entities the gazetteer knows), the features relating a candidate to the event's trigger
(dependency path, governing preposition, distance, clause, entity label, gazetteer class, the
hand rule's pick, what the mention's phrase hangs on), and the conditional logit in
data/models/event_place.json that scores them against a "no place here" option. The model is a
table of feature weights: inference is a sum per option, loaded once. In the accurate profile a
fine-tuned pointer (place_pointer.py) adds its log-probabilities to those scores. It is trained
by bench/event_location_train.py on the event-location data set; nothing here imports training.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from spacy.tokens import Span, Token

from accord import toponyms, where
from accord.model import Location
from accord.weights import FeatureWeights, read_feature_weights

if TYPE_CHECKING:
    from accord.place_pointer import PlacePointer

MODEL_PATH = Path(__file__).parent / "data" / "models" / "event_place.json"
# The small tagger labels many places as ORG, PERSON, NORP or PRODUCT ("the town of Taji" PERSON,
# "Manbij" PRODUCT), so every name is a candidate and the model weighs the label as evidence.
NOT_NAME_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                             "QUANTITY"})
UNLABELLED = "NAME"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj", "acl", "pcomp",
                         "parataxis"})
# Nouns that only frame a place ("the city of Mosul", "in the province of Helmand", "the
# outskirts of Homs"): the phrase's real attachment is above them.
PLACE_FRAMES = frozenset({"city", "town", "village", "province", "district", "region", "area",
                          "capital", "neighbourhood", "neighborhood", "suburb", "outskirts",
                          "countryside", "governorate", "state", "county", "port", "border",
                          "camp", "part", "centre", "center", "north", "south", "east", "west",
                          "vicinity", "heart", "edge", "outside", "municipality", "hamlet"})
DASHES = frozenset({"-", "--", "\u2014", "\u2013", ":"})


@dataclass(frozen=True)
class PlaceMention:
    """A span of the sentence that may name the event's place."""

    span: Span

    @property
    def root(self) -> Token:
        return self.span.root

    @property
    def text(self) -> str:
        words = self.span[1:] if self.span[0].lower_ == "the" else self.span
        return words.text


@lru_cache(maxsize=1)
def place_model() -> FeatureWeights:
    """A conditional logit over a sentence's options: each mention, and "no place here" (the
    NONE option, scored from the trigger's own features). The highest score wins."""
    return read_feature_weights(MODEL_PATH)


# ---------------------------------------------------------------- candidates


def place_mentions(sentence: Span) -> list[PlaceMention]:
    """Every name of the sentence, in order: its entities (not dates or numbers), and runs of
    capitalised proper nouns the tagger left outside any entity ("erupted in Taez"). Found once
    per sentence and kept with the parse: every event of the sentence asks again."""
    cache = sentence.doc.user_data.setdefault(MENTIONS_KEY, {})
    key = (sentence.start, sentence.end)
    if key not in cache:
        cache[key] = _find_mentions(sentence)
    return list(cache[key])


def _find_mentions(sentence: Span) -> list[PlaceMention]:
    found = [PlaceMention(entity) for entity in sentence.ents
             if entity.label_ not in NOT_NAME_LABELS and entity.text[:1].isupper()
             or entity.label_ in PLACE_LABELS]
    taken = {token.i for mention in found for token in mention.span}
    run: list[Token] = []
    for token in [*sentence, None]:
        if (token is not None and token.i not in taken and token.pos_ == "PROPN"
                and token.text[:1].isupper()):
            run.append(token)
            continue
        if run:
            span = Span(sentence.doc, run[0].i, run[-1].i + 1, label=UNLABELLED)
            found.append(PlaceMention(span))
            run = []
    found.sort(key=lambda mention: mention.span.start)
    return [mention for mention in _joined(found) if mention.text.strip()]


MENTIONS_KEY = "accord.place_mentions"


def _joined(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Adjacent pieces of one name the tagger split ("Tell" GPE + "Abyad") made one mention
    when the gazetteer knows the whole name."""
    joined: list[PlaceMention] = []
    for mention in mentions:
        if joined and joined[-1].span.end == mention.span.start:
            previous = joined[-1].span
            whole = Span(previous.doc, previous.start, mention.span.end,
                         label=previous.label_ if previous.label_ != UNLABELLED
                         else mention.span.label_)
            hints = toponyms.countries_named(whole.sent.text)
            if toponyms.resolve_in_context(PlaceMention(whole).text, hints) is not None:
                joined[-1] = PlaceMention(whole)
                continue
        joined.append(mention)
    return joined


# ---------------------------------------------------------------- features


BROAD_CLASSES = frozenset({"PCLI", "ADM1", "CONT"})
ENTERED_CLAUSES = frozenset({"relcl", "ccomp", "acl", "advcl", "xcomp", "parataxis"})
FACTS_KEY = "accord.place_mention_facts"
COUNTS_KEY = "accord.place_running_counts"


class Step(NamedTuple):
    """A token on a chain of heads: its position, dependency label, part of speech, and its
    word class on a path (the preposition's own word, else the part of speech)."""

    position: int
    dep: str
    pos: str
    word: str


@dataclass(frozen=True)
class MentionFacts:
    """What a mention is whatever the event: its gazetteer class, its preposition, the heads
    above it and the word its phrase hangs on. Found once per mention and context and kept with
    the parse, since every event of a sentence weighs the same mentions."""

    start: int
    end: int
    root: int
    label: str
    dep: str
    known: bool
    place_class: str
    prep_word: str
    name_key: str  # the normalised name, to compare with the hand rule's pick
    chain: tuple[Step, ...]  # from the root upwards
    clause: int
    attached: int | None
    attached_pos: str
    attached_lemma: str
    attached_clause: int | None
    framed: bool
    features: tuple[str, ...]  # the features that do not depend on the event


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    # spaCy makes a new Token object per access: compare positions, not identity.
    while chain[-1].head.i != chain[-1].i and len(chain) < 64:
        chain.append(chain[-1].head)
    return chain


def _chain(token: Token) -> tuple[Step, ...]:
    return tuple(Step(ancestor.i, ancestor.dep_, ancestor.pos_,
                      ancestor.lower_ if ancestor.pos_ == "ADP" else ancestor.pos_)
                 for ancestor in _ancestors(token))


def _meeting(up_chain: Sequence[Step], down_chain: Sequence[Step]) -> tuple[int, int] | None:
    """Where two chains of heads meet: the common ancestor's step in each, if any."""
    down_at = {step.position: index for index, step in enumerate(down_chain)}
    for index, step in enumerate(up_chain):
        if step.position in down_at:
            return index, down_at[step.position]
    return None


def _path(up_chain: Sequence[Step], down_chain: Sequence[Step], meeting: tuple[int, int] | None
          ) -> tuple[list[str], list[str]]:
    if meeting is None:
        return [step.dep for step in up_chain], [step.dep for step in reversed(down_chain)]
    up_end, down_end = meeting
    return ([step.dep for step in up_chain[:up_end]],
            [step.dep for step in reversed(down_chain[:down_end])])


def dependency_path(trigger: Token, target: Token) -> tuple[list[str], list[str]]:
    """Dependency labels going up from the trigger to the common ancestor, then down to target."""
    up_chain, down_chain = _chain(trigger), _chain(target)
    return _path(up_chain, down_chain, _meeting(up_chain, down_chain))


def _path_features(up_chain: Sequence[Step], down_chain: Sequence[Step],
                   meeting: tuple[int, int] | None, trigger: int, path: str, prep: str
                   ) -> list[str]:
    """What lies on the path from the trigger to the mention: other verbs (the place is another
    event's), the prepositions on the way down, what the common ancestor is, the clauses entered
    ("who was arrested in X", "said that ... in X")."""
    if meeting is None:
        return []
    up_end, down_end = meeting
    between = [*up_chain[1:up_end], *down_chain[1:down_end]]
    verbs_on = sum(1 for step in between if step.pos == "VERB")
    way_down = "/".join(step.word for step in list(reversed(down_chain[1:down_end]))[:4])
    top = up_chain[up_end]
    clauses = [step.dep for step in down_chain[1:down_end] if step.dep in ENTERED_CLAUSES]
    return [f"pp_verbs_on={min(verbs_on, 3)}", f"pp_lex={way_down}",
            f"pp_top={'trigger' if top.position == trigger else top.pos}",
            f"pp_clause={'+'.join(clauses[:2]) or 'none'}", f"pp_full={path}|{prep}"]


def _clause_of(token: Token) -> Token:
    ancestors = _ancestors(token)
    for ancestor in ancestors:
        if ancestor.pos_ in ("VERB", "AUX") and ancestor.dep_ in CLAUSE_DEPS:
            return ancestor
    return ancestors[-1]


def _governing_prep(root: Token) -> Token | None:
    """The preposition over a place: "in [the city of] Nablus", "near Gao"."""
    token = root
    for _ in range(3):
        head = token.head
        if head.i == token.i:
            return None
        if head.dep_ in ("prep", "agent") or head.pos_ == "ADP":
            return head
        if token.dep_ not in ("pobj", "compound", "appos", "conj", "poss", "nmod", "amod"):
            return None
        token = head
    return None


def _distance_bucket(distance: int) -> str:
    for limit in (1, 3, 6, 10, 20):
        if distance <= limit:
            return str(limit)
    return "far"


def _place_class(text: str, context: Collection[str]) -> str:
    location = where.resolve_place(text, list(context))
    if location is None:
        return "unknown"
    return location.feature_code or "unknown"


def mention_facts(mention: PlaceMention, context: Collection[str] = ()) -> MentionFacts:
    """The mention's facts, kept with the parse once found."""
    cache = mention.span.doc.user_data.setdefault(FACTS_KEY, {})
    key = (mention.span.start, mention.span.end, tuple(context))
    if key not in cache:
        cache[key] = _find_facts(mention, context)
    return cache[key]


def _find_facts(mention: PlaceMention, context: Collection[str]) -> MentionFacts:
    span, root = mention.span, mention.root
    text = mention.text
    prep = _governing_prep(root)
    prep_word = prep.lower_ if prep is not None else "none"
    place_class = _place_class(text, context)
    known = bool(where.gazetteer().candidates(text))
    label = span.label_
    features = [
        f"label={label}", f"label_dep={label}|{root.dep_}", f"label_prep={label}|{prep_word}",
        f"known={known}", f"known_label={known}|{label}", f"root_pos={root.pos_}",
        f"words={min(len(span), 4)}", f"class={place_class}", f"prep={prep_word}",
        f"prep_class={prep_word}|{place_class}", f"dep={root.dep_}",
        f"head_lemma={root.head.lemma_.lower()}",
    ]
    if prep is not None:
        features.append(f"prep_head={prep.head.lemma_.lower()}|{prep_word}")
    attached, framed = _attachment(mention)
    attached_clause = _clause_of(attached).i if attached is not None else None
    return MentionFacts(
        span.start, span.end, root.i, label, root.dep_, known, place_class, prep_word,
        where.normalize_name(text), _chain(root), _clause_of(root).i,
        attached.i if attached is not None else None,
        attached.pos_ if attached is not None else "",
        attached.lemma_.lower() if attached is not None else "", attached_clause, framed,
        tuple(features))


@dataclass(frozen=True)
class _Trigger:
    """The event's word, with what every mention's features compare against."""

    token: Token
    word: str
    lemma: str
    chain: tuple[Step, ...]
    clause: int
    left: int
    right: int

    @classmethod
    def of(cls, token: Token) -> _Trigger:
        return cls(token, token.lower_, token.lemma_.lower(), _chain(token),
                   _clause_of(token).i, token.left_edge.i, token.right_edge.i)

    def covers(self, position: int) -> bool:
        return self.left <= position <= self.right


def mention_features(sentence: Span, trigger: Token, mentions: Sequence[PlaceMention],
                     rule_pick: Location | None, context: Collection[str] = ()
                     ) -> list[list[str]]:
    """The active features of each mention as the event's place."""
    facts = [mention_facts(mention, context) for mention in mentions]
    event = _Trigger.of(trigger)
    meetings = [_meeting(event.chain, fact.chain) for fact in facts]
    paths = [_path(event.chain, fact.chain, meeting)
             for fact, meeting in zip(facts, meetings, strict=True)]
    path_lengths = [len(ups) + len(downs) for ups, downs in paths]
    distances = [_token_distance(trigger, fact.start, fact.end) for fact in facts]
    has_specific = any(fact.place_class not in BROAD_CLASSES for fact in facts)
    hangs_on = _hangs_on(facts)
    rule_key = where.normalize_name(rule_pick.extracted_place) if rule_pick is not None else ""
    counts = _running_counts(sentence)
    rows = []
    for position, (fact, mention) in enumerate(zip(facts, mentions, strict=True)):
        ups, downs = paths[position]
        values = {
            "path_down": "/".join(downs[:3]), "path_up": str(len(ups)),
            "dist": _distance_bucket(distances[position]),
            "side": "before" if fact.start < trigger.i else "after",
            "same_clause": str(fact.clause == event.clause),
            "in_trigger_subtree": str(event.covers(fact.root)),
            "nearest_path": str(path_lengths[position] == min(path_lengths)),
            "rule": str(bool(rule_key) and (rule_key in fact.name_key
                                            or fact.name_key in rule_key)),
        }
        path = f"{'/'.join(ups[:3])}>{'/'.join(downs[:4])}"
        features = [
            *fact.features,
            f"path={path}",
            f"path_down={values['path_down']}", f"path_up={values['path_up']}",
            f"path_len={min(path_lengths[position], 8)}", f"dist={values['dist']}",
            f"side={values['side']}", f"same_clause={values['same_clause']}",
            f"in_trigger_subtree={values['in_trigger_subtree']}",
            f"nearest_path={values['nearest_path']}",
            f"nearest_linear={distances[position] == min(distances)}",
            f"count={min(len(mentions), 4)}", f"first={position == 0}",
            f"rule={values['rule']}",
            f"dateline_like={_looks_like_dateline(sentence, mention.span)}",
            *_trigger_features(event, fact, values),
            *_attachment_features(event, fact, counts),
            *_path_features(event.chain, fact.chain, meetings[position], trigger.i, path,
                            fact.prep_word),
            *_verb_features(event.lemma, fact, values),
        ]
        if fact.place_class in BROAD_CLASSES and has_specific:
            features.append("broader_than_another")
        # "Sopore town in Baramulla district": the place another names hangs on is the
        # narrower one; annotators place an event at the narrowest.
        under = hangs_on[position] is not None
        over = position in hangs_on
        features += [f"under_other={under}", f"over_other={over}",
                     f"nesting={under}|{over}|{fact.prep_word}"]
        rows.append(features)
    return rows


def _hangs_on(facts: Sequence[MentionFacts]) -> list[int | None]:
    """For each mention, the other mention its phrase hangs on within a few heads, if any:
    "Sopore town in Baramulla district" hangs Baramulla on Sopore."""
    owner = {token: position for position, fact in enumerate(facts)
             for token in range(fact.start, fact.end)}
    found: list[int | None] = []
    for position, fact in enumerate(facts):
        hit = None
        for step in fact.chain[1:5]:
            other = owner.get(step.position)
            if other is not None and other != position:
                hit = other
                break
        found.append(hit)
    return found


def _attachment(mention: PlaceMention) -> tuple[Token | None, bool]:
    """The word the mention's phrase hangs on, past its name, conjuncts, appositions and
    preposition: the verb of "killed in X", the noun of "prosecutor in Cali", "issues
    concerning Taiwan, Hong Kong"; past a frame noun ("the city of Mosul"), which is reported."""
    name = {token.i for token in mention.span}
    token = mention.root
    framed = False
    for _ in range(10):
        head = token.head
        if head.i == token.i:
            return None, framed
        passing = (head.i in name or token.dep_ in ("conj", "appos", "compound", "pobj", "pcomp")
                   or head.pos_ == "ADP" or head.dep_ in ("prep", "agent", "cc")
                   or head.pos_ == "PROPN")
        if not passing and head.pos_ == "NOUN" and head.lemma_.lower() in PLACE_FRAMES:
            framed = True
        elif not passing:
            return head, framed
        token = head
    return None, framed


def _attachment_features(event: _Trigger, fact: MentionFacts,
                         counts: tuple[int, list[int], list[int]]) -> list[str]:
    """What the mention's phrase modifies, relative to the trigger: the trigger itself, a noun
    in the trigger's subtree, a noun elsewhere, another verb."""
    prep_word, trigger = fact.prep_word, event.token
    if fact.attached is None:
        kind, word = "none", "none"
    elif fact.attached == trigger.i:
        kind, word = "trigger", "trigger"
    else:
        kind = f"{fact.attached_pos}|{'in' if event.covers(fact.attached) else 'out'}"
        word = fact.attached_lemma
    own_clause = fact.attached_clause is not None and fact.attached_clause == event.clause
    fronted = (fact.start < trigger.i
               and _before(counts, trigger.i, 2) > _before(counts, min(fact.end, trigger.i), 2))
    return [
        f"attach={kind}", f"attach_prep={kind}|{prep_word}", f"attach_word={word}",
        f"attach_word_prep={word}|{prep_word}", f"attach_clause={own_clause}|{kind}",
        f"verb_attach={event.lemma}|{kind}", f"vx_attach={event.lemma}|{kind}|{prep_word}",
        f"framed={fact.framed}|{kind}",
        f"fronted={fronted}|{prep_word}",
        f"verbs_between={min(_verbs_between(trigger.i, fact, counts), 3)}",
    ]


def _running_counts(sentence: Span) -> tuple[int, list[int], list[int]]:
    """The verbs and the commas before each position of the sentence, counted once per parse:
    what lies between a trigger and a mention is a difference of two counts."""
    cache = sentence.doc.user_data.setdefault(COUNTS_KEY, {})
    key = (sentence.start, sentence.end)
    if key not in cache:
        verbs, commas = [0], [0]
        for token in sentence:
            verbs.append(verbs[-1] + (token.pos_ == "VERB"))
            commas.append(commas[-1] + (token.text == ","))
        cache[key] = (sentence.start, verbs, commas)
    return cache[key]


def _verbs_between(trigger: int, fact: MentionFacts, counts: tuple[int, list[int], list[int]]
                   ) -> int:
    low, high = sorted((trigger, fact.start if fact.start > trigger else fact.end - 1))
    return max(_before(counts, high, 1) - _before(counts, low + 1, 1), 0)


def _before(counts: tuple[int, list[int], list[int]], position: int, which: int) -> int:
    """The running count `which` (1 verbs, 2 commas) before `position`, clamped to the
    sentence."""
    running = counts[which]
    return running[min(max(position - counts[0], 0), len(running) - 1)]


def none_features(trigger: Token, mention_count: int) -> list[str]:
    """The features of the "no place here" option: how often this trigger, in this form and
    role, has its place in its sentence."""
    return ["NONE", f"NONE|verb={trigger.lower_}", f"NONE|lemma={trigger.lemma_.lower()}",
            f"NONE|tag={trigger.tag_}", f"NONE|dep={trigger.dep_}",
            f"NONE|count={min(mention_count, 4)}"]


def _trigger_features(event: _Trigger, fact: MentionFacts, values: dict[str, str]) -> list[str]:
    """The trigger word and its form, alone and with the mention's preposition and label: how
    annotators place an event depends on the verb ("captured X" is the place, "captured in X")."""
    word, prep, label, known = event.word, fact.prep_word, fact.label, fact.known
    return [
        f"verb={word}", f"verb_prep={word}|{prep}", f"verb_label={word}|{label}",
        f"trigger_tag={event.token.tag_}", f"trigger_dep={event.token.dep_}",
        f"prep_path={prep}|{values['path_down']}", f"prep_side={prep}|{values['side']}",
        f"class_clause={fact.place_class}|{values['same_clause']}",
        f"rule_prep={values['rule']}|{prep}", f"nearest_prep={values['nearest_path']}|{prep}",
        f"known_prep={known}|{prep}|{values['side']}",
        f"dist_side={values['dist']}|{values['side']}",
        f"subtree_prep={values['in_trigger_subtree']}|{prep}",
        f"label_path={label}|{values['path_down']}",
        f"known_path={known}|{values['path_down']}|{values['path_up']}",
        f"class_path={fact.place_class}|{values['path_down']}",
    ]


def _verb_features(lemma: str, fact: MentionFacts, values: dict[str, str]) -> list[str]:
    """The trigger's lemma with the mention's path, role, class, label, position and the hand
    rule's pick: each verb has its own habits ("captured X" names the place; "killed X" names a
    victim)."""
    return [f"vx_path={lemma}|{values['path_down']}|{values['path_up']}",
            f"vx_dep={lemma}|{fact.dep}|{fact.prep_word}", f"vx_class={lemma}|{fact.place_class}",
            f"vx_side={lemma}|{values['side']}|{values['dist']}",
            f"vlab={lemma}|{fact.label}|{fact.known}|{fact.prep_word}",
            f"vrule={lemma}|{values['rule']}|{values['nearest_path']}"]


def _token_distance(trigger: Token, start: int, end: int) -> int:
    if start <= trigger.i < end:
        return 0
    return start - trigger.i if start > trigger.i else trigger.i - end + 1


def _looks_like_dateline(sentence: Span, span: Span) -> bool:
    """"KABUL, Afghanistan (AP) --" at the start of a story: where it was filed."""
    if span.start - sentence.start > 1:
        return False
    following = [token.text for token in sentence.doc[span.end : min(span.end + 6,
                                                                     sentence.end)]]
    return any(word in DASHES or word == "(" for word in following) and span.text.isupper()


# ---------------------------------------------------------------- the choice


def choose_mention(sentence: Span, trigger: Token, context: Collection[str] = (),
                   exclude: Collection[int] = (), parties: Collection[str] = (),
                   party_names: Collection[str] = (), pointer: PlacePointer | None = None
                   ) -> PlaceMention | None:
    """The mention the model deems the event's place, or None when no mention clears the bar.

    Mentions over `exclude` tokens are never the place; nor is one that names a party
    (`party_names`, "Kamikawa" the minister) unless it is a place the gazetteer knows. The
    accurate profile's `pointer` adds its log-probabilities to the logit's scores."""
    excluded = set(exclude)
    mentions = [m for m in place_mentions(sentence)
                if excluded.isdisjoint(range(m.span.start, m.span.end))
                and (m.text not in party_names or toponyms.resolve_in_context(m.text, (), (),
                                                                              towns=False))]
    if not mentions:
        return None
    rule_pick = where.locate_event(sentence, trigger, list(context), frozenset(exclude),
                                   frozenset(parties))
    model = place_model()
    rows = mention_features(sentence, trigger, mentions, rule_pick, context)
    scores = [model.score(row) for row in rows]
    none = model.score(none_features(trigger, len(mentions)))
    if pointer is not None:
        scores, none = _with_pointer(pointer, sentence, trigger, mentions, scores, none)
    best = max(range(len(mentions)), key=scores.__getitem__)
    return mentions[best] if scores[best] > none else None


def _with_pointer(pointer: PlacePointer, sentence: Span, trigger: Token,
                  mentions: Sequence[PlaceMention], scores: list[float], none: float
                  ) -> tuple[list[float], float]:
    """The logit's scores plus the pointer's weighted log-probabilities (bench/
    place_encoder_cv.py); unchanged when a mention lies past the pointer's reach."""
    found, found_none = pointer.scores(
        [token.text for token in sentence], trigger.i - sentence.start,
        [(m.span.start - sentence.start, m.span.end - sentence.start) for m in mentions])
    if any(score is None for score in found):
        return scores, none
    shared = pooled_frames(found, framed_places(mentions))
    return ([score + pointer.weight * extra for score, extra in zip(scores, shared, strict=True)],
            none + pointer.weight * found_none)


def framed_places(mentions: Sequence[PlaceMention]) -> dict[int, int]:
    """Mentions that only qualify a frame noun naming another mention: "the Tajik capital of
    Dushanbe", "the Syrian city of Aleppo" map Tajik to Dushanbe, Syrian to Aleppo."""
    owner = {token.i: position for position, mention in enumerate(mentions)
             for token in mention.span}
    found = {}
    for position, mention in enumerate(mentions):
        frame = mention.root.head
        if (mention.root.dep_ not in ("amod", "compound", "nmod") or frame.pos_ != "NOUN"
                or frame.lemma_.lower() not in PLACE_FRAMES):
            continue
        places = [owner.get(grandchild.i) for child in frame.children
                  if child.dep_ == "prep" and child.lower_ == "of"
                  for grandchild in child.children if grandchild.dep_ == "pobj"]
        place = next((p for p in places if p is not None and p != position), None)
        if place is not None:
            found[position] = place
    return found


def pooled_frames(log_probs: Sequence[float], frames: dict[int, int]) -> list[float]:
    """The pointer's mass on a frame's qualifier counts for the place the frame names too: the
    pointer often points at the phrase's first word, while the place is its last."""
    pooled = list(log_probs)
    for qualifier, place in frames.items():
        pooled[place] = float(np.logaddexp(pooled[place], log_probs[qualifier]))
    return pooled


def event_place(sentence: Span, trigger: Token, context: Sequence[str] = (),
                exclude: Collection[int] = (), parties: Collection[str] = (),
                party_names: Collection[str] = (), pointer: PlacePointer | None = None
                ) -> Location | None:
    """The event's place, resolved in context; a name the gazetteer cannot place is kept with
    geonameid null rather than replaced by a wrong place."""
    mention = choose_mention(sentence, trigger, context, exclude, parties, party_names, pointer)
    if mention is None:
        return None
    hints = toponyms.countries_named(sentence.text)
    qualifiers = toponyms.qualifier_after(sentence.text, mention.text)
    # A party's name ("Kamikawa" the minister) or a person's is a place only as a city's name.
    towns = ((mention.span.label_ in PLACE_LABELS or mention.span.label_ == UNLABELLED)
             and mention.text not in party_names)
    location = toponyms.resolve_in_context(mention.text, hints, [*context, *parties],
                                           qualifiers, towns=towns)
    return location or _country_of_adjective(mention.text) or Location(
        extracted_place=mention.text)


def _country_of_adjective(text: str) -> Location | None:
    """"near the Kuwaiti border", "into Syrian territory": a country's adjective chosen as the
    place is that country."""
    gaz = where.gazetteer()
    code = gaz.country_code(text)
    country = gaz.country(code) if code else None
    return country.location(text) if country else None
