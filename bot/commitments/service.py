"""Commitments (Model the Way: do what you say): `/nudge commit <text> by <date>`.

A commitment is posted in its channel; on its due date at 10:00 in the workspace's zone the
bot asks its author in the message's thread whether it was kept. Asking is claimed with a
conditional update (next_ask_at back to NULL), so two schedulers never ask twice; answering
is one too, so a double click changes nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.orm import Session

from bot.commitments import dates
from bot.errors import UserError
from bot.progress import rollups
from bot.text import MAX_TEXT, clean
from models.queries import ensure_workspace
from models.tables import Commitment, Workspace

COMMIT_USAGE = "/nudge commit <what you'll do> by <fri | tomorrow | in 2 weeks | 2026-12-15>"
ASK_HOUR = 10  # local time on the due date (and again after "not yet")
NOT_YET_DAYS = 3
ANSWERS = ("kept", "not_yet", "dropped")

_BY = re.compile(r"(?:^|\s)by(?:\s+|$)", re.IGNORECASE)


@dataclass(frozen=True)
class CommitRequest:
    """What `/nudge commit` asked for, parsed."""

    text: str
    due_on: date


@dataclass(frozen=True)
class CommitmentView:
    id: int
    team_id: str
    channel_id: str
    user_id: str
    text: str
    due_on: date
    zone: str
    status: str
    message_ts: str | None
    next_ask_at: datetime | None
    asked_count: int
    answered_at: datetime | None


@dataclass(frozen=True)
class Due:
    """A commitment whose time to ask has come; `seen` is the next_ask_at read."""

    id: int
    team_id: str
    seen: datetime


@dataclass(frozen=True)
class Answer:
    """What a click on Kept it / Not yet / Dropped it did.

    result: "answered" (applied now), "already" (answered before: nothing changed),
    "not_author" (someone else clicked), "missing" (the commitment is gone).
    """

    result: str
    choice: str
    commitment: CommitmentView | None


def _view(row: Commitment) -> CommitmentView:
    return CommitmentView(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        user_id=row.user_id,
        text=row.text,
        due_on=row.due_on,
        zone=row.zone,
        status=row.status,
        message_ts=row.message_ts,
        next_ask_at=row.next_ask_at,
        asked_count=row.asked_count,
        answered_at=row.answered_at,
    )


def _changed(session: Session, statement: Update) -> int:
    """Run an UPDATE; how many rows it changed (the claim and answer checks rest on it)."""
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount


def parse_commit(rest: str, today: date) -> CommitRequest:
    """`<text> by <date>`, split on the last `by`; UserError names what is wrong."""
    rest = clean(rest).strip()
    if not rest:
        raise UserError("What will you do, and by when?", COMMIT_USAGE)
    found = list(_BY.finditer(rest))
    if not found:
        raise UserError(
            "By when? End with `by` and a date, like `by fri` or `by 2026-12-15`.", COMMIT_USAGE
        )
    last = found[-1]
    text, when = rest[: last.start()].strip(), rest[last.end() :].strip()
    if not re.sub(r"[\W_]+", "", text):
        raise UserError("Say what you'll do before `by`.", COMMIT_USAGE)
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That is {len(text):,} characters; please keep it under {MAX_TEXT:,}.", COMMIT_USAGE
        )
    return CommitRequest(text=text, due_on=dates.parse_due(when, today, COMMIT_USAGE))


def first_ask_at(due_on: date, zone: str, now: datetime) -> datetime:
    """10:00 on the due date in `zone`; if that has passed (a commitment due today, made
    late in the day), 10:00 the next morning."""
    moment = dates.at_local(due_on, zone, ASK_HOUR)
    if moment <= now:
        moment = dates.at_local(due_on + timedelta(days=1), zone, ASK_HOUR)
    return moment


def create(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    text: str,
    due_on: date,
    zone: str,
    message_ts: str | None,
    now: datetime,
) -> CommitmentView:
    """Store an open commitment, to be asked about on its due date."""
    ensure_workspace(session, team_id)
    row = Commitment(
        team_id=team_id,
        channel_id=channel_id,
        user_id=user_id,
        text=text,
        due_on=due_on,
        zone=zone,
        message_ts=message_ts,
        status="open",
        next_ask_at=first_ask_at(due_on, zone, now),
        asked_count=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _view(row)


def get(session: Session, *, team_id: str, commitment_id: int) -> CommitmentView | None:
    """One commitment of the workspace, read fresh from the database."""
    row = session.scalar(
        select(Commitment)
        .where(Commitment.team_id == team_id, Commitment.id == commitment_id)
        .execution_options(populate_existing=True)
    )
    return _view(row) if row is not None else None


def due_for_asking(session: Session, *, now: datetime, limit: int = 200) -> list[Due]:
    """Open commitments whose time to ask has come, in every active workspace, oldest first.
    (The one query across workspaces: each result carries its team_id for the claim.)"""
    rows = session.execute(
        select(Commitment.id, Commitment.team_id, Commitment.next_ask_at)
        .join(Workspace, Workspace.team_id == Commitment.team_id)
        .where(
            Commitment.status == "open",
            Commitment.next_ask_at.is_not(None),
            Commitment.next_ask_at <= now,
            Workspace.inactive_reason.is_(None),
        )
        .order_by(Commitment.next_ask_at, Commitment.id)
        .limit(limit)
    )
    return [Due(id=r.id, team_id=r.team_id, seen=r.next_ask_at) for r in rows]


def claim_for_asking(session: Session, *, team_id: str, commitment_id: int, seen: datetime) -> bool:
    """Take the right to ask now: True for exactly one caller per due time."""
    changed = _changed(
        session,
        update(Commitment)
        .where(
            Commitment.team_id == team_id,
            Commitment.id == commitment_id,
            Commitment.status == "open",
            Commitment.next_ask_at == seen,
        )
        .values(next_ask_at=None, asked_count=Commitment.asked_count + 1)
        .execution_options(synchronize_session=False),
    )
    return changed == 1


def release_claim(
    session: Session, *, team_id: str, commitment_id: int, retry_at: datetime
) -> bool:
    """The question could not be posted: ask again at `retry_at` (unless answered since)."""
    changed = _changed(
        session,
        update(Commitment)
        .where(
            Commitment.team_id == team_id,
            Commitment.id == commitment_id,
            Commitment.status == "open",
            Commitment.next_ask_at.is_(None),
        )
        .values(next_ask_at=retry_at, asked_count=Commitment.asked_count - 1)
        .execution_options(synchronize_session=False),
    )
    return changed == 1


def answer(
    session: Session,
    *,
    team_id: str,
    commitment_id: int,
    user_id: str,
    choice: str,
    now: datetime,
) -> Answer:
    """Record the author's answer to a question, once. Only a commitment that was asked
    and not answered since (open, nothing scheduled) takes an answer."""
    if choice not in ANSWERS:
        raise ValueError(f"unknown answer {choice!r}")
    found = get(session, team_id=team_id, commitment_id=commitment_id)
    if found is None:
        return Answer("missing", choice, None)
    if found.user_id != user_id:
        return Answer("not_author", choice, found)
    if choice == "not_yet":
        again = dates.today_in(found.zone, now) + timedelta(days=NOT_YET_DAYS)
        values: dict[str, object] = {"next_ask_at": dates.at_local(again, found.zone, ASK_HOUR)}
    else:
        values = {"status": choice, "answered_at": now}
    changed = _changed(
        session,
        update(Commitment)
        .where(
            Commitment.team_id == team_id,
            Commitment.id == commitment_id,
            Commitment.status == "open",
            Commitment.next_ask_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    if changed == 1 and choice == "kept":
        rollups.added(
            session,
            team_id=team_id,
            channel_id=found.channel_id,
            practice=rollups.MODEL,
            kind=rollups.KEPT,
            at=now,
        )
    after = get(session, team_id=team_id, commitment_id=commitment_id)
    return Answer("answered" if changed == 1 else "already", choice, after)
