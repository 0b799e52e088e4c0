"""The habit form: the practice (the person's least practised first), a tiny action from
the suggestions or in their own words, a cue from their routine, and when, in their zone;
building the view and reading it back. (What they did, in a line: bot/habits/notes.py.)"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.habits import suggestions, when
from bot.habits.service import Plan
from bot.text import clean, clip

SETUP_CALLBACK = "habit_setup_modal"
PRACTICE = "habit_practice"
PRACTICE_PICK = "habit_practice_pick"
ACTION_PREFIX = "habit_action_"
OWN_ACTION = "habit_own_action"
CUE = "habit_cue"
OWN_CUE = "habit_own_cue"
DAYS = "habit_days"
TIME = "habit_time"
ZONE = "habit_zone"
MAX_ACTION = 200
DEFAULT_DAYS = (0, 1, 2, 3, 4)
DEFAULT_MINUTE = 9 * 60


@dataclass(frozen=True)
class Form:
    """What the form opens with, and what it remembers (private_metadata)."""

    channel_id: str  # where check-ins count ("" when set up from App Home)
    practice: str
    least: str  # the person's least practised, marked in the list
    zone: str
    action: str | None = None
    cue: str | None = None
    days: tuple[int, ...] = DEFAULT_DAYS
    at_minute: int = DEFAULT_MINUTE
    zone_from_slack: bool = True

    def meta(self) -> str:
        return json.dumps(
            {"c": self.channel_id, "l": self.least, "z": self.zone, "s": self.zone_from_slack}
        )


def _option(text: str, value: str) -> Option:
    return Option(text=clip(text, 75), value=value)


def _practice_option(key: str, least: str) -> Option:
    name = catalogue.practice(key).name
    return _option(f"{name} (your least practised)" if key == least else name, key)


def setup_view(form: Form) -> View:
    """The form, for `form.practice`; picking another practice redraws it (views.update)
    with that practice's suggestions, keeping what was typed elsewhere."""
    practices = [_practice_option(p, form.least) for p in catalogue.PRACTICE_KEYS]
    choices = suggestions.options_for(form.practice)
    actions = [_option(text, f"{c}:{i}") for i, (c, text) in enumerate(choices)]
    own = form.action if form.action and form.action not in [t for _, t in choices] else None
    picked = next((actions[i] for i, (_, t) in enumerate(choices) if t == form.action), None)
    cues = [_option(c, str(i)) for i, c in enumerate(suggestions.CUES)]
    own_cue = form.cue if form.cue and form.cue not in suggestions.CUES else None
    cue_picked = next((cues[i] for i, c in enumerate(suggestions.CUES) if c == form.cue), None)
    days = [_option(name, str(i)) for i, name in enumerate(when.DAY_NAMES)]
    return View(
        type="modal",
        callback_id=SETUP_CALLBACK,
        title="Your tiny habit",
        submit="Save",
        close="Cancel",
        private_metadata=form.meta(),
        blocks=[
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="One small action, tied to something you already do. Only you "
                        "see it; pause or stop it any time."
                    )
                ]
            ),
            InputBlock(
                block_id=PRACTICE,
                label="Practice",
                dispatch_action=True,
                element=StaticSelectElement(
                    action_id=PRACTICE_PICK,
                    options=practices,
                    initial_option=practices[catalogue.PRACTICE_KEYS.index(form.practice)],
                ),
            ),
            InputBlock(
                # A block id per practice: another practice's list starts afresh.
                block_id=ACTION_PREFIX + form.practice,
                label="A tiny action (under two minutes)",
                optional=True,
                element=StaticSelectElement(
                    action_id="pick",
                    placeholder="Pick one",
                    options=actions,
                    initial_option=picked,
                ),
            ),
            InputBlock(
                block_id=OWN_ACTION,
                label="Or in your own words",
                optional=True,
                element=PlainTextInputElement(
                    action_id="text",
                    max_length=MAX_ACTION,
                    placeholder="ask one quiet person for their view",
                    initial_value=own,
                ),
            ),
            InputBlock(
                block_id=CUE,
                label="When in your routine?",
                optional=True,
                element=StaticSelectElement(
                    action_id="pick",
                    placeholder="After...",
                    options=cues,
                    initial_option=cue_picked,
                ),
            ),
            InputBlock(
                block_id=OWN_CUE,
                label="Or your own cue",
                optional=True,
                element=PlainTextInputElement(
                    action_id="text",
                    max_length=MAX_ACTION,
                    placeholder="after I read my first email",
                    initial_value=own_cue,
                ),
            ),
            InputBlock(
                block_id=DAYS,
                label="On these days",
                element=CheckboxesElement(
                    action_id="pick",
                    options=days,
                    initial_options=[days[d] for d in form.days],
                ),
            ),
            InputBlock(
                block_id=TIME,
                label="At",
                element=TimePickerElement(
                    action_id="pick", initial_time=when.time_text(form.at_minute)
                ),
            ),
            InputBlock(
                block_id=ZONE,
                label="Time zone",
                hint="From your Slack profile; change it if it's wrong.",
                element=PlainTextInputElement(
                    action_id="text", initial_value=form.zone, max_length=64
                ),
            ),
        ],
    )


class FormErrors(Exception):
    """Field errors to show in the form (block id -> message); nothing is saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def field(values: dict[str, Any], block: str) -> dict[str, Any]:
    """The value of the one element in a submitted block."""
    inner = values.get(block) or {}
    return next(iter(inner.values()), {}) if isinstance(inner, dict) else {}


def read_setup(view: dict[str, Any]) -> tuple[Plan, str]:
    """The plan and the channel from a submitted form; FormErrors if a field is wrong."""
    meta = metadata(view)
    values = view.get("state", {}).get("values", {})
    errors: dict[str, str] = {}
    practice = (field(values, PRACTICE).get("selected_option") or {}).get("value")
    if practice not in catalogue.PRACTICE_KEYS:
        raise FormErrors({PRACTICE: "Pick a practice."})
    action_block = ACTION_PREFIX + practice
    own = clean(field(values, OWN_ACTION).get("value") or "").strip()
    picked = (field(values, action_block).get("selected_option") or {}).get("value") or ""
    commitment = catalogue.practice(practice).tag_commitment
    action = own[:MAX_ACTION]
    if not action:
        try:
            commitment, action = suggestions.commitment_of(practice, int(picked.split(":")[1]))
        except (IndexError, ValueError):
            errors[action_block] = "Pick a tiny action, or write your own below."
    cue = clean(field(values, OWN_CUE).get("value") or "").strip()[:MAX_ACTION]
    if not cue:
        index = (field(values, CUE).get("selected_option") or {}).get("value") or ""
        if index.isdigit() and int(index) < len(suggestions.CUES):
            cue = suggestions.CUES[int(index)]
        else:
            errors[CUE] = "Pick a moment in your routine, or write your own below."
    days = _days(values)
    if not days:
        errors[DAYS] = "Pick at least one day."
    minute = when.picked_time(field(values, TIME).get("selected_time"))
    if minute is None:
        errors[TIME] = "Pick a time."
    typed_zone = str(field(values, ZONE).get("value") or "").strip()
    zone = when.zone_or_none("UTC" if typed_zone.lower() == "utc" else typed_zone)
    if zone is None:
        errors[ZONE] = "Use a zone name like Europe/Paris or America/New_York."
    if errors:
        raise FormErrors(errors)
    assert minute is not None and zone is not None
    plan = Plan(
        days=days,
        at_minute=minute,
        zone=zone,
        zone_from_slack=bool(meta.get("s", True)) and zone == meta.get("z"),
        practice=practice,
        commitment=commitment,
        action=action,
        cue=cue,
    )
    return plan, str(meta.get("c") or "")


def form_again(view: dict[str, Any], practice: str) -> Form:
    """The open form, as it stands, redrawn for another practice (views.update keeps what
    was typed in blocks whose ids don't change)."""
    meta = metadata(view)
    least = str(meta["l"]) if meta.get("l") in catalogue.PRACTICE_KEYS else practice
    values = view.get("state", {}).get("values", {})
    days = _days(values)
    slack_zone = str(meta.get("z") or "UTC")
    zone = str(field(values, ZONE).get("value") or "").strip()[:64] or slack_zone
    return Form(
        channel_id=str(meta.get("c") or ""),
        practice=practice,
        least=least,
        zone=zone,
        days=days or DEFAULT_DAYS,
        at_minute=_minute_or_default(field(values, TIME).get("selected_time")),
        # A zone typed by hand stays the person's own: the redrawn form remembers it as
        # theirs, so Slack's zone never replaces it.
        zone_from_slack=bool(meta.get("s", True)) and zone == slack_zone,
    )


def _minute_or_default(value: object) -> int:
    minute = when.picked_time(value)
    return DEFAULT_MINUTE if minute is None else minute


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The form's private_metadata, or {} when it is unreadable (it is ours, but arrives
    in a request like any other)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _days(values: dict[str, Any]) -> tuple[int, ...]:
    """The weekdays ticked in the form, Monday 0."""
    picked = field(values, DAYS).get("selected_options") or []
    return tuple(
        sorted(
            {
                int(o["value"])
                for o in picked
                if isinstance(o, dict) and str(o.get("value", "")).isdigit() and int(o["value"]) < 7
            }
        )
    )
