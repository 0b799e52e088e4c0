"""The pulse as a channel's setting: its rhythm (a `Schedule` row of kind "pulse", fired
once per occurrence by the scheduler like every schedule), and what `/nudge pulse` shows:
the rhythm, the open round, the latest result and the person's own choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.pulse import answers, results
from bot.pulse.parsing import PULSE_USAGE
from bot.pulse.results import RoundResult
from bot.pulse.rounds import RoundView, open_round, view
from bot.scheduling.when import When, next_occurrence
from models.changes import mark_changed
from models.queries import ensure_workspace
from models.tables import Schedule

PULSE = "pulse"


@dataclass(frozen=True)
class PulseSchedule:
    id: int
    when: When
    created_by: str | None
    paused: bool
    paused_reason: str | None
    next_run: datetime | None


@dataclass(frozen=True)
class PulseStatus:
    schedule: PulseSchedule | None
    open: RoundView | None
    latest: RoundResult | None  # the newest closed round, shown or not
    opted_out: bool


def _view(row: Schedule, now: datetime) -> PulseSchedule:
    when = When(row.cron, row.zone)
    return PulseSchedule(
        id=row.id,
        when=when,
        created_by=row.created_by,
        paused=row.paused,
        paused_reason=row.paused_reason,
        next_run=None if row.paused else next_occurrence(when, now),
    )


def _current(session: Session, team_id: str, channel_id: str) -> Schedule | None:
    return session.scalars(
        select(Schedule)
        .where(
            Schedule.team_id == team_id,
            Schedule.channel_id == channel_id,
            Schedule.kind == PULSE,
            Schedule.deleted.is_(False),
        )
        .order_by(Schedule.id)
        .limit(1)
    ).first()


def turn_on(
    session: Session, *, team_id: str, channel_id: str, user_id: str, when: When, now: datetime
) -> PulseSchedule:
    """Give the channel a pulse on this rhythm, or change its rhythm (resuming it)."""
    ensure_workspace(session, team_id)
    row = _current(session, team_id, channel_id)
    if row is None:
        row = Schedule(
            team_id=team_id,
            channel_id=channel_id,
            kind=PULSE,
            practice=PULSE,
            number=None,
            created_at=now,
        )
        session.add(row)
    row.cron, row.zone, row.created_by = when.cron, when.zone, user_id
    row.paused, row.paused_reason, row.updated_at = False, None, now
    session.flush()
    mark_changed(session)
    return _view(row, now)


def turn_off(session: Session, *, team_id: str, channel_id: str, now: datetime) -> PulseSchedule:
    """Stop the channel's pulse (a round that is open runs to its end); UserError if none."""
    row = _current(session, team_id, channel_id)
    if row is None:
        raise UserError(
            "This channel has no pulse to turn off. Start one with `/nudge pulse on monthly`.",
            PULSE_USAGE,
        )
    row.deleted, row.updated_at = True, now
    session.flush()
    mark_changed(session)
    return _view(row, now)


def schedule(
    session: Session, *, team_id: str, channel_id: str, now: datetime
) -> PulseSchedule | None:
    row = _current(session, team_id, channel_id)
    return None if row is None else _view(row, now)


def status(
    session: Session, *, team_id: str, channel_id: str, user_id: str, now: datetime
) -> PulseStatus:
    current = open_round(session, team_id, channel_id)
    return PulseStatus(
        schedule=schedule(session, team_id=team_id, channel_id=channel_id, now=now),
        open=view(current) if current else None,
        latest=results.latest(session, team_id=team_id, channel_id=channel_id),
        opted_out=answers.opted_out(
            session, team_id=team_id, channel_id=channel_id, user_id=user_id
        ),
    )
