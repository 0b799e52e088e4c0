"""A workspace's standing: active, or stopped because Slack revoked the token or the app was
uninstalled. A stopped workspace's schedules don't run until the app is working again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from models.changes import mark_changed
from models.queries import ensure_workspace
from models.tables import Schedule, Workspace


def deactivate(session: Session, *, team_id: str, reason: str, now: datetime) -> None:
    """Stop the workspace's scheduled work (the scheduler drops its jobs at its next sync)."""
    ensure_workspace(session, team_id)
    session.execute(
        update(Workspace).where(Workspace.team_id == team_id).values(inactive_reason=reason)
    )
    session.execute(update(Schedule).where(Schedule.team_id == team_id).values(updated_at=now))
    mark_changed(session)


def reactivate(session: Session, *, team_id: str, now: datetime) -> bool:
    """The token works again (reinstalled, or a new token): resume the workspace's schedules.
    Returns whether it had been stopped."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.inactive_reason.is_not(None))
        .values(inactive_reason=None)
    )
    if not result.rowcount:
        return False
    session.execute(update(Schedule).where(Schedule.team_id == team_id).values(updated_at=now))
    mark_changed(session)
    return True
