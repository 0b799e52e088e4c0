"""The one-line form under a done check-in: what did you do?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, UserMultiSelectElement
from slack_sdk.models.views import View

from bot.habits.modals import FormErrors, field, metadata
from bot.text import clean

NOTE_CALLBACK = "habit_note_modal"
NOTE = "habit_note_text"
PEOPLE = "habit_note_people"
MAX_PEOPLE = 10
MAX_NOTE = 500


def note_view(day_id: int) -> View:
    """One line, what did you do?, and whom it was for (they get it as kudos)."""
    return View(
        type="modal",
        callback_id=NOTE_CALLBACK,
        title="What did you do?",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"d": day_id}),
        blocks=[
            InputBlock(
                block_id=NOTE,
                label="In a line",
                hint="Only you see it, unless you pick people below.",
                element=PlainTextInputElement(
                    action_id="text", max_length=MAX_NOTE, placeholder="thanked Ana for ..."
                ),
            ),
            InputBlock(
                block_id=PEOPLE,
                label="Was it for someone?",
                optional=True,
                hint="They get it as kudos from you, under your habit's practice.",
                element=UserMultiSelectElement(
                    action_id="people", placeholder="Pick people", max_selected_items=MAX_PEOPLE
                ),
            ),
        ],
    )


@dataclass(frozen=True)
class Note:
    day_id: int
    text: str
    people: tuple[str, ...]


def read_note(view: dict[str, Any]) -> Note:
    """The line and the people picked; FormErrors when the line is blank or too many people
    are picked."""
    meta = metadata(view)
    values = view.get("state", {}).get("values", {})
    text = clean(field(values, NOTE).get("value") or "").strip()
    if not text:
        raise FormErrors({NOTE: "Write a few words, or close this form."})
    picked = field(values, PEOPLE).get("selected_users") or []
    people = tuple(dict.fromkeys(str(u) for u in picked if isinstance(u, str) and u))
    if len(people) > MAX_PEOPLE:
        raise FormErrors({PEOPLE: f"Pick up to {MAX_PEOPLE} people."})
    day = str(meta.get("d") or "")
    return Note(int(day) if day.isdigit() and len(day) <= 9 else 0, text, people)
