"""Progress of the five practices in one channel: counts, trend, people, what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, union, union_all
from sqlalchemy.orm import Session

from bot import catalogue
from models.tables import Recognition, Response


@dataclass(frozen=True)
class PracticeCount:
    practice: str
    current: int
    previous: int


@dataclass(frozen=True)
class Progress:
    days: int
    counts: tuple[PracticeCount, ...]
    people: int
    focus: str

    @property
    def total(self) -> int:
        return sum(c.current for c in self.counts)

    @property
    def previous_total(self) -> int:
        return sum(c.previous for c in self.counts)


def _activity(team_id: str, channel_id: str, since: datetime):  # type: ignore[no-untyped-def]
    """Every logged item in the channel since `since`: (practice, created_at, actor)."""
    kudos = select(
        Recognition.practice.label("practice"),
        Recognition.created_at.label("created_at"),
        Recognition.giver_id.label("actor"),
    ).where(
        Recognition.team_id == team_id,
        Recognition.channel_id == channel_id,
        Recognition.created_at >= since,
    )
    answers = select(
        Response.practice.label("practice"),
        Response.created_at.label("created_at"),
        Response.user_id.label("actor"),
    ).where(
        Response.team_id == team_id,
        Response.channel_id == channel_id,
        Response.created_at >= since,
    )
    return kudos, answers


def channel_progress(
    session: Session, *, team_id: str, channel_id: str, days: int, now: datetime
) -> Progress:
    """Counts per practice in the last `days` and the `days` before, distinct people taking
    part in the last `days`, and the practice that most needs attention."""
    start = now - timedelta(days=days)
    before = start - timedelta(days=days)
    kudos, answers = _activity(team_id, channel_id, before)
    items = union_all(kudos, answers).subquery()
    is_current = items.c.created_at >= start
    rows = session.execute(
        select(
            items.c.practice,
            func.sum(case((is_current, 1), else_=0)),
            func.count(),
        ).group_by(items.c.practice)
    ).all()
    found = {practice: (int(cur or 0), int(total) - int(cur or 0)) for practice, cur, total in rows}
    counts = tuple(PracticeCount(key, *found.get(key, (0, 0))) for key in catalogue.PRACTICE_KEYS)

    kudos_now, answers_now = _activity(team_id, channel_id, start)
    actors = union(
        select(kudos_now.subquery().c.actor), select(answers_now.subquery().c.actor)
    ).subquery()
    people = session.scalar(
        select(func.count()).select_from(actors).where(actors.c.actor.is_not(None))
    )
    return Progress(days=days, counts=counts, people=people or 0, focus=needs_attention(counts))


def needs_attention(counts: tuple[PracticeCount, ...]) -> str:
    """The practice with the least activity now; ties go to the one that also fell behind
    before, then to catalogue order."""
    order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
    return min(counts, key=lambda c: (c.current, c.previous, order[c.practice])).practice
