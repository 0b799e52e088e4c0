"""The prompt and digest schedules in the channels a person is in, for their App Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.scheduling.when import When, next_occurrence
from models.tables import Schedule

MAX_SCHEDULES = 30


@dataclass(frozen=True)
class ScheduleLine:
    id: int
    kind: str  # "prompt" or "digest"
    channel_id: str
    practice: str
    when: When
    paused: bool
    next_run: datetime | None


def schedule_lines(
    session: Session, *, team_id: str, channels: frozenset[str], now: datetime
) -> tuple[tuple[ScheduleLine, ...], int]:
    """The first MAX_SCHEDULES schedules in `channels` (by channel, digest first), and how
    many there are in all."""
    rows = [
        row
        for row in session.scalars(
            select(Schedule)
            .where(
                Schedule.team_id == team_id,
                Schedule.kind.in_(("prompt", "digest")),
                Schedule.deleted.is_(False),
            )
            .order_by(Schedule.channel_id, Schedule.kind.desc(), Schedule.id)
        )
        if row.channel_id in channels
    ]
    return tuple(_line(row, now) for row in rows[:MAX_SCHEDULES]), len(rows)


def _line(row: Schedule, now: datetime) -> ScheduleLine:
    when = When(row.cron, row.zone)
    try:
        upcoming = None if row.paused else next_occurrence(when, now)
    except (ValueError, KeyError):  # a row written by hand with a bad cron or zone
        upcoming = None
    return ScheduleLine(
        id=row.id,
        kind=row.kind,
        channel_id=row.channel_id,
        practice=row.practice,
        when=when,
        paused=row.paused,
        next_run=upcoming,
    )
