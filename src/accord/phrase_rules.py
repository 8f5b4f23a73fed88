"""How the words around a name or title in a news phrase change who the phrase names.

Owns the small rules of English actor phrases that accord.actors applies after finding the
phrase's names and titles: a generic noun that stands for an organisation or its people
("the M23 movement", "OSCE monitors", "the head of the IMF"), a state named only as a patron
("Iran-backed militias", "pro-Russian rebels") or an ethnicity ("ethnic Armenian forces"),
officials who have left office ("a retired general", "the ousted president") and their families
("the daughter of Uzbekistan's president"), a modifier that specialises a generic group noun
("displaced people", "anti-government protesters"), and unnamed multinationals ("foreign oil
companies"), national branches ("the Turkish Red Crescent", "Belarus's KGB"), news media cited
as a source rather than acting ("Xinhua said"), and states only mentioned as a place or topic.
Each rule reads tokens and table entries only; nothing here is a dictionary.
"""

from __future__ import annotations

from spacy.tokens import Token

from accord.knowledge import NameEntry, state_codes
from accord.model import Actor

# A generic noun after an organisation's name that still names the organisation.
ORGANISATION_NOUNS = {"group", "movement", "organisation", "organization", "network",
                      "foundation", "coalition", "alliance", "front", "faction", "palace",
                      "company", "firm", "corporation", "conglomerate", "agency", "body", "bloc",
                      "region", "republic", "militia", "party", "force", "forces", "fleet",
                      "service", "outfit", "wing", "union", "association", "league"}
# Nouns for an organisation's people: they act for it ("OSCE monitors", "members of the
# European Parliament").
MEMBER_NOUNS = {"member", "staff", "monitor", "inspector", "investigator", "observer",
                "delegate", "delegation", "representative", "personnel", "employee", "expert",
                "mission", "envoy", "official", "fighter", "militant", "soldier", "troop",
                "researcher", "volunteer", "worker", "activist", "lawyer", "spokesperson",
                "campaigner", "analyst", "negotiator", "team", "unit", "crew", "vessel", "ship"}
# Vehicles and units that act for the service written before them ("Chinese coast guard
# vessels", "army helicopters"): the service is the actor, not a thing it modifies.
VEHICLE_NOUNS = {"vessel", "ship", "boat", "jet", "plane", "aircraft", "helicopter", "tank",
                 "drone", "warship", "convoy", "patrol", "unit", "gunboat", "submarine",
                 "warplane", "fighter", "bomber", "truck", "vehicle"}
# Nouns for whoever leads an organisation: its executive (GOV) unless it has a sector of its own.
HEAD_NOUNS = {"head", "chief", "boss", "director", "chairman", "chairwoman", "chair"}
# Family of an official are ELI (PLOVER manual 5.2).
KIN_NOUNS = {"daughter", "son", "wife", "husband", "widow", "widower", "brother", "sister",
             "relative", "family", "nephew", "niece", "cousin", "child", "children", "father",
             "mother", "grandson", "granddaughter", "in-law", "in-laws"}
# Words that make the holder of an official title an ex-official (ELI), like "former".
OUSTED_WORDS = {"retired", "ousted", "deposed", "exiled", "toppled", "overthrown"}
OFFICIAL_SECTORS = {"GOV", "MIL", "LEG", "JUD", "COP", "SPY", "ELI"}
# The state's own forces and executive: the means a state acts through ("troop deployments",
# "Iraq massed 20,000 troops"), never the other party of its act.
STATE_FORCE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "PRM"})
# "Iran-backed", "Saudi-led": the word after the hyphen says how the state relates to the group.
PATRON_WORDS = {"backed", "supported", "sponsored", "funded", "allied", "aligned", "armed",
                "trained", "controlled", "friendly"}
# A generic noun's sector that a modifier title may specialise ("displaced people").
GENERIC_SECTORS = {"CVL", "UNK"}
MULTINATIONAL_WORDS = {"foreign", "multinational", "international", "transnational", "western"}


def lemma(token: Token) -> str:
    return token.lemma_.lower()


def _after(token: Token, offset: int) -> Token | None:
    index = token.i + offset
    return token.doc[index] if 0 <= index < len(token.doc) else None


def patron_only(indices: set[int], tokens: list[Token]) -> bool:
    """'Iran-backed militias', 'pro-Russian rebels', 'ethnic Armenian forces': the state is
    a patron or an ethnicity, not the group's own state."""
    if not tokens:
        return False
    doc = tokens[0].doc
    first, last = doc[min(indices)], doc[max(indices)]
    hyphen, word = _after(last, 1), _after(last, 2)
    if hyphen is not None and word is not None and hyphen.text == "-" and (
            word.lower_ in PATRON_WORDS):
        return True
    before, prefix = _after(first, -1), _after(first, -2)
    if before is not None and before.lower_ in {"pro", "pro-", "ethnic"}:
        return True
    if first.lower_.startswith("pro-"):
        return True
    return bool(before is not None and prefix is not None and before.text == "-"
                and prefix.lower_ == "pro")


def stands_for_organisation(head: Token, organisation_indices: set[int]) -> str | None:
    """How a generic head noun relates to an organisation named in the phrase: 'itself'
    ("the M23 movement"), 'member' ("OSCE monitors") or 'head' ("the head of the IMF");
    None when the noun names a thing ("Gazprom pipeline")."""
    if not organisation_indices or head.i in organisation_indices:
        return None
    word = lemma(head)
    if head.lower_ in ORGANISATION_NOUNS or word in ORGANISATION_NOUNS:
        return "itself"
    if word in MEMBER_NOUNS or head.lower_ in MEMBER_NOUNS:
        return "member"
    if word in HEAD_NOUNS:
        return "head"
    return None


def is_kin(head: Token) -> bool:
    return head.lower_ in KIN_NOUNS or lemma(head) in KIN_NOUNS


def ousted_before(tokens: list[Token], position: int) -> bool:
    """'a retired US general', 'the ousted Egyptian president': an ousting word earlier in the
    phrase than the title."""
    return any(token.lower_ in OUSTED_WORDS for token in tokens[:position])


def specialised_sector(sectors: list[str]) -> str:
    """The head's sector, unless it is generic and a modifier says more: 'displaced people'
    REF, 'anti-government protesters' OPP; 'opposition MPs' stay LEG."""
    head_sector = sectors[-1]
    if head_sector not in GENERIC_SECTORS:
        return head_sector
    specific = [sector for sector in sectors[:-1] if sector not in GENERIC_SECTORS]
    return specific[-1] if specific else head_sector


def multinational(tokens: list[Token]) -> bool:
    """'foreign oil companies', 'multinational mining firms': unnamed firms of no one state."""
    return any(token.lower_ in MULTINATIONAL_WORDS for token in tokens)


def is_vehicle(head: Token) -> bool:
    return lemma(head) in VEHICLE_NOUNS or head.lower_ in VEHICLE_NOUNS


STATE_KINDS = {"country", "adjective", "territory"}
# Prepositions whose object is a place or a topic: a state there is mentioned, not acting.
MENTION_PREPS = {"in", "on", "about", "of", "from", "at", "into", "across", "within", "toward",
                 "towards", "over", "near", "around", "throughout", "inside", "outside", "to",
                 "regarding", "concerning"}


def only_mentioned(head: Token) -> bool:
    """'the chaos in Afghanistan', 'neighbours of Afghanistan': the phrase is a prepositional
    object, so its state is where or what something is about, not who acts."""
    return head.dep_ == "pobj" and head.head.lower_ in MENTION_PREPS


def organisation_people(names: list[tuple[NameEntry, set[int]]], head: Token,
                         text: str) -> Actor | None:
    """A generic noun after an organisation's name: the organisation itself, its people, or its
    head (the executive, GOV, unless the organisation has a sector of its own)."""
    organisations = [(entry, indices) for entry, indices in names if entry.kind == "organisation"]
    if not organisations:
        return None
    entry, indices = organisations[-1]
    relation = stands_for_organisation(head, indices)
    if relation is None:
        return None
    sector = entry.sector or ("GOV" if relation == "head" else None)
    return Actor(code=entry.code, sector=sector, entity_text=text)


def national_branch(names: list[tuple[NameEntry, set[int]]]) -> str | None:
    """'the Turkish Red Crescent', 'Belarus's KGB', 'Peru's Congress': a state written just
    before an international NGO or another state's body names the national one."""
    if len(names) < 2:
        return None
    (state, state_indices), (body, body_indices) = names[-2], names[-1]
    if state.kind not in STATE_KINDS or state.code not in state_codes():
        return None
    if body.kind != "organisation" or body.code == state.code:
        return None
    if body.code != "NGO" and body.code not in state_codes():
        return None
    gap = min(body_indices) - max(state_indices)
    return state.code if gap == 1 or (gap == 2 and body.code in state_codes()) else None


# Verbs whose subject, object or agent is where the words come from, not who acts.
REPORTING_LEMMAS = {"say", "report", "tell", "quote", "cite", "write", "add", "claim", "state",
                    "announce", "broadcast", "publish", "air", "show", "carry", "reveal",
                    "describe", "comment"}


def cited_as_source(head: Token) -> bool:
    """'Xinhua said', 'told Reuters', 'quoted by TASS', 'according to IRNA', 'in an interview
    with CNN', 'speaking to the BBC', 'in the New York Times': the phrase names where a report
    comes from."""
    governor = head.head
    if head.dep_ in {"nsubj", "nsubjpass", "dobj", "dative"}:
        return governor.lemma_.lower() in REPORTING_LEMMAS
    if head.dep_ != "pobj":
        return False
    outer = governor.head
    # "in the New York Times", "on CNN": where something was published or aired.
    return governor.lower_ in {"in", "on"} or (
        governor.lower_ == "to" and outer.lemma_.lower() in {"according", "speak", "talk"}) or (
        governor.lower_ == "by" and outer.lemma_.lower() in REPORTING_LEMMAS) or (
        governor.lower_ == "with" and outer.lemma_.lower() in {"interview", "speak", "talk"})


def medium_actor(names: list[tuple[NameEntry, set[int]]], text: str) -> Actor:
    """A medium acting in its own right; its country is never remembered as the story's."""
    entry = next(entry for entry, _ in reversed(names) if entry.kind == "media")
    code = entry.code if entry.code in state_codes() else None
    return Actor(code=code, sector="JRN", entity_text=text)
