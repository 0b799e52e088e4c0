"""The weekly recognition digest as a scheduled post.

post_occurrence (schedules/jobs.py) claims the occurrence first, so each channel's digest is
posted once a week whatever restarts, retries or replicas do; Slack errors go back to it
(it pauses the digest or stops the workspace as the error says).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.digest import render as render_digest
from bot.digest import service as digest
from schedules.context import Claimed, JobContext, mark


def plan_digest(ctx: JobContext, session: Session, claimed: Claimed) -> None:
    """Nothing to decide while claiming: the digest is built once the claim has committed."""
    return None


def post_digest(ctx: JobContext, claimed: Claimed, plan: None) -> None:
    """Build and post the channel's digest for the week ending at the occurrence, then mark
    the occurrence posted. Milestones shown in it are marked celebrated once it is posted."""
    with ctx.sessions.begin() as session:
        week = digest.build(
            session,
            team_id=claimed.team_id,
            channel_id=claimed.channel_id,
            end=claimed.occurs_at,
            zone=claimed.when.zone,
        )
    message = render_digest.digest(week)
    posted = ctx.client.chat_postMessage(channel=claimed.channel_id, **message.kwargs())
    with ctx.sessions.begin() as session:
        digest.celebrated(session, team_id=claimed.team_id, digest=week, now=ctx.now())
    mark(ctx, claimed.schedule_id, claimed.occurs_at, "posted", None, str(posted["ts"]))
