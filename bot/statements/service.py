"""Versioned workspace statements: the vision, the guidelines and the team's values (one a
line, bot/values). The newest is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.queries import ensure_workspace
from models.tables import Statement

KINDS = ("vision", "guidelines", "values")


@dataclass(frozen=True)
class Current:
    text: str
    author_id: str | None
    created_at: datetime
    version: int


def current(session: Session, *, team_id: str, kind: str) -> Current | None:
    """The workspace's current statement of `kind`, or None if none was published."""
    row = session.scalars(
        select(Statement)
        .where(Statement.team_id == team_id, Statement.kind == kind)
        .order_by(Statement.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    version = session.scalar(
        select(func.count()).where(Statement.team_id == team_id, Statement.kind == kind)
    )
    return Current(row.text, row.author_id, row.created_at, version or 1)


def publish(
    session: Session, *, team_id: str, kind: str, text: str, author_id: str, now: datetime
) -> Current:
    """Publish a new version; earlier versions stay as history."""
    if kind not in KINDS:
        raise ValueError(f"not a statement kind: {kind}")
    ensure_workspace(session, team_id)
    session.add(
        Statement(team_id=team_id, kind=kind, text=text, author_id=author_id, created_at=now)
    )
    session.flush()
    found = current(session, team_id=team_id, kind=kind)
    assert found is not None
    return found
