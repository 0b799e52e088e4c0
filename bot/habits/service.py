"""Personal nudges in the database: a person's habit or a leader's weekly reflection, when
each is next due, the claim on each day before anything is sent, and the habit's log.

Session and plain values in, frozen dataclasses out; nothing here commits or calls Slack.
Delivery (what is due, the claim on each day) is in bot/habits/delivery.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.habits import when
from models.nudges import NudgeDay, PersonalNudge
from models.queries import ensure_workspace, insert_once
from models.tables import Response

HABIT = "habit"
REFLECTION = "reflection"
OFFER_AFTER = 8  # done check-ins before the next practice is offered
LOG_WEEKS = 8


@dataclass(frozen=True)
class Nudge:
    id: int
    team_id: str
    user_id: str
    kind: str
    channel_id: str | None
    practice: str | None
    commitment: str | None
    action: str | None
    cue: str | None
    days: tuple[int, ...]
    at_minute: int
    zone: str
    zone_from_slack: bool
    status: str  # active, paused, off, stopped
    paused_until: datetime | None
    stopped_reason: str | None
    next_at: datetime | None
    done_since_offer: int

    @classmethod
    def of(cls, row: PersonalNudge) -> Nudge:
        return cls(
            id=row.id,
            team_id=row.team_id,
            user_id=row.user_id,
            kind=row.kind,
            channel_id=row.channel_id,
            practice=row.practice,
            commitment=row.commitment,
            action=row.action,
            cue=row.cue,
            days=when.decode_days(row.days),
            at_minute=row.at_minute,
            zone=row.zone,
            zone_from_slack=row.zone_from_slack,
            status=row.status,
            paused_until=row.paused_until,
            stopped_reason=row.stopped_reason,
            next_at=row.next_at,
            done_since_offer=row.done_since_offer,
        )


@dataclass(frozen=True)
class Plan:
    """What a person asked for: a habit's practice, commitment, action and cue (None for a
    reflection), the days, the time and the zone."""

    days: tuple[int, ...]
    at_minute: int
    zone: str
    zone_from_slack: bool = True
    practice: str | None = None
    commitment: str | None = None
    action: str | None = None
    cue: str | None = None


def _row(session: Session, team_id: str, user_id: str, kind: str) -> PersonalNudge | None:
    return session.scalars(
        select(PersonalNudge).where(
            PersonalNudge.team_id == team_id,
            PersonalNudge.user_id == user_id,
            PersonalNudge.kind == kind,
        )
    ).first()


def get(session: Session, *, team_id: str, user_id: str, kind: str = HABIT) -> Nudge | None:
    row = _row(session, team_id, user_id, kind)
    return None if row is None else Nudge.of(row)


def save(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    plan: Plan,
    now: datetime,
    channel_id: str | None = None,
) -> Nudge:
    """Set up (or change) the person's nudge of `kind` and turn it on. A habit set up again
    keeps where its check-ins count unless a channel is given."""
    ensure_workspace(session, team_id)
    row = _row(session, team_id, user_id, kind)
    if row is None:
        row = PersonalNudge(
            team_id=team_id, user_id=user_id, kind=kind, done_since_offer=0, created_at=now
        )
        session.add(row)
    row.channel_id = channel_id or row.channel_id
    row.practice, row.commitment = plan.practice, plan.commitment
    row.action, row.cue = plan.action, plan.cue
    row.days, row.at_minute = when.encode_days(plan.days), plan.at_minute
    row.zone, row.zone_from_slack = plan.zone, plan.zone_from_slack
    row.status, row.paused_until, row.stopped_reason = "active", None, None
    row.next_at = next_at(plan.days, plan.at_minute, plan.zone, now)
    row.updated_at = now
    session.flush()
    return Nudge.of(row)


def next_at(days: tuple[int, ...], minute: int, zone: str, after: datetime) -> datetime | None:
    found = when.next_due(days, minute, zone, after)
    return None if found is None else found[0]


def pause(
    session: Session, *, team_id: str, user_id: str, until: datetime, now: datetime
) -> Nudge | None:
    """No reminders until `until`; then they resume by themselves."""
    row = _row(session, team_id, user_id, HABIT)
    if row is None or row.status in ("off", "stopped"):
        return None
    row.status, row.paused_until, row.updated_at = "paused", until, now
    row.next_at = next_at(when.decode_days(row.days), row.at_minute, row.zone, until)
    return Nudge.of(row)


def resume(session: Session, *, team_id: str, user_id: str, now: datetime) -> Nudge | None:
    """Turn a paused, stopped or switched-off habit back on from now."""
    row = _row(session, team_id, user_id, HABIT)
    if row is None:
        return None
    row.status, row.paused_until, row.stopped_reason, row.updated_at = "active", None, None, now
    row.next_at = next_at(when.decode_days(row.days), row.at_minute, row.zone, now)
    return Nudge.of(row)


def turn_off(
    session: Session, *, team_id: str, user_id: str, kind: str, now: datetime
) -> Nudge | None:
    """No more reminders of `kind` for the person (their setup and log are kept)."""
    row = _row(session, team_id, user_id, kind)
    if row is None:
        return None
    row.status, row.next_at, row.paused_until, row.updated_at = "off", None, None, now
    return Nudge.of(row)


@dataclass(frozen=True)
class CheckIn:
    """The answer to Done or Not today. `result`: done, skipped, already (answered before),
    not_yours, missing (the habit or the day is gone)."""

    result: str
    status: str | None = None
    nudge: Nudge | None = None
    day: date | None = None
    offer: bool = False  # offer the next practice now


def _day_of(
    session: Session, team_id: str, user_id: str, day_id: int
) -> tuple[NudgeDay, PersonalNudge] | str:
    found = session.execute(
        select(NudgeDay, PersonalNudge)
        .join(PersonalNudge, PersonalNudge.id == NudgeDay.nudge_id)
        .where(NudgeDay.id == day_id, NudgeDay.team_id == team_id)
    ).first()
    if found is None or found[1].kind != HABIT:
        return "missing"
    if found[1].user_id != user_id:
        return "not_yours"
    return found[0], found[1]


def check_in(
    session: Session, *, team_id: str, user_id: str, day_id: int, done: bool, now: datetime
) -> CheckIn:
    """Done (logged under the habit's practice and commitment, so it counts in progress)
    or Not today (kept in the person's log, never mentioned again). Once per day: a double
    click finds the day answered."""
    found = _day_of(session, team_id, user_id, day_id)
    if isinstance(found, str):
        return CheckIn(found)
    day, row = found
    status = "done" if done else "skipped"
    answered = session.execute(
        update(NudgeDay)
        .where(NudgeDay.id == day_id, NudgeDay.status.in_(("sent", "claimed", "failed")))
        .values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not answered.rowcount:  # type: ignore[attr-defined]
        session.refresh(day)
        return CheckIn("already", day.status, Nudge.of(row), day.day)
    offer = False
    if done:
        insert_once(
            session,
            Response(
                team_id=team_id,
                channel_id=row.channel_id or day.channel_id or user_id,
                user_id=user_id,
                kind=HABIT,
                practice=row.practice or "model",
                commitment=row.commitment or "example",
                text=row.action or "",
                source=HABIT,
                dedupe_key=f"habit:{day_id}",
                created_at=now,
            ),
        )
        row.done_since_offer += 1
        if row.done_since_offer >= OFFER_AFTER:
            offer, row.done_since_offer = True, 0
    return CheckIn(status, status, Nudge.of(row), day.day, offer)


def note(
    session: Session, *, team_id: str, user_id: str, day_id: int, text: str
) -> Response | None:
    """The check-in logged for a done day, to add what the person did; None if there is
    none (not done, or not theirs)."""
    found = _day_of(session, team_id, user_id, day_id)
    if isinstance(found, str) or found[0].status != "done":
        return None
    response = session.scalars(
        select(Response).where(
            Response.team_id == team_id, Response.dedupe_key == f"habit:{day_id}"
        )
    ).first()
    if response is not None:
        response.text = text
    return response


@dataclass(frozen=True)
class LogDay:
    day: date
    status: str


def log(session: Session, *, nudge_id: int, since: date) -> list[LogDay]:
    """The habit's days from `since`, oldest first (claimed days that never went out are
    left out)."""
    rows = session.execute(
        select(NudgeDay.day, NudgeDay.status)
        .where(NudgeDay.nudge_id == nudge_id, NudgeDay.day >= since)
        .order_by(NudgeDay.day)
    )
    return [LogDay(day, status) for day, status in rows if status != "claimed"]
