"""The weekly recognition digest as a scheduled post.

post_occurrence (schedules/jobs.py) claims the occurrence first, so each channel's digest is
posted once a week whatever restarts, retries or replicas do; Slack errors go back to it
(it pauses the digest or stops the workspace as the error says).
"""

from __future__ import annotations

from bot import digest, render_digest
from schedules.jobs import Claimed, JobContext


def post_digest(ctx: JobContext, claimed: Claimed) -> str:
    """Build and post the channel's digest for the week ending at the occurrence; returns
    the message ts. Milestones shown in it are marked celebrated once it is posted."""
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
    return str(posted["ts"])
