"""Purging a workspace that left: every row it has in every table, in one transaction.

The tables are found, not listed: every table of the models (every module of `models/` is
loaded, so a table added later is included) that has a `team_id` column, and every table
without one whose rows belong to such a table's rows through a foreign key (a pulse round's
voters, say). Children go before their parents, the workspace's own row last. Purging twice
deletes nothing the second time. Only ids and counts are logged, never what a row says.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Table, delete, or_, select
from sqlalchemy.orm import Session

import models
from models.base import Base
from models.retention import WorkspaceDeparture
from models.tables import Workspace


@dataclass(frozen=True)
class Purged:
    """What purging a workspace deleted: rows per table (tables with none left out)."""

    team_id: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table that can hold a workspace's rows, children before their parents."""
    for module in pkgutil.iter_modules(models.__path__):
        if not module.ispkg:
            importlib.import_module(f"{models.__name__}.{module.name}")
    return [t for t in reversed(Base.metadata.sorted_tables) if rows_of(t, "") is not None]


def rows_of(table: Table, team_id: str, seen: frozenset[str] = frozenset()) -> Any:
    """The condition that finds the rows of `team_id` in `table`: its `team_id` column, or,
    for a table without one, a foreign key into rows of the workspace. None: the table
    holds no workspace's rows (an install in progress, the migrations' version)."""
    if "team_id" in table.c:
        return table.c.team_id == team_id
    conditions: list[ColumnElement[bool]] = []
    for key in table.foreign_keys:
        parent = key.column.table
        if parent.name in seen or parent is table:
            continue
        theirs = rows_of(parent, team_id, seen | {table.name})
        if theirs is not None:
            conditions.append(key.parent.in_(select(key.column).where(theirs)))
    return or_(*conditions) if conditions else None


def purge(session: Session, team_id: str) -> Purged:
    """Delete every row of `team_id`, in the caller's transaction."""
    counts: dict[str, int] = {}
    for table in tables():
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            delete(table).where(rows_of(table, team_id))
        )
        if result.rowcount:
            counts[table.name] = result.rowcount
    return Purged(team_id, counts)


def due(session: Session, *, cutoff: datetime) -> list[str]:
    """The workspaces that left at or before `cutoff` and are still stopped, oldest first."""
    return list(
        session.scalars(
            select(WorkspaceDeparture.team_id)
            .join(Workspace, Workspace.team_id == WorkspaceDeparture.team_id)
            .where(
                WorkspaceDeparture.left_at <= cutoff,
                Workspace.inactive_reason.is_not(None),
            )
            .order_by(WorkspaceDeparture.left_at, WorkspaceDeparture.team_id)
        )
    )


def purge_if_due(session: Session, team_id: str, *, cutoff: datetime) -> Purged | None:
    """Purge the workspace if, now, in this transaction, it still left at or before
    `cutoff` and is still stopped (installing again in the meantime keeps everything).
    On PostgreSQL the departure's row is locked, so an install at the same moment waits
    and then finds the workspace new."""
    left = session.scalar(
        select(WorkspaceDeparture.left_at)
        .join(Workspace, Workspace.team_id == WorkspaceDeparture.team_id)
        .where(
            WorkspaceDeparture.team_id == team_id,
            WorkspaceDeparture.left_at <= cutoff,
            Workspace.inactive_reason.is_not(None),
        )
        .with_for_update(of=WorkspaceDeparture)
    )
    if left is None:
        return None
    return purge(session, team_id)
