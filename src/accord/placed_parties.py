"""What the event's place says about its parties, once the place is known.

Owns the rules that read an act's parties against where it happened: an act done in a state
whose other party the clause does not name is done to that state ("declared a ceasefire in
Libya"); a recipient that is a place no actor table knows is its state ("fired missiles at Tel
Aviv"); groups given no state, or only the story's, belong to the state where they act
("protesters marched through Caracas", "police in Yangon"); victims struck abroad are of the
place, not of their attacker's state; the forces a state mobilises are its means, not the other
party. A meeting's place is never a party (`pipeline.add_host` owns meetings).
"""

from __future__ import annotations

from dataclasses import replace

from accord import recipient_choice, where
from accord.actors import lookup_name
from accord.events import Candidate
from accord.knowledge import state_codes
from accord.model import Actor, Location
from accord.phrase_rules import STATE_FORCE_SECTORS

# Acts that are statements: where one is made ("criticised the plan in Ankara") says nothing
# about whom it is addressed to.
STATEMENT_TYPES = frozenset({"ACCUSE", "REJECT", "SUPPORT"})
# Acts whose victims are where they were struck.
VIOLENT_TYPES = frozenset({"ASSAULT", "COERCE"})
# Sectors of groups that act where they live: police, civilians, opposition, unions, students,
# farmers.
HOME_SECTORS = frozenset({"COP", "CVL", "OPP", "LAB", "EDU", "AGR"})


def settle(candidate: Candidate, location: Location | None) -> None:
    """The recipients of an act other than a meeting, read against its place."""
    if candidate.event_type == "MOBILIZE":
        candidate.recipients = _not_own_forces(candidate)
    place_as_recipient(candidate, location)


def name_places(candidate: Candidate, location: Location | None,
                context_countries: list[str]) -> None:
    """Places used as parties become their states; groups of no state take the place's."""
    candidate.recipients = [_as_place_state(actor, context_countries)
                            for actor in candidate.recipients]
    candidate.actors = [_where_they_are(actor, location) for actor in candidate.actors]


def place_as_recipient(candidate: Candidate, location: Location | None) -> None:
    """An act done in a state whose other party the clause does not name is done to that state
    ("declared a ceasefire in Libya", "killed 48 people in Afghanistan"): where no recipient
    has a code, the place named in the clause gives one. A group the clause names with no
    state ("1.5 million people") takes the place's; beside a thing the rules picked ("352.5
    million euros") the state is added. A meeting's place is never a party (see add_host)."""
    if candidate.event_type in STATEMENT_TYPES:
        return
    if location is None or location.basis != "text" or location.country_code is None:
        return
    if candidate.event_type in VIOLENT_TYPES:
        candidate.recipients = [replace(actor, code=location.country_code)
                                if _victims_of_the_story_state(actor, candidate, location)
                                else actor for actor in candidate.recipients]
    if any(actor.code for actor in candidate.recipients):
        return
    trigger = candidate.trigger
    verbs = [trigger] + ([trigger.head] if trigger.pos_ == "NOUN" else [])
    if not any(recipient_choice.names_place_of_act(verb, location.extracted_place)
               for verb in verbs):
        return
    if any(actor.sector for actor in candidate.recipients):
        candidate.recipients = [replace(actor, code=location.country_code) if actor.sector
                                else actor for actor in candidate.recipients]
        return
    candidate.recipients = candidate.recipients + [Actor(code=location.country_code,
                                                         entity_text=location.extracted_place)]


def _as_place_state(actor: Actor, context_countries: list[str]) -> Actor:
    """A recipient that is a place no actor table knows ("fired missiles at Tel Aviv", "pulled
    out of Goma") is that place's state."""
    if actor.code or actor.sector or actor.name or not _proper_name(actor.entity_text):
        return actor
    place = where.resolve_place(actor.entity_text.removeprefix("the "), context_countries)
    if place is None or place.country_code is None:
        return actor
    return replace(actor, code=place.country_code)


def _proper_name(text: str) -> bool:
    words = text.removeprefix("the ").split()
    return bool(words) and all(word[:1].isupper() for word in words)


def _where_they_are(actor: Actor, location: Location | None) -> Actor:
    """A group of no known state ("protesters marched through Caracas", "police detained
    hundreds at rallies across Russia") belongs to the state where it acts; so do police and
    civilians that only the story's state was given to ("Reuters journalists were arrested by
    police in Yangon"). Unidentified armed men (UAF) stay unattributed: where they struck does
    not say whose they are."""
    if actor.name or actor.sector in (None, "UAF"):
        return actor
    if location is None or location.basis != "text" or location.country_code is None:
        return actor
    if actor.code and (actor.sector not in HOME_SECTORS or _names_a_state(actor.entity_text)):
        return actor  # "Israeli police", or troops of the story's state abroad
    return replace(actor, code=location.country_code)


def _not_own_forces(candidate: Candidate) -> list[Actor]:
    """'Iraq massed 20,000 troops near the Kuwaiti border': the troops are Iraq's own."""
    codes = {actor.code for actor in candidate.actors if actor.code}
    return [actor for actor in candidate.recipients
            if not (actor.code in codes and actor.sector in STATE_FORCE_SECTORS and not actor.name)]


def _victims_of_the_story_state(actor: Actor, candidate: Candidate,
                                location: Location | None) -> bool:
    """Unnamed people the story's state was given to ("Russian forces shelled Kharkiv, killing
    nine civilians"), struck by that state's own actor in another state: they are that other
    state's. People whose words name a state ("two American citizens") keep it."""
    if actor.name or actor.code is None or location is None or location.country_code is None:
        return False
    if actor.code == location.country_code or actor.sector in STATE_FORCE_SECTORS:
        return False
    if actor.code not in {a.code for a in candidate.actors}:
        return False
    return not _names_a_state(actor.entity_text)


def _names_a_state(text: str) -> bool:
    words = text.split()
    spans = words + [" ".join(words[i:i + 2]) for i in range(len(words) - 1)]
    return any((entry := lookup_name(span)) is not None and entry.code in state_codes()
               for span in spans)
