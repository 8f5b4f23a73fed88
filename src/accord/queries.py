"""What a user may type to name an actor or an event type in a question, and what it means.

One reading for the command line, the HTTP API and the Python API: codes in any case, country
and organisation names as the coder knows them ("Kyrgyzstan", "European Union"), PLOVER 2.0
types in any case, and the older labels of legacy_types.tsv (YIELD, which PLV uses for what
PLOVER 2.0 splits into CONCEDE and RETREAT, means both). Anything else raises `UnknownValue`
naming the valid values, which the CLI reports with exit 2 and the API as a 422.
"""

from __future__ import annotations

from functools import lru_cache

# Organisation codes name a kind of body, not one body (see organisations.tsv).
GROUP_CODES = {"UNO": "United Nations", "EUR": "European Union",
               "IGO": "Intergovernmental organisations", "NGO": "Non-governmental organisations",
               "ISM": "Transnational militant groups"}


class UnknownValue(ValueError):
    """A value no table knows; `field` names the argument, `valid` says what would do."""

    def __init__(self, field: str, value: str, valid: str) -> None:
        super().__init__(f"{field}: unknown {value!r}; {valid}")
        self.field, self.value, self.valid = field, value, valid


@lru_cache(maxsize=1)
def known_types() -> tuple[str, ...]:
    from accord.knowledge import plover_types

    return tuple(sorted(plover_types()))


@lru_cache(maxsize=1)
def _legacy_meanings() -> dict[str, tuple[str, ...]]:
    """Legacy label -> the 2.0 types a question for it means."""
    from accord.knowledge import read_table

    return {row["legacy"]: tuple(row["query_types"].split("|"))
            for row in read_table("legacy_types.tsv")}


def stored_types(value: str) -> tuple[str, ...]:
    """The stored types a typed type matches, without judging it: a legacy label gives the
    types it stands for, anything else itself in upper case (matching nothing if unknown)."""
    label = value.strip().upper()
    return _legacy_meanings().get(label, (label,))


def event_types(value: str, field: str = "--type") -> tuple[str, ...]:
    """The stored PLOVER types a typed event type matches (YIELD: CONCEDE and RETREAT);
    `UnknownValue` naming the valid ones when it is neither a type nor a legacy label."""
    label = value.strip().upper()
    if label in known_types() or label in _legacy_meanings():
        return stored_types(label)
    legacy = ", ".join(sorted(_legacy_meanings()))
    raise UnknownValue(field, value, f"valid types: {', '.join(known_types())} "
                                     f"(older labels accepted: {legacy})")


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    """Lower-case code or name -> code, for every state and organisation the coder knows."""
    from accord.knowledge import name_table, read_table

    by_name: dict[str, str] = {}
    for row in read_table("countries.tsv"):
        by_name[row["code"].lower()] = row["code"]
        by_name.setdefault(row["name"].lower(), row["code"])
    for surface, entry in name_table().items():
        by_name.setdefault(entry.code.lower(), entry.code)
        # Capitals, seats and outlets name a government or a newspaper, not the actor a
        # question is about; their codes are accepted, their names are not.
        if entry.kind in {"country", "adjective", "organisation"}:
            by_name.setdefault(surface.lower(), entry.code)
    for code, name in GROUP_CODES.items():
        by_name.setdefault(code.lower(), code)
        by_name.setdefault(name.lower(), code)
    return by_name


def actor_code(value: str, field: str) -> str:
    """The code a typed code or name stands for: KGZ, kgz and Kyrgyzstan all give KGZ."""
    typed = " ".join(value.split()).lower()
    code = _codes_by_name().get(typed) or _codes_by_name().get(typed.removeprefix("the "))
    if code:
        return code
    raise UnknownValue(field, value, "give a state or organisation code (KGZ, CHN, EUR, UNO) or "
                                     "a name the coder knows (Kyrgyzstan, China); "
                                     "`accord actors lookup NAME` shows how a name resolves")


def dyad_codes(a: str, b: str, fields: tuple[str, str] = ("CODE", "OTHER")) -> tuple[str, str]:
    """Two different actor codes for a dyad."""
    first, second = actor_code(a, fields[0]), actor_code(b, fields[1])
    if first == second:
        raise UnknownValue(fields[1], b, "a dyad needs two different codes")
    return first, second
