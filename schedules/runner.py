"""The scheduler: APScheduler jobs derived from the schedules table, and a poster.

The database is the one source of truth. A sync loop reads the active schedules (at once when
a change commits in this process, every `poll_seconds` otherwise) and adds, replaces or
removes one cron job per schedule. Only the leader (see leader.py) runs those jobs, and a run
posts nothing itself: it writes the occurrence as due (schedules/enqueue.py). Every replica,
the leader too, runs a poster (schedules/posting.py) that claims due occurrences and posts
them. At start, and whenever a schedule appears, the latest occurrence missed within the
grace window is written as due once; older ones are skipped. Commitment follow-ups, personal
nudges (schedules/nudges.py), the pulse pass, the sweep for claims left by a replica that
died (schedules/workers.py) and the daily purge are the leader's interval jobs.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from bot.scheduling.when import When, latest_occurrence
from bot.slack import workspaces
from models import changes
from models.db import reads_for
from schedules import workers
from schedules.context import JobContext
from schedules.enqueue import Enqueuer
from schedules.followups import run_followups
from schedules.jobs import active_schedules
from schedules.leader import Leadership
from schedules.limits import Limits
from schedules.nudges import NudgeSender
from schedules.posting import PostLoop
from schedules.pulse_job import run_pulse
from schedules.purge_job import run_purge

log = logging.getLogger(__name__)


def _job_id(schedule_id: int) -> str:
    return f"schedule:{schedule_id}"


class PromptScheduler:
    def __init__(
        self,
        ctx: JobContext,
        engine: Engine,
        grace_seconds: int = 3600,
        poll_seconds: float = 5.0,
        workers: int = 20,
        followup_seconds: float = 60.0,
        nudge_seconds: float = 15.0,
        pulse_seconds: float = 30.0,
        limits: Limits | None = None,
    ) -> None:
        changes.listen()  # a schedule change committed in this process wakes the sync loop
        self.engine = engine
        grace = timedelta(seconds=grace_seconds)
        self.posting = PostLoop(ctx, engine, limits, grace)
        self.enqueuer = Enqueuer(ctx, self.posting.wake, grace)
        self.followup_seconds = followup_seconds
        self.nudge_seconds = nudge_seconds
        self.pulse_seconds = pulse_seconds
        self.nudges = NudgeSender(ctx)
        self.ctx = ctx
        self.grace = grace
        self.poll_seconds = poll_seconds
        self.leadership = Leadership(engine)
        self._known: dict[int, tuple[str, str]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sync: float | None = None
        self.scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": grace_seconds,
            },
        )

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        # On its own thread: a slow Slack must not hold up loading the jobs.
        threading.Thread(target=self._resume_workspace, name="resume", daemon=True).start()
        self.scheduler.start()
        self.scheduler.add_job(
            follow_up,
            "interval",
            seconds=self.followup_seconds,
            args=[self],
            id="followups",
            replace_existing=True,
            next_run_time=self.ctx.now(),
        )
        self.scheduler.add_job(
            send_nudges,
            **nudge_trigger(self.nudge_seconds),
            args=[self],
            id="nudges",
            replace_existing=True,
            next_run_time=self.ctx.now(),
        )
        self.scheduler.add_job(
            pulse_pass,
            "interval",
            seconds=self.pulse_seconds,
            args=[self],
            id="pulse",
            replace_existing=True,
            next_run_time=self.ctx.now(),
        )
        self.scheduler.add_job(
            sweep,
            "interval",
            seconds=self.posting.limits.sweep,
            args=[self],
            id="sweep",
            replace_existing=True,
            next_run_time=self.ctx.now(),
        )
        self.scheduler.add_job(purge, "cron", hour=3, minute=41, args=[self], id="purge")
        self.posting.start()
        self._thread = threading.Thread(target=self._loop, name="schedule-sync", daemon=True)
        self._thread.start()

    def _resume_workspace(self) -> None:
        """If Slack accepts our token, its workspace is installed: undo an earlier stop.
        (Several workspaces: installing again is what resumes one.)"""
        if self.ctx.clients is not None and self.ctx.clients.default.token is None:
            return
        try:
            team_id = self.ctx.client.auth_test().get("team_id")
        except Exception:
            log.warning("auth.test failed; workspace standing unchanged", exc_info=True)
            return
        if team_id:
            with self.ctx.sessions.begin() as session:
                if workspaces.reactivate(session, team_id=team_id, now=self.ctx.now()):
                    log.info("workspace %s works again; its schedules resume", team_id)

    def stop(self) -> None:
        self._stop.set()
        self.ctx.stopping.set()  # the pulse's senders put back what they have not sent
        self.nudges.stop_claiming()
        changes.wake()
        if self._thread is not None:
            self._thread.join(10)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.posting.stop()
        self.nudges.stop()
        self.leadership.release()

    @property
    def running(self) -> bool:
        """Whether the sync loop is running (started, not stopped, its thread alive)."""
        alive = self._thread is not None and self._thread.is_alive()
        return alive and not self._stop.is_set()

    @property
    def last_sync(self) -> float | None:
        """When (time.monotonic()) the sync loop last finished a pass without an error:
        synced its jobs as leader, or checked for the lead as a follower. None before."""
        return self._last_sync

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.leadership.try_lead():
                    self.sync()
                elif self._known:
                    self._drop_all()
                self._last_sync = time.monotonic()
            except Exception:  # a database hiccup must not end the loop
                log.exception("schedule sync failed; retrying")
            changes.wait_for_change(self.poll_seconds)

    # -- syncing ---------------------------------------------------------------------------

    def sync(self) -> None:
        """Make the jobs match the active schedules; catch up what a new job missed."""
        with reads_for(self.ctx.sessions)() as session:
            rows = active_schedules(session)
        now = self.ctx.now()
        seen = set()
        changed = 0
        owed: list[tuple[int, datetime]] = []
        for schedule_id, cron, zone, changed_at in rows:
            seen.add(schedule_id)
            if self._known.get(schedule_id) == (cron, zone):
                continue
            changed += 1
            when = When(cron, zone)
            self.scheduler.add_job(
                run,
                trigger=when.trigger(),
                args=[self, schedule_id],
                id=_job_id(schedule_id),
                replace_existing=True,
            )
            self._known[schedule_id] = (cron, zone)
            missed = self._missed(when, changed_at, now)
            if missed is not None:
                owed.append((schedule_id, missed))
        if owed:
            self.enqueuer.add(owed)
        gone = set(self._known) - seen
        for schedule_id in gone:
            self._remove(schedule_id)
        if changed or gone:
            log.info(
                "%d schedules active (%d added or changed, %d stopped)",
                len(self._known),
                changed,
                len(gone),
            )

    def _missed(self, when: When, changed_at: datetime, now: datetime) -> datetime | None:
        """The latest occurrence missed within the grace window, owed once (not one from
        before the schedule was made or last changed: a pause, say)."""
        missed = latest_occurrence(when, now, self.grace)
        return missed if missed is not None and missed >= changed_at else None

    def _remove(self, schedule_id: int) -> None:
        self._known.pop(schedule_id, None)
        if self.scheduler.get_job(_job_id(schedule_id)) is not None:
            self.scheduler.remove_job(_job_id(schedule_id))

    def _drop_all(self) -> None:
        for schedule_id in list(self._known):
            self._remove(schedule_id)


def run(runner: PromptScheduler, schedule_id: int) -> None:
    """An APScheduler run: write the occurrence that is due now (the latest one, if runs
    were coalesced) as due, provided this process still leads. The posters post it."""
    if not runner.leadership.is_leader:
        return
    cron_zone = runner._known.get(schedule_id)
    if cron_zone is None:
        return
    occurs_at = latest_occurrence(When(*cron_zone), runner.ctx.now(), runner.grace)
    if occurs_at is not None:
        runner.enqueuer.add([(schedule_id, occurs_at)])


def follow_up(runner: PromptScheduler) -> None:
    """Ask about commitments that are due (leader only; each is asked once per due time)."""
    if runner.leadership.is_leader:
        asked = run_followups(runner.ctx)
        if asked:
            log.info("asked about %s commitments", asked)


def nudge_trigger(seconds: float) -> dict[str, Any]:
    """When to look for personal nudges: at second 0 of every minute and every `seconds`
    after (a reminder is due on a minute, so it is found at once, not up to an interval
    late); plainly every `seconds` when that does not divide a minute."""
    whole = int(seconds)
    if whole == seconds and 1 <= whole <= 60 and 60 % whole == 0:
        return {"trigger": "cron", "second": f"*/{whole}"}
    return {"trigger": "interval", "seconds": seconds}


def send_nudges(runner: PromptScheduler) -> None:
    """Send the personal nudges that are due (leader only; each day is claimed once)."""
    if runner.leadership.is_leader:
        runner.nudges.run()


def pulse_pass(runner: PromptScheduler) -> None:
    """The practice pulse's pass: reminders, closes and results (leader only)."""
    if runner.leadership.is_leader:
        done = run_pulse(runner.ctx)
        if done:
            log.info("practice pulse: %s", dict(done))


def sweep(runner: PromptScheduler) -> None:
    """Report the claims of replicas that died (leader only; PostgreSQL)."""
    if runner.leadership.is_leader:
        workers.sweep(runner.ctx, runner.engine, {runner.posting.name})


def purge(runner: PromptScheduler) -> None:
    """The daily purge of workspaces whose retention ran out (leader only)."""
    if runner.leadership.is_leader:
        done = run_purge(runner.ctx)
        if done:
            log.info("purged %d workspaces", done)
