"""What a person has practised: their own logged items per practice over a window (kudos
given, answers, commitments made and kept, statements published), across the workspace.
Being recognised is not practising: only what the person did counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.progress import activity

WINDOW_DAYS = 90


def counts(
    session: Session, *, team_id: str, user_id: str, now: datetime, days: int = WINDOW_DAYS
) -> dict[str, int]:
    """Practice key -> how many things the person did under it in the last `days` days
    (every practice present, zero included)."""
    found = activity.items(team_id, None, now - timedelta(days=days), now)
    rows = session.execute(
        select(found.c.practice, func.count())
        .where(found.c.actor == user_id)
        .group_by(found.c.practice)
    )
    done = {key: 0 for key in catalogue.PRACTICE_KEYS}
    for practice, count in rows:
        if practice in done:
            done[practice] = int(count)
    return done


def least(counts_by_practice: dict[str, int]) -> str:
    """The practice with the fewest items; ties go to the first in catalogue order."""
    return min(catalogue.PRACTICE_KEYS, key=lambda key: counts_by_practice.get(key, 0))


def least_practised(
    session: Session, *, team_id: str, user_id: str, now: datetime, days: int = WINDOW_DAYS
) -> str:
    """The practice the person logged least over the window."""
    return least(counts(session, team_id=team_id, user_id=user_id, now=now, days=days))
