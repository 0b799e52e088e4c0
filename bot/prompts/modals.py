"""The Respond modal: its layout for each response kind, and reading a submission back."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.errors import UserError
from bot.recognition.parsing import MAX_RECIPIENTS
from bot.text import MAX_TEXT, clean, clip
from bot.values.parsing import STORED_CHARS

CALLBACK_ID = "respond_modal"
ANSWER = "answer"
RECIPIENTS = "recipients"
VALUE = "team_value"
# The kinds of answer that may name one of the team's values.
VALUE_KINDS = ("kudos", "win")

_TITLES = {
    "kudos": "Give kudos",
    "win": "Share a win",
    "fear": "Share a worry",
    "vision": "Share your picture",
}
_HINTS = {
    "kudos": "Posted in the channel for everyone to see.",
    "win": "Posted in the channel for everyone to see.",
    "fear": "Anonymous: your name is never stored or shown.",
}


@dataclass(frozen=True)
class ModalContext:
    """What the modal remembers about the prompt it answers (in private_metadata)."""

    channel_id: str
    prompt_key: str
    prompt_id: int | None
    message_ts: str | None

    def dump(self) -> str:
        return json.dumps(
            {"c": self.channel_id, "k": self.prompt_key, "p": self.prompt_id, "ts": self.message_ts}
        )

    @classmethod
    def load(cls, raw: str) -> ModalContext:
        data = json.loads(raw)
        return cls(data["c"], data["k"], data.get("p"), data.get("ts"))


@dataclass(frozen=True)
class Answer:
    text: str
    recipients: tuple[str, ...]
    # The team value the kudos or win shows, as chosen in the modal (None: no value).
    team_value: str | None = None


def response_modal(
    item: catalogue.Prompt,
    context: ModalContext,
    text: str | None = None,
    values: tuple[str, ...] = (),
) -> View:
    """A modal fitting the prompt's response kind: people and a reason for kudos, text else;
    for kudos and wins, an optional choice of the team's `values` when it has any. `text` is
    the question as it was posted: when it names a value, that value is chosen already."""
    question = clip(text or item.text, 3000)
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=question))]
    if item.kind == "kudos":
        blocks.append(
            InputBlock(
                block_id=RECIPIENTS,
                label="Who?",
                element=UserMultiSelectElement(
                    action_id=RECIPIENTS,
                    placeholder="Choose people",
                    max_selected_items=MAX_RECIPIENTS,
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ANSWER,
            label="What did they do?" if item.kind == "kudos" else "Your answer",
            element=PlainTextInputElement(
                action_id=ANSWER, multiline=True, max_length=MAX_TEXT, min_length=2
            ),
        )
    )
    if item.kind in VALUE_KINDS and values:
        named = next((v for v in values if text and f"*{v}*" in text), None)
        blocks.append(_value_choice(values, named))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=_HINTS.get(item.kind, "Posted in the prompt's thread with your name.")
                )
            ]
        )
    )
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=_TITLES.get(item.kind, "Respond"),
        submit="Send",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )


def _value_choice(values: tuple[str, ...], named: str | None) -> InputBlock:
    options = {
        v: Option(text=clip(html.unescape(v), 75), value=v[:STORED_CHARS]) for v in values[:100]
    }
    return InputBlock(
        block_id=VALUE,
        label="Which of our values did it show?",
        optional=True,
        element=StaticSelectElement(
            action_id=VALUE,
            placeholder="Choose a value (optional)",
            options=list(options.values()),
            initial_option=options.get(named) if named else None,
        ),
    )


def read_answer(view: dict[str, Any]) -> Answer:
    """Pull the answer out of a submitted view; UserError if it is blank."""
    values = view.get("state", {}).get("values", {})
    text = clean(values.get(ANSWER, {}).get(ANSWER, {}).get("value") or "").strip()
    recipients = tuple(values.get(RECIPIENTS, {}).get(RECIPIENTS, {}).get("selected_users") or ())
    chosen = (values.get(VALUE, {}).get(VALUE, {}).get("selected_option") or {}).get("value")
    if not text:
        raise UserError("Please write an answer.")
    team_value = str(chosen)[:STORED_CHARS] if chosen else None
    return Answer(text=text[:MAX_TEXT], recipients=recipients, team_value=team_value)
