"""What every listener needs: settings, the session factories, the directory, a clock and
the bounded pool that runs the work after each ack."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack.directory import Directory
from bot.slack.members import MemberCache
from bot.slack.memberships import Memberships
from models.db import reads_for

# The pool after the ack: this many threads, and at most this many jobs waiting for one.
WORKER_THREADS = 32
WORKER_BACKLOG = 256


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Workers:
    """A pool of `threads` threads with room for `backlog` jobs waiting.

    `submit` never blocks: when the pool is full it refuses (returns False) and runs
    nothing, so a stuck database or Slack cannot grow an endless queue behind the server;
    the caller tells the person to try again. `drain` stops taking work and waits for what
    was taken, for at most `timeout` seconds (shutdown)."""

    def __init__(self, threads: int | None = None, backlog: int | None = None) -> None:
        threads = threads or WORKER_THREADS
        self._limit = threads + (WORKER_BACKLOG if backlog is None else backlog)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="nudgebot-work")
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False

    @property
    def pending(self) -> int:
        """Jobs taken and not finished: running or waiting for a thread."""
        with self._idle:
            return self._pending

    def submit(self, job: Callable[[], None]) -> bool:
        """Run `job` on the pool; False, and nothing runs, if the pool is full or draining."""
        with self._idle:
            if self._closed or self._pending >= self._limit:
                return False
            self._pending += 1
        try:
            future = self._pool.submit(job)
        except RuntimeError:  # shut down meanwhile
            self._done()
            return False
        future.add_done_callback(lambda _f: self._done())  # finished, failed or dropped
        return True

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        """Take no more work; wait up to `timeout` seconds for the work already taken.
        True if all of it finished; if not, the jobs still waiting for a thread are dropped
        (those running finish: every wait on Slack or the database is bounded)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            self._closed = True
            while self._pending and (left := deadline - time.monotonic()) > 0:
                self._idle.wait(left)
            finished = self._pending == 0
        self._pool.shutdown(wait=False, cancel_futures=True)
        return finished


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    # Transactions that write: `with rt.sessions.begin() as session:`.
    sessions: sessionmaker[Session]
    directory: Directory = field(default_factory=Directory)
    now: Callable[[], datetime] = _utcnow
    # The work a listener does after its ack (Slack calls, database writes, replies).
    background: Workers = field(default_factory=Workers)
    # Channel members (conversations.members) for participation figures, cached for an hour.
    members: MemberCache = field(default_factory=MemberCache)
    # The channels each person is in (users.conversations), for their App Home.
    memberships: Memberships = field(default_factory=Memberships)

    @property
    def reads(self) -> sessionmaker[Session]:
        """Transactions that only read: `with rt.reads() as session:` (no write lock)."""
        return reads_for(self.sessions)

    def drain(self, timeout: float) -> bool:
        """On shutdown: take no more work after acks, and wait up to `timeout` seconds for
        what was acked. True if all of it finished."""
        return self.background.drain(timeout)
