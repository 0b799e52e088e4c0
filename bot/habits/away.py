"""Whether a person is away right now, from what Slack says about them: do-not-disturb
(`dnd.info`) or a status that says so (`users.info` profile). Pure functions on Slack's
answers; a reminder for someone away is skipped, never sent later."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# Status emoji people set when they are out: holiday, travel, illness, leave.
AWAY_EMOJI = frozenset(
    {
        ":palm_tree:",
        ":desert_island:",
        ":beach_with_umbrella:",
        ":airplane:",
        ":airplane_departure:",
        ":face_with_thermometer:",
        ":thermometer:",
        ":mask:",
        ":sneezing_face:",
        ":nauseated_face:",
        ":pill:",
        ":hospital:",
        ":baby:",
        ":no_entry:",
        ":zzz:",
        ":sleeping:",
        ":christmas_tree:",
        ":ski:",
        ":luggage:",
    }
)
_AWAY_WORDS = re.compile(
    r"\b(vacation|vacay|holidays?|out of (the )?office|ooo|pto|off sick|sick|ill|"
    r"on leave|leave|parental|away|travell?ing|off today|day off|offline|annual leave)\b",
    re.IGNORECASE,
)


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


# A status set to last at least this long from now is a day (or more) out, whatever it says
# ("Out today", "Conference"); a shorter one (a meeting, a commute) is not being away.
AWAY_FOR = 4 * 3600


def status_away(profile: Mapping[str, Any], now: datetime) -> bool:
    """A status that says the person is out (an away emoji or words), or any status set to
    last at least four more hours. A meeting or a commute is not being away: a habit
    reminder set for that time would otherwise never come."""
    emoji = str(profile.get("status_emoji") or "")
    text = str(profile.get("status_text") or "")
    expires = _number(profile.get("status_expiration"))
    if not emoji and not text:
        return False
    if expires:  # a status whose time ran out says nothing any more (Slack clears it soon)
        if expires <= now.timestamp():
            return False
        if expires - now.timestamp() >= AWAY_FOR:
            return True
    return emoji in AWAY_EMOJI or bool(_AWAY_WORDS.search(text))


def dnd_on(info: Mapping[str, Any], now: datetime) -> bool:
    """Do-not-disturb is on now: snoozed, or inside the scheduled quiet hours."""
    if info.get("snooze_enabled") and _number(info.get("snooze_endtime")) > now.timestamp():
        return True
    if not info.get("dnd_enabled"):
        return False
    start, end = _number(info.get("next_dnd_start_ts")), _number(info.get("next_dnd_end_ts"))
    if not (start and end) or now.timestamp() >= end:
        return False
    # Inside the quiet hours Slack may name the window under way or already the next one
    # (a start after the end it names): either way they end at `end`, still ahead.
    return start <= now.timestamp() or start > end


def quiet_at(info: Mapping[str, Any], moment: datetime) -> bool:
    """`moment` falls in the next do-not-disturb window Slack names (to warn someone whose
    reminder time their quiet hours would swallow)."""
    if not info.get("dnd_enabled"):
        return False
    start, end = _number(info.get("next_dnd_start_ts")), _number(info.get("next_dnd_end_ts"))
    return bool(start and end) and start <= moment.timestamp() < end


def person_gone(user: Mapping[str, Any]) -> bool:
    """The person left or was deactivated."""
    return bool(user.get("deleted"))
