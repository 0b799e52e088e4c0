"""What a person's App Home shows, as plain data: their recognition, their practices this
month, their open commitments, the vision and guidelines, and the schedules in their channels.

The channels a person is in come from Slack through `bot.slack.memberships`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.scheduling.when import When, next_occurrence
from bot.statements import service as statements
from bot.statements.service import Current
from models.tables import Commitment, Recognition, RecognitionRecipient, Response, Schedule

log = logging.getLogger(__name__)

LATEST_RECEIVED = 5
MAX_COMMITMENTS = 10
MAX_SCHEDULES = 30


@dataclass(frozen=True)
class Received:
    giver_id: str | None
    reason: str
    practice: str
    created_at: datetime


@dataclass(frozen=True)
class PracticeMonth:
    practice: str
    kudos: int
    answers: int

    @property
    def total(self) -> int:
        return self.kudos + self.answers


@dataclass(frozen=True)
class OpenCommitment:
    id: int
    channel_id: str
    text: str
    due_on: date


@dataclass(frozen=True)
class ScheduleLine:
    id: int
    kind: str  # "prompt" or "digest"
    channel_id: str
    practice: str
    when: When
    paused: bool
    next_run: datetime | None


@dataclass(frozen=True)
class HomePage:
    user_id: str
    now: datetime
    month_start: date
    today: date
    given_month: int
    given_total: int
    received_month: int
    received_total: int
    latest_received: tuple[Received, ...]
    practices: tuple[PracticeMonth, ...]
    answers_total: int
    commitments: tuple[OpenCommitment, ...]
    commitments_open: int
    commitments_total: int
    vision: Current | None
    guidelines: Current | None
    # None when Slack couldn't list the person's channels: the section is left out.
    schedules: tuple[ScheduleLine, ...] | None
    schedules_total: int

    @property
    def is_new(self) -> bool:
        """Nothing logged by or for this person yet."""
        return not (
            self.given_total or self.received_total or self.answers_total or self.commitments_total
        )


def _counts(session: Session, stmt, since: datetime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(this month, all time) for a select of created_at values."""
    rows = stmt.subquery()
    month, total = session.execute(
        select(func.sum(case((rows.c.created_at >= since, 1), else_=0)), func.count()).select_from(
            rows
        )
    ).one()
    return int(month or 0), int(total or 0)


def gather(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    zone: str,
    channels: frozenset[str] | None,
) -> HomePage:
    """Everything the person's App Home shows. `channels` are the channels they are in, or
    None when they are unknown (the schedules section is then left out)."""
    local = now.astimezone(ZoneInfo(zone))
    month_start = local.date().replace(day=1)
    since = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    given_month, given_total = _counts(
        session,
        select(Recognition.created_at).where(
            Recognition.team_id == team_id, Recognition.giver_id == user_id
        ),
        since,
    )
    received = (
        select(Recognition.id, Recognition.created_at)
        .join(RecognitionRecipient, RecognitionRecipient.recognition_id == Recognition.id)
        .where(
            Recognition.team_id == team_id,
            RecognitionRecipient.team_id == team_id,
            RecognitionRecipient.user_id == user_id,
        )
        .distinct()
    )
    received_month, received_total = _counts(session, received, since)
    received_ids = received.with_only_columns(Recognition.id).scalar_subquery()
    latest = session.execute(
        select(
            Recognition.giver_id, Recognition.reason, Recognition.practice, Recognition.created_at
        )
        .where(Recognition.team_id == team_id, Recognition.id.in_(received_ids))
        .order_by(Recognition.created_at.desc(), Recognition.id.desc())
        .limit(LATEST_RECEIVED)
    ).all()

    kudos_by_practice = dict(
        session.execute(
            select(Recognition.practice, func.count())
            .where(
                Recognition.team_id == team_id,
                Recognition.giver_id == user_id,
                Recognition.created_at >= since,
            )
            .group_by(Recognition.practice)
        ).all()
    )
    answers_by_practice = dict(
        session.execute(
            select(Response.practice, func.count())
            .where(
                Response.team_id == team_id,
                Response.user_id == user_id,
                Response.created_at >= since,
            )
            .group_by(Response.practice)
        ).all()
    )
    answers_total = session.scalar(
        select(func.count()).where(Response.team_id == team_id, Response.user_id == user_id)
    )

    mine = (Commitment.team_id == team_id, Commitment.user_id == user_id)
    commitments_total = session.scalar(select(func.count()).where(*mine)) or 0
    commitments_open = (
        session.scalar(select(func.count()).where(*mine, Commitment.status == "open")) or 0
    )
    open_rows = session.scalars(
        select(Commitment)
        .where(*mine, Commitment.status == "open")
        .order_by(Commitment.due_on, Commitment.id)
        .limit(MAX_COMMITMENTS)
    ).all()

    schedules: tuple[ScheduleLine, ...] | None = None
    schedules_total = 0
    if channels is not None:
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
        schedules_total = len(rows)
        schedules = tuple(_schedule_line(row, now) for row in rows[:MAX_SCHEDULES])

    return HomePage(
        user_id=user_id,
        now=now,
        month_start=month_start,
        today=local.date(),
        given_month=given_month,
        given_total=given_total,
        received_month=received_month,
        received_total=received_total,
        latest_received=tuple(Received(*row) for row in latest),
        practices=tuple(
            PracticeMonth(key, kudos_by_practice.get(key, 0), answers_by_practice.get(key, 0))
            for key in catalogue.PRACTICE_KEYS
        ),
        answers_total=answers_total or 0,
        commitments=tuple(OpenCommitment(c.id, c.channel_id, c.text, c.due_on) for c in open_rows),
        commitments_open=commitments_open,
        commitments_total=commitments_total,
        vision=statements.current(session, team_id=team_id, kind="vision"),
        guidelines=statements.current(session, team_id=team_id, kind="guidelines"),
        schedules=schedules,
        schedules_total=schedules_total,
    )


def _schedule_line(row: Schedule, now: datetime) -> ScheduleLine:
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
