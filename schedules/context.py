"""What every poster is handed: the job context and the claimed occurrence, and the one way
to record on an occurrence what happened to it. Imports nothing else from schedules/, so
the posters (schedules/posters.py) and the claim machinery (schedules/jobs.py) both can."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling.when import When
from bot.slack.client import Clients
from models.tables import Occurrence


@dataclass(frozen=True)
class JobContext:
    sessions: sessionmaker[Session]
    client: WebClient
    now: Callable[[], datetime]
    # The practice pulse's minimum group (NUDGEBOT_PULSE_MIN_GROUP), for rounds it opens.
    pulse_min_group: int = 5
    # The server-held key of pulse voters' hashes (Settings.pulse_secret), never stored.
    pulse_key: bytes = b""
    # Set when the scheduler stops: senders claim nothing more and put back what they hold.
    stopping: threading.Event = field(default_factory=threading.Event)
    # Each workspace's client (several workspaces); None: `client` speaks for every one.
    clients: Clients | None = None
    # How long a workspace that left keeps its data (NUDGEBOT_RETENTION_DAYS), in days.
    retention_days: int = 30

    def slack(self, team_id: str) -> WebClient:
        """The Web API client of the workspace `team_id`: always use this one, so every
        post goes out with its own workspace's token."""
        return self.client if self.clients is None else self.clients.for_team(team_id)


@dataclass(frozen=True)
class Claimed:
    """An occurrence this process claimed, with what posting it needs."""

    schedule_id: int
    occurs_at: datetime
    kind: str
    team_id: str
    channel_id: str
    creator: str | None
    practice: str
    when: When
    # The number people see in `/nudge schedule list` (a prompt schedule's, not its row id).
    number: int | None = None


def mark(
    ctx: JobContext,
    schedule_id: int,
    occurs_at: datetime,
    status: str,
    detail: str | None,
    message_ts: str | None = None,
) -> None:
    """Record what happened to the occurrence, in a transaction of its own."""
    with ctx.sessions.begin() as session:
        set_status(session, schedule_id, occurs_at, status, detail, message_ts)


def set_status(
    session: Session,
    schedule_id: int,
    occurs_at: datetime,
    status: str,
    detail: str | None,
    message_ts: str | None = None,
) -> None:
    """Record on the occurrence what happened to it."""
    session.execute(
        update(Occurrence)
        .where(Occurrence.schedule_id == schedule_id, Occurrence.occurs_at == occurs_at)
        .values(status=status, detail=detail, message_ts=message_ts)
    )
