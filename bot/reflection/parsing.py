"""Reading `/nudge reflect [on <day> HH:MM [tz <zone>] | off]` and the next-week form. Pure;
bad input raises UserError with the right form."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.commitments.dates import add_years
from bot.errors import UserError
from bot.habits import when
from bot.text import MAX_TEXT, clean, clip_word

REFLECT_USAGE = "/nudge reflect on <mon..sun> HH:MM [tz <zone>] | off"
# The next-week form's fields (block and action ids alike).
WHAT = "what"
DUE = "due"
DEFAULT_DAYS_AHEAD = 7


@dataclass(frozen=True)
class ReflectRequest:
    """`status` (nothing typed), `on` with its day, time and typed zone (None: the person's
    zone from Slack), or `off`."""

    action: str
    day: int | None = None
    at_minute: int | None = None
    zone: str | None = None

    @property
    def turning_on(self) -> bool:
        return self.action == "on"


def parse_reflect(rest: str) -> ReflectRequest:
    """Nothing (is it on, and when), `on <day> HH:MM [tz <zone>]`, or `off`."""
    words = rest.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    arg = words[1].strip() if len(words) > 1 else ""
    if not sub:
        return ReflectRequest("status")
    if sub == "on":
        return _on(arg)
    if sub in ("off", "stop"):
        if arg:
            raise UserError(
                f"`/nudge reflect off` needs nothing after it (not *{clip_word(arg)}*).",
                REFLECT_USAGE,
            )
        return ReflectRequest("off")
    raise UserError(f"`/nudge reflect` doesn't have *{clip_word(sub)}*.", REFLECT_USAGE)


def _on(text: str) -> ReflectRequest:
    """`fri 16:00`, `friday at 4pm`, `fri 16:00 tz Europe/Paris`."""
    words = text.split()
    zone = None
    if len(words) >= 2 and words[-2].lower() == "tz":
        zone = _read(when.parse_zone, words[-1])
        words = words[:-2]
    words = [w for w in words if w.lower() != "at"]
    if len(words) != 2:
        shown = f" (not *{clip_word(' '.join(words))}*)" if words else ""
        raise UserError(
            f"When should it come? Give one day and a time{shown}, like `fri 16:00`.",
            REFLECT_USAGE,
        )
    days = _read(when.parse_days, words[0])
    if len(days) != 1:
        raise UserError(
            "The reflection is weekly: pick one day, like `fri`.",
            REFLECT_USAGE,
        )
    return ReflectRequest("on", days[0], _read(when.parse_time, words[1]), zone)


def _read(parse: Any, text: str) -> Any:
    """`parse(text)`, its UserError showing the reflect form."""
    try:
        return parse(text)
    except UserError as err:
        raise UserError(err.message, REFLECT_USAGE) from None


class FormError(UserError):
    """A field of the next-week form is missing or out of range: `field` is WHAT or DUE."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NextStep:
    """What the leader will do next week, read from the form: the text (as typed; escape
    it before showing it in mrkdwn) and its due date."""

    text: str
    due_on: date


# The next-week form came back with what it remembers unreadable: never from Slack as we
# wrote it, but said kindly (the form stays open, with what they wrote, to copy).
FORM_UNREADABLE = (
    "Sorry, I can't read this form any more. Copy what you wrote, close the form and press "
    "What will you do next week? again."
)


@dataclass(frozen=True)
class FormContext:
    """What the next-week form remembers (private_metadata): the direct message the
    reflection was sent in ("" for the person's DM, whichever it is), where the commitment
    is confirmed and later asked about, and the leader's zone."""

    channel_id: str
    zone: str

    def dump(self) -> str:
        return json.dumps({"c": self.channel_id, "z": self.zone})

    @classmethod
    def load(cls, raw: str) -> FormContext | None:
        """Read back what `dump` wrote; None when it is anything else (not JSON, a channel
        that isn't a direct message, a zone we don't know)."""
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        channel, zone = data.get("c"), data.get("z")
        if not isinstance(channel, str) or not re.fullmatch(r"(D[A-Z0-9]{1,31})?", channel):
            return None
        zone = when.zone_or_none(zone) if isinstance(zone, str) else None
        return None if zone is None else cls(channel, zone)


def default_due(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS_AHEAD)


def read_next(values: dict[str, Any], today: date) -> NextStep:
    """The submitted form's state values; FormError naming the field when something is
    missing or out of range."""
    raw = (values.get(WHAT) or {}).get(WHAT) or {}
    text = clean(str(raw.get("value") or "")).strip()
    if not re.sub(r"[\W_]+", "", text):
        raise FormError(WHAT, "Write one thing you'll do next week.")
    if len(text) > MAX_TEXT:
        raise FormError(WHAT, f"Please keep it under {MAX_TEXT:,} characters.")
    picked = str(((values.get(DUE) or {}).get(DUE) or {}).get("selected_date") or "")
    try:
        due = date.fromisoformat(picked)
    except ValueError:
        raise FormError(DUE, "Pick a day it's due.") from None
    if due < today:
        raise FormError(DUE, "That day has passed. Pick today or a day ahead.")
    if due > add_years(today, 1):
        raise FormError(DUE, "Pick a day within a year: break a big step into smaller ones.")
    return NextStep(text, due)
