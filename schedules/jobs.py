"""The scheduled job: claim an occurrence, post it, record what happened.

A claim is a unique (schedule, occurrence time) row written before anything is posted, so a
restart, a retry or a second scheduler never posts the same occurrence twice. A process that
dies between the claim and the post loses that one occurrence rather than risk a double.
Within one post, the Web API client retries 429s (Slack did not act on them) and, with
backoff, 5xx answers and dropped connections, which almost always mean Slack did not post.
What to post for each kind of schedule is the poster's (schedules/posters.py).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.scheduling import render as scheduling_render
from bot.scheduling.when import When
from bot.slack import workspaces
from bot.slack.errors import CHANNEL_ERRORS, WORKSPACE_ERRORS, slack_code
from models.changes import mark_changed
from models.queries import insert_ignore
from models.tables import Occurrence, Schedule, Workspace
from schedules.context import Claimed, JobContext, mark
from schedules.posters import POSTERS

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"[-64:]  # fits claimed_by


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
        number=schedule.number or schedule.id,
    )


def post_occurrence(ctx: JobContext, schedule_id: int, occurs_at: datetime) -> str:
    """Post one occurrence of a schedule (a prompt or a digest) if nobody has; returns what
    happened, which is also recorded on the occurrence. Two short transactions around the
    Slack call: claim (and plan what to post), then record."""
    with ctx.sessions.begin() as session:
        claimed = claim(session, schedule_id, occurs_at)
        if isinstance(claimed, str):
            return claimed
        poster = POSTERS.get(claimed.kind)
        plan = None if poster is None else poster.plan(ctx, session, claimed)
    if poster is None:
        log.error("schedule %s is of kind %r, which nothing posts", schedule_id, claimed.kind)
        mark(ctx, schedule_id, occurs_at, "failed", f"error: unknown kind {claimed.kind}"[:200])
        return "error"
    try:
        poster.post(ctx, claimed, plan)
    except SlackApiError as err:
        code = slack_code(err)
        record_failure(ctx, claimed, code)
        return code
    except OSError as err:  # connection errors after the client's own retries
        log.warning("posting schedule %s failed: %s", schedule_id, err)
        mark(ctx, schedule_id, occurs_at, "failed", f"unreachable: {type(err).__name__}")
        return "unreachable"
    except Exception as err:
        log.exception("posting schedule %s failed", schedule_id)
        mark(ctx, schedule_id, occurs_at, "failed", f"error: {type(err).__name__}"[:200])
        return "error"
    return "posted"


def record_failure(ctx: JobContext, claimed: Claimed, code: str) -> None:
    """Record a Slack refusal; pause the schedule or stop the workspace where it is final."""
    mark(ctx, claimed.schedule_id, claimed.occurs_at, "failed", code)
    if code in CHANNEL_ERRORS:
        with ctx.sessions.begin() as session:
            session.execute(
                update(Schedule)
                .where(Schedule.id == claimed.schedule_id)
                .values(paused=True, paused_reason=code, updated_at=ctx.now())
            )
            mark_changed(session)
        if claimed.creator is None:
            return  # its creator asked to be forgotten: nobody to tell
        message = scheduling_render.schedule_paused(
            claimed.schedule_id,
            claimed.channel_id,
            code,
            claimed.when,
            claimed.kind,
            number=claimed.number,
        )
        try:
            ctx.slack(claimed.team_id).chat_postMessage(channel=claimed.creator, **message.kwargs())
        except SlackApiError as err:
            log.warning(
                "could not tell the creator of schedule %s that it paused: %s",
                claimed.schedule_id,
                slack_code(err),
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
