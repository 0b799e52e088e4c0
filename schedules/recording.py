"""What the poster learnt, written in batches: each claimed occurrence's outcome and the
row of each posted prompt (what thread replies are later matched to). A failed write is
kept and tried again after a pause that grows (1 s, 2 s, 4 s, ... at most a minute), for as
long as the poster runs; only the last write, on stop, may give up, and then its rows stay
claimed, so the sweep reports them as unknown rather than anyone posting them again."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from schedules import queue
from schedules.context import JobContext
from schedules.limits import Limits
from schedules.prompt_job import record_prompts
from schedules.queue import Outcome

log = logging.getLogger(__name__)

LONGEST_PAUSE = 60.0  # seconds between two tries of a failing write, at most
STOP_TRIES = 3  # the last write, on stop, is tried this often (1 s, 2 s between)


class Recorder:
    def __init__(self, ctx: JobContext, limits: Limits) -> None:
        self.ctx = ctx
        self.limits = limits
        self._lock = threading.Lock()
        self._outcomes: list[Outcome] = []
        self._rows: list[dict[str, Any]] = []
        self._write_at = 0.0  # monotonic time the waiting outcomes are to be written
        self.failures = 0  # writes failed in a row

    def add(self, outcome: Outcome, row: dict[str, Any] | None = None) -> None:
        with self._lock:
            if not self._outcomes and not self.failures:
                self._write_at = time.monotonic() + self.limits.flush_seconds
            self._outcomes.append(outcome)
            if row is not None:
                self._rows.append(row)

    def waiting(self) -> int:
        with self._lock:
            return len(self._outcomes)

    def seconds_left(self) -> float | None:
        """Seconds until the waiting outcomes are due to be written (None: none wait)."""
        with self._lock:
            if not self._outcomes:
                return None
            return self._write_at - time.monotonic()

    def flush(self) -> None:
        """Write what waits, if it is time (or enough waits and no write is failing)."""
        with self._lock:
            if not self._outcomes:
                return
            full = len(self._outcomes) >= self.limits.flush_rows and not self.failures
            if not (full or time.monotonic() >= self._write_at):
                return
            outcomes, rows = self._outcomes, self._rows
            self._outcomes, self._rows = [], []
        if self._write(outcomes, rows):
            return
        with self._lock:
            self.failures += 1
            pause = min(2.0 ** (self.failures - 1), LONGEST_PAUSE)
            self._outcomes[:0], self._rows[:0] = outcomes, rows
            self._write_at = time.monotonic() + pause
        log.warning(
            "recording %d outcomes failed (%d in a row); again in %.0f s",
            len(outcomes),
            self.failures,
            pause,
        )

    def flush_all(self) -> None:
        """The last write, on stop: everything that waits, a few tries, then give up."""
        with self._lock:
            outcomes, rows = self._outcomes, self._rows
            self._outcomes, self._rows = [], []
        if not outcomes:
            return
        for attempt in range(1, STOP_TRIES + 1):
            if self._write(outcomes, rows):
                return
            if attempt < STOP_TRIES:
                time.sleep(attempt)
        log.error(
            "stopping: recording %d outcomes failed; they stay claimed (reported as unknown)",
            len(outcomes),
        )

    def _write(self, outcomes: list[Outcome], rows: list[dict[str, Any]]) -> bool:
        try:
            with self.ctx.sessions.begin() as session:
                record_prompts(session, rows)
                queue.record(session, outcomes)
        except Exception as err:
            log.warning("recording outcomes: %s", type(err).__name__)
            return False
        with self._lock:
            self.failures = 0
        log.info("%d scheduled occurrences recorded (%d posted)", len(outcomes), len(rows))
        return True
