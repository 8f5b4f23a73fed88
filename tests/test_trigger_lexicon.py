"""Checks on the event trigger lexicon (src/accord/data/triggers.tsv).

The lexicon is hand-written knowledge, so these tests guard its shape and its consistency with
PLOVER 2.0 (types, modes, contexts) and with CAMEO (each code's root must fit the type).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

LEXICON_PATH = Path(__file__).resolve().parents[1] / "src" / "accord" / "data" / "triggers.tsv"
HEADER = ["pattern", "type", "cameo", "mode", "context", "weight"]

# The modes PLOVER 2.0 allows for each type (ONTOLOGY.md); types not listed take no mode.
MODES_BY_TYPE: dict[str, set[str]] = {
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {
        "seize",
        "restrict",
        "censor",
        "curfew",
        "martial-law",
        "arrest",
        "deport",
        "withhold",
        "misinformation",
        "cyber",
    },
    "ASSAULT": {
        "abduct",
        "beat",
        "torture",
        "sexual",
        "targeted",
        "destroy",
        "primitive",
        "firearms",
        "explosives",
        "suicide-attack",
        "aerial",
        "drone",
        "heavy-weapons",
        "crowd-control",
        "unconventional",
    },
}
PLOVER_TYPES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}
PSEUDO_TYPES = {"SAY", "NONE"}

# CAMEO code prefixes each type may carry. Mostly the CAMEO root that PLOVER maps to the type;
# the exceptions follow the PLOVER manual: apologies/forgiveness (055/056) are CONCEDE, court
# convictions (116) SANCTION, blockade and occupation (191/192) COERCE, property destruction
# (1712) and violent repression (175) ASSAULT. CAMEO 02 (appeal) is kept for softer requests.
CAMEO_PREFIXES: dict[str, tuple[str, ...]] = {
    "AGREE": ("03",),
    "CONSULT": ("04",),
    "SUPPORT": ("05",),
    "CONCEDE": ("08", "055", "056"),
    "COOPERATE": ("06",),
    "AID": ("07",),
    "RETREAT": ("08",),
    "REQUEST": ("02", "10"),
    "ACCUSE": ("09", "11"),
    "REJECT": ("12",),
    "THREATEN": ("13",),
    "PROTEST": ("14",),
    "SANCTION": ("16", "116"),
    "MOBILIZE": ("15",),
    "COERCE": ("17", "191", "192"),
    "ASSAULT": ("18", "19", "20", "1712", "175"),
    "SAY": ("01",),
}

CONTEXTS = {
    "military",
    "intelligence",
    "executive",
    "legislative",
    "election",
    "political_institutions",
    "pro_democracy",
    "pro_autocracy",
    "economic",
    "legal",
    "reparations",
    "human_rights",
    "rights_freedoms",
    "repression",
    "human_security",
    "gender",
    "lgbt",
    "religion_ethnicity",
    "inequality",
    "diplomatic",
    "territory",
    "peacekeeping",
    "health",
    "asylum",
    "migration",
    "disasters",
    "natural_resource",
    "environment",
    "technology",
    "terrorism",
    "cbrn",
    "cyber",
    "misinformation",
    "crime",
    "corruption",
    "illegal_drugs",
    "trafficking",
}

_LEMMA = r"[a-z][a-z0-9'.-]*"
_NOUN = rf"{_LEMMA}(?:_{_LEMMA})?"
PATTERN_SYNTAX = re.compile(
    rf"^(?:n:{_NOUN}"  # nominal trigger
    rf"|{_LEMMA}(?: \+{_LEMMA})?(?: >{_NOUN})?"  # verb, optional particle/prep, optional object
    rf"|{_LEMMA}(?: \+{_LEMMA})? ~)$"  # frame verb
)


@lru_cache(maxsize=1)
def load_rows() -> tuple[list[str], list[dict[str, str]]]:
    """Read the lexicon once: its header and its data rows (comment lines skipped)."""
    with LEXICON_PATH.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header, *records = list(reader)
    rows = [dict(zip(header, record, strict=True)) for record in records]
    return header, rows


def rows_by_pattern() -> dict[str, dict[str, str]]:
    return {row["pattern"]: row for row in load_rows()[1]}


def test_header_names_the_six_columns_in_order():
    header, _ = load_rows()
    assert header == HEADER


def test_every_row_has_six_fields():
    with LEXICON_PATH.open(encoding="utf-8") as handle:
        data_lines = [ln for ln in handle if ln.strip() and not ln.startswith("#")]
    bad = [ln for ln in data_lines if len(ln.rstrip("\n").split("\t")) != len(HEADER)]
    assert bad == []


def test_lexicon_is_large_enough_to_cover_news_usage():
    assert len(load_rows()[1]) >= 700


def test_patterns_follow_the_documented_syntax():
    bad = [row["pattern"] for row in load_rows()[1] if not PATTERN_SYNTAX.match(row["pattern"])]
    assert bad == []


def test_no_pattern_is_listed_twice():
    counts = Counter(row["pattern"] for row in load_rows()[1])
    assert [pattern for pattern, n in counts.items() if n > 1] == []


def test_types_are_plover_types_or_say_or_none():
    bad = {row["type"] for row in load_rows()[1]} - PLOVER_TYPES - PSEUDO_TYPES
    assert bad == set()


def test_all_sixteen_plover_types_have_triggers():
    assert not PLOVER_TYPES - {row["type"] for row in load_rows()[1]}


def test_cameo_codes_are_two_to_four_digits_whose_root_fits_the_type():
    bad = []
    for row in load_rows()[1]:
        code, event_type = row["cameo"], row["type"]
        if event_type == "NONE":
            ok = code == ""
        else:
            ok = bool(re.fullmatch(r"\d{2,4}", code)) and code.startswith(
                CAMEO_PREFIXES[event_type]
            )
        if not ok:
            bad.append((row["pattern"], event_type, code))
    assert bad == []


def test_modes_are_valid_for_the_type():
    bad = [
        (row["pattern"], row["type"], row["mode"])
        for row in load_rows()[1]
        if row["mode"] and row["mode"] not in MODES_BY_TYPE.get(row["type"], set())
    ]
    assert bad == []


def test_contexts_are_plover_contexts():
    bad = [
        (row["pattern"], row["context"])
        for row in load_rows()[1]
        if row["context"] and not set(row["context"].split("|")) <= CONTEXTS
    ]
    assert bad == []


def test_weights_are_confidences_between_half_and_one():
    bad = []
    for row in load_rows()[1]:
        try:
            weight = float(row["weight"])
        except ValueError:
            bad.append(row["pattern"])
            continue
        if not 0.5 <= weight <= 1.0:
            bad.append(row["pattern"])
    assert bad == []


def test_none_rows_carry_no_event_fields():
    bad = [
        row["pattern"]
        for row in load_rows()[1]
        if row["type"] == "NONE" and (row["cameo"] or row["mode"] or row["context"])
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("pattern", "expected_type"),
    [
        ("condemn", "ACCUSE"),
        ("accuse", "ACCUSE"),
        ("launch >investigation", "ACCUSE"),
        ("meet", "CONSULT"),
        ("hold >talk", "CONSULT"),
        ("pay >visit", "CONSULT"),
        ("n:summit", "CONSULT"),
        ("agree ~", "AGREE"),
        ("pledge ~", "AGREE"),
        ("praise", "SUPPORT"),
        ("sign >agreement", "SUPPORT"),
        ("apologize", "CONCEDE"),
        ("share >intelligence", "COOPERATE"),
        ("provide >aid", "AID"),
        ("grant >asylum", "AID"),
        ("release >prisoner", "RETREAT"),
        ("step +down", "RETREAT"),
        ("call +for", "REQUEST"),
        ("urge ~", "REQUEST"),
        ("refuse ~", "REJECT"),
        ("veto", "REJECT"),
        ("threaten ~", "THREATEN"),
        ("issue >ultimatum", "THREATEN"),
        ("n:protest", "PROTEST"),
        ("go +on >strike", "PROTEST"),
        ("impose >sanction", "SANCTION"),
        ("expel >diplomat", "SANCTION"),
        ("deploy >troop", "MOBILIZE"),
        ("arrest", "COERCE"),
        ("impose >curfew", "COERCE"),
        ("n:airstrike", "ASSAULT"),
        ("kill", "ASSAULT"),
        ("say", "SAY"),
        ("be", "NONE"),
    ],
)
def test_core_news_triggers_have_their_plover_type(pattern: str, expected_type: str):
    assert rows_by_pattern()[pattern]["type"] == expected_type


def test_object_qualified_rows_override_misleading_bare_verbs():
    # "struck a deal" is an agreement and "hit a record" no event, whatever the bare verb says.
    rows = rows_by_pattern()
    assert rows["strike"]["type"] == "ASSAULT"
    assert rows["strike >deal"]["type"] == "SUPPORT"
    assert rows["hit >record"]["type"] == "NONE"
