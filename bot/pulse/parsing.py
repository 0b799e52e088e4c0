"""Parsing `/nudge pulse [on monthly|quarterly [<day> HH:MM] [tz <zone>] | off | now |
results | join]`. Pure; bad input raises UserError with the right form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.scheduling.when import When, zone_or_error
from bot.text import clip_word

PULSE_USAGE = (
    "/nudge pulse on monthly|quarterly [mon 10:00] [tz Europe/Berlin] | off | now | results | join"
)
ACTIONS = ("status", "on", "off", "now", "results", "join")
LEADERS_ONLY = ("on", "off", "now")
CADENCES = {"monthly": "*", "quarterly": "1,4,7,10"}
DAYS = {
    "mon": "mon",
    "monday": "mon",
    "tue": "tue",
    "tues": "tue",
    "tuesday": "tue",
    "wed": "wed",
    "weds": "wed",
    "wednesday": "wed",
    "thu": "thu",
    "thur": "thu",
    "thurs": "thu",
    "thursday": "thu",
    "fri": "fri",
    "friday": "fri",
}
DEFAULT_DAY, DEFAULT_TIME = "mon", (10, 0)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


@dataclass(frozen=True)
class PulseRequest:
    action: str  # one of ACTIONS
    when: When | None = None  # for "on"


def pulse_cron(cadence: str, day: str, hour: int, minute: int) -> str:
    """The first `day` of each month (or of each quarter's first month) at hour:minute.
    APScheduler's CronTrigger requires both the day of the month (1-7) and the weekday,
    which is exactly "the first Monday"."""
    return f"{minute} {hour} 1-7 {CADENCES[cadence]} {day}"


def parse_pulse(rest: str, default_zone: str) -> PulseRequest:
    words = rest.split()
    if not words:
        return PulseRequest("status")
    sub = words[0].lower()
    args = words[1:]
    if sub in ("off", "now", "results", "join", "status"):
        if args:
            raise UserError(f"`/nudge pulse {sub}` takes nothing more.", PULSE_USAGE)
        return PulseRequest(sub)
    if sub != "on":
        raise UserError(f"`/nudge pulse` doesn't have *{clip_word(sub)}*.", PULSE_USAGE)
    return PulseRequest("on", when=_when(args, default_zone))


def _when(args: list[str], default_zone: str) -> When:
    zone = default_zone
    if len(args) >= 2 and args[-2].lower() == "tz":
        zone = zone_or_error(args[-1])
        args = args[:-2]
    if not args:
        raise UserError("How often: `monthly` or `quarterly`?", PULSE_USAGE)
    cadence = args[0].lower()
    if cadence not in CADENCES:
        raise UserError(
            f"*{clip_word(args[0])}* isn't a rhythm for the pulse: use `monthly` or "
            "`quarterly` (a pulse more often than monthly is more noise than signal).",
            PULSE_USAGE,
        )
    rest = args[1:]
    day, (hour, minute) = DEFAULT_DAY, DEFAULT_TIME
    if rest:
        if len(rest) != 2:
            raise UserError("Give a day and a time, like `mon 10:00`.", PULSE_USAGE)
        found = DAYS.get(rest[0].lower())
        if found is None:
            raise UserError(
                f"*{clip_word(rest[0])}* isn't a working day: use mon, tue, wed, thu or fri "
                "(the pulse opens on the first one of the month).",
                PULSE_USAGE,
            )
        match = _TIME.match(rest[1])
        if not match:
            raise UserError(
                f"*{clip_word(rest[1])}* isn't a time of day: use 24-hour HH:MM, like 10:00.",
                PULSE_USAGE,
            )
        day, hour, minute = found, int(match.group(1)), int(match.group(2))
    return When(cron=pulse_cron(cadence, day, hour, minute), zone=zone)


def describe(when: When) -> str:
    """`the first Monday of every month at 10:00 (Europe/Berlin)`."""
    minute, hour, _dom, month, dow = when.cron.split()
    day = {
        "mon": "Monday",
        "tue": "Tuesday",
        "wed": "Wednesday",
        "thu": "Thursday",
        "fri": "Friday",
    }.get(dow, dow)
    every = "month" if month == "*" else "quarter (Jan, Apr, Jul, Oct)"
    return f"the first {day} of every {every} at {int(hour):02d}:{int(minute):02d} ({when.zone})"
