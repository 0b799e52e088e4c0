"""The queue of scheduled posts, kept in the occurrences table itself.

The leader writes each occurrence as it falls due: a "due" row (INSERT ... ON CONFLICT DO
NOTHING on the unique (schedule, time) key, so writing the same minute again, after a
restart or a change of leader, adds nothing). Every replica claims "due" rows in batches
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL: two replicas never get the same row)
and records what Slack answered. A "due" row was never handed to Slack, so it can wait for
any replica; a "claimed" row may have been, so it is never claimed again. Within a minute,
rows are claimed by rank: every workspace's first post before any workspace's second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from bot.scheduling.when import When
from models.queries import insert_ignore
from models.tables import Occurrence, Schedule, Workspace
from schedules.context import Claimed

DUE, CLAIMED, UNKNOWN, SKIPPED = "due", "claimed", "unknown", "skipped"
TOO_LATE = "missed: still waiting when the grace window ended"
TABLE = cast(Table, Occurrence.__table__)


@dataclass(frozen=True)
class Job:
    """A claimed occurrence: its row and what posting it needs."""

    id: int
    claimed: Claimed

    @property
    def team_id(self) -> str:
        return self.claimed.team_id

    @property
    def channel_id(self) -> str:
        return self.claimed.channel_id


@dataclass(frozen=True)
class Outcome:
    """What happened to a claimed occurrence, to be written with others in one go."""

    id: int
    status: str  # posted, failed, skipped
    detail: str | None = None
    message_ts: str | None = None


class Ranks:
    """Each workspace's 1st, 2nd, ... occurrence at a given time, as the leader writes them
    (kept for the last few hours of occurrence times only)."""

    def __init__(self, keep: timedelta = timedelta(hours=3)) -> None:
        self.keep = keep
        self._next: dict[datetime, dict[str, int]] = defaultdict(dict)

    def take(self, occurs_at: datetime, team_id: str) -> int:
        teams = self._next[occurs_at]
        rank = teams.get(team_id, 0) + 1
        teams[team_id] = rank
        return rank

    def forget_before(self, moment: datetime) -> None:
        for at in [at for at in self._next if at < moment - self.keep]:
            del self._next[at]


def enqueue(
    session: Session, due: Sequence[tuple[int, datetime]], ranks: Ranks, now: datetime
) -> int:
    """Write the due occurrences of active schedules (a paused or deleted schedule, or a
    stopped workspace, gets none); ones written before are left as they are. How many
    were new to this call (some may exist already)."""
    ids = sorted({schedule_id for schedule_id, _ in due})
    team_of: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        team_of.update(
            (row[0], row[1])
            for row in session.execute(
                select(Schedule.id, Schedule.team_id)
                .join(Workspace, Workspace.team_id == Schedule.team_id)
                .where(
                    Schedule.id.in_(ids[start : start + 5000]),
                    Schedule.deleted.is_(False),
                    Schedule.paused.is_(False),
                    Workspace.inactive_reason.is_(None),
                )
            )
        )
    rows = [
        {
            "schedule_id": schedule_id,
            "team_id": team_of[schedule_id],
            "occurs_at": occurs_at,
            "status": DUE,
            "claimed_by": None,
            "claimed_at": now,
            "rank": ranks.take(occurs_at, team_of[schedule_id]),
        }
        for schedule_id, occurs_at in due
        if schedule_id in team_of
    ]
    if rows:
        session.execute(insert_ignore(session, Occurrence), rows)
    ranks.forget_before(now)
    return len(rows)


def skip_stale(session: Session, now: datetime, grace: timedelta, limit: int = 1000) -> int:
    """Mark due rows older than the grace window as skipped (a post a day late, in a burst,
    helps nobody); rows another replica holds are left to it. How many were marked."""
    stale = (
        select(Occurrence.id)
        .where(Occurrence.status == DUE, Occurrence.occurs_at < now - grace)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(stale))
    if ids:
        session.execute(
            update(Occurrence)
            .where(Occurrence.id.in_(ids))
            .values(status=SKIPPED, detail=TOO_LATE, claimed_by=None)
        )
    return len(ids)


def claim(session: Session, worker: str, limit: int, now: datetime) -> list[Job]:
    """Claim up to `limit` due occurrences for `worker`, lowest time and rank first; rows
    another replica is claiming at the same moment are skipped, not waited for. A row whose
    schedule stopped since it was written (paused, deleted, its workspace gone) is removed,
    as if it had never been due."""
    picked = (
        select(Occurrence.id)
        .where(Occurrence.status == DUE)
        .order_by(Occurrence.occurs_at, Occurrence.rank, Occurrence.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(picked))
    if not ids:
        return []
    rows = session.execute(
        update(Occurrence)
        .where(Occurrence.id.in_(ids))
        .values(status=CLAIMED, claimed_by=worker, claimed_at=now)
        .returning(Occurrence.id, Occurrence.schedule_id, Occurrence.occurs_at, Occurrence.rank)
    ).all()
    schedules = {
        row[0].id: row
        for row in session.execute(
            select(Schedule, Workspace.inactive_reason)
            .join(Workspace, Workspace.team_id == Schedule.team_id)
            .where(Schedule.id.in_({r.schedule_id for r in rows}))
        )
    }
    jobs, stopped = [], []
    for row in sorted(rows, key=lambda r: (r.occurs_at, r.rank or 0, r.id)):
        found = schedules.get(row.schedule_id)
        if found is None or found[0].deleted or found[0].paused or found[1]:
            stopped.append(row.id)
            continue
        schedule = found[0]
        jobs.append(
            Job(
                row.id,
                Claimed(
                    schedule_id=schedule.id,
                    occurs_at=row.occurs_at,
                    kind=schedule.kind,
                    team_id=schedule.team_id,
                    channel_id=schedule.channel_id,
                    creator=schedule.created_by,
                    practice=schedule.practice,
                    when=When(schedule.cron, schedule.zone),
                    number=schedule.number or schedule.id,
                ),
            )
        )
    if stopped:
        session.execute(delete(Occurrence).where(Occurrence.id.in_(stopped)))
    return jobs


def record(session: Session, outcomes: Iterable[Outcome]) -> None:
    """Write what happened to each claimed occurrence (one statement for them all)."""
    rows = [
        {"oid": o.id, "status": o.status, "detail": o.detail, "message_ts": o.message_ts}
        for o in outcomes
    ]
    if rows:
        session.connection().execute(
            update(TABLE)
            .where(TABLE.c.id == bindparam("oid"))
            .values(
                status=bindparam("status"),
                detail=bindparam("detail"),
                message_ts=bindparam("message_ts"),
            ),
            rows,
        )


def give_back(session: Session, worker: str, ids: Sequence[int]) -> None:
    """Make claimed occurrences that were never handed to Slack due again (a stop)."""
    if ids:
        session.execute(
            update(Occurrence)
            .where(
                Occurrence.id.in_(ids),
                Occurrence.claimed_by == worker,
                Occurrence.status == CLAIMED,
            )
            .values(status=DUE, claimed_by=None)
        )


def holders(session: Session) -> list[str]:
    """Every worker that holds claims not yet done."""
    return list(
        session.scalars(
            select(Occurrence.claimed_by)
            .where(Occurrence.status == CLAIMED, Occurrence.claimed_by.is_not(None))
            .distinct()
        )
    )


def mark_unknown(
    session: Session, worker: str, detail: str, claimed_before: datetime | None = None
) -> list[tuple[int, int, str]]:
    """Mark every claim `worker` left (claimed before `claimed_before`, when given) as
    unknown; (occurrence id, schedule id, kind) of each."""
    where = [Occurrence.claimed_by == worker, Occurrence.status == CLAIMED]
    if claimed_before is not None:
        where.append(Occurrence.claimed_at < claimed_before)
    rows = session.execute(
        update(Occurrence)
        .where(*where)
        .values(status=UNKNOWN, detail=detail)
        .returning(Occurrence.id, Occurrence.schedule_id)
    ).all()
    kinds = {
        row[0]: row[1]
        for row in session.execute(
            select(Schedule.id, Schedule.kind).where(Schedule.id.in_({r[1] for r in rows}))
        )
    }
    return [(r[0], r[1], kinds.get(r[1], "prompt")) for r in rows]
