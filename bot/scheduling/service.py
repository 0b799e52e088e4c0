"""Schedules as people manage them: add, list, pause, resume, remove.

Every change bumps `updated_at` and marks the session changed (models/changes.py), so
a scheduler in this process picks it up at once and one in another process at its next poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.errors import UserError
from bot.scheduling.when import When, next_occurrence
from bot.text import clip_word
from models.changes import mark_changed
from models.queries import ensure_workspace
from models.tables import Schedule, Workspace

ROTATE = "rotate"
MAX_NUMBER = 2**31 - 1  # schedule numbers are INTEGER columns
MAX_PER_CHANNEL = 20
SCHEDULE_USAGE = (
    "/nudge schedule add <practice|rotate> <when> [tz <zone>] | list | pause <n> "
    "| resume <n> | remove <n>"
)


@dataclass(frozen=True)
class ScheduleView:
    id: int
    # The number people see and type (`/nudge schedule pause 2`): prompt schedules only.
    number: int
    practice: str
    when: When
    created_by: str | None
    paused: bool
    paused_reason: str | None
    next_run: datetime | None


def _number(row: Schedule) -> int:
    """The schedule's number; a row made outside this service without one goes by its id."""
    return row.number or row.id


def _view(row: Schedule, now: datetime) -> ScheduleView:
    when = When(row.cron, row.zone)
    return ScheduleView(
        id=row.id,
        number=_number(row),
        practice=row.practice,
        when=when,
        created_by=row.created_by,
        paused=row.paused,
        paused_reason=row.paused_reason,
        next_run=None if row.paused else next_occurrence(when, now),
    )


def parse_practice_or_rotate(word: str) -> str:
    if word.lower() == ROTATE:
        return ROTATE
    found = catalogue.find_practice(word)
    if found is None:
        raise UserError(
            f"*{word[:40]}* isn't a practice. Use `rotate` or one of: "
            + ", ".join(f"`{k}`" for k in catalogue.PRACTICE_KEYS)
            + ".",
            SCHEDULE_USAGE,
        )
    return found.key


def add_schedule(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    practice: str,
    when: When,
    now: datetime,
) -> ScheduleView:
    """Add a schedule to the channel (anyone in the channel may)."""
    existing = session.scalars(
        select(Schedule).where(
            Schedule.team_id == team_id,
            Schedule.channel_id == channel_id,
            Schedule.kind == "prompt",
            Schedule.deleted.is_(False),
        )
    ).all()
    if len(existing) >= MAX_PER_CHANNEL:
        raise UserError(
            f"This channel has {len(existing)} schedules already; remove one first "
            "(`/nudge schedule list` shows them)."
        )
    for row in existing:
        if (row.practice, row.cron, row.zone) == (practice, when.cron, when.zone):
            raise UserError(f"Schedule #{_number(row)} already does exactly that in this channel.")
    row = Schedule(
        team_id=team_id,
        channel_id=channel_id,
        number=_next_number(session, team_id),
        practice=practice,
        cron=when.cron,
        zone=when.zone,
        created_by=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    mark_changed(session)
    return _view(row, now)


def list_schedules(
    session: Session, *, team_id: str, channel_id: str, now: datetime
) -> list[ScheduleView]:
    rows = session.scalars(
        select(Schedule)
        .where(
            Schedule.team_id == team_id,
            Schedule.channel_id == channel_id,
            Schedule.kind == "prompt",
            Schedule.deleted.is_(False),
        )
        .order_by(Schedule.id)
    ).all()
    return [_view(row, now) for row in rows]


def _next_number(session: Session, team_id: str) -> int:
    """The workspace's next prompt schedule number: one past the highest ever given
    (removed schedules keep theirs, so a number never comes to mean another schedule). The
    workspace row is locked first, so two schedules added at once can't take the same one
    (PostgreSQL row lock; SQLite transactions already hold the write lock)."""
    ensure_workspace(session, team_id)
    session.execute(select(Workspace.team_id).where(Workspace.team_id == team_id).with_for_update())
    highest = session.scalar(
        select(func.max(Schedule.number)).where(
            Schedule.team_id == team_id, Schedule.kind == "prompt"
        )
    )
    return (highest or 0) + 1


def _find(session: Session, team_id: str, channel_id: str, raw: str) -> Schedule:
    """The prompt schedule numbered `raw` (`3` or `#3`) in the workspace; UserError when
    there is none or it belongs to another channel."""
    digits = raw.strip().lstrip("#")
    if not digits.isdigit():
        raise UserError(
            f"*{clip_word(raw, 20)}* isn't a schedule number: use one from `/nudge schedule list`.",
            SCHEDULE_USAGE,
        )
    number = digits.lstrip("0") or "0"
    # Digits no number can have (², a number past the column's range) find nothing, as an
    # unknown number does, without asking the database.
    if not number.isascii() or len(number) > len(str(MAX_NUMBER)) or int(number) > MAX_NUMBER:
        raise UserError(
            f"There is no schedule #{clip_word(digits, 20)}. `/nudge schedule list` shows them."
        )
    row = session.scalars(
        select(Schedule).where(
            Schedule.team_id == team_id,
            Schedule.kind == "prompt",
            Schedule.deleted.is_(False),
            or_(
                Schedule.number == int(number),
                Schedule.number.is_(None) & (Schedule.id == int(number)),
            ),
        )
    ).first()
    if row is None:
        raise UserError(f"There is no schedule #{number}. `/nudge schedule list` shows them.")
    if row.channel_id != channel_id:
        raise UserError(f"Schedule #{number} belongs to <#{row.channel_id}>; manage it from there.")
    return row


def change_schedule(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    raw_id: str,
    action: str,
    may_manage_any: bool,
    user_id: str,
    now: datetime,
) -> ScheduleView:
    """Pause, resume or remove a schedule: its creator, or an admin, owner or leader."""
    row = _find(session, team_id, channel_id, raw_id)
    number = _number(row)
    if row.created_by != user_id and not may_manage_any:
        maker = (
            f"<@{row.created_by}>, who made schedule #{number}," if row.created_by else "its maker"
        )
        raise UserError(f"Only {maker} or an admin or a team leader can {action} it.")
    if action == "pause":
        if row.paused:
            raise UserError(f"Schedule #{number} is paused already.")
        row.paused, row.paused_reason = True, f"paused by <@{user_id}>"
    elif action == "resume":
        if not row.paused:
            raise UserError(f"Schedule #{number} is running already.")
        row.paused, row.paused_reason = False, None
    elif action == "remove":
        row.deleted = True
    else:  # pragma: no cover - the handler only passes the three actions
        raise ValueError(action)
    row.updated_at = now
    session.flush()
    mark_changed(session)
    return _view(row, now)
