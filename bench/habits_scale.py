"""Personal habit reminders at scale: many reminders due in one minute, and what habits add
to the scheduler's start and memory. Run it by hand, from the repository root:

    .venv/bin/python bench/habits_scale.py [--database sqlite|postgresql] [--database-url URL]
        [--people 10000] [--due 2000] [--workspaces 100] [--schedules 10000]
        [--nudge-seconds 15,5] [--repeat 3] [--only scheduler,direct,load,memory] [--profile]

Every part gets a fresh database migrated with `models.migrate.upgrade`: a temporary SQLite
file, or a private schema (`nudgebot_bench_<pid>_<hex>`, dropped after) in the PostgreSQL
database of --database-url (default postgresql+psycopg://postgres@127.0.0.1:5432/bench_habits,
created if missing, so the tests' database is not touched). The fake Slack is bench/fanout.py's
`FakeSlackProcess`: a child process on 127.0.0.1 that answers every Web API call after 100 ms
and lets one chat.postMessage per channel per second through (a second gets HTTP 429,
Retry-After: 1). A reminder is posted to the person's user id, so its channel is their DM.

1. Fan-out. --people people (default 10,000, in --workspaces workspaces) each set up a habit
   with `bot.habits.service.save`, in six zones; --due of them (default 2,000) are due at the
   same minute, the others at least 30 minutes away from it. Each run has a fresh database
   and minute:
   - scheduler: `schedules.build_scheduler(..., nudge_seconds=N)`, once for each N of
     --nudge-seconds (default 15, the app's, and 5), started 0.5 s (plus whole intervals)
     before the minute: with a plain interval trigger that is the worst phase, the reminders
     found one interval late; the app's trigger (schedules.runner.nudge_trigger) passes at
     second 0 of each minute whenever it was started. APScheduler's own timing throughout.
   - direct: `schedules.nudges.NudgeSender.run()` called at the minute: the send alone.
   Reported: lag from the minute to each DM answered by the fake (first, p50, p99, all), when
   the claims were written, 429s, Slack calls, doubles counted two ways (successful DMs per
   person, nudge_days rows per habit), and what each day says happened. Target: every due
   reminder sent within 30 s of the minute, none twice, nothing sent to anyone not due, and
   every day sent recorded as sent.
2. Load. Two databases with the same --schedules schedules (bench/fanout.py's `load_rows`),
   the second with as many habits as --people too, none due in the next 45 minutes:
   start -> every schedule job registered (bench/fanout.py's `run_load`), on each database in
   turn, --repeat times (default 3); the median counts. Target < 3 s. Also timed: one
   nudges pass with nothing due, what the habits add to every pass.
3. Memory. `python app.py scheduler` on each of those databases (bench/fanout.py's
   `run_memory`) and on an empty one: idle RSS. Target < 150 MB.

--profile samples the stacks of the direct run's threads every 5 ms and prints where the
send threads and the claiming thread spend their time. Traffic goes only to 127.0.0.1. The
bench stops by itself and exits 1 if a target is missed, 0 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/habits_scale.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.fanout import (  # noqa: E402
    LOAD_TARGET_S,
    RSS_TARGET_MB,
    SLACK_DELAY_S,
    ZONES,
    FakeSlackProcess,
    LoadResult,
    LogCounter,
    MemoryResult,
    bench_settings,
    code_version,
    database,
    load_rows,
    open_db,
    percentile,
    run_load,
    run_memory,
    seed,
    verdict,
)

DM_TARGET_S = 30.0  # every due reminder sent within this of its minute
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_habits"
PRACTICES = ("model", "vision", "challenge", "enable", "heart")
AWAY = timedelta(minutes=30)  # habits not due at the minute are at least this far from it
QUIET = timedelta(minutes=45)  # load and memory: no habit is due this long after seeding
DAILY = (0, 1, 2, 3, 4, 5, 6)
DAY_MINUTES = 24 * 60
SEED_LEAD_S = 90.0  # the minute is at least this far off when seeding starts
PHASE_S = 0.5  # the scheduler's nudges job passes this long before the minute
DEADLINE_S = 120.0  # give up waiting for DMs this long after the minute
SETTLE_S = 3.0  # after the last DM, wait this long for late doubles


class ErrorLog(LogCounter):
    """Counts warnings and errors (bench/fanout.py's LogCounter) and the exceptions logged
    with them, by class and first line."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if record.exc_info and record.exc_info[1] is not None:
            err = record.exc_info[1]
            self.errors[f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"] += 1

    def take_errors(self) -> dict[str, int]:
        found = dict(self.errors.most_common(5))
        self.errors.clear()
        return found


LOGS = ErrorLog()


# -- habits ------------------------------------------------------------------------------------


def habit_rows(
    people: int,
    due: int,
    workspaces: int,
    minute: datetime,
    avoid: tuple[datetime, datetime],
    rng: random.Random,
) -> tuple[list[dict[str, Any]], set[str]]:
    """What `people` people ask for (team, user, channel, plan): `due` of them due at
    `minute`, the others at a local time of day outside `avoid`; and the due people's ids."""
    from bot.habits import suggestions
    from bot.habits.service import Plan

    tag = secrets.token_hex(2).upper()
    per_team = -(-people // workspaces)
    chosen = set(rng.sample(range(people), due))
    width = int((avoid[1] - avoid[0]).total_seconds() // 60) + 1
    rows, due_users = [], set()
    for i in range(people):
        zone = ZONES[i % len(ZONES)]
        practice = PRACTICES[i % len(PRACTICES)]
        commitment, action = rng.choice(suggestions.options_for(practice))
        if i in chosen:
            local = minute.astimezone(ZoneInfo(zone))
            at, today = local.hour * 60 + local.minute, local.weekday()
            days = (DAILY, tuple(sorted({today, (today + 2) % 7})), (today,))[i % 3]
        else:
            start = avoid[0].astimezone(ZoneInfo(zone))
            first = start.hour * 60 + start.minute
            at = (first + width + rng.randrange(DAY_MINUTES - width)) % DAY_MINUTES
            days = (DAILY, DAILY[:5], tuple(sorted(rng.sample(DAILY, 3))))[i % 3]
        team = f"T{tag}{i // per_team:05d}"
        user = f"U{tag}{i:06d}"
        if i in chosen:
            due_users.add(user)
        plan = Plan(
            days=days,
            at_minute=at,
            zone=zone,
            practice=practice,
            commitment=commitment,
            action=action,
            cue=rng.choice(suggestions.CUES),
        )
        rows.append({"team_id": team, "user_id": user, "channel_id": f"C{team[1:]}", "plan": plan})
    return rows, due_users


def save_habits(sessions: Any, rows: list[dict[str, Any]]) -> float:
    """Each habit through `bot.habits.service.save`, as /nudge me does, 500 to a
    transaction; returns the seconds it took."""
    from bot.habits import service

    t0 = time.perf_counter()
    for start in range(0, len(rows), 500):
        with sessions.begin() as session:
            now = datetime.now(UTC)
            for row in rows[start : start + 500]:
                service.save(session, kind=service.HABIT, now=now, **row)
    return time.perf_counter() - t0


# -- 1. fan-out --------------------------------------------------------------------------------


@dataclass
class FanoutResult:
    backend: str
    how: str
    people: int
    due: int
    valid: bool = True
    note: str = ""
    seed_s: float = float("nan")
    dms: int = 0  # successful chat.postMessage calls
    lag: dict[str, float] = field(default_factory=dict)  # minute -> DM answered
    claim: dict[str, float] = field(default_factory=dict)  # minute -> nudge_days.created_at
    passes: list[tuple[float, float]] = field(default_factory=list)  # job passes (start, end)
    sent_pass_s: float = float("nan")  # direct: run() returned, after the minute
    outcomes: dict[str, int] = field(default_factory=dict)
    cpu_s: float = float("nan")
    loadavg: float = float("nan")
    http_429: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    people_doubled: int = 0
    people_missing: int = 0
    strangers: int = 0  # DMs to someone not due
    day_rows: int = 0
    days_doubled: int = 0
    day_status: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    first_warnings: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    profile: str = ""

    @property
    def all_s(self) -> float:
        return self.lag.get("max", float("nan"))

    @property
    def doubled(self) -> bool:
        return bool(self.people_doubled or self.days_doubled or self.day_rows > self.due)

    @property
    def passed(self) -> bool:
        return (
            self.valid
            and self.dms == self.due
            and not self.people_missing
            and not self.strangers
            and not self.doubled
            and self.all_s <= DM_TARGET_S
            and self.recorded
        )

    @property
    def recorded(self) -> bool:
        """Every DM's day says sent (nobody in the bench is away or gone)."""
        return self.day_status.get("sent", 0) == self.dms


def next_minute(now: float, lead: float) -> float:
    """The first minute boundary at least `lead` seconds after `now` (epoch seconds)."""
    return (int(now + lead) // 60 + 1) * 60.0


def run_fanout(
    fake: FakeSlackProcess,
    base_url: str | None,
    args: argparse.Namespace,
    nudge_seconds: float | None,
) -> FanoutResult:
    """One minute's reminders on a fresh database: the full scheduler polling every
    `nudge_seconds`, or (None) NudgeSender.run called at the minute."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
    from sqlalchemy import create_engine, select

    from bot.slack.client import make_client
    from models.nudges import NudgeDay
    from schedules import build_scheduler
    from schedules.context import JobContext
    from schedules.nudges import NudgeSender

    direct = nudge_seconds is None
    how = "NudgeSender.run" if direct else f"scheduler, nudges every {nudge_seconds:g} s"
    result = FanoutResult(backend_of(base_url), how, args.people, args.due)
    fake.ask("reset")
    LOGS.take()
    LOGS.take_errors()
    with database(base_url) as url:
        engine, sessions = open_db(url)
        observer = create_engine(url)  # plain reads: no BEGIN IMMEDIATE on SQLite
        runner = sender = None
        try:
            settings = bench_settings(fake.api_url, url)
            client = make_client(settings)
            boundary = next_minute(time.time(), SEED_LEAD_S)
            minute = datetime.fromtimestamp(boundary, UTC)
            rows, due_users = habit_rows(
                args.people,
                args.due,
                args.workspaces,
                minute,
                (minute - AWAY, minute + AWAY),
                random.Random(11),
            )
            print(f"  {how}: saving {len(rows)} habits...", flush=True)
            result.seed_s = save_habits(sessions, rows)
            if direct:
                ctx = JobContext(sessions=sessions, client=client, now=lambda: datetime.now(UTC))
                sender = NudgeSender(ctx)
            else:
                runner = build_scheduler(
                    settings,
                    engine=engine,
                    sessions=sessions,
                    client=client,
                    nudge_seconds=nudge_seconds,
                )
                passes = result.passes

                def heard(event: Any) -> None:
                    if event.job_id == "nudges":
                        begun = event.scheduled_run_time.timestamp()
                        passes.append((begun - boundary, time.time() - boundary))

                runner.scheduler.add_listener(heard, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
                # Start PHASE_S (plus whole intervals) before the minute: an interval
                # trigger's worst phase; a minute-aligned one passes at :00 regardless.
                step = nudge_seconds
                start_at = (
                    boundary - PHASE_S - step * int((boundary - PHASE_S - time.time()) // step)
                )
                time.sleep(max(0.0, start_at - time.time()))
                runner.start()
            left = boundary - time.time()
            if left < 1:
                result.valid = False
                result.note = f"seeding ended {-left:.0f} s after the minute; run again"
            print(
                f"  {how}: {args.due} of {args.people} habits due at {minute:%H:%M:%S} UTC "
                f"(saved in {result.seed_s:.1f} s); waiting {max(left, 0):.0f} s",
                flush=True,
            )
            time.sleep(max(0.0, boundary - time.time()) + (0.05 if direct else 0.0))
            cpu0 = time.process_time()
            if sender is not None:
                sampler = Sampler() if args.profile else None
                outcomes = sender.run()
                result.sent_pass_s = time.time() - boundary
                result.outcomes = dict(outcomes)
                if sampler is not None:
                    result.profile = sampler.stop()
            deadline = boundary + DEADLINE_S
            while time.time() < deadline and fake.ask("count") < args.due:
                time.sleep(0.05)
            result.cpu_s = time.process_time() - cpu0
            result.loadavg = os.getloadavg()[0]
            time.sleep(SETTLE_S)
        finally:
            if runner is not None:
                runner.stop()
            if sender is not None:
                sender.stop()
        try:
            posts, calls = fake.ask("posts")
            result.calls = dict(calls)
            ok = [p for p in posts if p[1] == 200]
            result.dms = len(ok)
            result.http_429 = sum(p[1] == 429 for p in posts)
            per_person = Counter(p[0] for p in ok)
            result.people_doubled = sum(n > 1 for n in per_person.values())
            result.people_missing = len(due_users - set(per_person))
            result.strangers = len(set(per_person) - due_users)
            result.lag = spread(sorted(p[3] - boundary for p in ok))
            with observer.connect() as db:
                days = db.execute(
                    select(NudgeDay.nudge_id, NudgeDay.status, NudgeDay.created_at)
                ).all()
            result.day_rows = len(days)
            result.days_doubled = sum(n > 1 for n in Counter(d[0] for d in days).values())
            result.day_status = dict(Counter(d[1] for d in days))
            result.claim = spread(
                sorted(
                    (d[2].replace(tzinfo=d[2].tzinfo or UTC) - minute).total_seconds() for d in days
                )
            )
        finally:
            observer.dispose()
            engine.dispose()
    result.warnings, result.first_warnings = LOGS.take()
    result.errors = LOGS.take_errors()
    return result


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "first": values[0],
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": values[-1],
    }


class Sampler:
    """A small sampling profiler for every thread: every 5 ms, the innermost frames of each
    thread's stack, counted by function. `stop()` returns the table."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.samples: Counter[tuple[str, str]] = Counter()  # (thread group, where)
        self.totals: Counter[str] = Counter()
        self._stop = threading.Event()
        self._me = threading.get_ident()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                name = names.get(ident, "?")
                if ident == self._thread.ident or not (
                    name.startswith("nudgebot-nudge") or ident == self._me
                ):
                    continue
                group = "send" if name.startswith("nudgebot-nudge") else "claim"
                self.totals[group] += 1
                self.samples[(group, where(frame))] += 1

    def stop(self, top: int = 14) -> str:
        self._stop.set()
        self._thread.join(2)
        lines = []
        for group in ("claim", "send"):
            total = self.totals[group] or 1
            lines.append(f"  {group} threads: {self.totals[group]} samples")
            ranked = sorted(
                ((n, w) for (g, w), n in self.samples.items() if g == group), reverse=True
            )
            for n, w in ranked[:top]:
                lines.append(f"    {n / total:6.1%}  {w}")
        return "\n".join(lines)


def where(frame: Any) -> str:
    """The innermost project frame and the innermost frame of all, as one label."""
    inner = f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"
    f = frame
    while f is not None:
        path = Path(f.f_code.co_filename)
        if ROOT in path.parents and ".venv" not in path.parts and path.parent.name != "bench":
            own = f"{path.relative_to(ROOT)}:{f.f_code.co_name}:{f.f_lineno}"
            return own if own.endswith(inner) else f"{own} > {inner}"
        f = f.f_back
    return inner


# -- 2. and 3. load and memory -----------------------------------------------------------------


def quiet_habit_rows(people: int, workspaces: int, rng: random.Random) -> list[dict[str, Any]]:
    """Habits none of which comes due while load and memory are measured."""
    now = datetime.now(UTC)
    return habit_rows(people, 0, workspaces, now, (now, now + QUIET), rng)[0]


@dataclass
class Setting:
    """One database of the load and memory parts, and what it holds."""

    label: str
    url: str
    engine: Any
    sessions: Any
    empty_pass_ms: float = float("nan")  # one nudges pass with nothing due


def run_load_memory(
    fake: FakeSlackProcess, base_url: str | None, args: argparse.Namespace
) -> tuple[list[tuple[str, LoadResult]], list[tuple[str, MemoryResult]], list[Setting]]:
    """Two databases with the same schedules, the second with the habits too; the load
    measured on each in turn, --repeat times, then the memory of each."""
    from bot.slack.client import make_client
    from schedules.context import JobContext
    from schedules.nudges import NudgeSender

    loads: list[tuple[str, LoadResult]] = []
    memories: list[tuple[str, MemoryResult]] = []
    if "memory" in args.only:
        with database(base_url) as url:
            open_db(url)[0].dispose()
            memories.append(("nothing", run_memory(fake, url, 0)))
            print_memories(memories[-1:])
    schedules = f"{args.schedules:,} schedules"
    with database(base_url) as plain_url, database(base_url) as habits_url:
        settings = [
            Setting(schedules, plain_url, *open_db(plain_url)),
            Setting(f"{schedules} + {args.people:,} habits", habits_url, *open_db(habits_url)),
        ]
        try:
            print(f"seeding {schedules} twice, then {args.people:,} habits...", flush=True)
            now = datetime.now(UTC)
            for setting in settings:
                seed(setting.sessions, load_rows(args.schedules, now, random.Random(7)))
            habits = quiet_habit_rows(args.people, args.workspaces, random.Random(5))
            print(f"  habits saved in {save_habits(settings[1].sessions, habits):.1f} s")
            client = make_client(bench_settings(fake.api_url, plain_url))
            for setting in settings:
                ctx = JobContext(
                    sessions=setting.sessions, client=client, now=lambda: datetime.now(UTC)
                )
                sender = NudgeSender(ctx)
                t0 = time.perf_counter()
                sender.run()
                setting.empty_pass_ms = (time.perf_counter() - t0) * 1000
                sender.stop()
            for _ in range(args.repeat if "load" in args.only else 0):
                for setting in settings:
                    got = run_load(
                        fake, setting.url, setting.sessions, setting.engine, args.schedules, False
                    )
                    loads.append((setting.label, got))
                    print_loads(loads[-1:])
            for setting in settings if "memory" in args.only else []:
                memories.append((setting.label, run_memory(fake, setting.url, args.schedules)))
                print_memories(memories[-1:])
        finally:
            for setting in settings:
                setting.engine.dispose()
    return loads, memories, settings


# -- report ------------------------------------------------------------------------------------


def backend_of(url: str | None) -> str:
    return "postgresql" if url and url.startswith("postgresql") else "sqlite"


def print_fanouts(results: list[FanoutResult]) -> None:
    nan = float("nan")
    print(
        "\nhabit reminders: the minute -> DM answered by the fake Slack (100 ms per call, "
        "1 msg/s per channel), seconds"
    )
    print(
        f"{'db':<11}{'how':<34}{'sent':>11}{'first':>7}{'p50':>7}{'p99':>7}{'all':>7}"
        f"{'429s':>6}{'doubles':>9}  target"
    )
    for r in results:
        print(
            f"{r.backend:<11}{r.how:<34}{f'{r.dms}/{r.due}':>11}{r.lag.get('first', nan):>7.2f}"
            f"{r.lag.get('p50', nan):>7.2f}{r.lag.get('p99', nan):>7.2f}{r.all_s:>7.2f}"
            f"{r.http_429:>6}{r.people_doubled + r.days_doubled:>9}  "
            f"{verdict(r.passed)} (all within {DM_TARGET_S:g} s, none twice, each recorded)"
        )
        if r.passes:
            around = ", ".join(f"{a:+.1f}..{b:+.1f}" for a, b in r.passes if b > -5)
            passes = f"; nudges job passes (start..end): {around}"
        else:
            passes = f"; run() returned at {r.sent_pass_s:+.2f} s"
        print(
            f"{'':<11}claims written p50 {r.claim.get('p50', nan):+.2f} s, last "
            f"{r.claim.get('max', nan):+.2f} s{passes}"
        )
        print(
            f"{'':<11}nudge_days: {r.day_rows} rows {r.day_status}, {r.days_doubled} habits with "
            f">1 row; people with >1 DM: {r.people_doubled}, due with none: "
            f"{r.people_missing}, not due with one: {r.strangers}; calls: {r.calls}"
        )
        print(
            f"{'':<11}habits saved in {r.seed_s:.1f} s; bench process CPU {r.cpu_s:.1f} s over "
            f"{r.all_s:.1f} s; 1-min load average then {r.loadavg:.2f}"
        )
        if r.outcomes:
            print(f"{'':<11}run() outcomes: {r.outcomes}")
        if r.warnings:
            print(f"{'':<11}{r.warnings} warnings logged, first: {r.first_warnings}")
        if r.errors:
            print(f"{'':<11}exceptions logged: {r.errors}")
        if r.note:
            print(f"{'':<11}note: {r.note}")
        if r.profile:
            print(r.profile)


def median_loads(loads: list[tuple[str, LoadResult]]) -> list[tuple[str, LoadResult]]:
    """Per database, the run with the median start -> all time."""
    by_label: dict[str, list[LoadResult]] = {}
    for label, r in loads:
        by_label.setdefault(label, []).append(r)
    return [
        (label, sorted(runs, key=lambda r: r.start_to_registered_s)[(len(runs) - 1) // 2])
        for label, runs in by_label.items()
    ]


def print_loads(loads: list[tuple[str, LoadResult]], median: bool = False) -> None:
    title = "median of the runs" if median else "one run"
    print(f"\nload: start -> every schedule's APScheduler job registered, seconds ({title})")
    print(
        f"{'db':<11}{'database holds':<34}{'jobs':>7}{'start->all':>12}{'sync()':>9}"
        f"{'re-sync':>9}  target"
    )
    for label, r in median_loads(loads) if median else loads:
        print(
            f"{r.backend:<11}{label:<34}{r.jobs:>7}{r.start_to_registered_s:>12.2f}"
            f"{r.sync_s:>9.2f}{r.resync_s:>9.3f}  "
            f"{verdict(r.passed)} (all registered < {LOAD_TARGET_S:g} s)"
        )
    if median:
        for label in dict(loads):
            runs = ", ".join(f"{r.start_to_registered_s:.2f}" for k, r in loads if k == label)
            print(f"{'':<11}{label}: start -> all in each run {runs}")


def print_memories(results: list[tuple[str, MemoryResult]]) -> None:
    print("\nmemory: `python app.py scheduler`, idle after loading, MB")
    print(f"{'db':<11}{'database holds':<34}{'loaded in':>10}{'VmRSS':>8}{'VmHWM':>8}  target")
    for label, r in results:
        target = (
            f"{verdict(r.passed)} (idle RSS < {RSS_TARGET_MB:g} MB)" if r.schedules else "baseline"
        )
        print(
            f"{r.backend:<11}{label:<34}{r.load_s:>9.1f}s{r.rss_mb:>8.1f}{r.hwm_mb:>8.1f}  {target}"
        )
        if r.note:
            print(f"{'':<11}note: {r.note}")


# -- entry point -------------------------------------------------------------------------------


def probe(fake: FakeSlackProcess) -> dict[str, float]:
    """How long the fake takes to answer each method a reminder calls, in ms (each must be
    100 ms or more, or the bench would measure a faster Slack than it says)."""
    from bot.slack.client import make_client

    client = make_client(bench_settings(fake.api_url, "sqlite://"))
    took = {}
    for method, call in (
        ("users.info", lambda: client.users_info(user="UPROBE")),
        ("dnd.info", lambda: client.dnd_info(user="UPROBE")),
        ("chat.postMessage", lambda: client.chat_postMessage(channel="UPROBE", text="probe")),
    ):
        t0 = time.perf_counter()
        call()
        took[method] = (time.perf_counter() - t0) * 1000
    return took


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist yet."""
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not found:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_PG,
        help=f"with --database postgresql: each part gets a private schema in it ({DEFAULT_PG})",
    )
    parser.add_argument("--people", type=int, default=10000, help="people with a habit (10000)")
    parser.add_argument("--due", type=int, default=2000, help="of them due at the minute (2000)")
    parser.add_argument("--workspaces", type=int, default=100, help="workspaces (100)")
    parser.add_argument("--schedules", type=int, default=10000, help="load/memory schedules")
    parser.add_argument(
        "--nudge-seconds",
        default="15,5",
        help="the scheduler's nudges interval, one run each (15,5: the app's, and 5 s)",
    )
    parser.add_argument(
        "--only",
        default="scheduler,direct,load,memory",
        help="comma-separated parts: scheduler, direct, load, memory (default all)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="load runs on each database; the median counts (3)"
    )
    parser.add_argument("--profile", action="store_true", help="sample the direct run's threads")
    args = parser.parse_args(argv)
    args.only = {p.strip() for p in args.only.split(",") if p.strip()}
    if args.only - {"scheduler", "direct", "load", "memory"}:
        parser.error("--only takes scheduler, direct, load, memory")
    if not 1 <= args.due <= args.people <= 100000 or not 1 <= args.workspaces <= args.people:
        parser.error("need 1 <= --due <= --people <= 100000 and 1 <= --workspaces <= --people")
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat must be 1..20")
    if not 1 <= args.schedules <= 100000:
        parser.error("--schedules must be 1..100000")
    try:
        args.nudge_seconds = [float(n) for n in args.nudge_seconds.split(",") if n.strip()]
    except ValueError:
        parser.error("--nudge-seconds: numbers like 15,5")
    if not all(1 <= n <= 60 for n in args.nudge_seconds):
        parser.error("--nudge-seconds: each between 1 and 60")
    if args.database == "postgresql":
        from models.db import normalise_url

        args.database_url = normalise_url(args.database_url)
        if not args.database_url.startswith("postgresql"):
            parser.error("--database-url: postgresql+psycopg://...")
    else:
        args.database_url = None  # SQLite runs always get their own temporary files
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, handlers=[LOGS])
    if args.database_url:
        ensure_database(args.database_url)
    import apscheduler
    import sqlalchemy

    print(
        f"nudgebot habit reminders bench on {args.database}: code {code_version()}, "
        f"nproc={os.cpu_count()}, python {sys.version.split()[0]}, APScheduler "
        f"{apscheduler.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"1-min load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    fake = FakeSlackProcess()
    took = probe(fake)
    print("fake Slack answers in " + ", ".join(f"{m} {ms:.0f} ms" for m, ms in took.items()))
    if min(took.values()) < SLACK_DELAY_S * 1000:
        fake.stop()
        print("the fake Slack answers faster than it should; not measuring")
        return 2
    fanouts: list[FanoutResult] = []
    loads: list[tuple[str, LoadResult]] = []
    memories: list[tuple[str, MemoryResult]] = []
    settings: list[Setting] = []
    try:
        runs = [n for n in args.nudge_seconds if "scheduler" in args.only]
        for nudge_seconds in [*runs, *([None] if "direct" in args.only else [])]:
            fanouts.append(run_fanout(fake, args.database_url, args, nudge_seconds))
            print_fanouts(fanouts[-1:])
        if args.only & {"load", "memory"}:
            loads, memories, settings = run_load_memory(fake, args.database_url, args)
    finally:
        fake.stop()
        print("\n==== summary ====")
        if fanouts:
            print_fanouts([replace_profile(r) for r in fanouts])
        if loads:
            print_loads(loads, median=True)
        for setting in settings:
            print(
                f"one nudges pass with nothing due, {setting.label}: {setting.empty_pass_ms:.1f} ms"
            )
        if memories:
            print_memories(memories)
        print(f"\n1-min load average at the end: {os.getloadavg()[0]:.2f}")
    missed = [r for r in fanouts if not r.passed]
    missed += [r for _, r in median_loads(loads) if not r.passed]
    missed += [r for _, r in memories if r.schedules and not r.passed]
    print("every target met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


def replace_profile(result: FanoutResult) -> FanoutResult:
    from dataclasses import replace

    return replace(result, profile="")


if __name__ == "__main__":
    sys.exit(main())
