"""The practice prompt as a scheduled post: the prompt is chosen in the claiming transaction,
posted, then recorded together with the occurrence's status."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import catalogue
from bot.prompts import render as prompts_render
from bot.prompts import service as prompts
from bot.scheduling.service import ROTATE
from bot.statements import service as statements
from schedules.context import Claimed, JobContext, set_status


@dataclass(frozen=True)
class PromptPlan:
    """The prompt chosen for a claimed occurrence, decided in the claiming transaction."""

    practice: str
    commitment: catalogue.Commitment
    item: catalogue.Prompt
    vision: statements.Current | bool | None


def plan_prompt(ctx: JobContext, session: Session, claimed: Claimed) -> PromptPlan:
    """Choose the practice (rotate picks the quietest) and a prompt the channel didn't just see."""
    team, channel, practice = claimed.team_id, claimed.channel_id, claimed.practice
    if practice == ROTATE:
        practice = prompts.rotate_practice(session, team_id=team, channel_id=channel, now=ctx.now())
    commitment, item = prompts.choose_prompt(
        session, team_id=team, channel_id=channel, practice=practice
    )
    vision: statements.Current | bool | None = False
    if practice == "vision":
        vision = statements.current(session, team_id=team, kind="vision")
    return PromptPlan(practice, commitment, item, vision)


def post_prompt(ctx: JobContext, claimed: Claimed, plan: PromptPlan) -> None:
    """Post the planned prompt, then record it and mark the occurrence posted, together."""
    message = prompts_render.prompt(
        plan.practice, plan.commitment.key, plan.item, vision=plan.vision
    )
    posted = ctx.client.chat_postMessage(channel=claimed.channel_id, **message.kwargs())
    ts = str(posted["ts"])
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
        )
        set_status(session, claimed.schedule_id, claimed.occurs_at, "posted", None, ts)
