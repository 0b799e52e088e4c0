"""The **Log what we learned** button on a pilot shown in its channel: a small form whose
answer is logged as a learning tied to the pilot (`parent_id`), counted under Challenge the
Process like a reply in the pilot's thread, and posted in that thread. Anyone in the
channel may use it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.prompts.responses import Logged, log_response
from bot.prompts.threads import LEARNING_HOME
from bot.text import MAX_TEXT, clean, clip, quote
from models.tables import Response

LEARNED_ACTION = "pilot_learned"
FORM_CALLBACK = "pilot_learning_form"
LEARNED = "learned"
GONE = "That experiment is no longer here, so there's nothing to log a learning on."


@dataclass(frozen=True)
class Pilot:
    """A pilot shown in its channel, as the button and the form know it."""

    id: int
    channel_id: str
    message_ts: str | None
    text: str

    def dump(self) -> str:
        return json.dumps({"p": self.id})


def pilot_id(raw: str) -> int | None:
    """The pilot id a button carries, or None when it is anything else."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def form_pilot(raw: str) -> int | None:
    """The pilot id in the form's private_metadata; None when unreadable."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return pilot_id(str(data.get("p", ""))) if isinstance(data, dict) else None


def find(session: Session, *, team_id: str, pilot: int) -> Pilot | None:
    """The pilot `pilot` of this workspace, if it exists."""
    row = session.scalars(
        select(Response).where(
            Response.team_id == team_id, Response.id == pilot, Response.kind == "pilot"
        )
    ).first()
    if row is None:
        return None
    return Pilot(row.id, row.channel_id, row.message_ts, row.text)


def learning_form(pilot: Pilot) -> View:
    """The form behind the button: what the experiment taught us."""
    return View(
        type="modal",
        callback_id=FORM_CALLBACK,
        title="What we learned",
        submit="Log it",
        close="Cancel",
        private_metadata=pilot.dump(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"*The experiment*\n{quote(clip(pilot.text, 2500))}")
            ),
            InputBlock(
                block_id=LEARNED,
                label="What did it teach us?",
                element=PlainTextInputElement(
                    action_id=LEARNED,
                    multiline=True,
                    max_length=MAX_TEXT,
                    placeholder="It worked, it didn't, or it surprised us: and what we'll do now",
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Posted in the experiment's thread with your name. It counts "
                        "under Challenge the Process."
                    )
                ]
            ),
        ],
    )


def read_learning(view: dict[str, Any]) -> str:
    """The submitted learning; UserError when it says nothing."""
    values = (view.get("state") or {}).get("values") or {}
    text = clean(str(((values.get(LEARNED) or {}).get(LEARNED) or {}).get("value") or "")).strip()
    if not any(ch.isalnum() for ch in text):
        raise UserError("Write what the experiment taught you.")
    return text[:MAX_TEXT]


def log_learning(
    session: Session,
    *,
    team_id: str,
    pilot: int,
    user_id: str,
    text: str,
    dedupe_key: str,
    now: datetime,
) -> tuple[Pilot, Logged | None]:
    """Log `text` as a learning from pilot `pilot`, in its channel, once per `dedupe_key`
    (None: logged already). UserError when the pilot is gone."""
    found = find(session, team_id=team_id, pilot=pilot)
    if found is None:
        raise UserError(GONE)
    practice, commitment = LEARNING_HOME
    logged = log_response(
        session,
        team_id=team_id,
        channel_id=found.channel_id,
        user_id=user_id,
        kind="learning",
        text=text,
        source="modal",
        now=now,
        practice=practice,
        commitment=commitment,
        dedupe_key=dedupe_key,
        parent_id=found.id,
    )
    return found, logged
