"""Small queries shared by the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.base import Base
from models.tables import Workspace


def insert_ignore(session: Session, table: type[Base]) -> Any:
    """An INSERT that does nothing where a unique key says the row exists already
    (`ON CONFLICT DO NOTHING`, on PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database: {dialect}")  # pragma: no cover


def ensure_workspace(session: Session, team_id: str) -> None:
    """Create the workspace row if it is new; safe when two requests race."""
    session.execute(insert_ignore(session, Workspace).values(team_id=team_id))


def insert_once(session: Session, row: Base) -> bool:
    """Add `row`; False (and nothing written) if a unique key says it is a duplicate.

    Used for rows with a dedupe key, so a redelivered event or a double submit that races
    past any earlier check still logs once.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
