"""The team's values: a statement of kind "values" (one value a line), versioned like the
vision: the newest is current, earlier versions stay as history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.statements import service as statements

KIND = "values"


@dataclass(frozen=True)
class TeamValues:
    names: tuple[str, ...]
    author_id: str | None
    created_at: datetime
    version: int


def current(session: Session, *, team_id: str) -> TeamValues | None:
    """The workspace's current values, or None if none were ever set."""
    found = statements.current(session, team_id=team_id, kind=KIND)
    if found is None:
        return None
    return TeamValues(_names(found.text), found.author_id, found.created_at, found.version)


def names(session: Session, *, team_id: str) -> tuple[str, ...]:
    """The current values' names, in the order the team wrote them (none: empty)."""
    found = current(session, team_id=team_id)
    return found.names if found else ()


def publish(
    session: Session, *, team_id: str, names: tuple[str, ...], author_id: str, now: datetime
) -> TeamValues:
    """Publish a new version of the values (checked by `parsing.parse_values`)."""
    found = statements.publish(
        session, team_id=team_id, kind=KIND, text="\n".join(names), author_id=author_id, now=now
    )
    return TeamValues(_names(found.text), found.author_id, found.created_at, found.version)


def pick(names: tuple[str, ...], rng: random.Random | None = None) -> str | None:
    """One of the values, at random, for a prompt to name (None when there are none)."""
    return (rng or random).choice(names) if names else None


def _names(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())
