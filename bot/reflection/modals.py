"""The form behind the reflection's **What will you do next week?** button: one step and its
due date. Reading it back is bot/reflection/parsing.py's `read_next`."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.reflection.parsing import DUE, WHAT, FormContext, default_due
from bot.text import MAX_TEXT

FORM_CALLBACK = "reflection_next_form"


def next_form(meta: FormContext, today: date) -> View:
    """The form behind the button: one step and its due date (a week ahead by default)."""
    return View(
        type="modal",
        callback_id=FORM_CALLBACK,
        title="Next week",
        submit="Commit",
        close="Cancel",
        private_metadata=meta.dump(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="What's one thing you'll do next week? Small and specific works "
                    "best: a conversation, a thank-you, an experiment."
                )
            ),
            InputBlock(
                block_id=WHAT,
                label="I will",
                element=PlainTextInputElement(
                    action_id=WHAT,
                    multiline=True,
                    max_length=MAX_TEXT,
                    placeholder="Ask Dev what would make on-call easier",
                ),
            ),
            InputBlock(
                block_id=DUE,
                label="By",
                element=DatePickerElement(
                    action_id=DUE, initial_date=default_due(today).isoformat()
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="It becomes a commitment in our direct messages. I'll ask how "
                        "it went on the day it's due."
                    )
                ]
            ),
        ],
    )
