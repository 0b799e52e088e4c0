"""Parsing `/nudge schedule add|list|pause|resume|remove ...`. Pure; bad input raises
UserError with the right form."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.scheduling.service import SCHEDULE_USAGE, parse_practice_or_rotate
from bot.scheduling.when import When, parse_when
from bot.text import clip_word

CHANGES = ("pause", "resume", "remove")


@dataclass(frozen=True)
class ScheduleRequest:
    """`list`; `add` with a practice (or rotate) and a when; or a change to schedule `raw_id`."""

    action: str
    practice: str | None = None
    when: When | None = None
    raw_id: str = ""


def parse_schedule(rest: str, default_zone: str) -> ScheduleRequest:
    words = rest.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    arg = words[1] if len(words) > 1 else ""
    if sub == "list":
        return ScheduleRequest("list")
    if sub == "add":
        parts = arg.split(maxsplit=1)
        if not parts:
            raise UserError("What should the schedule prompt?", SCHEDULE_USAGE)
        practice = parse_practice_or_rotate(parts[0])
        when = parse_when(parts[1] if len(parts) > 1 else "", default_zone)
        return ScheduleRequest("add", practice=practice, when=when)
    if sub in CHANGES:
        if not arg.strip():
            raise UserError(
                f"Which schedule? Give its number from `/nudge schedule list`: "
                f"`/nudge schedule {sub} 2`."
            )
        return ScheduleRequest(sub, raw_id=arg)
    what = f"`/nudge schedule` doesn't have *{clip_word(sub)}*." if sub else ""
    raise UserError(what or "What should I do with schedules?", SCHEDULE_USAGE)
