"""Delivering personal nudges: which are due, the claim on each day before anything is
sent, and what happened to it.

A day is claimed by a unique (nudge, local date) row written in the same transaction that
moves `next_at` on, with the nudge's row locked while the `next_at` read is checked: a
restart, a retry or a second scheduler never sends a day twice, and never more than one
reminder a day. A batch of nudges is claimed in three statements, however many it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.habits import when
from bot.habits.service import Nudge, next_at
from models.nudges import NudgeDay, PersonalNudge
from models.queries import insert_ignore
from models.tables import Workspace


@dataclass(frozen=True)
class Claimed:
    """A day claimed by this process: send it, then record what happened. `dnd` is the
    person's do-not-disturb as Slack gave it for the whole batch (dnd.teamInfo), or None
    when it must be asked for them alone."""

    day_id: int
    day: date
    nudge: Nudge
    dnd: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Due:
    id: int
    next_at: datetime


def stop(session: Session, *, nudge_id: int, reason: str, now: datetime) -> None:
    """Stop a nudge that can't be delivered (the person left, or blocks the bot's DMs)."""
    session.execute(
        update(PersonalNudge)
        .where(PersonalNudge.id == nudge_id)
        .values(status="stopped", stopped_reason=reason[:64], next_at=None, updated_at=now)
    )


def follow_zone(session: Session, *, nudge_id: int, zone: str, now: datetime) -> None:
    """The person's Slack zone changed: keep their wall-clock time in the new zone."""
    row = session.get(PersonalNudge, nudge_id)
    if row is None or not row.zone_from_slack or row.zone == zone or row.next_at is None:
        return
    row.zone, row.updated_at = zone, now
    row.next_at = next_at(when.decode_days(row.days), row.at_minute, zone, now)


def due(session: Session, *, now: datetime, limit: int) -> list[Due]:
    """Nudges whose time has come, in workspaces that still have the bot, oldest first."""
    rows = session.execute(
        select(PersonalNudge.id, PersonalNudge.next_at)
        .join(Workspace, Workspace.team_id == PersonalNudge.team_id)
        .where(
            PersonalNudge.next_at <= now,
            PersonalNudge.status.in_(("active", "paused")),
            Workspace.inactive_reason.is_(None),
        )
        .order_by(PersonalNudge.next_at)
        .limit(limit)
    )
    return [Due(nudge_id, moment) for nudge_id, moment in rows if moment is not None]


def claim(
    session: Session, item: Due, *, now: datetime, grace: timedelta, worker: str
) -> Claimed | None:
    """Claim the day `item` is due on and move the nudge on to its next time; None when
    another process got there first, the day was sent already, or it is too late (more
    than `grace` past: a reminder is never sent late in a burst, it is skipped)."""
    found = claim_all(session, [item], now=now, grace=grace, worker=worker)
    return found[0] if found else None


def claim_all(
    session: Session, items: list[Due], *, now: datetime, grace: timedelta, worker: str
) -> list[Claimed]:
    """`claim` for many nudges at once, in the order given, in three statements whatever
    their number: the rows are read and locked (FOR UPDATE on PostgreSQL; on SQLite the
    writing transaction holds the database's write lock from its start), so the `next_at`
    read is still theirs when they are moved on and their days inserted."""
    if not items:
        return []
    wanted = {item.id: item for item in items}
    rows = {
        row.id: row
        for row in session.scalars(
            select(PersonalNudge)
            .where(PersonalNudge.id.in_(wanted))
            .order_by(PersonalNudge.id)  # locked in one order: two claimers can't deadlock
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    moves: list[dict[str, object]] = []
    nudges: dict[int, Nudge] = {}
    for item in wanted.values():
        row = rows.get(item.id)
        if row is None or row.next_at != item.next_at or row.status not in ("active", "paused"):
            continue
        later = next_at(when.decode_days(row.days), row.at_minute, row.zone, max(item.next_at, now))
        moves.append(
            {
                "id": row.id,
                "next_at": later,
                "status": "active",
                "paused_until": None,
                "updated_at": now,
            }
        )
        if now - item.next_at <= grace:
            nudges[row.id] = replace(
                Nudge.of(row), next_at=later, status="active", paused_until=None
            )
    if moves:
        session.execute(update(PersonalNudge), moves)
    if not nudges:
        return []
    days = {
        nudge_id: when.local_day(wanted[nudge_id].next_at, n.zone) for nudge_id, n in nudges.items()
    }
    got = session.execute(
        insert_ignore(session, NudgeDay)
        .values(
            [
                {
                    "nudge_id": nudge_id,
                    "team_id": nudge.team_id,
                    "day": days[nudge_id],
                    "status": "claimed",
                    "claimed_by": worker,
                    "created_at": now,
                    "updated_at": now,
                }
                for nudge_id, nudge in nudges.items()
            ]
        )
        .returning(NudgeDay.nudge_id, NudgeDay.id)
    ).all()
    day_ids = dict(got)  # only the days inserted now: a day already there was claimed before
    return [
        Claimed(day_id=day_ids[nudge_id], day=days[nudge_id], nudge=nudges[nudge_id])
        for nudge_id in wanted
        if nudge_id in day_ids
    ]


def record(
    session: Session,
    *,
    day_id: int,
    status: str,
    now: datetime,
    channel_id: str | None = None,
    message_ts: str | None = None,
) -> None:
    """What happened to a claimed day: sent, away or failed."""
    session.execute(
        update(NudgeDay)
        .where(NudgeDay.id == day_id)
        .values(status=status, channel_id=channel_id, message_ts=message_ts, updated_at=now)
    )
