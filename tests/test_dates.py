"""Due dates as people type them (bot/dates.py): pure, relative to a given today."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commitments.dates import (
    DUE_USAGE,
    add_months,
    add_years,
    at_local,
    describe,
    parse_due,
    today_in,
)
from bot.errors import UserError

FRI = date(2026, 3, 13)  # a Friday
NYE_EVE = date(2026, 12, 30)  # a Wednesday, the day before New Year's Eve


@pytest.mark.parametrize(
    ("today", "text", "due"),
    [
        # weekdays: the next such day, today excluded
        (FRI, "fri", date(2026, 3, 20)),
        (FRI, "Friday", date(2026, 3, 20)),
        (FRI, "sat", date(2026, 3, 14)),
        (FRI, "thu", date(2026, 3, 19)),
        (FRI, "mon", date(2026, 3, 16)),
        (FRI, "tues", date(2026, 3, 17)),
        (FRI, "WEDNESDAY", date(2026, 3, 18)),
        (FRI, "thurs.", date(2026, 3, 19)),
        (FRI, "this sun", date(2026, 3, 15)),
        # words
        (FRI, "today", FRI),
        (FRI, "tonight", FRI),
        (FRI, "tomorrow", date(2026, 3, 14)),
        (FRI, "  Tomorrow ", date(2026, 3, 14)),
        (FRI, "next week", date(2026, 3, 20)),
        (FRI, "next month", date(2026, 4, 13)),
        # in n days / weeks / months
        (FRI, "in 3 days", date(2026, 3, 16)),
        (FRI, "in 1 day", date(2026, 3, 14)),
        (FRI, "in 0 days", FRI),
        (FRI, "in a week", date(2026, 3, 20)),
        (FRI, "in 2 weeks", date(2026, 3, 27)),
        (FRI, "in two  weeks", date(2026, 3, 27)),
        (FRI, "in 6 months", date(2026, 9, 13)),
        (date(2026, 1, 31), "in 1 month", date(2026, 2, 28)),
        # ISO
        (FRI, "2026-12-15", date(2026, 12, 15)),
        (FRI, "2026-3-13", FRI),
        # month and day: the next occurrence, today included
        (FRI, "dec 15", date(2026, 12, 15)),
        (FRI, "15 dec", date(2026, 12, 15)),
        (FRI, "December 15th", date(2026, 12, 15)),
        (FRI, "15th of december", date(2026, 12, 15)),
        (FRI, "mar 13", FRI),
        (FRI, "mar 12", date(2027, 3, 12)),
        (FRI, "sept 1", date(2026, 9, 1)),
        (FRI, "Dec 15, 2026", date(2026, 12, 15)),
        (FRI, "1 jan 2027", date(2027, 1, 1)),
        # across the year's end
        (NYE_EVE, "fri", date(2027, 1, 1)),
        (NYE_EVE, "tomorrow", date(2026, 12, 31)),
        (date(2026, 12, 31), "tomorrow", date(2027, 1, 1)),
        (NYE_EVE, "in 3 days", date(2027, 1, 2)),
        (NYE_EVE, "next week", date(2027, 1, 6)),
        (NYE_EVE, "in 2 weeks", date(2027, 1, 13)),
        (NYE_EVE, "jan 2", date(2027, 1, 2)),
        (NYE_EVE, "2 january", date(2027, 1, 2)),
        (NYE_EVE, "dec 30", NYE_EVE),
        (NYE_EVE, "dec 29", date(2027, 12, 29)),
        (NYE_EVE, "next month", date(2027, 1, 30)),
        (date(2026, 11, 30), "in 3 months", date(2027, 2, 28)),
        # leap years
        (date(2028, 2, 28), "tomorrow", date(2028, 2, 29)),
        (date(2027, 3, 1), "feb 29", date(2028, 2, 29)),
        (date(2028, 2, 1), "29 feb", date(2028, 2, 29)),
        # the furthest allowed: a year from today
        (FRI, "2027-03-13", date(2027, 3, 13)),
        (date(2028, 2, 29), "2029-02-28", date(2029, 2, 28)),
    ],
)
def test_reads_the_date(today: date, text: str, due: date) -> None:
    assert parse_due(text, today) == due


@pytest.mark.parametrize(
    ("today", "text", "words"),
    [
        (FRI, "", "By when?"),
        (FRI, "   ", "By when?"),
        (FRI, "someday", "can't read *someday*"),
        (FRI, "fri 13", "can't read"),
        (FRI, "in zero days", "can't read"),
        (FRI, "in 3 fortnights", "can't read"),
        (FRI, "smarch 3", "can't read"),
        (FRI, "2026-02-30", "isn't a day on the calendar"),
        (FRI, "feb 30", "isn't a day on the calendar"),
        (FRI, "31 apr", "isn't a day on the calendar"),
        (FRI, "0000-01-01", "isn't a day on the calendar"),
        (FRI, "2027-02-29", "isn't a day on the calendar"),
        (FRI, "15/12", "different days in different countries"),
        (FRI, "12/15/2026", "different days in different countries"),
        (FRI, "next fri", "can mean two days"),
        (FRI, "2026-03-12", "*2026-03-12* (Thu 12 Mar) is in the past"),
        (FRI, "mar 12 2026", "*mar 12 2026* (Thu 12 Mar) is in the past"),
        (FRI, "2027-03-14", "pick a day by Sat 13 Mar 2027"),
        (FRI, "2027-03-14", "more than a year away"),
        (FRI, "in 53 weeks", "more than a year away"),
        (FRI, "in 13 months", "more than a year away"),
        (FRI, "in 99999999999999999999 days", "more than a year away"),
        (date(2028, 3, 1), "feb 29", "more than a year away"),
        (date(2028, 2, 29), "2029-03-01", "more than a year away"),
    ],
)
def test_bad_dates_are_explained(today: date, text: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_due(text, today)
    assert words in caught.value.message
    assert caught.value.usage == DUE_USAGE


def test_next_weekday_suggests_both_readings() -> None:
    with pytest.raises(UserError) as caught:
        parse_due("next fri", FRI)
    assert "`fri` for the coming one (Fri 20 Mar)" in caught.value.message
    assert "`2026-03-27`" in caught.value.message


def test_errors_show_the_form_they_were_given() -> None:
    with pytest.raises(UserError) as caught:
        parse_due("whenever", FRI, usage="/nudge commit <text> by <date>")
    assert caught.value.usage == "/nudge commit <text> by <date>"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40), offset=st.integers(min_value=-2000, max_value=2000))
def test_any_text_is_a_date_in_range_or_a_user_error(text: str, offset: int) -> None:
    today = date(2026, 6, 15) + timedelta(days=offset)
    try:
        due = parse_due(text, today)
    except UserError as err:
        assert err.message and err.usage == DUE_USAGE
        return
    assert today <= due <= add_years(today, 1)


@settings(max_examples=200, deadline=None)
@given(
    word=st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    offset=st.integers(min_value=0, max_value=3000),
)
def test_a_weekday_is_always_one_to_seven_days_ahead(word: str, offset: int) -> None:
    today = date(2024, 1, 1) + timedelta(days=offset)
    due = parse_due(word, today)
    assert 1 <= (due - today).days <= 7
    assert f"{due:%a}".lower() == word


def test_describe() -> None:
    assert describe(FRI, FRI) == "today"
    assert describe(date(2026, 3, 14), FRI) == "tomorrow"
    # One date style everywhere: bot.blocks.day (before: "Friday 20 March").
    assert describe(date(2026, 3, 20), FRI) == "Fri 20 Mar"
    assert describe(date(2027, 1, 1), NYE_EVE) == "Fri 1 Jan 2027"


def test_add_months_and_years_clamp_to_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 11, 30), 15) == date(2028, 2, 29)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2026, 3, 13), 1) == date(2027, 3, 13)


# -- today and the ask time in a zone: DST moves the UTC hour, never the date ---------------


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "Pacific/Auckland", date(2026, 3, 2)),
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 1)),
        (datetime(2026, 3, 2, 5, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 1)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2027, 1, 1)),
        # the minutes around Berlin's spring-forward (01:00 UTC on 29 March 2026)
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 29)),
        (datetime(2026, 3, 29, 1, 1, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 29)),
        # and New York's fall-back (06:00 UTC on 1 November 2026)
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
    ],
)
def test_today_in_the_zone(now: datetime, zone: str, today: date) -> None:
    assert today_in(zone, now) == today


@pytest.mark.parametrize(
    ("day", "zone", "utc_hour"),
    [
        (date(2026, 3, 28), "Europe/Berlin", 9),  # CET
        (date(2026, 3, 29), "Europe/Berlin", 8),  # CEST from that night
        (date(2026, 10, 31), "America/New_York", 14),  # EDT
        (date(2026, 11, 1), "America/New_York", 15),  # EST from that night
        (date(2026, 6, 1), "UTC", 10),
    ],
)
def test_ask_time_is_ten_local_across_dst(day: date, zone: str, utc_hour: int) -> None:
    moment = at_local(day, zone)
    assert moment.tzinfo == UTC and (moment.date(), moment.hour, moment.minute) == (
        day,
        utc_hour,
        0,
    )


def test_a_date_read_across_dst_is_the_calendar_day() -> None:
    """Saturday night before spring-forward: `tomorrow` and `in 1 week` are calendar days."""
    today = today_in("Europe/Berlin", datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert today == date(2026, 3, 29)
    assert parse_due("tomorrow", today) == date(2026, 3, 30)
    assert parse_due("in 1 week", today) == date(2026, 4, 5)
    assert parse_due("sat", date(2026, 3, 28)) == date(2026, 4, 4)
