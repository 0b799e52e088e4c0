"""The scheduled job: claim an occurrence, post its prompt, record what happened.

A claim is a unique (schedule, occurrence time) row written before anything is posted, so a
restart, a retry or a second scheduler never posts the same occurrence twice. A process that
dies between the claim and the post loses that one occurrence rather than risk a double.
Within one post, the Web API client retries 429s (Slack did not act on them) and, with
backoff, 5xx answers and dropped connections, which almost always mean Slack did not post.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue, prompts, render, statements, workspaces
from bot.scheduling import ROTATE
from bot.slack import CHANNEL_ERRORS
from bot.when import When
from models.queries import insert_ignore
from models.tables import Occurrence, Schedule, Workspace

log = logging.getLogger(__name__)

# Slack errors that mean the workspace is gone for us: stop all of its jobs.
WORKSPACE_ERRORS = frozenset(
    {"token_revoked", "app_uninstalled", "account_inactive", "invalid_auth", "team_disabled"}
)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobContext:
    sessions: sessionmaker[Session]
    client: WebClient
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Claimed:
    """An occurrence this process claimed, with what posting it needs."""

    schedule_id: int
    occurs_at: datetime
    kind: str
    team_id: str
    channel_id: str
    creator: str | None
    practice: str
    when: When


@dataclass(frozen=True)
class PromptPlan:
    """The prompt chosen for a claimed occurrence, decided in the claiming transaction."""

    practice: str
    commitment: catalogue.Commitment
    item: catalogue.Prompt
    vision: statements.Current | bool | None


def claim(session: Session, schedule_id: int, occurs_at: datetime) -> Claimed | str:
    """Claim the occurrence for this process: one read of the schedule and its workspace,
    then an insert that the unique key lets only one process make. Returns what to post, or
    why not ("inactive", "claimed elsewhere")."""
    row = session.execute(
        select(Schedule, Workspace.inactive_reason)
        .join(Workspace, Workspace.team_id == Schedule.team_id)
        .where(Schedule.id == schedule_id)
    ).first()
    if row is None:
        return "inactive"
    schedule, inactive_reason = row
    if schedule.deleted or schedule.paused or inactive_reason:
        return "inactive"
    values = {
        "schedule_id": schedule_id,
        "team_id": schedule.team_id,
        "occurs_at": occurs_at,
        "status": "claimed",
        "claimed_by": WORKER,
        "claimed_at": datetime.now(UTC),
    }
    got = session.execute(
        insert_ignore(session, Occurrence).values(**values).returning(Occurrence.id)
    ).first()
    if got is None:
        return "claimed elsewhere"
    return Claimed(
        schedule_id=schedule_id,
        occurs_at=occurs_at,
        kind=schedule.kind,
        team_id=schedule.team_id,
        channel_id=schedule.channel_id,
        creator=schedule.created_by,
        practice=schedule.practice,
        when=When(schedule.cron, schedule.zone),
    )


def post_occurrence(ctx: JobContext, schedule_id: int, occurs_at: datetime) -> str:
    """Post one occurrence of a schedule (a prompt or a digest) if nobody has; returns what
    happened, which is also recorded on the occurrence. Two short transactions around the
    Slack call: claim (and choose the prompt), then record."""
    with ctx.sessions.begin() as session:
        claimed = claim(session, schedule_id, occurs_at)
        if isinstance(claimed, str):
            return claimed
        plan = plan_prompt(ctx, session, claimed) if claimed.kind == "prompt" else None
    try:
        if plan is None:
            from schedules.digest_job import post_digest

            ts = post_digest(ctx, claimed)
            _mark(ctx, schedule_id, occurs_at, "posted", None, ts)
        else:
            post_prompt(ctx, claimed, plan)
    except SlackApiError as err:
        code = str(err.response.get("error") or f"http {err.response.status_code}")
        _failed(ctx, claimed, code)
        return code
    except OSError as err:  # connection errors after the client's own retries
        log.warning("posting schedule %s failed: %s", schedule_id, err)
        _mark(ctx, schedule_id, occurs_at, "failed", f"unreachable: {type(err).__name__}")
        return "unreachable"
    except Exception as err:
        log.exception("posting schedule %s failed", schedule_id)
        _mark(ctx, schedule_id, occurs_at, "failed", f"error: {type(err).__name__}"[:200])
        return "error"
    return "posted"


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
    message = render.prompt(plan.practice, plan.commitment.key, plan.item, vision=plan.vision)
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
        _set_status(session, claimed.schedule_id, claimed.occurs_at, "posted", None, ts)


def _mark(
    ctx: JobContext,
    schedule_id: int,
    occurs_at: datetime,
    status: str,
    detail: str | None,
    message_ts: str | None = None,
) -> None:
    with ctx.sessions.begin() as session:
        _set_status(session, schedule_id, occurs_at, status, detail, message_ts)


def _set_status(
    session: Session,
    schedule_id: int,
    occurs_at: datetime,
    status: str,
    detail: str | None,
    message_ts: str | None = None,
) -> None:
    """Record on the occurrence what happened to it."""
    session.execute(
        update(Occurrence)
        .where(Occurrence.schedule_id == schedule_id, Occurrence.occurs_at == occurs_at)
        .values(status=status, detail=detail, message_ts=message_ts)
    )


def _failed(ctx: JobContext, claimed: Claimed, code: str) -> None:
    """Record a Slack refusal; pause the schedule or stop the workspace where it is final."""
    _mark(ctx, claimed.schedule_id, claimed.occurs_at, "failed", code)
    if code in CHANNEL_ERRORS:
        with ctx.sessions.begin() as session:
            session.execute(
                update(Schedule)
                .where(Schedule.id == claimed.schedule_id)
                .values(paused=True, paused_reason=code, updated_at=ctx.now())
            )
            session.info["schedules_changed"] = True
        if claimed.creator is None:
            return  # its creator asked to be forgotten: nobody to tell
        message = render.schedule_paused(
            claimed.schedule_id, claimed.channel_id, code, claimed.when, claimed.kind
        )
        try:
            ctx.client.chat_postMessage(channel=claimed.creator, **message.kwargs())
        except SlackApiError as err:
            log.warning(
                "could not tell %s that schedule %s paused: %s",
                claimed.creator,
                claimed.schedule_id,
                err,
            )
    elif code in WORKSPACE_ERRORS:
        log.warning("workspace %s: %s; stopping its schedules", claimed.team_id, code)
        with ctx.sessions.begin() as session:
            workspaces.deactivate(session, team_id=claimed.team_id, reason=code, now=ctx.now())
    else:
        log.warning("schedule %s: Slack said %s", claimed.schedule_id, code)


def active_schedules(session: Session) -> list[tuple[int, str, str, datetime]]:
    """(id, cron, zone, updated_at) of every schedule that should run."""
    return [
        (row.id, row.cron, row.zone, row.updated_at)
        for row in session.execute(
            select(Schedule.id, Schedule.cron, Schedule.zone, Schedule.updated_at)
            .join(Workspace, Workspace.team_id == Schedule.team_id)
            .where(
                Schedule.deleted.is_(False),
                Schedule.paused.is_(False),
                Workspace.inactive_reason.is_(None),
            )
        )
    ]
