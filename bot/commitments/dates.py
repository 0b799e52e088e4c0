"""Due dates as people type them: `fri`, `tomorrow`, `in 2 weeks`, `dec 15`, `2026-12-15`.

Pure functions on calendar dates, relative to "today" in the workspace's zone; nothing here
knows the clock or daylight saving, so a due date is the same day wherever DST falls. Bad
input raises UserError with a message that names the problem.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import blocks
from bot.errors import UserError

DUE_USAGE = "by fri | today | tomorrow | in 3 days | in 2 weeks | next week | dec 15 | 2026-12-15"
MAX_AHEAD_YEARS = 1

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
} | {"sept": 9}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 0, "months": 0}

_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_SLASHED = re.compile(r"^[0-9]{1,4}[/.][0-9]{1,2}(?:[/.][0-9]{1,4})?$")
_IN = re.compile(r"^in\s+([0-9]+|[a-z]+)\s+([a-z]+)$")
_DAY = r"([0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:\s+([0-9]{4}))?"
_MONTH_DAY = re.compile(rf"^([a-z]+)\s+{_DAY}{_YEAR}$")
_DAY_MONTH = re.compile(rf"^{_DAY}\s+(?:of\s+)?([a-z]+){_YEAR}$")


def today_in(zone: str, now: datetime) -> date:
    """The calendar date it is at `now` in `zone`."""
    return now.astimezone(ZoneInfo(zone)).date()


def at_local(day: date, zone: str, hour: int = 10) -> datetime:
    """`hour`:00 on `day` in `zone`, as an aware UTC datetime (wall-clock time across DST)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def describe(day: date, today: date) -> str:
    """A due date in words: `today`, `tomorrow`, else as every calendar day is written
    (`Fri 13 Mar`, with the year when it isn't this one: bot.blocks.day)."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return blocks.day(day, today)


def _shown(text: str) -> str:
    text = re.sub(r"[*_~`]", "", text.strip())
    return text if len(text) <= 40 else text[:39] + "…"


def _unreadable(text: str) -> UserError:
    return UserError(
        f"I can't read *{_shown(text)}* as a date. Try a weekday (`fri`), `tomorrow`, "
        "`in 2 weeks`, `dec 15` or `2026-12-15`.",
        DUE_USAGE,
    )


def _calendar_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError(f"*{_shown(text)}* isn't a day on the calendar.", DUE_USAGE) from None


def _relative(amount: str, unit: str, today: date, text: str) -> date:
    """`in <n> days|weeks|months`."""
    if amount.isdigit():
        count: int | None = min(int(amount), 500) if len(amount) <= 6 else 500
    else:
        count = NUMBER_WORDS.get(amount)
    if count is None or unit not in UNITS:
        raise _unreadable(text)
    if UNITS[unit]:
        return today + timedelta(days=count * UNITS[unit])
    return add_months(today, min(count, 13))


def _month_day(
    month_word: str, day_word: str, year_word: str | None, today: date, text: str
) -> date:
    month = MONTHS.get(month_word)
    if month is None:
        raise _unreadable(text)
    day = int(day_word)
    if year_word is not None:
        return _calendar_date(int(year_word), month, day, text)
    # The next time that day comes round, today included.
    for year in range(today.year, today.year + 9):
        try:
            found = date(year, month, day)
        except ValueError:
            if day <= calendar.monthrange(2024, month)[1]:
                continue  # 29 February in a common year: try the next year
            raise UserError(f"*{_shown(text)}* isn't a day on the calendar.", DUE_USAGE) from None
        if found >= today:
            return found
    raise UserError(f"*{_shown(text)}* isn't a day on the calendar.", DUE_USAGE)


def _read(text: str, today: date) -> date:
    word = re.sub(r"\s+", " ", text.strip().lower().replace(",", " ")).strip().rstrip(".!")
    if word in ("today", "tonight", "eod"):
        return today
    if word in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1)
    if word == "next week":
        return today + timedelta(days=7)
    if word == "next month":
        return add_months(today, 1)
    words = word.split(" ")
    if len(words) == 2 and words[0] == "this" and words[1] in WEEKDAYS:
        words = words[1:]
    if len(words) == 1 and words[0] in WEEKDAYS:
        ahead = (WEEKDAYS[words[0]] - today.weekday() - 1) % 7 + 1  # today excluded
        return today + timedelta(days=ahead)
    if len(words) == 2 and words[0] == "next" and words[1] in WEEKDAYS:
        coming = _read(words[1], today)
        raise UserError(
            f"*{_shown(text)}* can mean two days. Say `{words[1]}` for the coming one "
            f"({describe(coming, today)}), or give the date, like "
            f"`{coming + timedelta(days=7):%Y-%m-%d}`.",
            DUE_USAGE,
        )
    iso = _ISO.match(word)
    if iso:
        return _calendar_date(int(iso[1]), int(iso[2]), int(iso[3]), text)
    if _SLASHED.match(word):
        raise UserError(
            f"*{_shown(text)}* reads as different days in different countries. "
            "Write it as `2026-12-15` or `dec 15`.",
            DUE_USAGE,
        )
    relative = _IN.match(word)
    if relative:
        return _relative(relative[1], relative[2], today, text)
    month_day = _MONTH_DAY.match(word)
    if month_day:
        return _month_day(month_day[1], month_day[2], month_day[3], today, text)
    day_month = _DAY_MONTH.match(word)
    if day_month:
        return _month_day(day_month[2], day_month[1], day_month[3], today, text)
    raise _unreadable(text)


def _named(text: str, day: date, today: date) -> str:
    """What the person typed, and the day it means."""
    return f"*{_shown(text)}* ({blocks.day(day, today)})"


def parse_due(text: str, today: date, usage: str = DUE_USAGE) -> date:
    """The due date `text` means, seen from `today`: from today up to a year ahead.
    A UserError shows `usage` as the right form."""
    try:
        return _check(_read(text, today) if text.strip() else None, text, today)
    except UserError as err:
        raise UserError(err.message, usage) from None


def _check(due: date | None, text: str, today: date) -> date:
    if due is None:
        raise UserError("By when? Put a date after `by`.")
    if due < today:
        raise UserError(f"{_named(text, due, today)} is in the past. Pick today or a day ahead.")
    limit = add_years(today, MAX_AHEAD_YEARS)
    if due > limit:
        raise UserError(
            f"{_named(text, due, today)} is more than a year away. Commitments work best close "
            f"at hand: pick a day by {blocks.day(limit, today)}, and break a big one into steps."
        )
    return due
