"""The weekly recognition digest: the channel's digest schedule (on, off, status) and the
week's content as plain data (heroes, wins, practice counts, hopes and fears, commitments,
the vision, next week's focus, milestones waiting to be celebrated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.digest import milestones
from bot.digest.milestones import Reached
from bot.digest.parsing import DIGEST_USAGE
from bot.errors import UserError
from bot.progress import service as progress
from bot.scheduling.when import When, next_occurrence
from bot.statements import service as statements
from bot.statements.service import Current
from models.changes import mark_changed
from models.queries import ensure_workspace
from models.tables import Commitment, Recognition, RecognitionRecipient, Response, Schedule

DIGEST = "digest"
DAYS = 7


@dataclass(frozen=True)
class DigestSchedule:
    """The channel's digest schedule as people see it."""

    id: int
    when: When
    created_by: str | None
    paused: bool
    paused_reason: str | None
    next_run: datetime | None


@dataclass(frozen=True)
class Kudo:
    giver_id: str | None
    reason: str
    practice: str


@dataclass(frozen=True)
class Hero:
    user_id: str
    kudos: tuple[Kudo, ...]


@dataclass(frozen=True)
class Shared:
    """A win or hope with its author; a fear never carries one."""

    user_id: str | None
    text: str


@dataclass(frozen=True)
class Promise:
    user_id: str
    text: str
    due_on: date


@dataclass(frozen=True)
class Digest:
    channel_id: str
    start: datetime
    end: datetime
    zone: str
    heroes: tuple[Hero, ...]
    recognitions: int  # kudos given in the week (one kudos may name several people)
    logged: int  # everything logged in the week: kudos and every kind of response
    wins: tuple[Shared, ...]
    hopes: tuple[Shared, ...]
    fears: tuple[str, ...]
    kept: tuple[Promise, ...]
    due: tuple[Promise, ...]
    progress: progress.Progress
    vision: Current | None
    milestones: tuple[Reached, ...]

    @property
    def focus(self) -> str:
        return self.progress.focus

    @property
    def quiet(self) -> bool:
        """Nothing logged, no commitment kept and nothing to celebrate."""
        return not (self.logged or self.kept or self.milestones)


# -- the schedule ---------------------------------------------------------------------------


def _view(row: Schedule, now: datetime) -> DigestSchedule:
    when = When(row.cron, row.zone)
    return DigestSchedule(
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
            Schedule.kind == DIGEST,
            Schedule.deleted.is_(False),
        )
        .order_by(Schedule.id)
        .limit(1)
    ).first()


def turn_on(
    session: Session, *, team_id: str, channel_id: str, user_id: str, when: When, now: datetime
) -> DigestSchedule:
    """Create the channel's digest schedule, or replace its time (and resume it if paused)."""
    ensure_workspace(session, team_id)
    milestones.serialise(session, f"digest:{team_id}:{channel_id}")  # one digest per channel
    row = _current(session, team_id, channel_id)
    if row is None:
        row = Schedule(
            team_id=team_id,
            channel_id=channel_id,
            kind=DIGEST,
            practice=DIGEST,
            created_at=now,
        )
        session.add(row)
    row.cron, row.zone, row.created_by = when.cron, when.zone, user_id
    row.paused, row.paused_reason, row.updated_at = False, None, now
    session.flush()
    mark_changed(session)
    return _view(row, now)


def turn_off(session: Session, *, team_id: str, channel_id: str, now: datetime) -> DigestSchedule:
    """Stop the channel's digest; UserError if it has none."""
    row = _current(session, team_id, channel_id)
    if row is None:
        raise UserError(
            "This channel has no weekly digest to turn off. Start one with "
            "`/nudge digest on fri 16:00`.",
            DIGEST_USAGE,
        )
    row.deleted, row.updated_at = True, now
    session.flush()
    mark_changed(session)
    return _view(row, now)


def status(
    session: Session, *, team_id: str, channel_id: str, now: datetime
) -> DigestSchedule | None:
    row = _current(session, team_id, channel_id)
    return None if row is None else _view(row, now)


# -- the content ----------------------------------------------------------------------------


def build(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    end: datetime,
    zone: str,
    days: int = DAYS,
) -> Digest:
    """The channel's digest for the `days` days ending at `end` (commitments due in the
    `days` days after it, by the calendar in `zone`)."""
    start = end - timedelta(days=days)
    heroes, recognitions = _heroes(session, team_id, channel_id, start, end)
    answers = session.execute(
        select(Response.kind, Response.user_id, Response.text)
        .where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.created_at >= start,
            Response.created_at < end,
        )
        .order_by(Response.created_at, Response.id)
    ).all()
    wins = tuple(Shared(user, text) for kind, user, text in answers if kind == "win")
    hopes = tuple(Shared(user, text) for kind, user, text in answers if kind == "hope")
    fears = tuple(text for kind, _user, text in answers if kind == "fear")
    today = end.astimezone(ZoneInfo(zone)).date()
    kept = _promises(
        session,
        team_id,
        channel_id,
        Commitment.status == "kept",
        Commitment.answered_at >= start,
        Commitment.answered_at < end,
    )
    due = _promises(
        session,
        team_id,
        channel_id,
        Commitment.status == "open",
        Commitment.due_on >= today,
        Commitment.due_on < today + timedelta(days=days),
    )
    return Digest(
        channel_id=channel_id,
        start=start,
        end=end,
        zone=zone,
        heroes=heroes,
        recognitions=recognitions,
        logged=recognitions + len(answers),
        wins=wins,
        hopes=hopes,
        fears=fears,
        kept=kept,
        due=due,
        progress=progress.channel_progress(
            session, team_id=team_id, channel_id=channel_id, days=days, now=end
        ),
        vision=statements.current(session, team_id=team_id, kind="vision"),
        milestones=milestones.pending(session, team_id=team_id, channel_id=channel_id, until=end),
    )


def _heroes(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[tuple[Hero, ...], int]:
    """The people recognised in the window, most recognised first (ties: recognised first
    earlier), and how many kudos were given."""
    in_window = (
        Recognition.team_id == team_id,
        Recognition.channel_id == channel_id,
        Recognition.created_at >= start,
        Recognition.created_at < end,
    )
    recognitions = session.scalar(select(func.count()).select_from(Recognition).where(*in_window))
    rows = session.execute(
        select(
            RecognitionRecipient.user_id,
            Recognition.giver_id,
            Recognition.reason,
            Recognition.practice,
        )
        .join(Recognition, RecognitionRecipient.recognition_id == Recognition.id)
        .where(*in_window, RecognitionRecipient.user_id.is_not(None))
        .order_by(Recognition.created_at, Recognition.id, RecognitionRecipient.id)
    ).all()
    by_person: dict[str, list[Kudo]] = {}
    for user_id, giver_id, reason, practice in rows:
        if user_id is not None:  # filtered above; forgotten people have no id
            by_person.setdefault(user_id, []).append(Kudo(giver_id, reason, practice))
    ranked = sorted(by_person.items(), key=lambda item: -len(item[1]))  # stable: first seen
    return tuple(Hero(user, tuple(kudos)) for user, kudos in ranked), recognitions or 0


def _promises(
    session: Session, team_id: str, channel_id: str, *conditions: ColumnElement[bool]
) -> tuple[Promise, ...]:
    rows = session.execute(
        select(Commitment.user_id, Commitment.text, Commitment.due_on)
        .where(Commitment.team_id == team_id, Commitment.channel_id == channel_id, *conditions)
        .order_by(Commitment.due_on, Commitment.id)
    ).all()
    return tuple(Promise(user, text, due_on) for user, text, due_on in rows)


def celebrated(session: Session, *, team_id: str, digest: Digest, now: datetime) -> None:
    """The digest was posted: its milestones are celebrated."""
    milestones.mark_celebrated(
        session, team_id=team_id, ids=[m.id for m in digest.milestones], now=now
    )
