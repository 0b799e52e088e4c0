"""Follow-through, experiments closed and voice answered, for a channel.

- Follow-through: of the commitments due on a day of the period (`due_on`, the day the
  person chose), those kept, over those kept, dropped or overdue (still open and due
  before today). One still open and due today is not yet late: it is left out. The days
  late of a kept one are the day it was answered kept (in the commitment's own zone) less
  the day it was due, never below 0; the median of those is shown.
- Experiments closed: the pilots proposed in the period moved 30 days back (so every one of
  them has had its 30 days), and of those, the ones with a learning linked to them (a reply
  in the pilot's thread, or Log what we learned) logged within 30 days of the pilot.
- Voice answered: the ideas and hopes shown in the channel as a message of their own (whose
  thread nudgebot reads) in the period moved 7 days back, and of those, the ones someone
  other than their author answered in the thread within 7 days.

Each is read with one query covering the period and the one before.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.measures.window import PILOT_DAYS, VOICE_DAYS, Window
from models.tables import Commitment, Response

VOICE_KINDS = ("idea", "hope")
T = TypeVar("T")


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class FollowThrough:
    """Commitments due in one period: kept, dropped, overdue, and the days late of each
    one kept (sorted)."""

    kept: int
    dropped: int
    overdue: int
    late_days: tuple[int, ...] = ()

    @property
    def base(self) -> int:
        return self.kept + self.dropped + self.overdue

    @property
    def share(self) -> float | None:
        return None if not self.base else self.kept / self.base

    @property
    def median_late(self) -> float | None:
        return statistics.median(self.late_days) if self.late_days else None


@dataclass(frozen=True)
class Closed:
    """Of `total` things old enough, `done` were closed (a learning, a reply) in time."""

    total: int
    done: int

    @property
    def share(self) -> float | None:
        return None if not self.total else self.done / self.total


@dataclass(frozen=True)
class Pair(Generic[T]):
    current: T
    previous: T


def follow_through(
    session: Session, *, team_id: str, channel_id: str, window: Window
) -> Pair[FollowThrough]:
    rows = session.execute(
        select(Commitment.due_on, Commitment.status, Commitment.answered_at, Commitment.zone).where(
            Commitment.team_id == team_id,
            Commitment.channel_id == channel_id,
            Commitment.due_on >= window.previous_first,
            Commitment.due_on <= window.last,
        )
    ).all()
    found: dict[bool, dict[str, int]] = {True: {}, False: {}}
    late: dict[bool, list[int]] = {True: [], False: []}
    for due_on, status, answered_at, zone in rows:
        now = due_on >= window.first
        if status == "open":
            if due_on >= window.today:
                continue  # not late yet
            status = "overdue"
        elif status == "kept" and answered_at is not None:
            answered = _aware(answered_at).astimezone(ZoneInfo(zone or window.zone)).date()
            late[now].append(max(0, (answered - due_on).days))
        found[now][status] = found[now].get(status, 0) + 1

    def one(now: bool) -> FollowThrough:
        got = found[now]
        return FollowThrough(
            kept=got.get("kept", 0),
            dropped=got.get("dropped", 0),
            overdue=got.get("overdue", 0),
            late_days=tuple(sorted(late[now])),
        )

    return Pair(one(True), one(False))


def _closed(
    rows: list[tuple[datetime, datetime | None]], start: datetime, within: timedelta
) -> Pair[Closed]:
    counts = {True: [0, 0], False: [0, 0]}
    for created, closed in rows:
        created = _aware(created)
        now = created >= start
        counts[now][0] += 1
        if closed is not None and _aware(closed) <= created + within:
            counts[now][1] += 1
    return Pair(Closed(*counts[True]), Closed(*counts[False]))


def experiments(session: Session, *, team_id: str, channel_id: str, window: Window) -> Pair[Closed]:
    """Pilots proposed in the period 30 days back, closed by a learning within 30 days."""
    before, start, end = window.back(PILOT_DAYS)
    learning = aliased(Response)
    rows = session.execute(
        select(Response.created_at, func.min(learning.created_at))
        .outerjoin(
            learning,
            (learning.parent_id == Response.id)
            & (learning.kind == "learning")
            & (learning.team_id == team_id),
        )
        .where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.kind == "pilot",
            Response.created_at >= before,
            Response.created_at < end,
        )
        .group_by(Response.id, Response.created_at)
    ).all()
    return _closed([(made, learnt) for made, learnt in rows], start, timedelta(days=PILOT_DAYS))


def voice(session: Session, *, team_id: str, channel_id: str, window: Window) -> Pair[Closed]:
    """Ideas and hopes shown in the period 7 days back, answered within 7 days."""
    before, start, end = window.back(VOICE_DAYS)
    rows = session.execute(
        select(Response.created_at, Response.answered_at).where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.created_at >= before,
            Response.created_at < end,
            Response.kind.in_(VOICE_KINDS),
            Response.message_ts.is_not(None),
        )
    ).all()
    return _closed([(c, a) for c, a in rows], start, timedelta(days=VOICE_DAYS))
