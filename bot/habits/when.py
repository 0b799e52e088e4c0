"""When a personal nudge is due: days of the week and a time in the person's own zone.

Pure functions on aware datetimes. A time is kept as wall-clock time in the person's zone,
so a reminder set for 08:30 comes at 08:30 on both sides of a daylight-saving change; a
time that doesn't exist on the day the clocks go forward comes an hour later that day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_GROUPS = {
    "weekdays": (0, 1, 2, 3, 4),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "everyday": (0, 1, 2, 3, 4, 5, 6),
    "weekends": (5, 6),
}
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.h]?([0-5][0-9])?\s*(am|pm)?$")
WEEK = 7


def zone_or_none(name: str | None) -> str | None:
    """`name` if it is an IANA zone this machine knows (`Europe/Paris`), else None."""
    if not name or len(name) > 64 or not re.match(r"^[A-Za-z0-9_+\-/]+$", name):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def parse_zone(text: str) -> str:
    """A zone as typed (`Europe/Paris`, `utc`); UserError if unknown."""
    word = text.strip()
    if word.lower() == "utc":
        return "UTC"
    found = zone_or_none(word)
    if found is None:
        raise UserError(
            f"I don't know the time zone *{word[:40]}*. Use a name like `Europe/Paris` or "
            "`America/New_York`."
        )
    return found


def parse_days(text: str) -> tuple[int, ...]:
    """`mon wed fri`, `mon,thu`, `weekdays`, `daily`: the weekdays, Monday 0, in order."""
    found: set[int] = set()
    for word in re.split(r"[\s,]+", text.strip().lower()):
        if not word:
            continue
        if word in _GROUPS:
            found.update(_GROUPS[word])
        elif word in _WORDS:
            found.add(_WORDS[word])
        else:
            raise UserError(
                f"I can't read *{word[:20]}* as a day. Use `mon` to `sun`, `weekdays` or `daily`."
            )
    if not found:
        raise UserError("Pick at least one day.")
    return tuple(sorted(found))


def parse_time(text: str) -> int:
    """`08:30`, `8:30`, `830`, `8am`, `5.15pm`: minutes after midnight."""
    word = text.strip().lower().replace(" ", "")
    if word.isdigit() and len(word) in (3, 4):
        word = f"{word[:-2]}:{word[-2:]}"
    match = _TIME.match(word)
    if not match:
        raise UserError(f"I can't read *{text.strip()[:20]}* as a time. Use `HH:MM`, like `08:30`.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise UserError(f"*{text.strip()[:20]}* isn't a time. Use `HH:MM`, like `08:30`.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    return hour * 60 + minute


def days_text(days: tuple[int, ...]) -> str:
    """`weekdays`, `every day`, `Mon, Wed and Fri`."""
    if days == _GROUPS["weekdays"]:
        return "weekdays"
    if days == _GROUPS["daily"]:
        return "every day"
    if days == _GROUPS["weekends"]:
        return "weekends"
    names = [DAY_NAMES[d] for d in days]
    if not names:
        return "no day"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def time_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def encode_days(days: tuple[int, ...]) -> str:
    return ",".join(str(d) for d in days)


def decode_days(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in text.split(",") if d.strip().isdigit() and int(d) < 7}))


def local_moment(day: date, minute: int, zone: str) -> datetime:
    """`minute` after midnight on `day` in `zone`, in UTC. A wall-clock time skipped by a
    daylight-saving change is read with the offset before it (so, an hour later)."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def next_due(
    days: tuple[int, ...], minute: int, zone: str, after: datetime
) -> tuple[datetime, date] | None:
    """The first moment strictly after `after` that falls on one of `days` at `minute` in
    `zone`, with its local date; None when no day is chosen."""
    if not days:
        return None
    start = after.astimezone(ZoneInfo(zone)).date()
    for offset in range(WEEK + 1):
        day = start + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        moment = local_moment(day, minute, zone)
        if moment > after:
            return moment, day
    return None  # pragma: no cover - a chosen weekday always comes within 8 days


def local_day(moment: datetime, zone: str) -> date:
    """The date it is at `moment` in `zone`."""
    return moment.astimezone(ZoneInfo(zone)).date()


def picked_time(value: object) -> int | None:
    """A time picker's `HH:MM`, in minutes after midnight; None if unreadable."""
    text = str(value or "")
    if len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hour, minute = int(text[:2]), int(text[3:])
    return hour * 60 + minute if hour < 24 and minute < 60 else None
