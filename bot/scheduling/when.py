"""When a schedule runs: parsing `daily 09:00`, `weekdays 09:00`, `weekly mon 09:00`,
`cron "0 9 * * 1"` (plus `tz <zone>`) into a five-field cron line and a zone, and
computing occurrences with APScheduler's CronTrigger (wall-clock time across DST)."""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import UserError

WHEN_USAGE = (
    "/nudge schedule add <practice|rotate> daily 09:00 | weekdays 09:00 | weekly mon 09:00 "
    '| cron "0 9 * * 1"  [tz Europe/Berlin]'
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {d: d for d in DAYS} | {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
    "tues": "tue",
    "weds": "wed",
    "thur": "thu",
    "thurs": "thu",
}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


@dataclass(frozen=True)
class When:
    cron: str  # five fields: minute hour day-of-month month day-of-week
    zone: str

    def trigger(self) -> CronTrigger:
        return _trigger(self.cron, self.zone)

    def describe(self) -> str:
        """The schedule in words, as a person would say it."""
        minute, hour, dom, month, dow = self.cron.split()
        if minute.isdigit() and hour.isdigit() and dom == "*" and month == "*":
            at = f"{int(hour):02d}:{int(minute):02d}"
            if dow == "*":
                return f"every day at {at}"
            if dow == "mon-fri":
                return f"weekdays at {at}"
            if dow in DAYS:
                return f"every {_long_day(dow)} at {at}"
        return f"cron `{self.cron}`"


@functools.lru_cache(maxsize=16_384)
def _trigger(cron: str, zone: str) -> CronTrigger:
    # A CronTrigger holds no run state, so one instance serves every job with this cron and
    # zone; building them is most of what loading 10,000 schedules costs.
    return CronTrigger.from_crontab(cron, timezone=ZoneInfo(zone))


def _long_day(day: str) -> str:
    return {
        "mon": "Monday",
        "tue": "Tuesday",
        "wed": "Wednesday",
        "thu": "Thursday",
        "fri": "Friday",
        "sat": "Saturday",
        "sun": "Sunday",
    }[day]


def _time(word: str) -> tuple[int, int]:
    match = _TIME.match(word)
    if not match:
        raise UserError(
            f"*{word[:20]}* isn't a time of day: use 24-hour HH:MM, like 09:30.", WHEN_USAGE
        )
    return int(match.group(1)), int(match.group(2))


def zone_or_error(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UserError(
            f"*{name[:40]}* isn't a time zone I know: use an IANA name such as Europe/Berlin "
            "or America/New_York.",
            WHEN_USAGE,
        ) from None
    if "/" not in name and name.upper() != "UTC":
        raise UserError(
            f"Please give a full zone name instead of *{name[:40]}*, such as Europe/Berlin.",
            WHEN_USAGE,
        )
    return name


def parse_when(text: str, default_zone: str) -> When:
    """Parse the `when` part of `/nudge schedule add`; UserError says what is wrong."""
    try:
        words = shlex.split(text.replace("“", '"').replace("”", '"'))
    except ValueError:
        raise UserError("A cron line needs its closing quote.", WHEN_USAGE) from None
    zone = default_zone
    if len(words) >= 2 and words[-2].lower() == "tz":
        zone = zone_or_error(words[-1])
        words = words[:-2]
    if not words:
        raise UserError("When should it run?", WHEN_USAGE)
    kind = words[0].lower()
    args = words[1:]
    if kind in ("daily", "weekdays") and len(args) == 1:
        hour, minute = _time(args[0])
        cron = f"{minute} {hour} * * {'*' if kind == 'daily' else 'mon-fri'}"
    elif kind == "weekly" and len(args) == 2:
        day = _DAY_NAMES.get(args[0].lower())
        if day is None:
            raise UserError(f"*{args[0][:20]}* isn't a day: use mon, tue, ... sun.", WHEN_USAGE)
        hour, minute = _time(args[1])
        cron = f"{minute} {hour} * * {day}"
    elif kind == "cron" and len(args) == 1:
        cron = _check_cron(args[0])
    elif kind == "cron":
        raise UserError('Put the cron line in quotes: cron "0 9 * * 1".', WHEN_USAGE)
    else:
        raise UserError(f"I can't read *{text.strip()[:60]}* as a time.", WHEN_USAGE)
    return When(cron=cron, zone=zone)


def _check_cron(line: str) -> str:
    fields = line.split()
    if len(fields) != 5:
        raise UserError(
            f"A cron line has five fields (minute hour day month weekday); `{line[:40]}` "
            f"has {len(fields)}.",
            WHEN_USAGE,
        )
    if not fields[0].isdigit():
        # A prompt at most once an hour: more often is noise, not a nudge.
        raise UserError(
            "Prompts run at most once an hour: give the minute as a single number "
            '(cron "30 9 * * 1-5").',
            WHEN_USAGE,
        )
    try:
        CronTrigger.from_crontab(line)
    except ValueError as err:
        raise UserError(f"That cron line doesn't work: {err}.", WHEN_USAGE) from None
    return " ".join(fields)


def occurrences_between(when: When, start: datetime, end: datetime) -> list[datetime]:
    """Every occurrence in (start, end], as aware datetimes. Bounded by the caller's window."""
    trigger = when.trigger()
    found: list[datetime] = []
    previous = None
    current = trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
    while current is not None and current <= end:
        found.append(current)
        previous = current
        current = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
    return found


def latest_occurrence(when: When, now: datetime, window: timedelta) -> datetime | None:
    """The last occurrence in (now - window, now], or None."""
    found = occurrences_between(when, now - window, now)
    return found[-1] if found else None


def next_occurrence(when: When, now: datetime) -> datetime | None:
    return when.trigger().get_next_fire_time(None, now)
