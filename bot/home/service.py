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
from bot.home import habit as habits
from bot.home.habit import HabitSection
from bot.home.measures import LeaderMeasures
from bot.home.pulse import PulseSection
from bot.home.pulse import gather as pulse_of
from bot.home.schedules import ScheduleLine, schedule_lines
from bot.progress import activity
from bot.progress.parts import Part, ordered
from bot.statements import service as statements
from bot.statements.service import Current
from bot.values import service as team_values
from bot.values.service import TeamValues
from models.tables import Commitment, Recognition, RecognitionRecipient

log = logging.getLogger(__name__)

LATEST_RECEIVED = 5
LATEST_KEPT = 3
MAX_COMMITMENTS = 10


@dataclass(frozen=True)
class Received:
    giver_id: str | None
    reason: str
    practice: str
    created_at: datetime


@dataclass(frozen=True)
class PracticeMonth:
    """What the person did for one practice this month (see bot.progress.activity), and
    the last time they did anything for it (None: never)."""

    practice: str
    parts: tuple[Part, ...]
    last_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(p.count for p in self.parts)


@dataclass(frozen=True)
class OpenCommitment:
    id: int
    channel_id: str
    text: str
    due_on: date


@dataclass(frozen=True)
class KeptCommitment:
    text: str
    kept_at: datetime


@dataclass(frozen=True)
class HomePage:
    user_id: str
    now: datetime
    zone: str  # the team's: calendar days are shown in it
    month_start: date
    today: date
    given_month: int
    given_total: int
    received_month: int
    received_total: int
    latest_received: tuple[Received, ...]
    practices: tuple[PracticeMonth, ...]
    done_total: int  # everything the person ever did (kudos given, answers, commitments, ...)
    commitments: tuple[OpenCommitment, ...]
    commitments_open: int
    commitments_total: int
    kept: tuple[KeptCommitment, ...]
    kept_month: int
    kept_total: int
    vision: Current | None
    guidelines: Current | None
    # None when Slack couldn't list the person's channels: the section is left out.
    schedules: tuple[ScheduleLine, ...] | None
    schedules_total: int
    habit: HabitSection | None = None
    values: TeamValues | None = None  # the team's values, shown with the vision
    pulse: PulseSection | None = None  # the latest shown pulse of their channels
    leading: LeaderMeasures | None = None  # a leader's: their channels' team measures

    @property
    def is_new(self) -> bool:
        """Nothing logged by or for this person yet."""
        return not (self.done_total or self.received_total or self.commitments_total)

    @property
    def focus(self) -> str:
        """The practice to suggest a next step in: the one the person did least this month;
        among those tied, the one they did longest ago (never counts as longest ago), then
        the order of the five practices."""
        order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
        return min(
            self.practices,
            key=lambda m: (
                m.total,
                m.last_at is not None,
                m.last_at or datetime.min,
                order[m.practice],
            ),
        ).practice


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

    practices, done_total = _practices(session, team_id, user_id, since, now)
    mine = (Commitment.team_id == team_id, Commitment.user_id == user_id)
    commitments_total = session.scalar(select(func.count()).where(*mine)) or 0
    commitments_open = (
        session.scalar(select(func.count()).where(*mine, Commitment.status == "open")) or 0
    )
    kept = session.execute(
        select(Commitment.text, Commitment.answered_at)
        .where(*mine, Commitment.status == "kept", Commitment.answered_at.is_not(None))
        .order_by(Commitment.answered_at.desc(), Commitment.id.desc())
        .limit(LATEST_KEPT)
    ).all()
    kept_month, kept_total = _counts(
        session,
        select(Commitment.answered_at.label("created_at")).where(
            *mine, Commitment.status == "kept", Commitment.answered_at.is_not(None)
        ),
        since,
    )
    open_rows = session.scalars(
        select(Commitment)
        .where(*mine, Commitment.status == "open")
        .order_by(Commitment.due_on, Commitment.id)
        .limit(MAX_COMMITMENTS)
    ).all()

    schedules, schedules_total = (
        (None, 0)
        if channels is None
        else schedule_lines(session, team_id=team_id, channels=channels, now=now)
    )

    return HomePage(
        user_id=user_id,
        now=now,
        zone=zone,
        month_start=month_start,
        today=local.date(),
        given_month=given_month,
        given_total=given_total,
        received_month=received_month,
        received_total=received_total,
        latest_received=tuple(Received(*row) for row in latest),
        practices=practices,
        done_total=done_total,
        commitments=tuple(OpenCommitment(c.id, c.channel_id, c.text, c.due_on) for c in open_rows),
        commitments_open=commitments_open,
        commitments_total=commitments_total,
        kept=tuple(KeptCommitment(text, at) for text, at in kept if at is not None),
        kept_month=kept_month,
        kept_total=kept_total,
        vision=statements.current(session, team_id=team_id, kind="vision"),
        guidelines=statements.current(session, team_id=team_id, kind="guidelines"),
        schedules=schedules,
        schedules_total=schedules_total,
        habit=habits.gather(session, team_id=team_id, user_id=user_id, now=now, zone=zone),
        values=team_values.current(session, team_id=team_id),
        pulse=pulse_of(session, team_id=team_id, user_id=user_id, channels=channels),
    )


def _practices(
    session: Session, team_id: str, user_id: str, since: datetime, now: datetime
) -> tuple[tuple[PracticeMonth, ...], int]:
    """Per practice, what the person did since `since` and when they last did anything for
    it, counted as progress counts a channel's (bot.progress.activity) but in every channel;
    and how much they ever did."""
    done = activity.items(team_id, None, None, now)
    rows = session.execute(
        select(
            done.c.practice,
            done.c.kind,
            func.sum(case((done.c.created_at >= since, 1), else_=0)),
            func.count(),
            func.max(done.c.created_at),
        )
        .where(done.c.actor == user_id)
        .group_by(done.c.practice, done.c.kind)
    ).all()
    parts: dict[str, list[Part]] = {key: [] for key in catalogue.PRACTICE_KEYS}
    last: dict[str, datetime] = {}
    ever = 0
    for practice, kind, month, count, latest in rows:
        ever += int(count)
        moment = activity.aware(latest)
        if practice not in parts:
            continue
        if int(month or 0):
            parts[practice].append(Part(kind, int(month)))
        if moment is not None and (practice not in last or moment > last[practice]):
            last[practice] = moment
    months = tuple(
        PracticeMonth(key, ordered(parts[key]), last.get(key)) for key in catalogue.PRACTICE_KEYS
    )
    return months, ever
