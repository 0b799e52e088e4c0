"""A forgotten person's mentions in what others wrote: kudos reasons, answers (worries too),
commitments, published statements, and why a schedule was paused ("paused by <@U...>").

Each mention becomes a neutral word, so a sentence keeps its meaning without the person:
"for pairing with <@U123|meg>" reads "for pairing with someone".
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.tables import Commitment, Recognition, Response, Schedule, Statement

NEUTRAL = "someone"

# The free-text columns that may name people, with their table.
TEXTS: tuple[tuple[Any, InstrumentedAttribute[Any]], ...] = (
    (Recognition, Recognition.reason),
    (Response, Response.text),
    (Commitment, Commitment.text),
    (Statement, Statement.text),
    (Schedule, Schedule.paused_reason),
)


def pattern(user_id: str) -> re.Pattern[str]:
    """A mention of `user_id` as Slack sends it (`<@U1>`, `<@U1|name>`), as a modal's
    escaped text holds it (`&lt;@U1&gt;`), or the bare id."""
    uid = re.escape(user_id)
    return re.compile(rf"<@{uid}(?:\|[^<>]*)?>|&lt;@{uid}(?:\|.*?)?&gt;|\b{uid}\b")


def _candidates(
    session: Session, team_id: str, user_id: str
) -> list[tuple[Any, InstrumentedAttribute[Any], int, str]]:
    """Rows whose text holds the id, as (table, column, id, text)."""
    found = pattern(user_id)
    rows = []
    for table, column in TEXTS:
        for row_id, text in session.execute(
            select(table.id, column).where(
                table.team_id == team_id, column.contains(user_id, autoescape=True)
            )
        ):
            if text and found.search(text):
                rows.append((table, column, row_id, text))
    return rows


def count(session: Session, *, team_id: str, user_id: str) -> int:
    """How many texts in the workspace mention `user_id`."""
    return len(_candidates(session, team_id, user_id)) if user_id else 0


def scrub(session: Session, *, team_id: str, user_id: str) -> int:
    """Replace every mention of `user_id` in the workspace's texts; returns rows changed."""
    if not user_id:
        return 0
    found = pattern(user_id)
    rows = _candidates(session, team_id, user_id)
    for table, column, row_id, text in rows:
        session.execute(
            update(table)
            .where(table.id == row_id)
            .values({column.key: found.sub(NEUTRAL, text)})
            .execution_options(synchronize_session=False)
        )
    return len(rows)
