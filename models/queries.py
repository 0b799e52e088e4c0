"""Small queries shared by the services."""

from __future__ import annotations

from sqlalchemy import Executable, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.base import Base
from models.tables import Workspace


def ensure_workspace(session: Session, team_id: str) -> None:
    """Create the workspace row if it is new; safe when two requests race."""
    dialect = session.get_bind().dialect.name
    stmt: Executable
    if dialect == "postgresql":
        stmt = pg_insert(Workspace).values(team_id=team_id).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(Workspace).values(team_id=team_id).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two databases above are supported
        if session.get(Workspace, team_id) is not None:
            return
        stmt = insert(Workspace).values(team_id=team_id)
    session.execute(stmt)


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
