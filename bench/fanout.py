"""Scheduler fan-out, load time and memory: the real PromptScheduler against a fake Slack.

    .venv/bin/python bench/fanout.py [--database-url URL] [--schedules 1000] [--workspaces 100]
                                     [--load-schedules 10000] [--only fanout,load,memory]
                                     [--sweep-workers auto|""|10,40,80] [--profile]

Three measurements, each on a fresh migrated database: a temporary SQLite file, or, with
--database-url postgresql+psycopg://..., a private schema created for the run and dropped
after it (no other schema is touched).

1. Fan-out. --schedules schedules (default 1,000) in --workspaces workspaces (default 100),
   each in its own channel, all due at the same minute: a daily cron for the next minute
   boundary in UTC (the one after if fewer than 20 s remain), made "a day ago" so no catch-up
   is owed. The scheduler from `schedules.build_scheduler` (the app's own, its default
   thread pool) is started, and the bench waits for the boundary. The fake Slack Web API runs
   in a child process on 127.0.0.1: it answers every call after 100 ms and lets one
   chat.postMessage per channel per second through; a second one within 1 s gets HTTP 429,
   Retry-After: 1, {"ok": false, "error": "ratelimited"}. The client is `bot.slack.make_client`
   with its retry handlers. Reported: time from the boundary until the last post was answered
   (target: within 10 s), p50/p99 lag per post, when the claims were written, and doubles
   (successful posts per channel, occurrences rows per schedule). If the target is missed (or
   with an explicit --sweep-workers list) the run is repeated with PromptScheduler(workers=N)
   constructed directly, one fresh database and minute per N.
2. Load. --load-schedules active schedules (default 10,000; mixed daily, weekdays and weekly
   crons in six zones, none due in the next 20 minutes, none owing a catch-up): time from
   PromptScheduler.start() on a fresh runner until every job is registered (target < 3 s),
   plus one direct sync() and one no-change re-sync (the 5 s poll) timed on their own.
   --profile prints a cProfile of a fresh sync().
3. Memory. `python app.py scheduler` in a child process, its environment pointing at the same
   10,000 schedules and at the fake Slack (cwd is a temporary directory, so no .env is read):
   VmRSS once every job is added and the process has idled through a re-sync (target
   < 150 MB). The same process on an empty database gives the baseline.

Traffic goes only to 127.0.0.1; real Slack is never called. Every wait is bounded; the bench
stops by itself and exits 0, printing PASS or FAIL per target.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import logging
import multiprocessing
import os
import pstats
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/fanout.py` from anywhere
    sys.path.insert(0, str(ROOT))

from tests.fake_slack import Call, FakeSlack, Scripted  # noqa: E402

FANOUT_TARGET_S = 10.0
LOAD_TARGET_S = 3.0
RSS_TARGET_MB = 150.0
SLACK_DELAY_S = 0.1  # the fake answers every call after this
CHANNEL_INTERVAL_S = 1.0  # at most one chat.postMessage per channel per this
MIN_LEAD_S = 20.0  # fewer seconds than this to the next minute: use the minute after
FANOUT_DEADLINE_S = 120.0  # give up waiting for posts this long after the boundary
SETTLE_S = 3.0  # after the last post, wait this long for late doubles (Retry-After is 1 s)
IDLE_S = 7.0  # memory: idle this long after loading (covers one 5 s re-sync)
CHILD_LOAD_TIMEOUT_S = 180.0
AUTO_SWEEP = (10, 40, 80)
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)
ROTATION = ("rotate", "model", "vision", "challenge", "enable", "heart")


# -- the fake Slack Web API (child process) ------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 would drop SYNs under a burst: not Slack-like


@dataclass
class Post:
    channel: str
    status: int
    arrived: float  # wall clock, time.time()
    answered: float


class RateLimitedSlack(FakeSlack):
    """FakeSlack that answers every call after `delay` and lets one chat.postMessage per
    channel per `interval` through; a second within it gets 429 + Retry-After: 1."""

    def __init__(self, delay: float = SLACK_DELAY_S, interval: float = CHANNEL_INTERVAL_S) -> None:
        super().__init__()
        self.delay = delay
        self.interval = interval
        self.posts: list[Post] = []
        self._last_ok: dict[str, float] = {}

    def start(self) -> RateLimitedSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.posts.clear()
            self._last_ok.clear()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.split("?", 1)[0] != "/api/chat.postMessage":
            # Every other method: the default answer, late. (Not through `delays`: FakeSlack
            # reads it with .get(method, 0), which a defaultdict answers with 0, so users.info
            # and the like were answered at once.)
            time.sleep(self.delay)
            super()._handle(request)
            return
        arrived = time.time()
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        params: dict[str, Any] = {}
        if raw:
            if "json" in (request.headers.get("Content-Type") or ""):
                import json

                params = json.loads(raw)
            else:
                from urllib.parse import parse_qs

                params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        channel = str(params.get("channel"))
        with self._lock:
            now = time.monotonic()
            last = self._last_ok.get(channel)
            limited = last is not None and now - last < self.interval
            if not limited:
                self._last_ok[channel] = now
            self.calls.append(Call("chat.postMessage", params, dict(request.headers.items())))
        time.sleep(self.delay)
        if limited:
            answer = Scripted(
                status=429,
                body={"ok": False, "error": "ratelimited"},
                headers={"Retry-After": "1"},
            )
        else:
            answer = Scripted(body=self._default("chat.postMessage", params))
        self._reply(request, answer)
        with self._lock:
            self.posts.append(Post(channel, answer.status, arrived, time.time()))
            self._lock.notify_all()


def _serve_fake(conn: Connection, delay: float, interval: float) -> None:
    """Child process: the fake Slack; answers ("count",), ("posts",), ("reset",), ("stop",)."""
    fake = RateLimitedSlack(delay, interval).start()
    conn.send(fake.api_url)
    try:
        while True:
            if not conn.poll(3600):
                break  # the parent is gone or stuck: stop anyway
            message = conn.recv()
            if message[0] == "count":
                with fake._lock:
                    conn.send(sum(p.status == 200 for p in fake.posts))
            elif message[0] == "posts":
                with fake._lock:
                    conn.send(
                        (
                            [(p.channel, p.status, p.arrived, p.answered) for p in fake.posts],
                            Counter(c.method for c in fake.calls),
                        )
                    )
            elif message[0] == "reset":
                fake.reset()
                conn.send("ok")
            else:
                break
    except (EOFError, OSError):
        pass
    finally:
        fake.stop()
        with contextlib.suppress(OSError):
            conn.send("stopped")


class FakeSlackProcess:
    """The fake Slack server in a child process, so its threads don't share our GIL."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._child = context.Process(
            target=_serve_fake,
            args=(child_conn, SLACK_DELAY_S, CHANNEL_INTERVAL_S),
            name="bench-fake-slack",
            daemon=True,
        )
        self._child.start()
        child_conn.close()
        try:
            if not self._conn.poll(60):
                raise EOFError
            self.api_url: str = self._conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise RuntimeError("the fake Slack process did not start within 60 s") from None
        if not self.api_url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the fake Slack is not on 127.0.0.1: {self.api_url}")

    def ask(self, *message: Any) -> Any:
        self._conn.send(message)
        if not self._conn.poll(60):
            raise RuntimeError(f"the fake Slack did not answer {message[0]!r} within 60 s")
        return self._conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._conn.send(("stop",))
            if self._conn.poll(10):
                self._conn.recv()
        self._child.join(10)
        if self._child.is_alive():
            self._child.terminate()
            self._child.join(5)


# -- databases -----------------------------------------------------------------------------


@contextlib.contextmanager
def database(base_url: str | None) -> Iterator[str]:
    """A fresh, empty database: a temporary SQLite file, or a private PostgreSQL schema
    (created here, dropped on exit, as tests/conftest.py does). Not migrated yet."""
    if base_url is None or base_url.startswith("sqlite"):
        tmpdir = tempfile.mkdtemp(prefix="nudgebot-fanout-")
        try:
            yield f"sqlite:///{Path(tmpdir) / 'nudgebot.db'}"
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text

    schema = f"nudgebot_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    joiner = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{joiner}options=-csearch_path%3D{schema}"
    finally:
        admin = create_engine(base_url)
        try:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            admin.dispose()


def backend_of(url: str | None) -> str:
    return "postgresql" if url and url.startswith("postgresql") else "sqlite"


def open_db(url: str) -> tuple[Any, Any]:
    """The app's engine and session factory for `url`, migrated to head."""
    from models.db import make_engine, make_sessions
    from models.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine, make_sessions(engine)


def bench_settings(api_url: str, url: str) -> Any:
    from bot.settings import Settings

    if not api_url.startswith("http://127.0.0.1:"):
        raise RuntimeError("refusing a Slack API URL that is not on 127.0.0.1")
    return Settings(
        bot_token="xoxb-bench",
        signing_secret="bench-signing-secret",
        api_url=api_url,
        database_url=url,
    )


def seed(sessions: Any, rows: list[dict[str, Any]]) -> None:
    """Workspaces and schedules in bulk (the scheduler only reads the table)."""
    from sqlalchemy import insert

    from models.tables import Schedule, Workspace

    teams = sorted({r["team_id"] for r in rows})
    with sessions.begin() as session:
        if teams:
            session.execute(insert(Workspace), [{"team_id": t} for t in teams])
        for start in range(0, len(rows), 2000):
            session.execute(insert(Schedule), rows[start : start + 2000])


def schedule_row(team: str, channel: str, practice: str, cron: str, zone: str, at: datetime):
    return {
        "team_id": team,
        "channel_id": channel,
        "practice": practice,
        "cron": cron,
        "zone": zone,
        "created_by": f"U{team[1:]}",
        "paused": False,
        "deleted": False,
        "created_at": at,
        "updated_at": at,
    }


# -- small helpers -------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def pool_size(runner: Any) -> int | None:
    """The PromptScheduler's thread pool size (APScheduler keeps it private)."""
    try:
        return int(runner.scheduler._lookup_executor("default")._pool._max_workers)
    except Exception:
        return None


class LogCounter(logging.Handler):
    """Counts warnings and errors instead of printing each; keeps the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.name] += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:200]}")

    def take(self) -> tuple[int, list[str]]:
        total, first = sum(self.counts.values()), list(self.first)
        self.counts.clear()
        self.first.clear()
        return total, first


LOGS = LogCounter()


def wait_until(predicate: Any, timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


# -- 1. fan-out ----------------------------------------------------------------------------


@dataclass
class FanoutResult:
    backend: str
    workers: int | None
    how: str  # "build_scheduler" or "PromptScheduler(workers=N)"
    schedules: int
    workspaces: int
    valid: bool = True
    note: str = ""
    lead_s: float = 0.0  # seconds between scheduler start and the boundary
    ok_posts: int = 0
    all_posted_s: float = float("nan")  # boundary -> last successful post answered
    db_posted_s: float = float("nan")  # boundary -> every occurrence row says posted
    lag: dict[str, float] = field(default_factory=dict)
    claim: dict[str, float] = field(default_factory=dict)
    first_post_s: float = float("nan")
    cpu_s: float = float("nan")  # this process's CPU seconds from the boundary to the last post
    loadavg: float = float("nan")  # 1-minute load average when the posts were done
    http_429: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    channels_doubled: int = 0
    channels_missing: int = 0
    occ_rows: int = 0
    occ_doubled: int = 0
    occ_status: dict[str, int] = field(default_factory=dict)
    prompts_rows: int = 0
    warnings: int = 0
    first_warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.valid
            and self.ok_posts == self.schedules
            and self.all_posted_s <= FANOUT_TARGET_S
            and not self.doubled
        )

    @property
    def doubled(self) -> bool:
        return bool(self.channels_doubled or self.occ_doubled or self.occ_rows > self.schedules)


def next_boundary(now: float) -> float:
    boundary = (int(now) // 60 + 1) * 60.0
    if boundary - now < MIN_LEAD_S:
        boundary += 60.0
    return boundary


def run_fanout(
    fake: FakeSlackProcess,
    base_url: str | None,
    schedules: int,
    workspaces: int,
    workers: int | None,
) -> FanoutResult:
    """One fan-out at the next minute boundary on a fresh database."""
    from sqlalchemy import create_engine, func, select

    from bot.slack.client import make_client
    from models.tables import Occurrence, Prompt
    from schedules import build_scheduler
    from schedules.jobs import JobContext
    from schedules.runner import PromptScheduler

    how = "build_scheduler" if workers is None else f"PromptScheduler(workers={workers})"
    result = FanoutResult(backend_of(base_url), workers, how, schedules, workspaces)
    fake.ask("reset")
    LOGS.take()
    tag = secrets.token_hex(2).upper()
    with database(base_url) as url:
        engine, sessions = open_db(url)
        observer = create_engine(url)  # plain reads: no BEGIN IMMEDIATE on SQLite
        runner = None
        try:
            settings = bench_settings(fake.api_url, url)
            client = make_client(settings)
            boundary = next_boundary(time.time())
            at = datetime.fromtimestamp(boundary, UTC)
            cron = f"{at.minute} {at.hour} * * *"
            made = at - timedelta(days=1)  # "now" in the past: no catch-up is owed
            per_team = -(-schedules // workspaces)
            rows = [
                schedule_row(
                    f"T{tag}{i // per_team:05d}",
                    f"C{tag}{i:06d}",
                    ROTATION[i % len(ROTATION)],
                    cron,
                    "UTC",
                    made,
                )
                for i in range(schedules)
            ]
            seed(sessions, rows)
            channels = {r["channel_id"] for r in rows}
            if workers is None:
                runner = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
            else:
                ctx = JobContext(sessions=sessions, client=client, now=lambda: datetime.now(UTC))
                runner = PromptScheduler(
                    ctx, engine, grace_seconds=settings.misfire_grace_seconds, workers=workers
                )
            result.workers = pool_size(runner)
            runner.start()
            loaded = wait_until(lambda: len(runner._known) >= schedules, 30)
            result.lead_s = boundary - time.time()
            if not loaded or result.lead_s < 1:
                result.valid = False
                result.note = "jobs not registered well before the boundary; run again"
            print(
                f"  {how}: {schedules} schedules due at {at:%H:%M:%S} UTC; "
                f"waiting {max(result.lead_s, 0):.0f} s",
                flush=True,
            )
            time.sleep(max(0.0, boundary - time.time()))
            cpu0 = time.process_time()
            deadline = boundary + FANOUT_DEADLINE_S
            while time.time() < deadline and fake.ask("count") < schedules:
                time.sleep(0.05)
            result.cpu_s = time.process_time() - cpu0
            result.loadavg = os.getloadavg()[0]
            posted = select(func.count()).where(Occurrence.status != "claimed")

            def all_marked() -> bool:
                with observer.connect() as db:
                    return (db.scalar(posted) or 0) >= schedules

            if wait_until(all_marked, max(1.0, deadline - time.time()), 0.1):
                result.db_posted_s = time.time() - boundary
            time.sleep(SETTLE_S)
        finally:
            if runner is not None:
                runner.stop()
        try:
            posts, calls = fake.ask("posts")
            result.calls = dict(calls)
            ok = [p for p in posts if p[1] == 200]
            result.ok_posts = len(ok)
            result.http_429 = sum(p[1] == 429 for p in posts)
            per_channel = Counter(p[0] for p in ok)
            result.channels_doubled = sum(n > 1 for n in per_channel.values())
            result.channels_missing = len(channels - set(per_channel))
            lags = sorted(p[3] - boundary for p in ok)
            if lags:
                result.all_posted_s = lags[-1]
                result.first_post_s = lags[0]
                result.lag = {
                    "p50": percentile(lags, 50),
                    "p99": percentile(lags, 99),
                    "max": lags[-1],
                }
            with observer.connect() as db:
                occ = db.execute(
                    select(Occurrence.schedule_id, Occurrence.status, Occurrence.claimed_at)
                ).all()
                result.prompts_rows = (
                    db.scalar(
                        select(func.count())
                        .select_from(Prompt)
                        .where(Prompt.schedule_id.is_not(None))
                    )
                    or 0
                )
            result.occ_rows = len(occ)
            result.occ_doubled = sum(
                n > 1 for n in Counter(schedule_id for schedule_id, _, _ in occ).values()
            )
            result.occ_status = dict(Counter(status for _, status, _ in occ))
            claims = sorted(
                (claimed_at.replace(tzinfo=claimed_at.tzinfo or UTC) - at).total_seconds()
                for _, _, claimed_at in occ
            )
            if claims:
                result.claim = {
                    "p50": percentile(claims, 50),
                    "p99": percentile(claims, 99),
                    "max": claims[-1],
                }
        finally:
            observer.dispose()
            engine.dispose()
    result.warnings, result.first_warnings = LOGS.take()
    return result


# -- 2. load -------------------------------------------------------------------------------


@dataclass
class LoadResult:
    backend: str
    schedules: int
    start_to_registered_s: float = float("nan")
    jobs: int = 0
    sync_s: float = float("nan")  # a fresh runner's sync() alone
    sync_cpu_s: float = float("nan")  # this process's CPU seconds during that sync()
    resync_s: float = float("nan")  # a no-change sync() (the 5 s poll)
    profile: str = ""

    @property
    def passed(self) -> bool:
        return self.jobs >= self.schedules and self.start_to_registered_s < LOAD_TARGET_S


def load_rows(n: int, now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """n schedules, ten per workspace, one per channel; varied crons and zones; none due
    within 20 minutes, and made `now` so no catch-up is owed."""
    from bot.scheduling.when import When, next_occurrence

    tag = secrets.token_hex(2).upper()
    rows: list[dict[str, Any]] = []
    soon = now + timedelta(minutes=20)
    i = 0
    while len(rows) < n and i < n * 3:  # bounded: a fifth of the day at most is "soon"
        i += 1
        zone = ZONES[i % len(ZONES)]
        minute, hour = rng.randrange(60), rng.randrange(24)
        kind = rng.randrange(3)
        dow = ("*", "mon-fri", rng.choice(("mon", "tue", "wed", "thu", "fri")))[kind]
        cron = f"{minute} {hour} * * {dow}"
        upcoming = next_occurrence(When(cron, zone), now)
        if upcoming is None or upcoming <= soon:
            continue
        k = len(rows)
        rows.append(
            schedule_row(f"T{tag}{k // 10:05d}", f"C{tag}{k:06d}", ROTATION[k % 6], cron, zone, now)
        )
    return rows


def run_load(fake: FakeSlackProcess, url: str, sessions: Any, engine: Any, n: int, profile: bool):
    from bot.slack.client import make_client
    from schedules import build_scheduler

    result = LoadResult(backend_of(url), n)
    settings = bench_settings(fake.api_url, url)
    client = make_client(settings)

    # As the app does it: start(), and the sync thread registers the jobs.
    runner = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
    t0 = time.perf_counter()
    runner.start()
    try:
        if wait_until(lambda: len(runner._known) >= n, 60, 0.005):
            result.start_to_registered_s = time.perf_counter() - t0
        result.jobs = sum(j.id.startswith("schedule:") for j in runner.scheduler.get_jobs())
    finally:
        runner.stop()

    # sync() alone on a fresh runner (APScheduler running, no sync thread), then a re-sync.
    runner = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
    runner.scheduler.start()
    try:
        t0, cpu0 = time.perf_counter(), time.process_time()
        runner.sync()
        result.sync_s = time.perf_counter() - t0
        result.sync_cpu_s = time.process_time() - cpu0
        t0 = time.perf_counter()
        runner.sync()
        result.resync_s = time.perf_counter() - t0
    finally:
        runner.scheduler.shutdown(wait=True)
        runner.leadership.release()

    if profile:
        runner = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
        runner.scheduler.start()
        profiler = cProfile.Profile()
        try:
            profiler.runcall(runner.sync)
        finally:
            runner.scheduler.shutdown(wait=True)
            runner.leadership.release()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
        result.profile = out.getvalue()
    return result


# -- 3. memory -----------------------------------------------------------------------------


@dataclass
class MemoryResult:
    backend: str
    schedules: int
    ok: bool = False
    note: str = ""
    load_s: float = float("nan")
    rss_mb: float = float("nan")  # after idling
    idle_max_mb: float = float("nan")
    hwm_mb: float = float("nan")  # peak RSS over the process's life

    @property
    def passed(self) -> bool:
        return self.ok and self.rss_mb < RSS_TARGET_MB


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of `pid` in MB (from /proc/<pid>/status)."""
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def run_memory(fake: FakeSlackProcess, url: str, n: int) -> MemoryResult:
    """`python app.py scheduler` in a child process against `url`; RSS once loaded and idle."""
    result = MemoryResult(backend_of(url), n)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "NUDGEBOT_")) and k not in ("DATABASE_URL", "PORT")
    }
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET="bench-signing-secret",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=url,
        PYTHONUNBUFFERED="1",
    )
    workdir = tempfile.mkdtemp(prefix="nudgebot-fanout-mem-")  # no .env here
    added = [0]
    running = threading.Event()
    tail: list[str] = []

    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "scheduler"],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "schedules active" in line:
                # "N schedules active (...)", logged after each sync that changed something
                added[0] = int(line.split(" schedules active", 1)[0].rsplit(" ", 1)[-1])
            elif "nudgebot scheduler running" in line:
                running.set()
            else:
                tail.append(line.rstrip())
                del tail[:-20]

    reader = threading.Thread(target=read, name="scheduler-stderr", daemon=True)
    reader.start()
    t0 = time.perf_counter()
    try:
        deadline = time.monotonic() + CHILD_LOAD_TIMEOUT_S
        while time.monotonic() < deadline and proc.poll() is None:
            if running.is_set() and added[0] >= n:
                break
            time.sleep(0.02)
        if proc.poll() is not None or not (running.is_set() and added[0] >= n):
            result.note = f"scheduler not loaded ({added[0]}/{n} jobs): " + " | ".join(tail[-3:])
            return result
        result.load_s = time.perf_counter() - t0
        samples = []
        end = time.monotonic() + IDLE_S
        while time.monotonic() < end and proc.poll() is None:
            samples.append(proc_status(proc.pid)["VmRSS"])
            time.sleep(0.25)
        status = proc_status(proc.pid)
        result.rss_mb = status["VmRSS"]
        result.hwm_mb = status["VmHWM"]
        result.idle_max_mb = max([*samples, result.rss_mb])
        result.ok = True
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        reader.join(5)
        shutil.rmtree(workdir, ignore_errors=True)
    return result


# -- report --------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, with "+changes" if the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+changes" if dirty else "")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_fanout(results: list[FanoutResult]) -> None:
    nan = float("nan")
    print(
        "\nfan-out: boundary -> post answered by the fake Slack (100 ms per call, 1 msg/s per "
        "channel), seconds"
    )
    head = (
        f"{'db':<11}{'scheduler':<29}{'pool':>5}{'posted':>10}{'first':>7}{'p50':>7}"
        f"{'p99':>7}{'all':>7}{'db all':>8}{'claim p99':>10}{'429s':>6}{'doubles':>9}  target"
    )
    print(head)
    for r in results:
        print(
            f"{r.backend:<11}{r.how:<29}{r.workers or '?':>5}"
            f"{f'{r.ok_posts}/{r.schedules}':>10}{r.first_post_s:>7.2f}"
            f"{r.lag.get('p50', float('nan')):>7.2f}{r.lag.get('p99', float('nan')):>7.2f}"
            f"{r.all_posted_s:>7.2f}{r.db_posted_s:>8.2f}"
            f"{r.claim.get('p99', float('nan')):>10.2f}{r.http_429:>6}"
            f"{r.channels_doubled + r.occ_doubled:>9}  "
            f"{verdict(r.passed)} (all within {FANOUT_TARGET_S:g} s, none twice)"
        )
        print(
            f"{'':<11}occurrences: {r.occ_rows} rows {r.occ_status}, {r.occ_doubled} schedules "
            f"with >1 row; prompts rows: {r.prompts_rows}; channels with >1 post: "
            f"{r.channels_doubled}, with none: {r.channels_missing}; calls: {r.calls}"
        )
        print(
            f"{'':<11}claims written (boundary -> claimed_at) p50 {r.claim.get('p50', nan):.2f} s; "
            f"bench process CPU {r.cpu_s:.1f} s over {r.all_posted_s:.1f} s "
            f"({r.cpu_s / r.all_posted_s:.0%} of one core; the fake Slack runs elsewhere); "
            f"1-min load average then {r.loadavg:.2f}"
        )
        if r.warnings:
            print(f"{'':<11}{r.warnings} warnings logged, first: {r.first_warnings}")
        if r.note:
            print(f"{'':<11}note: {r.note}")


def print_load(results: list[LoadResult], with_profile: bool = True) -> None:
    print("\nload: active schedules -> APScheduler jobs, seconds")
    print(
        f"{'db':<11}{'schedules':>10}{'jobs':>7}{'start->all':>12}{'sync()':>9}"
        f"{'its CPU':>9}{'re-sync':>9}  target"
    )
    for r in results:
        print(
            f"{r.backend:<11}{r.schedules:>10}{r.jobs:>7}{r.start_to_registered_s:>12.2f}"
            f"{r.sync_s:>9.2f}{r.sync_cpu_s:>9.2f}{r.resync_s:>9.3f}  "
            f"{verdict(r.passed)} (all registered < {LOAD_TARGET_S:g} s)"
        )
        if r.profile and with_profile:
            print(r.profile)


def print_memory(results: list[MemoryResult]) -> None:
    print("\nmemory: `python app.py scheduler` (one process), MB")
    print(
        f"{'db':<11}{'schedules':>10}{'loaded in':>10}{'VmRSS idle':>11}{'idle max':>9}"
        f"{'VmHWM':>8}  target"
    )
    for r in results:
        target = (
            f"{verdict(r.passed)} (idle RSS < {RSS_TARGET_MB:g} MB)" if r.schedules else "baseline"
        )
        print(
            f"{r.backend:<11}{r.schedules:>10}{r.load_s:>9.1f}s{r.rss_mb:>11.1f}"
            f"{r.idle_max_mb:>9.1f}{r.hwm_mb:>8.1f}  {target}"
        )
        if r.note:
            print(f"{'':<11}note: {r.note}")


# -- entry point ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL: each run gets a private schema in it, dropped after "
        "(default: temporary SQLite files)",
    )
    parser.add_argument("--schedules", type=int, default=1000, help="fan-out schedules (1000)")
    parser.add_argument("--workspaces", type=int, default=100, help="fan-out workspaces (100)")
    parser.add_argument(
        "--load-schedules", type=int, default=10000, help="load and memory schedules (10000)"
    )
    parser.add_argument(
        "--only",
        default="fanout,load,memory",
        help="comma-separated parts to run: fanout, load, memory (default all)",
    )
    parser.add_argument(
        "--sweep-workers",
        default="auto",
        help='pool sizes to try with PromptScheduler(workers=N): "auto" tries '
        f"{','.join(map(str, AUTO_SWEEP))} only if the fan-out target is missed; "
        '"" never; a list always',
    )
    parser.add_argument("--profile", action="store_true", help="cProfile a fresh sync()")
    args = parser.parse_args(argv)
    args.only = {p.strip() for p in args.only.split(",") if p.strip()}
    if args.only - {"fanout", "load", "memory"}:
        parser.error("--only takes fanout, load, memory")
    if not (1 <= args.workspaces <= args.schedules <= 20000):
        parser.error("need 1 <= --workspaces <= --schedules <= 20000")
    if not 1 <= args.load_schedules <= 100000:
        parser.error("--load-schedules must be 1..100000")
    if args.sweep_workers not in ("auto", ""):
        try:
            args.sweep_workers = [int(w) for w in args.sweep_workers.split(",")]
        except ValueError:
            parser.error("--sweep-workers: auto, empty, or numbers like 10,40,80")
        if not all(1 <= w <= 200 for w in args.sweep_workers):
            parser.error("--sweep-workers: each between 1 and 200")
    if args.database_url:
        from models.db import normalise_url

        args.database_url = normalise_url(args.database_url)
        if not args.database_url.startswith(("postgresql", "sqlite")):
            parser.error("--database-url: postgresql+psycopg://... (or omit it for SQLite)")
        if args.database_url.startswith("sqlite"):
            args.database_url = None  # SQLite runs always get their own temporary files
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, handlers=[LOGS])
    backend = backend_of(args.database_url)
    import apscheduler
    import sqlalchemy

    print(
        f"nudgebot scheduler bench on {backend}: code {code_version()}, nproc={os.cpu_count()}, "
        f"python {sys.version.split()[0]}, APScheduler {apscheduler.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}, 1-min load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    fake = FakeSlackProcess()
    fanouts: list[FanoutResult] = []
    loads: list[LoadResult] = []
    memories: list[MemoryResult] = []
    try:
        if "fanout" in args.only:
            print("fan-out:", flush=True)
            first = run_fanout(fake, args.database_url, args.schedules, args.workspaces, None)
            fanouts.append(first)
            print_fanout([first])
            sweep = args.sweep_workers
            if sweep == "auto":
                sweep = [] if first.passed else list(AUTO_SWEEP)
            for workers in sweep or []:
                fanouts.append(
                    run_fanout(fake, args.database_url, args.schedules, args.workspaces, workers)
                )
                print_fanout(fanouts[-1:])
        if args.only & {"load", "memory"}:
            with database(args.database_url) as url:
                engine, sessions = open_db(url)
                try:
                    print(f"seeding {args.load_schedules} schedules...", flush=True)
                    seed(
                        sessions,
                        load_rows(args.load_schedules, datetime.now(UTC), random.Random(7)),
                    )
                    if "load" in args.only:
                        print("load:", flush=True)
                        loads.append(
                            run_load(fake, url, sessions, engine, args.load_schedules, args.profile)
                        )
                        print_load(loads)
                finally:
                    engine.dispose()
                if "memory" in args.only:
                    print("memory:", flush=True)
                    memories.append(run_memory(fake, url, args.load_schedules))
                    print_memory(memories[-1:])
            if "memory" in args.only:
                with database(args.database_url) as url:
                    open_db(url)[0].dispose()
                    memories.insert(0, run_memory(fake, url, 0))
                    print_memory(memories[:1])
    finally:
        fake.stop()
        # Everything again at the end, so one table has all the figures of the run.
        print("\n==== summary ====")
        if fanouts:
            print_fanout(fanouts)
        if loads:
            print_load(loads, with_profile=False)
        if memories:
            print_memory(memories)
        print(f"\n1-min load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
