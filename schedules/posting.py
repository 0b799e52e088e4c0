"""Every replica's poster: claim due occurrences, post them concurrently, record what
Slack said. One thread claims batches sized to what the pool can take now (a replica that
dies loses only what it held), a few planner threads choose what each batch says, and a
bounded pool posts within Slack's limits (schedules/pace.py). Outcomes are written in
batches (schedules/recording.py). Rows still due past the grace window are marked skipped,
never posted late. On stop it claims nothing more and makes what it had not handed to Slack
due again for another replica."""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot.metrics import CLAIMS_OUTSTANDING, POSTS, SCHEDULER_LAG
from bot.slack.errors import slack_code
from schedules import queue
from schedules.context import JobContext
from schedules.jobs import record_failure
from schedules.limits import Limits
from schedules.pace import Pace
from schedules.planning import choose
from schedules.posters import POSTERS
from schedules.prompt_job import prompt_row, send_prompt
from schedules.queue import Job, Outcome
from schedules.recording import Recorder
from schedules.workers import WorkerLock, worker_name

log = logging.getLogger(__name__)

CLIENT_SECONDS = 10.0  # a workspace's client is kept this long (its token may change)
PLAN_TRIES = 4  # a batch the database failed to plan is tried this often (1 s, 2 s, 3 s)
STALE_SECONDS = 30.0  # rows left due past the grace window are looked for this often


class PostLoop:
    def __init__(
        self,
        ctx: JobContext,
        engine: Engine,
        limits: Limits | None = None,
        grace: timedelta = timedelta(hours=1),
    ) -> None:
        self.ctx = ctx
        self.limits = limits or Limits.from_env()
        self.grace = grace
        self.name = worker_name()
        self.lock = WorkerLock(engine, self.name)
        self.pool = ThreadPoolExecutor(self.limits.threads, thread_name_prefix="nudgebot-post")
        self.planner = ThreadPoolExecutor(self.limits.planners, thread_name_prefix="nudgebot-plan")
        self._cond = threading.Condition()
        self._waiting: deque[tuple[Job, Any]] = deque()
        self._in_flight = 0
        self._planning = 0
        self._replans: dict[int, list[Job]] = {}  # a waiting re-plan's number -> its jobs
        self._numbers = itertools.count()
        self.pace = Pace(self.limits)
        self.recorder = Recorder(ctx, self.limits)
        self._stale_at = 0.0  # when to look for rows left due past the grace window next
        self._clients: dict[str, tuple[WebClient, float]] = {}  # team -> (client, until)
        self._tries: dict[int, int] = {}  # job id -> times its workspace's client was missing
        self._wake = False
        self._more = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="nudgebot-poster", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Due rows were just written: look now rather than at the next poll."""
        with self._cond:
            self._wake = True
            self._cond.notify_all()

    def stop(self) -> None:
        """Claim nothing more, give back what was not handed to Slack, finish the rest."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(30)
        self.pool.shutdown(wait=True)
        with self._cond:  # re-plans still waiting, and posts put off since: given back too
            for jobs in self._replans.values():
                self._waiting.extend((job, None) for job in jobs)
            self._replans.clear()
        self._give_back()
        self.recorder.flush_all()
        self.lock.release()

    def _run(self) -> None:
        limits = self.limits
        next_look = 0.0
        while not self._stop.is_set():
            try:
                pause = self._dispatch()
                now = time.monotonic()
                with self._cond:
                    busy = self._in_flight + len(self._waiting) + self._planning
                    free = limits.threads - busy
                    asked = self._wake or self._more or now >= next_look
                if free >= min(limits.batch, max(1, limits.threads // 4)) and asked:
                    size = min(free, limits.batch)
                    with self._cond:
                        self._wake = False
                    got = self._claim(size)
                    self._more = got >= size
                    if not self._more:
                        next_look = time.monotonic() + limits.poll
                    if got:
                        continue
                self.recorder.flush()
                with self._cond:
                    if self._wake or self._stop.is_set():
                        continue
                    waits = [pause, max(next_look - time.monotonic(), 0.01)]
                    waits.append(self.recorder.seconds_left())
                    self._cond.wait(max(0.005, min(w for w in waits if w is not None)))
            except Exception:  # a database hiccup must not end the loop
                log.exception("posting loop failed; retrying")
                self._more, next_look = False, time.monotonic() + 1.0
        self.planner.shutdown(wait=True)
        self._give_back()

    def _claim(self, size: int) -> int:
        if not self.lock.hold():
            return 0  # not claiming while we can't show we are alive
        ctx, look = self.ctx, time.monotonic() >= self._stale_at
        with ctx.sessions.begin() as session:
            late = queue.skip_stale(session, ctx.now(), self.grace) if look else 0
            jobs = queue.claim(session, self.name, size, ctx.now())
        self._stale_at = time.monotonic() + STALE_SECONDS if look else self._stale_at
        if late:
            log.warning("%d scheduled occurrences missed the grace window: skipped", late)
        if not jobs:
            return 0
        CLAIMS_OUTSTANDING.inc(len(jobs))
        share = max(4, -(-len(jobs) // self.limits.planners))
        with self._cond:
            self._planning += len(jobs)
        for start in range(0, len(jobs), share):
            self.planner.submit(self._plan, jobs[start : start + share])
        return len(jobs)

    def _plan(self, jobs: list[Job], attempt: int = 1) -> None:
        """Choose what each job says (schedules/planning.py); a job whose choice failed is
        recorded as failed, one the database failed is tried again later, a few times (or
        given back, on stop)."""
        planned, failed = choose(self.ctx, jobs)
        for team_id in {job.team_id for job, _ in planned}:  # here, on a few threads, not 64
            with contextlib.suppress(Exception):  # the post tries again
                self._client(team_id)
        again = [j for j, e in failed if isinstance(e, DBAPIError) and attempt < PLAN_TRIES]
        failed = [(j, e) for j, e in failed if j not in again]
        for job, error in failed:
            POSTS.labels(job.claimed.kind, "failed").inc()
            self._done(job, Outcome(job.id, "failed", f"error: {type(error).__name__}"[:200]))
        with self._cond:
            self._planning -= len(jobs) - len(again)
            self._waiting.extend(planned)
            self._cond.notify_all()
        if again:
            log.warning("choosing %d scheduled posts: database error; retrying", len(again))
            with self._cond:
                number = next(self._numbers)
                self._replans[number] = again
            retry = threading.Timer(attempt, self._replan, (number, attempt + 1))
            retry.daemon = True
            retry.start()

    def _replan(self, number: int, attempt: int) -> None:
        with self._cond:
            jobs = self._replans.pop(number, None)
            if jobs is None:
                return  # the stop took them
            if not self._stop.is_set():
                with contextlib.suppress(RuntimeError):  # unless the planners just stopped
                    self.planner.submit(self._plan, jobs, attempt)
                    return
            self._waiting.extend((job, None) for job in jobs)  # given back on stop

    def _dispatch(self) -> float | None:
        """Hand every waiting job that Slack's limits allow to the pool; seconds until the
        next one may go (None: none is held back by a channel's pace)."""
        now = time.monotonic()
        pause: float | None = None
        go: list[tuple[Job, Any]] = []
        with self._cond:
            held: deque[tuple[Job, Any]] = deque()
            for job, plan in self._waiting:
                wait = self.pace.admit(job.team_id, job.channel_id, now)
                if wait == 0.0:
                    self._in_flight += 1
                    go.append((job, plan))
                else:
                    held.append((job, plan))
                    if wait is not None:
                        pause = wait if pause is None else min(pause, wait)
            self._waiting = held
        for job, plan in go:
            self.pool.submit(self._post, job, plan)
        return pause

    def _post(self, job: Job, plan: Any) -> None:
        ctx, claimed = self.ctx, job.claimed
        began = time.monotonic()
        kind = claimed.kind
        outcome: Outcome | None = None
        row = None
        try:
            client = self._client(claimed.team_id)
        except Exception:  # nothing was sent: try again a little later
            self._later(job, plan, began)
            return
        try:
            if kind == "prompt":
                ts = send_prompt(ctx, claimed, plan, client)
                outcome = Outcome(job.id, "posted", None, ts)
                row = prompt_row(claimed, plan, ts, ctx.now())
            else:
                POSTERS[kind].post(ctx, claimed, plan)  # records its own outcome
            POSTS.labels(kind, "posted").inc()
            SCHEDULER_LAG.observe(max(0.0, time.time() - claimed.occurs_at.timestamp()))
        except SlackApiError as err:
            POSTS.labels(kind, "failed").inc()
            record_failure(ctx, claimed, slack_code(err))
        except OSError as err:  # connection errors after the client's own retries
            POSTS.labels(kind, "failed").inc()
            log.warning("posting schedule %s failed: %s", claimed.schedule_id, err)
            outcome = Outcome(job.id, "failed", f"unreachable: {type(err).__name__}")
        except Exception as err:
            POSTS.labels(kind, "failed").inc()
            log.exception("posting schedule %s failed", claimed.schedule_id)
            outcome = Outcome(job.id, "failed", f"error: {type(err).__name__}"[:200])
        finally:
            with self._cond:
                self.pace.done(job.team_id, job.channel_id, began, time.monotonic())
                self._in_flight -= 1
            self._done(job, outcome, row)

    def _client(self, team_id: str) -> WebClient:
        """`JobContext.slack(team_id)` (it may read the installation), kept a few seconds."""
        now = time.monotonic()
        kept = self._clients.get(team_id)
        if kept is not None and kept[1] > now:
            return kept[0]
        client = self.ctx.slack(team_id)
        if len(self._clients) > 20_000:  # many workspaces: start again
            self._clients = {}
        self._clients[team_id] = (client, now + CLIENT_SECONDS)
        return client

    def _later(self, job: Job, plan: Any, began: float) -> None:
        """No client for the workspace: nothing was sent; wait, then try (a few times)."""
        tries = self._tries[job.id] = self._tries.get(job.id, 0) + 1
        log.warning("no client for workspace %s (try %d)", job.team_id, tries, exc_info=True)
        with self._cond:
            self.pace.done(job.team_id, job.channel_id, began, time.monotonic(), later=2.0)
            self._in_flight -= 1
            if tries < PLAN_TRIES:
                self._waiting.append((job, plan))
                return
        POSTS.labels(job.claimed.kind, "failed").inc()
        self._done(job, Outcome(job.id, "failed", "error: no client"))

    def _done(self, job: Job, outcome: Outcome | None, row: dict[str, Any] | None = None) -> None:
        CLAIMS_OUTSTANDING.dec()
        self._tries.pop(job.id, None)
        if outcome is not None:
            self.recorder.add(outcome, row)
        with self._cond:
            self._cond.notify_all()

    def _give_back(self) -> None:
        with self._cond:
            back = [job.id for job, _ in self._waiting]
            self._waiting.clear()
        if not back:
            return
        CLAIMS_OUTSTANDING.dec(len(back))
        try:
            with self.ctx.sessions.begin() as session:
                queue.give_back(session, self.name, back)
            log.info("stopping: %d claimed occurrences made due again for others", len(back))
        except Exception:
            log.exception("giving back %d claimed occurrences failed", len(back))
