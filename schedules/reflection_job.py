"""One leader's weekly reflection: their week gathered and sent as a direct message
(schedules/direct.py checks the person is here and not away, and records the outcome).

The leaders' channels and the people in them are cached here for every reflection this
process sends, but only for AUDIENCE_TTL_SECONDS (five minutes). This cache lives in the
scheduler's process, and `/nudge forget-me` is answered by the web process, which cannot
clear it: a short life keeps a forgotten person's id from staying here for long, and is
still long enough for the reflections due in the same minute to ask Slack once per channel.
"""

from __future__ import annotations

from bot.habits.delivery import Claimed
from bot.reflection import render, service
from bot.reflection.audience import Audiences
from models.db import reads_for
from schedules import direct
from schedules.context import JobContext

AUDIENCE_TTL_SECONDS = 300.0
AUDIENCES = Audiences(ttl_seconds=AUDIENCE_TTL_SECONDS)


def deliver(ctx: JobContext, claimed: Claimed) -> str:
    """Send the reflection for a claimed day; returns (and records) what happened."""
    return direct.send(ctx, claimed, lambda zone: render.reflection(_gather(ctx, claimed, zone)))


def _gather(ctx: JobContext, claimed: Claimed, zone: str) -> service.Reflection:
    """The leader's week: their channels where the bot is active (Slack says which they are
    in, and who else is), then what the database knows."""
    nudge, now = claimed.nudge, ctx.now()
    with reads_for(ctx.sessions)() as session:
        active = service.active_channels(session, team_id=nudge.team_id, now=now)
    audience = AUDIENCES.of(ctx.slack(nudge.team_id), nudge.team_id, nudge.user_id, active)
    with reads_for(ctx.sessions)() as session:
        return service.gather(
            session,
            team_id=nudge.team_id,
            user_id=nudge.user_id,
            now=now,
            zone=zone,
            channel_ids=audience.channel_ids,
            members=audience.members,
        )
