"""Scheduled work: practice prompts posted on each channel's schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack.client import Clients
from schedules.context import JobContext
from schedules.runner import PromptScheduler


def build_scheduler(
    settings: Settings,
    *,
    engine: Engine,
    sessions: sessionmaker[Session],
    client: WebClient,
    clients: Clients | None = None,
    poll_seconds: float = 5.0,
    nudge_seconds: float = 15.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PromptScheduler:
    """The prompt scheduler for this process (not started); it looks for personal nudges
    that are due every `nudge_seconds`. `clients`: each workspace's own client ("Add to
    Slack"); None: `client` speaks for every workspace."""
    ctx = JobContext(
        sessions=sessions,
        client=client,
        now=now,
        pulse_min_group=settings.pulse_min_group,
        pulse_key=settings.pulse_secret,
        clients=clients,
        retention_days=settings.retention_days,
    )
    return PromptScheduler(
        ctx,
        engine,
        grace_seconds=settings.misfire_grace_seconds,
        poll_seconds=poll_seconds,
        nudge_seconds=nudge_seconds,
    )
