"""Practice prompts: choosing one for a channel and recording what was posted."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.statements import service as statements
from bot.statements.service import Current
from bot.values import service as values
from models.queries import ensure_workspace
from models.tables import Prompt


@dataclass(frozen=True)
class Planned:
    """A prompt chosen for a channel, as it will be posted: the question (naming one of the
    team's values when it asks about one) and, for Inspire a Shared Vision, the vision shown
    above it (None: there is none yet; False: not shown)."""

    practice: str
    commitment: catalogue.Commitment
    item: catalogue.Prompt
    text: str
    vision: Current | bool | None = False


def plan(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    practice: str,
    rng: random.Random | None = None,
) -> Planned:
    """Choose a prompt of `practice` for the channel and word it as posted: `/nudge now`
    and scheduled prompts alike."""
    names = values.names(session, team_id=team_id)
    vision = statements.current(session, team_id=team_id, kind="vision")
    holds = frozenset({*(["values"] if names else []), *(["vision"] if vision else [])})
    commitment, item = choose_prompt(
        session, team_id=team_id, channel_id=channel_id, practice=practice, rng=rng, holds=holds
    )
    value = values.pick(names, rng) if item.needs == "values" else None
    text = item.ask(value)
    return Planned(practice, commitment, item, text, vision if practice == "vision" else False)


def holdings(session: Session, *, team_id: str) -> frozenset[str]:
    """What the workspace holds that prompts may need (catalogue NEEDS)."""
    held = set()
    if values.names(session, team_id=team_id):
        held.add("values")
    if statements.current(session, team_id=team_id, kind="vision"):
        held.add("vision")
    return frozenset(held)


def choose_prompt(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    practice: str,
    rng: random.Random | None = None,
    holds: frozenset[str] | None = None,
) -> tuple[catalogue.Commitment, catalogue.Prompt]:
    """A prompt of `practice`, never the one this channel saw last for that practice, and
    never one needing what the workspace doesn't hold (`holds`; read when not given): no
    prompt about our values before there are any."""
    if holds is None:
        holds = holdings(session, team_id=team_id)
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
    possible = [
        (commitment, prompt)
        for commitment in found.commitments
        for prompt in commitment.prompts
        if prompt.needs is None or prompt.needs in holds
    ]
    choices = [(c, p) for c, p in possible if p.key != last] or possible
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
    text: str | None = None,
) -> int:
    """Remember a posted prompt, so answers to it can be tied back to it; `text` is the
    question as posted (when it named one of the team's values)."""
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
        text=text or prompt.text,
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
