"""Keeping the daily rollups (models.rollups.ActivityDay) equal to the raw rows where a
write bypasses the ORM (which keeps them by itself on every flush, see models.rollups):

- `added`: a commitment answered kept (an UPDATE statement): one more under Model the Way;
- `recount`: after rows are deleted by a DELETE statement (forgetting a person), the UTC
  days they counted on are recounted from the raw rows; `days_of` finds them before the
  delete.

Each is one call in the service that writes, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.rollups import KEPT, MADE, MODEL, add, recount_day, utc_day, utc_midnight
from models.tables import Commitment, Response

__all__ = ["KEPT", "MADE", "MODEL", "added", "days_of", "recount", "utc_day", "utc_midnight"]

Day = tuple[str, date]  # (channel_id, UTC day)


def added(
    session: Session, *, team_id: str, channel_id: str, practice: str, kind: str, at: datetime
) -> None:
    """One more thing done: `kind` under `practice` in the channel at `at`."""
    add(
        session.connection(),
        team_id=team_id,
        channel_id=channel_id,
        practice=practice,
        kind=kind,
        at=at,
    )


def days_of(session: Session, *, team_id: str, user_id: str) -> set[Day]:
    """The (channel, UTC day) pairs a person's answers and commitments count on: what
    forgetting them changes. Call it before deleting."""
    found: set[Day] = set()
    queries = (
        select(Response.channel_id, Response.created_at).where(
            Response.team_id == team_id, Response.user_id == user_id
        ),
        select(Commitment.channel_id, Commitment.created_at).where(
            Commitment.team_id == team_id, Commitment.user_id == user_id
        ),
        select(Commitment.channel_id, Commitment.answered_at).where(
            Commitment.team_id == team_id,
            Commitment.user_id == user_id,
            Commitment.status == "kept",
        ),
    )
    for query in queries:
        for channel_id, at in session.execute(query):
            if at is not None:
                found.add((channel_id, utc_day(at)))
    return found


def recount(session: Session, *, team_id: str, days: Iterable[Day]) -> None:
    """Make the rollups of these (channel, UTC day) pairs equal to the raw rows again."""
    wanted = sorted(set(days))
    if not wanted:
        return
    session.flush()
    conn = session.connection()
    for channel_id, day in wanted:
        recount_day(conn, team_id=team_id, channel_id=channel_id, day=day)
