"""`/nudge me [pause <n>d|<n>w | resume | off]` and `/nudge habits invite`, read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError

ME_USAGE = "/nudge me [pause 3d|2w | resume | off]"
HABITS_USAGE = "/nudge habits invite"
MAX_PAUSE_DAYS = 90
_PAUSE = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$")


@dataclass(frozen=True)
class Me:
    verb: str  # show, pause, resume, off
    pause_days: int = 0


def parse_me(text: str) -> Me:
    words = text.strip().lower().split(None, 1)
    if not words:
        return Me("show")
    verb, rest = words[0], (words[1] if len(words) > 1 else "").strip()
    if verb in ("resume", "on") and not rest:
        return Me("resume")
    if verb in ("off", "stop") and not rest:
        return Me("off")
    if verb == "pause":
        return Me("pause", _pause_days(rest))
    raise UserError(
        f"I don't know `/nudge me {text.strip()[:40]}`. `/nudge me` shows your habit (or sets "
        "one up); add `pause 1w`, `resume` or `off`.",
        ME_USAGE,
    )


def _pause_days(text: str) -> int:
    if not text:
        raise UserError("For how long? Say `pause 3d` or `pause 2w`.", ME_USAGE)
    match = _PAUSE.match(text.replace(" ", "") if len(text) < 12 else text)
    if not match:
        raise UserError(
            f"I can't read *{text[:20]}* as a length of time. Say `3d` or `2w`.", ME_USAGE
        )
    days = int(match[1]) * (7 if match[2].startswith("w") else 1)
    if not 1 <= days <= MAX_PAUSE_DAYS:
        raise UserError(
            f"Pause for 1 day up to {MAX_PAUSE_DAYS} days; for longer, `/nudge me off` and "
            "`/nudge me resume` when you're back.",
            ME_USAGE,
        )
    return days


def parse_habits(text: str) -> str:
    if text.strip().lower() == "invite":
        return "invite"
    raise UserError(
        "Leaders invite, never enrol: `/nudge habits invite` posts a message here with a "
        "button for whoever wants a habit.",
        HABITS_USAGE,
    )
