"""The weekly recognition digest: the channel's digest schedule (on, off, status), and
where the last digest in the channel ended, so a digest shared early from a preview is not
repeated by the scheduled one. What a digest says is built by bot.digest.week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.digest import milestones
from bot.digest.parsing import DIGEST_USAGE
from bot.digest.week import Digest
from bot.digest.week import build as build
from bot.digest.week import window as window
from bot.errors import UserError
from bot.scheduling.when import When, next_occurrence
from models.changes import mark_changed
from models.queries import ensure_workspace
from models.tables import Schedule

DIGEST = "digest"


@dataclass(frozen=True)
class DigestSchedule:
    """The channel's digest schedule as people see it. `covered_until`: where the last
    digest posted or shared in the channel ended (None: none yet)."""

    id: int
    when: When
    created_by: str | None
    paused: bool
    paused_reason: str | None
    next_run: datetime | None
    covered_until: datetime | None = None


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
        covered_until=row.covered_until,
    )


def _current(
    session: Session, team_id: str, channel_id: str, lock: bool = False
) -> Schedule | None:
    query = (
        select(Schedule)
        .where(
            Schedule.team_id == team_id,
            Schedule.channel_id == channel_id,
            Schedule.kind == DIGEST,
            Schedule.deleted.is_(False),
        )
        .order_by(Schedule.id)
        .limit(1)
    )
    return session.scalars(query.with_for_update() if lock else query).first()


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
            # a digest turned off and on again still knows where the last one ended
            covered_until=session.scalar(
                select(func.max(Schedule.covered_until)).where(
                    Schedule.team_id == team_id,
                    Schedule.channel_id == channel_id,
                    Schedule.kind == DIGEST,
                )
            ),
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


# -- what was covered -----------------------------------------------------------------------


def share(
    session: Session, *, team_id: str, channel_id: str, until: datetime, now: datetime
) -> bool:
    """A digest ending at `until` is about to be shared in the channel: record it, so the
    channel's scheduled digest says only what is new since. False when a digest in the
    channel already covered up to `until` (shared already, a double click, or the scheduled
    one posted today): nothing to share twice. A channel without a digest schedule keeps
    the record on a stopped one (which `turn_on` later inherits)."""
    ensure_workspace(session, team_id)
    milestones.serialise(session, f"digest:{team_id}:{channel_id}")  # one share at a time
    row = _current(session, team_id, channel_id, lock=True) or _record_keeper(
        session, team_id, channel_id, now
    )
    if row.covered_until is not None and row.covered_until >= until:
        return False
    row.covered_until = until
    return True


def _record_keeper(session: Session, team_id: str, channel_id: str, now: datetime) -> Schedule:
    """The stopped digest row that remembers what was shared in a channel without a digest
    schedule: the latest stopped one, or a new one (never run: it is deleted)."""
    row = session.scalars(
        select(Schedule)
        .where(
            Schedule.team_id == team_id,
            Schedule.channel_id == channel_id,
            Schedule.kind == DIGEST,
        )
        .order_by(Schedule.covered_until.desc().nulls_last(), Schedule.id.desc())
        .limit(1)
    ).first()
    if row is None:
        row = Schedule(
            team_id=team_id,
            channel_id=channel_id,
            kind=DIGEST,
            practice=DIGEST,
            created_at=now,
            updated_at=now,
            cron="0 16 * * 5",
            zone="UTC",
            deleted=True,
            paused=True,
        )
        session.add(row)
    return row


def posted(
    session: Session, *, team_id: str, schedule_id: int, digest: Digest, now: datetime
) -> None:
    """The scheduled digest was posted: the channel is covered up to its end, and its
    milestones are celebrated."""
    row = session.get(Schedule, schedule_id)
    if row is not None and (row.covered_until is None or row.covered_until < digest.end):
        row.covered_until = digest.end
    celebrated(session, team_id=team_id, digest=digest, now=now)


def celebrated(session: Session, *, team_id: str, digest: Digest, now: datetime) -> None:
    """The digest was posted: its milestones are celebrated (and older ones that waited for
    a digest are settled without a word)."""
    milestones.mark_celebrated(session, team_id=team_id, ids=digest.settled, now=now)
