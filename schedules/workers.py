"""Who claims, and finding the claims of a replica that died.

Each poster has a worker name (host, process id and a random part, so a restarted process
with the same pid is someone else) written in `occurrences.claimed_by`. On PostgreSQL it
holds a session advisory lock on that name for as long as it claims: when the process
dies, PostgreSQL drops its connection and the lock. The leader looks at every name that
still holds claims; a name whose lock it can take belongs to a replica that is gone. Its
claims may or may not have reached Slack, so they are never posted again: they are marked
"unknown", logged (ids and counts) and counted on /metrics.

A claim made by a direct post (schedules/jobs.py, named host:pid, with no lock) is taken
as lost only when it is older than DIRECT_STALE: such a post takes seconds.

SQLite runs one scheduler process, and nothing is swept there (as before the queue).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import Connection, Engine, text

from bot.metrics import POSTS
from schedules import queue
from schedules.context import JobContext

log = logging.getLogger(__name__)

LOCK_KEY = (
    "hashtext('nudgebot-worker:' || current_database() || ':' || current_schema() || ':' || :name)"
)
GONE = "claimed by a scheduler that stopped before it said what happened"
DIRECT_STALE = timedelta(minutes=10)
_WORKER = re.compile(r".+:\d+:[0-9a-f]{6}")


def worker_name() -> str:
    """A name for this process's poster: host:pid:random (fits claimed_by)."""
    return f"{socket.gethostname()[-40:]}:{os.getpid()}:{secrets.token_hex(3)}"


class WorkerLock:
    """The advisory lock that says this worker is alive (always held on SQLite)."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._conn: Connection | None = None
        self._always = engine.dialect.name != "postgresql"
        self._checked = float("-inf")  # when the lock's connection was last seen working

    def hold(self) -> bool:
        """Hold the lock (taking it again if its connection was lost; looked at every 2 s
        at most); False if not held."""
        if self._always or (self._conn is not None and time.monotonic() < self._checked + 2):
            return True
        self._checked = time.monotonic()
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:
                log.warning("lost the worker lock's connection; taking it again", exc_info=True)
                self._drop()
        try:
            conn = self.engine.connect()
            got = conn.execute(
                text(f"SELECT pg_try_advisory_lock({LOCK_KEY})"), {"name": self.name}
            ).scalar()
            conn.commit()
        except Exception:
            log.warning("cannot reach the database for the worker lock", exc_info=True)
            return False
        if not got:  # nobody else uses this name: a stale session still holds it
            conn.close()
            return False
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(
                    text(f"SELECT pg_advisory_unlock({LOCK_KEY})"), {"name": self.name}
                )
                self._conn.commit()
                self._conn.close()
            except Exception:
                self._conn.invalidate()
            self._conn = None

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.invalidate()
            self._conn = None


def sweep(ctx: JobContext, engine: Engine, alive: set[str]) -> int:
    """Mark the claims of every worker that is gone as unknown (PostgreSQL only); how many.
    `alive`: this process's own workers, never looked at."""
    if engine.dialect.name != "postgresql":
        return 0
    with ctx.sessions() as session:
        names = [n for n in queue.holders(session) if n not in alive]
    found = 0
    for name in names:
        with ctx.sessions.begin() as session:
            if not _WORKER.fullmatch(name):  # a direct post's claim: gone only when old
                old = ctx.now() - DIRECT_STALE
                lost = queue.mark_unknown(session, name, GONE, claimed_before=old)
            elif session.execute(
                text(f"SELECT pg_try_advisory_xact_lock({LOCK_KEY})"), {"name": name}
            ).scalar():  # nobody holds its lock: its process is gone
                lost = queue.mark_unknown(session, name, GONE)
            else:
                continue
        if lost:
            found += len(lost)
            kinds = Counter(kind for _, _, kind in lost)
            for kind, count in kinds.items():
                POSTS.labels(kind, "unknown").inc(count)
            log.warning(
                "worker %s stopped holding %d claims (%s); marked unknown, not posted again: "
                "occurrences %s",
                name,
                len(lost),
                dict(kinds),
                [oid for oid, _, _ in lost][:50],
            )
    return found
