"""The one-line form under a done check-in: what did you do?"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.habits.modals import FormErrors, field
from bot.text import clean

NOTE_CALLBACK = "habit_note_modal"
NOTE = "habit_note_text"
MAX_NOTE = 500


def note_view(day_id: int) -> View:
    """One optional line: what did you do?"""
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
                hint="Only you see it. Name someone (@ana) and it's logged as kudos for them.",
                element=PlainTextInputElement(
                    action_id="text", max_length=MAX_NOTE, placeholder="thanked Ana for ..."
                ),
            )
        ],
    )


def read_note(view: dict[str, Any]) -> tuple[int, str]:
    """(day id, the line); FormErrors when blank."""
    meta = json.loads(view.get("private_metadata") or "{}")
    text = clean(field(view.get("state", {}).get("values", {}), NOTE).get("value") or "").strip()
    if not text:
        raise FormErrors({NOTE: "Write a few words, or close this form."})
    return int(meta.get("d") or 0), text
