"""The practice prompt as a scheduled post: the prompt is chosen in the claiming transaction,
posted, then recorded together with the occurrence's status."""

from __future__ import annotations

import logging
import random
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.measures import attention
from bot.measures import window as windows
from bot.progress import activity, quiet
from bot.progress.quiet import Place
from bot.prompts import render as prompts_render
from bot.prompts import service as prompts
from bot.scheduling.service import ROTATE
from models.tables import Prompt, Statement
from schedules.context import Claimed, JobContext, set_status

log = logging.getLogger(__name__)

# The prompt chosen for a claimed occurrence, decided in the claiming transaction, worded
# as `/nudge now` words it (bot.prompts.service.plan).
PromptPlan = prompts.Planned
ROTATE_DAYS = 28  # as bot.prompts.service.rotate_practice
# Rotating channels read together by `quietest_of`: bounds the statements it builds.
TOGETHER = 64


def plan_prompt(ctx: JobContext, session: Session, claimed: Claimed) -> PromptPlan:
    """Choose the practice (rotate picks the quietest) and a prompt the channel didn't just see."""
    team, channel, practice = claimed.team_id, claimed.channel_id, claimed.practice
    if practice == ROTATE:
        practice = quietest(session, team_id=team, channel_id=channel, now=ctx.now())
    return prompts.plan(session, team_id=team, channel_id=channel, practice=practice)


def plan_prompts(
    ctx: JobContext, session: Session, batch: list[Claimed]
) -> list[PromptPlan | Exception]:
    """`plan_prompt` for many claimed prompts at once, each answer in its place (an error
    where choosing failed). Workspaces that hold neither values nor a vision (nothing a
    prompt may need) are read in two queries for the whole batch: what they hold, and the
    prompt each channel saw last per practice; the others are planned one by one."""
    teams = {c.team_id for c in batch}
    holding = set(
        session.scalars(
            select(Statement.team_id)
            .where(Statement.team_id.in_(teams), Statement.kind.in_(("values", "vision")))
            .distinct()
        )
    )
    practices = _practices(ctx, session, batch)
    plain = [c for c in batch if c.team_id not in holding]
    last = _last_prompts(session, plain)
    plans: list[PromptPlan | Exception] = []
    for claimed, practice in zip(batch, practices, strict=True):
        if isinstance(practice, Exception):
            plans.append(practice)
            continue
        try:
            if claimed.team_id in holding:
                plans.append(
                    prompts.plan(
                        session,
                        team_id=claimed.team_id,
                        channel_id=claimed.channel_id,
                        practice=practice,
                    )
                )
                continue
            seen = last.get((claimed.team_id, claimed.channel_id, practice))
            found = catalogue.practice(practice)
            possible = [
                (commitment, item)
                for commitment in found.commitments
                for item in commitment.prompts
                if item.needs is None
            ]
            choices = [(c, i) for c, i in possible if i.key != seen] or possible
            commitment, item = random.choice(choices)
            vision = None if practice == "vision" else False
            plans.append(PromptPlan(practice, commitment, item, item.ask(None), vision))
        except Exception as err:
            log.exception("choosing the prompt of schedule %s failed", claimed.schedule_id)
            plans.append(err)
    return plans


def _practices(ctx: JobContext, session: Session, batch: list[Claimed]) -> list[str | Exception]:
    """Each claimed prompt's practice: the quietest of its channel for rotate (`quietest_of`
    for all of them at once), an error where choosing failed."""
    rotating = [(c.team_id, c.channel_id) for c in batch if c.practice == ROTATE]
    chosen: dict[Place, str] | Exception = {}
    if rotating:
        try:
            chosen = quietest_of(session, rotating, ctx.now())
        except Exception as err:
            ids = [c.schedule_id for c in batch if c.practice == ROTATE]
            log.exception("choosing the practice of schedules %s failed", ids)
            chosen = err
    if isinstance(chosen, Exception):
        return [chosen if c.practice == ROTATE else c.practice for c in batch]
    return [chosen[c.team_id, c.channel_id] if c.practice == ROTATE else c.practice for c in batch]


def _last_prompts(session: Session, batch: list[Claimed]) -> dict[tuple[str, str, str], str]:
    """(team, channel, practice) -> the key of the last prompt posted there for it."""
    if not batch:
        return {}
    newest = (
        select(func.max(Prompt.id))
        .where(
            Prompt.team_id.in_({c.team_id for c in batch}),
            Prompt.channel_id.in_({c.channel_id for c in batch}),
        )
        .group_by(Prompt.team_id, Prompt.channel_id, Prompt.practice)
    )
    return {
        (row[0], row[1], row[2]): row[3]
        for row in session.execute(
            select(Prompt.team_id, Prompt.channel_id, Prompt.practice, Prompt.prompt_key).where(
                Prompt.id.in_(newest.scalar_subquery())
            )
        )
    }


def quietest(session: Session, *, team_id: str, channel_id: str, now: datetime) -> str:
    """What `prompts.rotate_practice` answers (the focus of the channel's 28-day progress,
    bot.progress.service.channel_progress), reading only what that focus depends on: the
    channel's history and the measures' balance, not the rest of the report."""
    past = activity.history(session, team_id, channel_id, now)
    return attention.needs_attention(
        session,
        team_id=team_id,
        channel_id=channel_id,
        window=windows.calendar(ROTATE_DAYS, now, "UTC"),
        last=past.last,
    ).focus


def quietest_of(session: Session, places: list[Place], now: datetime) -> dict[Place, str]:
    """`quietest` of many channels (team_id, channel_id) at once, with the same answers:
    a few queries for all of them (bot.progress.quiet, bot.measures.attention), not seven
    per channel."""
    each = list(dict.fromkeys(places))
    window = windows.calendar(ROTATE_DAYS, now, "UTC")
    chosen: dict[Place, str] = {}
    for start in range(0, len(each), TOGETHER):
        part = each[start : start + TOGETHER]
        last = quiet.lasts(session, part, now)
        needs = attention.needs_attention_of(session, places=part, window=window, lasts=last)
        chosen.update((place, need.focus) for place, need in needs.items())
    return chosen


def post_prompt(ctx: JobContext, claimed: Claimed, plan: PromptPlan) -> None:
    """Post the planned prompt, then record it and mark the occurrence posted, together."""
    ts = send_prompt(ctx, claimed, plan)
    with ctx.sessions.begin() as session:
        prompts.record_prompt(
            session,
            team_id=claimed.team_id,
            channel_id=claimed.channel_id,
            prompt_key=plan.item.key,
            message_ts=ts,
            posted_by=None,
            now=ctx.now(),
            schedule_id=claimed.schedule_id,
            workspace_known=True,
            text=plan.text,
        )
        set_status(session, claimed.schedule_id, claimed.occurs_at, "posted", None, ts)


def send_prompt(
    ctx: JobContext, claimed: Claimed, plan: PromptPlan, client: WebClient | None = None
) -> str:
    """Post the planned prompt to its channel (through `client`, default the workspace's
    own); the message's ts. Records nothing."""
    message = prompts_render.prompt(
        plan.practice, plan.commitment.key, plan.item, vision=plan.vision, text=plan.text
    )
    posted = (client or ctx.slack(claimed.team_id)).chat_postMessage(
        channel=claimed.channel_id, **message.kwargs()
    )
    return str(posted["ts"])


def prompt_row(claimed: Claimed, plan: PromptPlan, ts: str, now: datetime) -> dict[str, Any]:
    """The prompts row of a posted prompt (as record_prompt writes it), for writing many
    at once."""
    return {
        "team_id": claimed.team_id,
        "channel_id": claimed.channel_id,
        "practice": plan.practice,
        "commitment": plan.commitment.key,
        "prompt_key": plan.item.key,
        "response_kind": plan.item.kind,
        "text": plan.text or plan.item.text,
        "posted_by": None,
        "schedule_id": claimed.schedule_id,
        "message_ts": ts,
        "created_at": now,
    }


def record_prompts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write the rows of many posted prompts in one statement."""
    if rows:
        session.execute(insert(Prompt), rows)
