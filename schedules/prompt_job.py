"""The practice prompt as a scheduled post: the prompt is chosen in the claiming transaction,
posted, then recorded together with the occurrence's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.prompts import render as prompts_render
from bot.prompts import service as prompts
from bot.scheduling.service import ROTATE
from models.tables import Prompt
from schedules.context import Claimed, JobContext, set_status

# The prompt chosen for a claimed occurrence, decided in the claiming transaction, worded
# as `/nudge now` words it (bot.prompts.service.plan).
PromptPlan = prompts.Planned


def plan_prompt(ctx: JobContext, session: Session, claimed: Claimed) -> PromptPlan:
    """Choose the practice (rotate picks the quietest) and a prompt the channel didn't just see."""
    team, channel, practice = claimed.team_id, claimed.channel_id, claimed.practice
    if practice == ROTATE:
        practice = prompts.rotate_practice(session, team_id=team, channel_id=channel, now=ctx.now())
    return prompts.plan(session, team_id=team, channel_id=channel, practice=practice)


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


def send_prompt(ctx: JobContext, claimed: Claimed, plan: PromptPlan) -> str:
    """Post the planned prompt to its channel; the message's ts. Records nothing."""
    message = prompts_render.prompt(
        plan.practice, plan.commitment.key, plan.item, vision=plan.vision, text=plan.text
    )
    posted = ctx.slack(claimed.team_id).chat_postMessage(
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
