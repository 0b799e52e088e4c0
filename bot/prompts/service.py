"""Practice prompts: choosing one for a channel and recording what was posted."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import catalogue
from models.queries import ensure_workspace
from models.tables import Prompt


def choose_prompt(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    practice: str,
    rng: random.Random | None = None,
) -> tuple[catalogue.Commitment, catalogue.Prompt]:
    """A prompt of `practice`, never the one this channel saw last for that practice."""
    found = catalogue.practice(practice)
    last = session.scalar(
        select(Prompt.prompt_key)
        .where(
            Prompt.team_id == team_id,
            Prompt.channel_id == channel_id,
            Prompt.practice == practice,
        )
        .order_by(Prompt.id.desc())
        .limit(1)
    )
    choices = [
        (commitment, prompt)
        for commitment in found.commitments
        for prompt in commitment.prompts
        if prompt.key != last
    ]
    return (rng or random).choice(choices)


def record_prompt(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    prompt_key: str,
    message_ts: str | None,
    posted_by: str | None,
    now: datetime,
    schedule_id: int | None = None,
    workspace_known: bool = False,
) -> int:
    """Remember a posted prompt, so answers to it can be tied back to it."""
    found = catalogue.find_prompt(prompt_key)
    if found is None:
        raise ValueError(f"unknown prompt: {prompt_key}")
    practice, commitment, prompt = found
    if not workspace_known:  # a scheduled post's workspace exists: its schedule points at it
        ensure_workspace(session, team_id)
    row = Prompt(
        team_id=team_id,
        channel_id=channel_id,
        practice=practice.key,
        commitment=commitment.key,
        prompt_key=prompt.key,
        response_kind=prompt.kind,
        text=prompt.text,
        posted_by=posted_by,
        schedule_id=schedule_id,
        message_ts=message_ts,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def find_posted(
    session: Session, *, team_id: str, channel_id: str, message_ts: str
) -> Prompt | None:
    """The prompt posted as message `message_ts` in the channel, if we recorded it."""
    return session.scalars(
        select(Prompt).where(
            Prompt.team_id == team_id,
            Prompt.channel_id == channel_id,
            Prompt.message_ts == message_ts,
        )
    ).first()


def rotate_practice(session: Session, *, team_id: str, channel_id: str, now: datetime) -> str:
    """The practice that most needs attention in the channel over 28 days, by the same rule
    as `/nudge progress` and `/nudge now` (ties: the one longest without anything done or
    prompted), so a rotating schedule prompts what the report points at."""
    from bot.progress.service import channel_progress

    return channel_progress(session, team_id=team_id, channel_id=channel_id, days=28, now=now).focus
