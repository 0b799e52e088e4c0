"""When a workspace let the app go (uninstalled it, or Slack revoked its tokens). Its data is
kept for the retention period (NUDGEBOT_RETENTION_DAYS) counted from `left_at`, then purged
by the daily job; installing the app again within the period deletes the row and keeps
everything."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime
from models.tables import SlackId


class WorkspaceDeparture(Base):
    """A workspace that left: when it first did, and what Slack said (the earliest is kept,
    so a second uninstall or revocation never restarts the clock)."""

    __tablename__ = "workspace_departures"
    __table_args__ = (Index("ix_workspace_departures_left_at", "left_at"),)

    team_id: Mapped[str] = mapped_column(
        SlackId, ForeignKey("workspaces.team_id"), primary_key=True
    )
    left_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(64))
