"""The leader's side of the queue: the cron jobs that fire at the same moment (one per
schedule) only note what fell due; the first of them writes what has gathered, and what
gathers while it writes, in as few statements as possible (schedules/queue.py), then wakes
this process's poster. Writing the same occurrence twice adds nothing, so a new leader may
write a minute again. A write the database refused a few times is kept and tried again a
little later, for as long as its occurrences are within the grace window."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from schedules import queue
from schedules.context import JobContext

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.02  # let the jobs firing at the same moment add theirs first
TRIES = 5
RETRY_SECONDS = 15.0  # a write that failed TRIES times is tried again this much later


class Enqueuer:
    def __init__(
        self,
        ctx: JobContext,
        written: Callable[[], None],
        grace: timedelta = timedelta(hours=1),
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.ctx = ctx
        self.written = written
        self.grace = grace
        self.retry_seconds = retry_seconds
        self.pause = 0.5  # seconds before the second try of a write (then 1 s, 1.5 s, ...)
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
                if not self._write(batch):
                    with self._lock:
                        self._writing = False
                    self._keep(batch)  # with what came meanwhile, tried again later
                    return
        except BaseException:
            with self._lock:
                self._writing = False
            raise

    def _write(self, batch: list[tuple[int, datetime]]) -> bool:
        for attempt in range(1, TRIES + 1):
            if self.ctx.stopping.is_set():
                return False
            try:
                with self.ctx.sessions.begin() as session:
                    new = queue.enqueue(session, batch, self.ranks, self.ctx.now())
                break
            except Exception as err:
                log.warning(
                    "writing %d due occurrences failed (%s, try %d)",
                    len(batch),
                    type(err).__name__,
                    attempt,
                )
                if attempt == TRIES:
                    return False
                time.sleep(self.pause * attempt)
        log.info("%d occurrences due (%d written)", len(batch), new)
        self.written()
        return True

    def _keep(self, batch: list[tuple[int, datetime]]) -> None:
        """Put back a batch that could not be written (what is past the grace window is
        dropped, as the leader would not write it now) and look again a little later."""
        if self.ctx.stopping.is_set():
            return  # the next scheduler to start writes what is owed (its catch-up)
        oldest = self.ctx.now() - self.grace
        kept = [item for item in batch if item[1] >= oldest]
        if len(kept) < len(batch):
            log.error(
                "%d due occurrences passed the grace window unwritten", len(batch) - len(kept)
            )
        if not kept:
            return
        with self._lock:
            self._buffer[:0] = kept
        log.warning(
            "%d due occurrences kept; trying again in %.0f s", len(kept), self.retry_seconds
        )
        timer = threading.Timer(self.retry_seconds, self.add, ([],))
        timer.daemon = True
        timer.start()
