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
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import prompts, render, statements, workspaces
from bot.scheduling import ROTATE
from bot.slack import CHANNEL_ERRORS
from bot.when import When
from models.queries import insert_once
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


def claim(session: Session, schedule: Schedule, occurs_at: datetime) -> bool:
    """Claim the occurrence for this process; False if it was claimed already."""
    return insert_once(
        session,
        Occurrence(
            schedule_id=schedule.id,
            team_id=schedule.team_id,
            occurs_at=occurs_at,
            status="claimed",
            claimed_by=WORKER,
        ),
    )


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


def post_occurrence(ctx: JobContext, schedule_id: int, occurs_at: datetime) -> str:
    """Post one occurrence of a schedule (a prompt or a digest) if nobody has; returns what
    happened, which is also recorded on the occurrence."""
    with ctx.sessions.begin() as session:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None or schedule.deleted or schedule.paused:
            return "inactive"
        workspace = session.get(Workspace, schedule.team_id)
        if workspace is not None and workspace.inactive_reason:
            return "inactive"
        if not claim(session, schedule, occurs_at):
            return "claimed elsewhere"
        claimed = Claimed(
            schedule_id=schedule_id,
            occurs_at=occurs_at,
            kind=schedule.kind,
            team_id=schedule.team_id,
            channel_id=schedule.channel_id,
            creator=schedule.created_by,
            practice=schedule.practice,
            when=When(schedule.cron, schedule.zone),
        )

    if claimed.kind == "digest":
        from schedules.digest_job import post_digest as poster
    else:
        poster = post_prompt
    try:
        ts = poster(ctx, claimed)
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
    _mark(ctx, schedule_id, occurs_at, "posted", None, ts)
    return "posted"


def post_prompt(ctx: JobContext, claimed: Claimed) -> str:
    """Post a practice prompt for the occurrence; returns the message ts."""
    team, channel, practice = claimed.team_id, claimed.channel_id, claimed.practice
    with ctx.sessions.begin() as session:
        if practice == ROTATE:
            practice = prompts.rotate_practice(
                session, team_id=team, channel_id=channel, now=ctx.now()
            )
        commitment, item = prompts.choose_prompt(
            session, team_id=team, channel_id=channel, practice=practice
        )
        vision: statements.Current | bool | None = False
        if practice == "vision":
            vision = statements.current(session, team_id=team, kind="vision")
    message = render.prompt(practice, commitment.key, item, vision=vision)
    posted = ctx.client.chat_postMessage(channel=channel, **message.kwargs())
    with ctx.sessions.begin() as session:
        prompts.record_prompt(
            session,
            team_id=team,
            channel_id=channel,
            prompt_key=item.key,
            message_ts=posted["ts"],
            posted_by=None,
            now=ctx.now(),
            schedule_id=claimed.schedule_id,
        )
    return str(posted["ts"])


def _mark(
    ctx: JobContext,
    schedule_id: int,
    occurs_at: datetime,
    status: str,
    detail: str | None,
    message_ts: str | None = None,
) -> None:
    with ctx.sessions.begin() as session:
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
