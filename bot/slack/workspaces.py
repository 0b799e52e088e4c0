"""A workspace's standing: active, or stopped because Slack revoked the token or the app was
uninstalled. A stopped workspace's schedules don't run until the app is working again.

A workspace that let the app go (LEFT: uninstalled, or its tokens revoked) also has its
departure recorded (models.retention): its data is kept for the retention period from then
and purged after (bot.privacy.purge). Installing again clears the departure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from models.changes import mark_changed
from models.queries import ensure_workspace, insert_ignore
from models.retention import WorkspaceDeparture
from models.tables import Schedule, Workspace

# What Slack says only when the workspace itself let the app go: the uninstall event, and a
# revoked bot token (the event, or the API's error). These start the retention clock. Other
# workspace errors stop the work but never lead to a purge, since they can pass or be ours:
# invalid_auth (a token misconfigured here), account_inactive (the bot's user, or the person
# who installed it, deactivated), team_disabled (a workspace moving into an Enterprise Grid
# org), not_installed (no installation found here, e.g. a workspace served by one token
# before "Add to Slack").
LEFT = frozenset({"app_uninstalled", "token_revoked", "tokens_revoked"})


def deactivate(session: Session, *, team_id: str, reason: str, now: datetime) -> None:
    """Stop the workspace's scheduled work (the scheduler drops its jobs at its next sync).
    When `reason` says the workspace let the app go, record when it did (the first time
    only: a later uninstall or revocation keeps the earliest)."""
    ensure_workspace(session, team_id)
    session.execute(
        update(Workspace).where(Workspace.team_id == team_id).values(inactive_reason=reason)
    )
    if reason in LEFT:
        session.execute(
            insert_ignore(session, WorkspaceDeparture).values(
                team_id=team_id, left_at=now, reason=reason
            )
        )
    session.execute(update(Schedule).where(Schedule.team_id == team_id).values(updated_at=now))
    mark_changed(session)


def reactivate(session: Session, *, team_id: str, now: datetime) -> bool:
    """The token works again (reinstalled, or a new token): resume the workspace's schedules
    and keep its data (its departure, if any, is forgotten). Returns whether it had been
    stopped."""
    session.execute(delete(WorkspaceDeparture).where(WorkspaceDeparture.team_id == team_id))
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


def hold_departures(session: Session, team_ids: list[str]) -> list[dict[str, Any]]:
    """Take the departures of workspaces being installed again off the purge's list, before
    their installation is saved: a purge waiting on them (it locks the row) finishes first,
    and one that comes after finds nothing to purge. What was taken, for put_back."""
    rows = [
        {"team_id": d.team_id, "left_at": d.left_at, "reason": d.reason}
        for d in session.scalars(
            select(WorkspaceDeparture).where(WorkspaceDeparture.team_id.in_(team_ids))
        )
    ]
    session.execute(delete(WorkspaceDeparture).where(WorkspaceDeparture.team_id.in_(team_ids)))
    return rows


def put_back(session: Session, departures: list[dict[str, Any]]) -> None:
    """The install failed after all: the departures count from when they first did."""
    for row in departures:
        session.execute(insert_ignore(session, WorkspaceDeparture).values(**row))
