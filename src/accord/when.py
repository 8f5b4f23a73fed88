"""When an event happened: temporal expressions in a clause, resolved against a reference date.

Owns the English month and weekday tables (the dateline parser in `readers` uses them too),
`parse_month_day` for "Sept. 16" / "16 September", and `resolve_date`, which dates a clause
from its first temporal expression. The reference date is the story's dateline date, else its
publication date. Precision is honest: a reading is "day", "week", "month" or "year"; a
record's `date_precision` is "day", "month" or "year" (a week's reading is recorded as "month").

Rules that news needs and general-purpose date parsers get wrong:
- a bare weekday ("met on Thursday") is the most recent such day on or before the reference;
- a month and day without a year is the most recent one on or before the reference plus one day
  (wire datelines are often a day behind the publication date);
- future expressions ("tomorrow", "next week") do not move the date: the record is dated by the
  report, and `has_future_time` tells the caller a future time was mentioned.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# Grammar of English dates, not coder knowledge: it never needs editing to teach the coder.
MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1,
    "february": 2, "feb": 2,
    "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5,
    "june": 6, "jun": 6,
    "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAY_NUMBERS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
SMALL_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# How far after the reference an undated "Sept. 17" may fall (dateline a day behind the story).
DAY_SLACK = timedelta(days=1)

Resolution = tuple[date | None, str | None]


def _alternation(names: list[str]) -> str:
    # Longest first so "September" wins over "Sept" and "Sep".
    return "|".join(sorted(names, key=len, reverse=True))


def _capitalised_month_names() -> str:
    # Month names must be capitalised ("Sept", "SEPT") so "may" and "march" stay verbs.
    forms = {form for name in MONTH_NUMBERS for form in (name.capitalize(), name.upper())}
    return _alternation(list(forms))


# Regex source for one capitalised month name with an optional dot ("Sept.", "MARCH", "Aug").
MONTH_PATTERN = rf"(?:{_capitalised_month_names()})(?![\w-])\.?"
_WEEKDAY = rf"(?:{_alternation(list(WEEKDAY_NUMBERS))})"
_COUNT = rf"(?:\d{{1,2}}|{_alternation(list(SMALL_NUMBERS))})"
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"

# Month first ("Sept. 16", "September 17, 2021") and day first ("16 September 2021").
_MONTH_DAY = re.compile(
    rf"(?P<month>{MONTH_PATTERN})\s+(?P<day>{_DAY}){_ORDINAL}(?![\d:])(?:,?\s+(?P<year>{_YEAR})(?!\d))?"
)
_DAY_MONTH = re.compile(
    rf"(?<![\d,.])(?P<day>{_DAY}){_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH_PATTERN})"
    rf"(?:,?\s+(?P<year>{_YEAR})(?!\d))?"
)


def _month_number(word: str) -> int:
    return MONTH_NUMBERS[word.rstrip(".").lower()]


def _is_valid_day(month: int, day: int) -> bool:
    # 2000 is a leap year, so Feb 29 is accepted here and checked against the real year later.
    return 1 <= day <= calendar.monthrange(2000, month)[1]


def _first_month_day(text: str) -> re.Match[str] | None:
    matches = [m for m in (_MONTH_DAY.search(text), _DAY_MONTH.search(text)) if m]
    return min(matches, key=lambda m: m.start()) if matches else None


def parse_month_day(text: str) -> tuple[int, int] | None:
    """The first "Sept. 16" / "16 September" in `text` as (month, day), or None."""
    match = _first_month_day(text)
    if not match:
        return None
    month, day = _month_number(match["month"]), int(match["day"])
    return (month, day) if _is_valid_day(month, day) else None


def parse_explicit_date(text: str, ref: date | None) -> date | None:
    """The first written month-day date in `text`, with its own year or resolved against `ref`."""
    match = _first_month_day(text)
    if not match:
        return None
    year = int(match["year"]) if match["year"] else None
    return resolve_month_day(_month_number(match["month"]), int(match["day"]), ref, year)


def resolve_month_day(
    month: int, day: int, ref: date | None, year: int | None = None
) -> date | None:
    """A month and day as a date: in `year` when given, else the latest one up to `ref` + 1 day."""
    if year is not None:
        return _safe_date(year, month, day)
    if ref is None:
        return None
    limit = ref + DAY_SLACK
    # Four years back is enough to find a Feb 29.
    for candidate_year in range(limit.year, limit.year - 5, -1):
        candidate = _safe_date(candidate_year, month, day)
        if candidate and candidate <= limit:
            return candidate
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- relative arithmetic -------------------------------------------------------------------


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def _weekday_on_or_before(ref: date, weekday: int) -> date:
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)


def _month_on_or_before(ref: date, month: int, strictly_before: bool) -> date:
    this_year = month < ref.month or (month == ref.month and not strictly_before)
    return date(ref.year if this_year else ref.year - 1, month, 1)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else SMALL_NUMBERS[word.lower()]


# --- expression handlers: (match, ref) -> (date, precision) or None when it cannot resolve ---

Handler = Callable[[re.Match[str], date | None], Resolution | None]


def _explicit_day(match: re.Match[str], ref: date | None) -> Resolution | None:
    year = int(match["year"]) if match["year"] else None
    month, day_number = _month_number(match["month"]), int(match["day"])
    day = resolve_month_day(month, day_number, ref, year)
    if day:
        return (day, "day")
    if _is_valid_day(month, day_number) and year is None:
        return None  # a real day that only needs a year no reference gives
    # "February 30": the writer got the day wrong, the month and year still hold.
    if year is not None:
        return (date(year, month, 1), "month")
    return (_month_on_or_before(ref, month, strictly_before=False), "month") if ref else None


def _day_of_month(match: re.Match[str], ref: date | None) -> Resolution | None:
    """"on the 12th": the latest such day up to the reference (plus the dateline's slack)."""
    if ref is None:
        return None
    number = int(match["day"])
    limit = ref + DAY_SLACK
    for months_back in range(0, 3):
        start = _month_start(limit, months_back)
        candidate = _safe_date(start.year, start.month, number)
        if candidate and candidate <= limit:
            return (candidate, "day")
    return None


def _iso_day(match: re.Match[str], ref: date | None) -> Resolution | None:
    day = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return (day, "day") if day else None


def _month_and_year(match: re.Match[str], ref: date | None) -> Resolution | None:
    return (date(int(match["year"]), _month_number(match["month"]), 1), "month")


def _named_month(match: re.Match[str], ref: date | None) -> Resolution | None:
    if ref is None:
        return None
    month = _month_number(match["month"])
    return (_month_on_or_before(ref, month, strictly_before=bool(match["last"])), "month")


def _named_year(match: re.Match[str], ref: date | None) -> Resolution | None:
    year = int(match["year"])
    if ref is not None and year > ref.year:
        return (ref, "day")  # a target ("by 2030"), not when the reported event happened
    return (date(year, 1, 1), "year")


def _weekday(match: re.Match[str], ref: date | None) -> Resolution | None:
    if match["explicit"]:  # "Thursday, Sept. 16": the written date is the better witness
        explicit = _MONTH_DAY.search(match["explicit"]) or _DAY_MONTH.search(match["explicit"])
        if explicit and (resolved := _explicit_day(explicit, ref)):
            return resolved
    if ref is None:
        return None
    weekday = WEEKDAY_NUMBERS[match["weekday"].lower()]
    if (match["prefix"] or "").lower() == "next":
        return _next_weekday(match, ref)
    day = _weekday_on_or_before(ref, weekday)
    # "last Thursday" said on a Thursday means a week ago, not today.
    if (match["prefix"] or "").lower() == "last" and day == ref:
        day -= timedelta(days=7)
    return (day, "day")


def _next_weekday(match: re.Match[str], ref: date | None) -> Resolution | None:
    """"next Tuesday": the first Tuesday after the reference (a week on, said on a Tuesday)."""
    if ref is None:
        return None
    weekday = WEEKDAY_NUMBERS[match["weekday"].lower()]
    return (ref + timedelta(days=7 - (ref.weekday() - weekday) % 7), "day")


def _ago(match: re.Match[str], ref: date | None) -> Resolution | None:
    if ref is None:
        return None
    count, unit = _count(match["count"]), match["unit"].lower().rstrip("s")
    if unit == "day":
        return (ref - timedelta(days=count), "day")
    if unit == "week":
        return (ref - timedelta(weeks=count), "week")
    if unit == "month":
        return (_month_start(ref, count), "month")
    return (date(ref.year - count, 1, 1), "year")


def _offset(days: int) -> Handler:
    def handler(match: re.Match[str], ref: date | None) -> Resolution | None:
        return (ref - timedelta(days=days), "day") if ref else None

    return handler


def _ahead(days: int) -> Handler:
    def handler(match: re.Match[str], ref: date | None) -> Resolution | None:
        return (ref + timedelta(days=days), "day") if ref else None

    return handler


def _earlier(match: re.Match[str], ref: date | None) -> Resolution | None:
    """"two days earlier": counted back from the reference, the only anchor a clause gives."""
    if ref is None:
        return None
    count, unit = _count(match["count"]), match["unit"].lower().rstrip("s")
    if unit == "day":
        return (ref - timedelta(days=count), "day")
    return (ref - timedelta(weeks=count), "week")


def _week(weeks_back: int) -> Handler:
    def handler(match: re.Match[str], ref: date | None) -> Resolution | None:
        return (ref - timedelta(weeks=weeks_back), "week") if ref else None

    return handler


def _weekend(match: re.Match[str], ref: date | None) -> Resolution | None:
    return (_weekday_on_or_before(ref, WEEKDAY_NUMBERS["saturday"]), "week") if ref else None


def _month_relative(months_back: int) -> Handler:
    def handler(match: re.Match[str], ref: date | None) -> Resolution | None:
        return (_month_start(ref, months_back), "month") if ref else None

    return handler


def _year_relative(years_back: int) -> Handler:
    def handler(match: re.Match[str], ref: date | None) -> Resolution | None:
        return (date(ref.year - years_back, 1, 1), "year") if ref else None

    return handler


_FUTURE_PATTERN = (
    r"\b(?:the\s+day\s+after\s+)?tomorrow\b"
    rf"|\bnext\s+(?:week|month|year|weekend|{_WEEKDAY}|(?:few\s+)?(?:days|weeks|months|years))\b"
    r"|\blater\s+(?:this|next)\s+(?:week|month|year)\b"
    r"|\blater\s+(?:today|tonight|in\s+the\s+(?:day|week|month|year))\b"
    r"|\b(?:in\s+)?the\s+(?:coming|next)\s+(?:few\s+)?(?:days|weeks|months|years)\b"
)
_FUTURE = re.compile(_FUTURE_PATTERN, re.IGNORECASE)
_FUTURE_MONTH = re.compile(rf"\b[Nn]ext\s+(?P<month>{MONTH_PATTERN})")

# Case-insensitive phrases; month names are matched by the case-sensitive patterns below.
_PHRASES: list[tuple[str, Handler]] = [
    (r"\bthe\s+day\s+after\s+tomorrow\b", _ahead(2)),
    (r"\btomorrow\b", _ahead(1)),
    (rf"\bnext\s+(?P<weekday>{_WEEKDAY})\b", _next_weekday),
    (_FUTURE_PATTERN, _offset(0)),
    (r"\bthe\s+day\s+before\s+yesterday\b", _offset(2)),
    # A night is dated by the evening it began: "overnight" in a Friday story is Thursday's.
    (r"\b(?:yesterday|last\s+night|overnight|the\s+(?:previous|preceding)\s+(?:night|evening)"
     r"|the\s+night\s+before)\b", _offset(1)),
    (r"\b(?:the\s+previous\s+day|a\s+day\s+(?:earlier|before))\b", _offset(1)),
    (rf"\b(?P<count>{_COUNT})\s+(?P<unit>days?|weeks?)\s+(?:earlier|before)\b", _earlier),
    # "on the 12th" is a day only where the ordinal ends the phrase: before a noun it is an
    # adjective ("on the 30th anniversary", "on the 5th floor").
    (r"\bon\s+the\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?-i:[A-Z]))"
     r"(?=\s*(?:$|[.,;:!?)\"'\u2019\u201d-]|(?:and|or|but|when|after|before|at|in|of|to|with|as"
     r"|while|during|from|by|for|this|last|next|that|amid|despite|until)\b))",
     _day_of_month),
    (
        r"\b(?:(?:earlier\s+)?today|tonight|this\s+(?:morning|afternoon|evening)"
        r"|the\s+same\s+day|earlier\s+in\s+the\s+day)\b",
        _offset(0),
    ),
    (rf"\b(?P<count>{_COUNT})\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b", _ago),
    (r"\b(?:last|the\s+previous|the\s+past)\s+week\b", _week(1)),
    (r"\b(?:earlier\s+)?this\s+week\b", _week(0)),
    (r"\b(?:last|this|over\s+the|at\s+the)\s+weekend\b", _weekend),
    (r"\b(?:earlier\s+)?this\s+month\b", _month_relative(0)),
    (r"\b(?:last|the\s+previous)\s+month\b", _month_relative(1)),
    (r"\b(?:earlier\s+)?this\s+year\b", _year_relative(0)),
    (r"\b(?:last|the\s+previous)\s+year\b", _year_relative(1)),
    (
        rf"\b(?:(?P<prefix>on|last|this|next)\s+)?(?P<weekday>{_WEEKDAY})\b"
        rf"(?:,?\s+(?P<explicit>{MONTH_PATTERN}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTH_PATTERN}))?",
        _weekday,
    ),
]
_CASED: list[tuple[str, Handler]] = [
    (_FUTURE_MONTH.pattern, _offset(0)),
    (r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?![\d-])", _iso_day),
    (_MONTH_DAY.pattern, _explicit_day),
    (_DAY_MONTH.pattern, _explicit_day),
    (rf"(?P<month>{MONTH_PATTERN}),?\s+(?P<year>{_YEAR})(?!\d)", _month_and_year),
    (
        rf"\b(?:(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Ee]arly|[Ll]ate|[Mm]id-?|(?P<last>[Ll]ast))"
        rf"\s*(?<=[\s-]))(?P<month>{MONTH_PATTERN})(?!\.?\s*\d)",
        _named_month,
    ),
    (
        # Not "of"/"by": "a force of 2000 troops", "won by 2000 votes".
        rf"\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Ee]arly|[Ll]ate|[Mm]id-?)\s*(?<=[\s-])"
        rf"(?P<year>{_YEAR})(?![\d,.]\d|\d)",
        _named_year,
    ),
]
_EXPRESSIONS: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(pattern, re.IGNORECASE), handler) for pattern, handler in _PHRASES
] + [(re.compile(pattern), handler) for pattern, handler in _CASED]


def _candidates(text: str) -> list[tuple[int, int, re.Match[str], Handler]]:
    found = []
    for pattern, handler in _EXPRESSIONS:
        for match in pattern.finditer(text):
            # Earliest first; at the same start the longer expression is the fuller one.
            found.append((match.start(), -match.end(), match, handler))
    found.sort(key=lambda item: (item[0], item[1]))
    return found


@dataclass(frozen=True)
class TimeReading:
    """The time a clause names: its date and precision, and whether it lies ahead."""

    date: date | None
    precision: str | None
    future: bool = False


def read_time(text: str, ref: date | None) -> TimeReading:
    """The time named by the first temporal expression of `text` that resolves against `ref`.

    "next Tuesday" gives that Tuesday with `future` set; with no usable expression the clause is
    read as the reference day, or as nothing without a reference."""
    for _start, _neg_end, match, handler in _candidates(text):
        resolved = handler(match, ref)
        if resolved is not None:
            words = match.group(0)
            future = bool(_FUTURE.search(words) or _FUTURE_MONTH.search(words))
            return TimeReading(resolved[0], resolved[1], future)
    return TimeReading(ref, "day") if ref is not None else TimeReading(None, None)


# A record's precision is day, month or year (the issue's and the exports' contract). "Last
# week" names seven days, not one: calling it a day would put a guessed day in daily counts, so
# it is recorded as the coarser month, which the week nearly always lies in.
RECORD_PRECISION = {"week": "month"}


@lru_cache(maxsize=4096)  # the events of one clause share its text and the article's date
def resolve_date(text: str, ref: date | None) -> Resolution:
    """Date a clause for the record: (date, precision) with precision "day", "month" or "year".
    A future time dates the record by the report that announces it: (ref, "day")."""
    reading = read_time(text, ref)
    if reading.future and ref is not None:
        return (ref, "day")
    precision = reading.precision
    return (reading.date, RECORD_PRECISION.get(precision, precision) if precision else None)


def has_future_time(text: str) -> bool:
    """Whether `text` mentions a future time ("tomorrow", "next week", "in the coming days")."""
    return bool(_FUTURE.search(text) or _FUTURE_MONTH.search(text))
