"""One leader's weekly reflection: their week gathered and sent as a direct message
(schedules/direct.py checks the person is here and not away, and records the outcome)."""

from __future__ import annotations

from bot.habits.delivery import Claimed
from bot.reflection import render, service
from bot.reflection.audience import Audiences
from models.db import reads_for
from schedules import direct
from schedules.context import JobContext

# The leaders' channels and their members, cached for every reflection this process sends.
AUDIENCES = Audiences()


def deliver(ctx: JobContext, claimed: Claimed) -> str:
    """Send the reflection for a claimed day; returns (and records) what happened."""
    return direct.send(ctx, claimed, lambda zone: render.reflection(_gather(ctx, claimed, zone)))


def _gather(ctx: JobContext, claimed: Claimed, zone: str) -> service.Reflection:
    """The leader's week: their channels where the bot is active (Slack says which they are
    in, and who else is), then what the database knows."""
    nudge, now = claimed.nudge, ctx.now()
    with reads_for(ctx.sessions)() as session:
        active = service.active_channels(session, team_id=nudge.team_id, now=now)
    audience = AUDIENCES.of(ctx.client, nudge.team_id, nudge.user_id, active)
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
