"""The pulse form: the ten statements, each rated 1 to 10, and one optional line; building
the view and reading it back. Which round and which DM it came from travel in
private_metadata (no answer is ever written there)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.blocks import defused
from bot.pulse.answers import MAX_COMMENT, Answer
from bot.pulse.render import HOW_ANONYMOUS
from bot.pulse.statements import QUESTION, STATEMENTS
from bot.text import clean

CALLBACK = "pulse_answer_modal"
COMMENT = "pulse_comment"
PICK = "pick"
_LABELS = {1: "almost never", 5: "about half the time", 10: "almost always"}

KEEP = "pulse_keep_mine"
KEEP_LABEL = "Keep my own ratings so that I alone can compare them with the team's on App Home"
LEADER_NOTE = (
    "You lead here: at the end of the form you can choose to keep your own ratings with "
    "your name, for you alone. Unticked (the default), your answer is kept like everyone "
    "else's, with no name. A kept answer doesn't count toward the answers needed to show "
    "the result."
)


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form errors")
        self.errors = errors


@dataclass(frozen=True)
class Origin:
    """Where the form came from: the round, and the DM whose buttons it replaces."""

    round_id: int
    channel: str = ""
    ts: str = ""
    leader: bool = False  # decided when the form opened (a leader sees the keep box)

    def meta(self) -> str:
        data = {"r": self.round_id, "c": self.channel, "t": self.ts, "l": int(self.leader)}
        return json.dumps(data)

    @classmethod
    def read(cls, raw: str) -> Origin | None:
        try:
            data = json.loads(raw or "{}")
            round_id = int(data["r"])
        except (ValueError, KeyError, TypeError):
            return None
        channel, ts = str(data.get("c") or ""), str(data.get("t") or "")
        return cls(round_id, channel, ts, data.get("l") == 1)


def _block_id(commitment: str) -> str:
    return f"pulse_{commitment}"


def _option(n: int) -> Option:
    label = f"{n} · {_LABELS[n]}" if n in _LABELS else str(n)
    return Option(text=label, value=str(n))


def answer_view(origin: Origin, channel_id: str, min_group: int) -> dict[str, Any]:
    """The form for a round of the pulse in `channel_id` (with the keep box for a leader)."""
    leader = origin.leader
    options = [_option(n) for n in range(1, 11)]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*How does <#{channel_id}> lead?* {QUESTION}")),
        ContextBlock(elements=[MarkdownTextObject(text=HOW_ANONYMOUS.format(n=min_group))]),
    ]
    if leader:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=LEADER_NOTE)]))
    for practice in catalogue.PRACTICES:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"{practice.emoji} *{practice.name}*")])
        )
        for statement in (s for s in STATEMENTS if s.practice == practice.key):
            blocks.append(
                InputBlock(
                    block_id=_block_id(statement.commitment),
                    label=statement.text,
                    element=StaticSelectElement(
                        action_id=PICK, placeholder="How often?", options=options
                    ),
                )
            )
    blocks.append(
        InputBlock(
            block_id=COMMENT,
            label="One thing we could do better",
            optional=True,
            hint="Optional, shown to the channel word for word (without your name), "
            "in no particular order. Leave out names.",
            element=PlainTextInputElement(
                action_id="text", max_length=MAX_COMMENT, placeholder="One line"
            ),
        )
    )
    if leader:
        blocks.append(
            InputBlock(
                block_id=KEEP,
                label=KEEP_LABEL,
                optional=True,
                element=CheckboxesElement(
                    action_id=KEEP,
                    options=[Option(text="Yes, keep my own ratings (for me alone)", value="keep")],
                ),
            )
        )
    view = View(
        type="modal",
        callback_id=CALLBACK,
        title="Practice pulse",
        submit="Send",
        close="Not now",
        private_metadata=origin.meta(),
        blocks=blocks,
    )
    return dict(defused(view.to_dict()))


def read_answer(view: dict[str, Any]) -> Answer:
    """The ratings and the line from a submitted form; FormErrors names what is missing."""
    values = (view.get("state") or {}).get("values") or {}
    ratings: dict[str, int] = {}
    errors: dict[str, str] = {}
    for statement in STATEMENTS:
        block_id = _block_id(statement.commitment)
        picked = ((values.get(block_id) or {}).get(PICK) or {}).get("selected_option") or {}
        raw = str(picked.get("value") or "")
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10:
            ratings[statement.commitment] = int(raw)
        else:
            errors[block_id] = "Pick how often, from 1 to 10."
    if errors:
        raise FormErrors(errors)
    text = str(((values.get(COMMENT) or {}).get("text") or {}).get("value") or "")
    comment = " ".join(clean(text).split())[:MAX_COMMENT] or None
    ticked = ((values.get(KEEP) or {}).get(KEEP) or {}).get("selected_options") or []
    keep = any(isinstance(o, dict) and o.get("value") == "keep" for o in ticked)
    return Answer(ratings=ratings, comment=comment, keep_mine=keep)
