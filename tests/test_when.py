"""Dating clauses from their temporal expressions, measured on a table of news sentences."""

from __future__ import annotations

from datetime import date

import pytest

from accord.when import (
    has_future_time,
    parse_explicit_date,
    parse_month_day,
    read_time,
    resolve_date,
    resolve_month_day,
)

THU = date(2021, 9, 16)  # the sample story's dateline: Thursday, Sept. 16, 2021
MON = date(2021, 9, 20)

# (sentence, reference date, expected date, expected precision)
DATE_TABLE: list[tuple[str, date | None, date | None, str | None]] = [
    # weekdays: the most recent such day on or before the reference
    ("Zhaparov and Wang Yi on Thursday met in Dushanbe.", THU, date(2021, 9, 16), "day"),
    ("The two ministers met on Thursday.", THU, date(2021, 9, 16), "day"),
    ("Talks were held on Wednesday in Geneva.", THU, date(2021, 9, 15), "day"),
    ("The protest took place on Friday.", THU, date(2021, 9, 10), "day"),
    ("Last Friday, troops pulled back from the border.", THU, date(2021, 9, 10), "day"),
    ("Monday's meeting ended without agreement.", THU, date(2021, 9, 13), "day"),
    ("On Sunday, police arrested dozens of marchers.", THU, date(2021, 9, 12), "day"),
    ("Last Thursday, the minister resigned.", THU, date(2021, 9, 9), "day"),
    ("Rebels attacked a convoy Tuesday night.", THU, date(2021, 9, 14), "day"),
    ("Sunday's vote was boycotted by the opposition.", THU, date(2021, 9, 12), "day"),
    ("Voters went to the polls on Saturday.", date(2021, 9, 18), date(2021, 9, 18), "day"),
    ("Officials said on Tuesday that talks stalled.", MON, date(2021, 9, 14), "day"),
    ("Bombing killed 12 people on Tuesday.", THU, date(2021, 9, 14), "day"),
    ("On Thursday, Sept. 16, the leaders met.", THU, date(2021, 9, 16), "day"),
    ("On Monday, Sept. 13, the envoy flew to Kabul.", THU, date(2021, 9, 13), "day"),
    # deictic words
    ("The president spoke to reporters today.", THU, date(2021, 9, 16), "day"),
    ("Protesters gathered tonight outside parliament.", THU, date(2021, 9, 16), "day"),
    ("This morning the cabinet approved the plan.", THU, date(2021, 9, 16), "day"),
    ("Earlier today the ministry summoned the ambassador.", THU, date(2021, 9, 16), "day"),
    ("Yesterday the envoy arrived in Kabul.", THU, date(2021, 9, 15), "day"),
    ("Shelling continued last night along the front.", THU, date(2021, 9, 15), "day"),
    ("The day before yesterday, a bomb exploded.", THU, date(2021, 9, 14), "day"),
    ("Militants had seized the town a day earlier.", THU, date(2021, 9, 15), "day"),
    ("The previous day, rebels shelled the town.", THU, date(2021, 9, 15), "day"),
    # written dates
    ("The treaty was signed on Sept. 12.", THU, date(2021, 9, 12), "day"),
    ("It was signed September 12 in Paris.", THU, date(2021, 9, 12), "day"),
    ("The talks opened on 12 September.", THU, date(2021, 9, 12), "day"),
    ("The deal was reached on Sept 12, 2021.", THU, date(2021, 9, 12), "day"),
    ("A statement dated 2021-09-12 confirmed the deal.", THU, date(2021, 9, 12), "day"),
    ("On Sept. 17 the agency reported the strike.", THU, date(2021, 9, 17), "day"),
    ("Elections were held Sept. 20.", THU, date(2020, 9, 20), "day"),
    ("Fighting broke out on Dec. 31.", date(2022, 1, 2), date(2021, 12, 31), "day"),
    ("The ministers met on Jan. 1.", date(2022, 1, 2), date(2022, 1, 1), "day"),
    ("The accord, signed March 2, took effect.", date(2021, 3, 3), date(2021, 3, 2), "day"),
    ("The statement of Feb. 29 was withdrawn.", date(2021, 3, 10), date(2020, 2, 29), "day"),
    ("The agreement came into force on 1st October 2020.", THU, date(2020, 10, 1), "day"),
    ("The attacks of 11 September 2001 changed the world.", THU, date(2001, 9, 11), "day"),
    ("Troops crossed the border Aug 3.", THU, date(2021, 8, 3), "day"),
    ("The summit of OCT. 5 ended early.", THU, date(2020, 10, 5), "day"),
    # weeks
    ("Last week, the two sides exchanged fire.", THU, date(2021, 9, 9), "month"),
    ("Earlier this week the envoy visited Moscow.", THU, date(2021, 9, 16), "month"),
    ("A week ago, the minister resigned.", THU, date(2021, 9, 9), "month"),
    ("Two weeks ago the army entered the city.", THU, date(2021, 9, 2), "month"),
    ("Over the weekend, protesters clashed with police.", MON, date(2021, 9, 18), "month"),
    # months
    ("Earlier this month the parliament voted.", THU, date(2021, 9, 1), "month"),
    ("Last month the government imposed a curfew.", THU, date(2021, 8, 1), "month"),
    ("Last month the government imposed a curfew.", date(2021, 1, 10), date(2020, 12, 1), "month"),
    ("In March, the two countries signed a pact.", THU, date(2021, 3, 1), "month"),
    ("In October, talks collapsed.", THU, date(2020, 10, 1), "month"),
    ("Since June, refugees have crossed the border.", THU, date(2021, 6, 1), "month"),
    ("Since Aug. 15, the Taliban have ruled Kabul.", THU, date(2021, 8, 15), "day"),
    ("In mid-March the ceasefire collapsed.", THU, date(2021, 3, 1), "month"),
    ("In June 2019 the pact was signed.", THU, date(2019, 6, 1), "month"),
    ("Last March the pact expired.", date(2021, 3, 20), date(2020, 3, 1), "month"),
    ("In March the pact expired.", date(2021, 3, 20), date(2021, 3, 1), "month"),
    ("Four months ago the embassy closed.", THU, date(2021, 5, 1), "month"),
    # years
    ("Last year the UN sent peacekeepers.", THU, date(2020, 1, 1), "year"),
    ("In 2019 the two countries cut ties.", THU, date(2019, 1, 1), "year"),
    ("Relations have improved since 2015.", THU, date(2015, 1, 1), "year"),
    ("In early 2020 the border was closed.", THU, date(2020, 1, 1), "year"),
    ("Earlier this year, the country joined the bloc.", THU, date(2021, 1, 1), "year"),
    ("Two years ago the two states restored ties.", THU, date(2019, 1, 1), "year"),
    ("He first visited China in 2013 and again on Tuesday.", THU, date(2013, 1, 1), "year"),
    # counted days
    ("Three days ago, militants seized the town.", THU, date(2021, 9, 13), "day"),
    ("The strike began 5 days ago.", THU, date(2021, 9, 11), "day"),
    # future times: dated by the report
    ("The ministers will meet tomorrow.", THU, THU, "day"),
    ("Leaders will meet next week in Brussels.", THU, THU, "day"),
    ("A summit is planned for next month.", THU, THU, "day"),
    ("The president will visit Beijing next Monday.", THU, THU, "day"),
    ("In the coming days, the envoy will travel to Tehran.", THU, THU, "day"),
    ("Talks will resume later this month.", THU, THU, "day"),
    ("The plan aims to cut emissions by 2030.", THU, THU, "day"),
    ("Reforms are planned in 2030.", THU, THU, "day"),
    ("Elections are due next March.", THU, THU, "day"),
    # numbers and words that are not dates
    ("The 30th anniversary of diplomatic ties was marked.", THU, THU, "day"),
    ("Some 2,000 troops were deployed.", THU, THU, "day"),
    ("The COVID-19 pandemic hurt trade.", THU, THU, "day"),
    ("The meeting began at 08:32 local time.", THU, THU, "day"),
    ("A force of 2000 troops was sent.", THU, THU, "day"),
    ("Theresa May met Emmanuel Macron.", THU, THU, "day"),
    ("Thousands march on the capital.", THU, THU, "day"),
    ("The two sides may meet again.", THU, THU, "day"),
    ("The council adopted Resolution 2231.", THU, THU, "day"),
    ("Mar-a-Lago hosted the delegation.", THU, THU, "day"),
    # no reference date: only self-contained dates resolve
    ("The accord was signed on Sept 12, 2021.", None, date(2021, 9, 12), "day"),
    ("A statement dated 2020-05-01 was released.", None, date(2020, 5, 1), "day"),
    ("In 2019 the two countries cut ties.", None, date(2019, 1, 1), "year"),
    ("The two ministers met on Thursday.", None, None, None),
    ("No time is mentioned here.", None, None, None),
]


def test_date_table_is_resolved_with_at_least_95_percent_exact_accuracy() -> None:
    failures = []
    for sentence, ref, expected_date, expected_precision in DATE_TABLE:
        got = resolve_date(sentence, ref)
        if got != (expected_date, expected_precision):
            failures.append(f"{sentence!r} ref={ref}: got {got}, want {expected_date}")
    accuracy = 1 - len(failures) / len(DATE_TABLE)
    assert len(DATE_TABLE) >= 60
    assert accuracy >= 0.95, f"accuracy {accuracy:.1%}; failures:\n" + "\n".join(failures)


def test_a_record_never_has_week_precision_a_week_is_recorded_as_its_month() -> None:
    assert resolve_date("Last week, the two sides exchanged fire.", THU) == (date(2021, 9, 9),
                                                                             "month")
    assert read_time("Last week, the two sides exchanged fire.", THU).precision == "week"
    precisions = {resolve_date(sentence, ref)[1] for sentence, ref, _, _ in DATE_TABLE}
    assert precisions <= {"day", "month", "year", None}


def test_sample_story_meeting_on_thursday_is_the_dateline_day() -> None:
    assert resolve_date("Wang Yi on Thursday met in the Tajik capital", THU) == (THU, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DUSHANBE, Sept. 16 (Xinhua) --", (9, 16)),
        ("16 September", (9, 16)),
        ("on Jan 3rd", (1, 3)),
        ("UNITED NATIONS, March 2", (3, 2)),
        ("Feb. 29", (2, 29)),
        ("Sept. 31", None),
        ("May 2019", None),
        ("the talks may 12 times fail", None),
        ("no date at all", None),
    ],
)
def test_parse_month_day_reads_both_orders_and_rejects_impossible_days(
    text: str, expected: tuple[int, int] | None
) -> None:
    assert parse_month_day(text) == expected


def test_resolve_month_day_allows_one_day_after_reference_and_goes_back_a_year_otherwise() -> None:
    assert resolve_month_day(9, 17, THU) == date(2021, 9, 17)
    assert resolve_month_day(9, 18, THU) == date(2020, 9, 18)
    assert resolve_month_day(12, 31, date(2022, 1, 2)) == date(2021, 12, 31)
    assert resolve_month_day(2, 29, date(2023, 5, 1)) == date(2020, 2, 29)


def test_resolve_month_day_uses_a_given_year_and_needs_a_reference_otherwise() -> None:
    assert resolve_month_day(9, 12, None, 2019) == date(2019, 9, 12)
    assert resolve_month_day(2, 29, None, 2021) is None
    assert resolve_month_day(9, 12, None) is None


def test_parse_explicit_date_resolves_a_written_date_against_the_reference() -> None:
    assert parse_explicit_date("BEIJING, Jan. 3 --", date(2022, 1, 3)) == date(2022, 1, 3)
    assert parse_explicit_date("WASHINGTON, Sept 16, 2021 (AFP)", None) == date(2021, 9, 16)
    assert parse_explicit_date("MOSCOW (Reuters)", THU) is None


@pytest.mark.parametrize(
    "text",
    [
        "The ministers will meet tomorrow.",
        "Leaders will meet next week.",
        "A vote is expected in the coming days.",
        "Talks will resume later this month.",
        "The envoy arrives next Monday.",
        "Elections are due next March.",
    ],
)
def test_has_future_time_spots_explicit_future_expressions(text: str) -> None:
    assert has_future_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "The ministers met on Thursday.",
        "Last week the two sides exchanged fire.",
        "The next president will face a crisis.",
        "They left the next day.",
    ],
)
def test_has_future_time_ignores_past_times_and_non_temporal_next(text: str) -> None:
    assert not has_future_time(text)
