"""The leader's side of the queue: the cron jobs that fire at the same moment (one per
schedule) only note what fell due; the first of them writes what has gathered, and what
gathers while it writes, in as few statements as possible (schedules/queue.py), then wakes
this process's poster. Writing the same occurrence twice adds nothing, so a new leader may
write a minute again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from schedules import queue
from schedules.context import JobContext

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.02  # let the jobs firing at the same moment add theirs first
TRIES = 5


class Enqueuer:
    def __init__(self, ctx: JobContext, written: Callable[[], None]) -> None:
        self.ctx = ctx
        self.written = written
        self.ranks = queue.Ranks()
        self._lock = threading.Lock()
        self._buffer: list[tuple[int, datetime]] = []
        self._writing = False

    def add(self, items: Iterable[tuple[int, datetime]]) -> None:
        """Note (schedule id, occurrence time) pairs as due: this thread writes them, or
        the thread already writing does, right after what it writes now."""
        with self._lock:
            self._buffer.extend(items)
            if self._writing:
                return
            self._writing = True
        try:
            time.sleep(GATHER_SECONDS)
            while True:
                with self._lock:
                    batch, self._buffer = self._buffer, []
                    if not batch:
                        self._writing = False
                        return
                self._write(batch)
        except BaseException:
            with self._lock:
                self._writing = False
            raise

    def _write(self, batch: list[tuple[int, datetime]]) -> None:
        for attempt in range(1, TRIES + 1):
            try:
                with self.ctx.sessions.begin() as session:
                    new = queue.enqueue(session, batch, self.ranks, self.ctx.now())
                break
            except Exception:
                if attempt == TRIES:
                    log.exception("writing %d due occurrences failed; giving up", len(batch))
                    return
                log.warning("writing %d due occurrences failed; retrying", len(batch))
                time.sleep(0.5 * attempt)
        log.info("%d occurrences due (%d written)", len(batch), new)
        self.written()
