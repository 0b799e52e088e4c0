"""Scheduled work: practice prompts posted on each channel's schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from schedules.context import JobContext
from schedules.runner import PromptScheduler


def build_scheduler(
    settings: Settings,
    *,
    engine: Engine,
    sessions: sessionmaker[Session],
    client: WebClient,
    poll_seconds: float = 5.0,
    nudge_seconds: float = 15.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PromptScheduler:
    """The prompt scheduler for this process (not started); it looks for personal nudges
    that are due every `nudge_seconds`."""
    ctx = JobContext(
        sessions=sessions,
        client=client,
        now=now,
        pulse_min_group=settings.pulse_min_group,
        pulse_key=settings.pulse_secret,
    )
    return PromptScheduler(
        ctx,
        engine,
        grace_seconds=settings.misfire_grace_seconds,
        poll_seconds=poll_seconds,
        nudge_seconds=nudge_seconds,
    )
