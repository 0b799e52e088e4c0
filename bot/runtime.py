"""What every listener needs: settings, the session factory, the directory and a clock."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack.directory import Directory
from bot.slack.members import MemberCache
from bot.slack.memberships import Memberships


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _workers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=32, thread_name_prefix="nudgebot-work")


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]
    directory: Directory = field(default_factory=Directory)
    now: Callable[[], datetime] = _utcnow
    # The work a listener does after its ack (Slack calls, database writes, replies).
    background: ThreadPoolExecutor = field(default_factory=_workers)
    # Channel members (conversations.members) for participation figures, cached for an hour.
    members: MemberCache = field(default_factory=MemberCache)
    # The channels each person is in (users.conversations), for their App Home.
    memberships: Memberships = field(default_factory=Memberships)
