"""Responses: wins, hopes, fears, goals, pilots, ideas, learnings, reflections, visions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.digest import milestones
from bot.digest.milestones import Reached
from bot.prompts import anonymous
from models.queries import ensure_workspace, insert_once
from models.tables import Prompt, Response

SOURCES = ("command", "modal", "thread")

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


@dataclass(frozen=True)
class Logged:
    id: int
    kind: str
    practice: str
    commitment: str
    user_id: str | None
    text: str
    # Milestones this response reached (the first pilot); shown_now ones go in its message.
    milestones: tuple[Reached, ...] = ()
    # The team value a win shows, as the team wrote it then.
    team_value: str | None = None


def log_response(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    user_id: str | None,
    kind: str,
    text: str,
    source: str,
    now: datetime,
    practice: str | None = None,
    commitment: str | None = None,
    prompt_id: int | None = None,
    dedupe_key: str | None = None,
    parent_id: int | None = None,
    team_value: str | None = None,
) -> Logged | None:
    """Log one response; None if `dedupe_key` was logged already.

    Without a practice, the kind decides where it counts (a hope counts under Inspire a
    Shared Vision). `parent_id` ties a learning to its pilot; `team_value` is the team value a
    win shows. A fear is stored without
    any user id or dedupe key, whoever passes them: its double submits are caught in
    memory (bot/prompts/anonymous.py).
    """
    if kind not in catalogue.RESPONSE_KINDS or kind == "kudos":
        raise ValueError(f"not a response kind: {kind}")
    if source not in SOURCES:
        raise ValueError(f"not a source: {source}")
    home_practice, home_commitment = catalogue.KIND_HOME[kind]
    if practice is None:
        practice, commitment = home_practice, home_commitment
    elif commitment is None:
        commitment = catalogue.practice(practice).tag_commitment
    if kind == "fear":
        user_id = None
        if dedupe_key is not None and not anonymous.first_time(session, dedupe_key):
            return None
        dedupe_key = None
    ensure_workspace(session, team_id)
    row = Response(
        team_id=team_id,
        channel_id=channel_id,
        user_id=user_id,
        kind=kind,
        practice=practice,
        commitment=commitment,
        text=text,
        source=source,
        prompt_id=prompt_id,
        dedupe_key=dedupe_key,
        parent_id=parent_id,
        created_at=now,
        team_value=team_value,
    )
    if not insert_once(session, row):
        return None
    reached = milestones.after_response(
        session,
        team_id=team_id,
        channel_id=channel_id,
        user_id=user_id,
        kind=kind,
        now=now,
        announced=source != "thread",  # a thread reply gets a reaction, not a message
    )
    return Logged(row.id, kind, practice, commitment, user_id, text, reached, team_value)


def mentioned(text: str, author: str | None) -> list[str]:
    """The people a text names (`<@U...>`), in order, once each, its author left out."""
    found: list[str] = []
    for user in _MENTION.findall(text):
        if user != author and user not in found:
            found.append(user)
    return found


def named_in_a_reply_before(session: Session, *, team_id: str, user_id: str, before: int) -> bool:
    """Whether `user_id` named someone in an earlier reply in the thread of a prompt that
    isn't a kudos prompt (and so was told then that naming someone there gives no kudos)."""
    texts = session.scalars(
        select(Response.text)
        .join(Prompt, Prompt.id == Response.prompt_id)
        .where(
            Response.team_id == team_id,
            Response.user_id == user_id,
            Response.source == "thread",
            Response.id < before,
            Response.text.contains("<@"),
            Prompt.response_kind != "kudos",
        )
        .limit(50)
    )
    return any(mentioned(text, user_id) for text in texts)
