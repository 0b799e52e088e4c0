"""Progress of the five practices in one channel: counts, trend, people, participation,
what needs attention, and the counts over time for a chart."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, literal, select, union, union_all
from sqlalchemy.orm import Session

from bot import catalogue
from bot.slack.members import ChannelMembers
from models.tables import Commitment, Recognition, Response


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
    # Participation, when the channel's members are known: `participants` of the `members`
    # (people, not nudgebot) took part in the period. Otherwise `members_note` says why not.
    members: int | None = None
    participants: int | None = None
    members_note: str | None = None

    @property
    def total(self) -> int:
        return sum(c.current for c in self.counts)

    @property
    def previous_total(self) -> int:
        return sum(c.previous for c in self.counts)

    @property
    def participation(self) -> int | None:
        """Participants as a whole percentage of the members, when known."""
        if not self.members or self.participants is None:
            return None
        return round(100 * self.participants / self.members)


def _activity(  # type: ignore[no-untyped-def]
    team_id: str, channel_id: str, since: datetime, until: datetime
):
    """Every logged item in the channel from `since` to `until`: (practice, created_at,
    actor). The upper bound keeps a digest posted late to its own week.

    Kudos, responses, and commitments kept (Model the Way: doing what you said), counted
    when they were answered kept."""
    kudos = select(
        Recognition.practice.label("practice"),
        Recognition.created_at.label("created_at"),
        Recognition.giver_id.label("actor"),
    ).where(
        Recognition.team_id == team_id,
        Recognition.channel_id == channel_id,
        Recognition.created_at >= since,
        Recognition.created_at <= until,
    )
    answers = select(
        Response.practice.label("practice"),
        Response.created_at.label("created_at"),
        Response.user_id.label("actor"),
    ).where(
        Response.team_id == team_id,
        Response.channel_id == channel_id,
        Response.created_at >= since,
        Response.created_at <= until,
    )
    kept = select(
        literal("model").label("practice"),
        Commitment.answered_at.label("created_at"),
        Commitment.user_id.label("actor"),
    ).where(
        Commitment.team_id == team_id,
        Commitment.channel_id == channel_id,
        Commitment.status == "kept",
        Commitment.answered_at >= since,
        Commitment.answered_at <= until,
    )
    return kudos, answers, kept


def channel_progress(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    days: int,
    now: datetime,
    members: ChannelMembers | None = None,
) -> Progress:
    """Counts per practice in the last `days` and the `days` before, distinct people taking
    part in the last `days`, and the practice that most needs attention. With `members` (the
    channel's, see bot.members), also how many of them took part, or why that is unknown."""
    start = now - timedelta(days=days)
    before = start - timedelta(days=days)
    items = union_all(*_activity(team_id, channel_id, before, now)).subquery()
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

    actors = union(
        *(select(part.subquery().c.actor) for part in _activity(team_id, channel_id, start, now))
    ).subquery()
    people = set(session.scalars(select(actors.c.actor).where(actors.c.actor.is_not(None))))
    report = Progress(days=days, counts=counts, people=len(people), focus=needs_attention(counts))
    if members is None:
        return report
    if members.ids is None:
        return replace(report, members_note=members.problem)
    return replace(report, members=len(members.ids), participants=len(people & members.ids))


def needs_attention(counts: tuple[PracticeCount, ...]) -> str:
    """The practice with the least activity now; ties go to the one that also fell behind
    before, then to catalogue order."""
    order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
    return min(counts, key=lambda c: (c.current, c.previous, order[c.practice])).practice


@dataclass(frozen=True)
class Bucket:
    """One point of a chart: items logged in [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Series:
    """Items per practice in consecutive buckets covering the last `days`, oldest first:
    a day each for 7 days or less, a week each beyond (the oldest one shorter if need be)."""

    days: int
    bucket_days: int
    buckets: tuple[Bucket, ...]
    counts: dict[str, tuple[int, ...]]  # practice key -> one count per bucket

    @property
    def total(self) -> int:
        return sum(sum(c) for c in self.counts.values())


def bucket_days_for(days: int) -> int:
    return 1 if days <= 7 else 7


def practice_series(
    session: Session, *, team_id: str, channel_id: str, days: int, now: datetime
) -> Series:
    """Counts per practice over time in the last `days`, for a chart. The buckets add up to
    the current period of `channel_progress` (same start, same items)."""
    size = bucket_days_for(days)
    n = math.ceil(days / size)
    start = now - timedelta(days=days)
    step = timedelta(days=size)
    buckets = tuple(
        Bucket(start=max(start, now - (n - i) * step), end=now - (n - 1 - i) * step)
        for i in range(n)
    )
    items = union_all(*_activity(team_id, channel_id, start, now)).subquery()
    rows = session.execute(select(items.c.practice, items.c.created_at))
    tallies = {key: [0] * n for key in catalogue.PRACTICE_KEYS}
    for practice, created_at in rows:
        if practice not in tallies:
            continue
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        age = (now - created_at) // step  # whole buckets back from now
        tallies[practice][min(max(n - 1 - age, 0), n - 1)] += 1
    return Series(
        days=days,
        bucket_days=size,
        buckets=buckets,
        counts={key: tuple(values) for key, values in tallies.items()},
    )
