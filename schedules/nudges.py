"""Personal nudges, sent on time: a person's habit reminder, a leader's weekly reflection.

Every few seconds the leader reads what is due, claims it in small batches (one row per
nudge and local day, written with the move to the next time: bot/habits/delivery.py) and
hands each claimed day to a bounded pool of threads, so that Slack's round trips overlap
and two thousand reminders due in the same minute go out within seconds. A claimed day is
sent at most once; a process killed between claim and send loses that day, never doubles
it. What each kind sends is its deliverer's (DELIVER).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from bot.habits import delivery
from bot.habits.delivery import Claimed
from models.db import reads_for
from schedules import direct, habit_job, reflection_job
from schedules.context import JobContext

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"[-64:]  # fits claimed_by
GRACE = timedelta(hours=1)  # later than this after its time, a day is skipped, not sent
BATCH = 5_000  # nudges read per pass
CLAIMS = 100  # nudges claimed per transaction
THREADS = 48  # sends in flight at once

# kind -> what sends one claimed day; returns the outcome recorded on the day.
DELIVER: dict[str, Callable[[JobContext, Claimed], str]] = {
    "habit": habit_job.deliver,
    "reflection": reflection_job.deliver,
}


class NudgeSender:
    """Claims due nudges and sends them on its own pool; `run` is one pass."""

    def __init__(self, ctx: JobContext, threads: int = THREADS, grace: timedelta = GRACE) -> None:
        self.ctx = ctx
        self.grace = grace
        self.threads = threads
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="nudgebot-nudge")
        self._stopping = threading.Event()

    def run(self) -> Counter[str]:
        """Send everything due now; returns how many days ended how (sent, away, ...).

        A batch is claimed only when fewer than a batch's worth of claimed days wait for a
        thread: claimed days never pile up far ahead of what is sent, so a stop (which
        claims nothing more and lets what was claimed go out) is quick and loses nothing."""
        ctx = self.ctx
        with reads_for(ctx.sessions)() as session:
            due = delivery.due(session, now=ctx.now(), limit=BATCH)
        futures: list[Future[str]] = []
        pending: set[Future[str]] = set()
        for start in range(0, len(due), CLAIMS):
            while len(pending) > self.threads + CLAIMS:  # wait for sends to catch up
                pending = wait(pending, return_when=FIRST_COMPLETED).not_done
            if self._stopping.is_set():
                break
            for claimed in direct.with_dnd(ctx, self._claim(due[start : start + CLAIMS])):
                future = self.pool.submit(self._send, claimed)
                futures.append(future)
                pending.add(future)
        wait(futures)
        outcomes = Counter(f.result() for f in futures)
        if outcomes:
            log.info("personal nudges: %s", dict(outcomes))
        return outcomes

    def _claim(self, items: list[delivery.Due]) -> list[Claimed]:
        now = self.ctx.now()
        try:
            with direct.WRITES, self.ctx.sessions.begin() as session:
                return delivery.claim_all(session, items, now=now, grace=self.grace, worker=WORKER)
        except Exception:  # a database hiccup: nothing of this batch was claimed
            log.exception("claiming %d personal nudges failed; retrying next pass", len(items))
            return []

    def _send(self, claimed: Claimed) -> str:
        deliver = DELIVER.get(claimed.nudge.kind)
        try:
            if deliver is None:
                raise LookupError(f"no deliverer for kind {claimed.nudge.kind}")
            return deliver(self.ctx, claimed)
        except Exception as err:
            log.exception("personal nudge %s failed", claimed.nudge.id)
            _record(self.ctx, claimed, "failed")
            return f"error: {type(err).__name__}"

    def stop_claiming(self) -> None:
        """A stop is coming: the pass under way claims nothing more."""
        self._stopping.set()

    def stop(self) -> None:
        """Claim nothing more; send what was claimed (a few seconds at most), then stop."""
        self._stopping.set()
        self.pool.shutdown(wait=True)


def _record(ctx: JobContext, claimed: Claimed, status: str) -> None:
    try:
        with direct.WRITES, ctx.sessions.begin() as session:
            delivery.record(session, day_id=claimed.day_id, status=status, now=ctx.now())
    except Exception:
        log.exception("recording personal nudge %s failed", claimed.nudge.id)
