"""The weekly digest as a scheduled post.

post_occurrence (schedules/jobs.py) claims the occurrence first, so each channel's digest is
posted once a week whatever restarts, retries or replicas do; Slack errors go back to it
(it pauses the digest or stops the workspace as the error says).

A digest covers the seven whole days before the day it is posted (bot.digest.week). When a
digest shared early from a preview already covered some of them, this one brings only what
is new since, or nothing at all: the occurrence is then recorded as skipped.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.digest import render as render_digest
from bot.digest import service as digest
from bot.digest.replies import SCHEDULED_NOTE
from bot.slack.members import MemberCache
from models.db import reads_for
from models.tables import Schedule
from schedules.context import Claimed, JobContext, mark

SHARED_EARLY = "shared early: nothing new since"
# The channel's members, for the digest's recognition reach (a few minutes: forget-me
# can't clear this process's cache).
_MEMBERS = MemberCache(ttl_seconds=300)


def plan_digest(ctx: JobContext, session: Session, claimed: Claimed) -> None:
    """Nothing to decide while claiming: the digest is built once the claim has committed."""
    return None


def post_digest(ctx: JobContext, claimed: Claimed, plan: None) -> None:
    """Build and post the channel's digest for the week before the occurrence's day (or
    what is new since a digest shared early), then mark the occurrence posted. Milestones
    shown in it are marked celebrated once it is posted."""
    zone = claimed.when.zone
    members = _MEMBERS.members(ctx.slack(claimed.team_id), claimed.team_id, claimed.channel_id)
    # Built in a read-only transaction: no write lock held while a big week is gathered.
    with reads_for(ctx.sessions)() as session:
        row = session.get(Schedule, claimed.schedule_id)
        covered = row.covered_until if row is not None else None
        _start, end = digest.window(claimed.occurs_at, zone)
        week = None
        if covered is None or covered < end:
            week = digest.build(
                session,
                team_id=claimed.team_id,
                channel_id=claimed.channel_id,
                end=claimed.occurs_at,
                zone=zone,
                since=covered,
                members=members,
            )
    if week is None or (week.since and week.quiet):
        mark(ctx, claimed.schedule_id, claimed.occurs_at, "skipped", SHARED_EARLY)
        return
    message = render_digest.digest(week, SCHEDULED_NOTE)
    posted = ctx.slack(claimed.team_id).chat_postMessage(
        channel=claimed.channel_id, **message.kwargs()
    )
    with ctx.sessions.begin() as session:
        digest.posted(
            session,
            team_id=claimed.team_id,
            schedule_id=claimed.schedule_id,
            digest=week,
            now=ctx.now(),
        )
    mark(ctx, claimed.schedule_id, claimed.occurs_at, "posted", None, str(posted["ts"]))
