"""Responses: wins, hopes, fears, goals, pilots, ideas, learnings, reflections, visions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import catalogue
from bot.digest import milestones
from bot.digest.milestones import Reached
from bot.prompts import anonymous
from models.queries import ensure_workspace, insert_once
from models.tables import Response

SOURCES = ("command", "modal", "thread")


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
) -> Logged | None:
    """Log one response; None if `dedupe_key` was logged already.

    Without a practice, the kind decides where it counts (a hope counts under Inspire a
    Shared Vision). A fear is stored without any user id or dedupe key, whoever passes
    them: its double submits are caught in memory (bot/prompts/anonymous.py).
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
        created_at=now,
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
    return Logged(row.id, kind, practice, commitment, user_id, text, reached)
