"""What every listener needs: settings, the session factory, the directory and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.directory import Directory
from bot.settings import Settings


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]
    directory: Directory = field(default_factory=Directory)
    now: Callable[[], datetime] = _utcnow
