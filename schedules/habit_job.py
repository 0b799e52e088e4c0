"""One habit reminder: the person's cue and tiny action, with Done, Not today and Change,
sent as a direct message (schedules/direct.py checks the person is here and not away)."""

from __future__ import annotations

from bot.habits import render
from bot.habits.delivery import Claimed
from schedules import direct
from schedules.context import JobContext


def deliver(ctx: JobContext, claimed: Claimed) -> str:
    """Send the reminder for a claimed day; returns (and records) what happened."""
    return direct.send(ctx, claimed, lambda _zone: render.reminder(claimed.nudge, claimed.day_id))
