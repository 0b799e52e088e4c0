"""`python app.py scheduler` processes on one PostgreSQL schema: leadership, takeover after a
SIGKILL, a restart while posts are in flight, and schedule changes made by another process.
Every process posts (the leader writes what is due, each claims a share); see also
tests/test_shared_scheduler.py.

Real time: cron is minute-granular, so each test waits for the next minute boundary.
Schedules are inserted directly (made two hours ago, so the created_at rule for catch-up
never hides an occurrence) and are due at the next minute; the day before lies outside the
grace window, so nothing is caught up unless a test means it to be.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import service as scheduling
from bot.scheduling.when import When
from models.db import make_engine, make_sessions, normalise_url
from models.migrate import upgrade
from models.tables import Occurrence
from tests.conftest import drop_private_schema, with_private_schema
from tests.driver import slack_id
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.slow(seconds=60)  # each waits for real minute boundaries

APP = Path(__file__).resolve().parent.parent / "app.py"
HOST = socket.gethostname()
MADE = timedelta(hours=2)  # how long ago the test schedules were made
LATEST_SETUP_SECOND = 45  # later than this in a minute, wait for the next one to set up


# -- database, fake Slack, processes -------------------------------------------------------


@pytest.fixture
def database_url() -> Iterator[str]:
    """A migrated private PostgreSQL schema for this test; its URL carries the search_path."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: scheduler process tests need PostgreSQL")
    url = normalise_url(url)
    if not url.startswith("postgresql"):
        pytest.skip("scheduler process tests need PostgreSQL (leadership is an advisory lock)")
    url = with_private_schema(url)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        drop_private_schema(url)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@dataclass
class Scheduler:
    """One `python app.py scheduler` process; its log (stdout and stderr) goes to a file."""

    proc: subprocess.Popen[bytes]
    log: Path
    name: str

    @property
    def worker(self) -> str:
        """How what this process writes in occurrences.claimed_by begins (host:pid:, then a
        random part of its own)."""
        return f"{HOST[-40:]}:{self.proc.pid}:"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, text: str, timeout: float) -> float:
        """Wait until the log contains `text`; returns when (monotonic) it was seen."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.proc.poll() is None, f"{self.name} exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"{self.name} never logged {text!r}"
            time.sleep(0.05)
        return time.monotonic()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(20)


@dataclass
class Launcher:
    url: str
    fake: FakeSlack
    tmp: Path
    started: list[Scheduler] = field(default_factory=list)

    def __call__(self, **extra: str) -> Scheduler:
        name = f"scheduler-{len(self.started) + 1}"
        log = self.tmp / f"{name}.log"
        # A clean environment: only what the test sets, so a developer's .env can't leak in.
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONUNBUFFERED": "1",
            "SLACK_BOT_TOKEN": "xoxb-scheduler-processes",
            "SLACK_SIGNING_SECRET": "scheduler-processes-secret",
            "SLACK_API_URL": self.fake.api_url,
            "DATABASE_URL": self.url,
            "NUDGEBOT_POST_SWEEP": "1",  # look for a dead replica's claims every second
            **extra,
        }
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, str(APP), "scheduler"],
                env=env,
                cwd=self.tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        scheduler = Scheduler(proc, log, name)
        self.started.append(scheduler)
        return scheduler


@pytest.fixture
def launch(database_url: str, fake: FakeSlack, tmp_path: Path) -> Iterator[Launcher]:
    launcher = Launcher(database_url, fake, tmp_path)
    try:
        yield launcher
    finally:
        for scheduler in launcher.started:
            scheduler.kill()
        # Shown by pytest only when the test fails.
        for scheduler in launcher.started:
            print(f"----- {scheduler.name} (pid {scheduler.proc.pid}) -----")
            print(scheduler.output())


# -- time and schedules --------------------------------------------------------------------


def next_minute(latest_second: int = LATEST_SETUP_SECOND) -> datetime:
    """The next minute boundary, at least 60 - latest_second seconds away."""
    now = datetime.now(UTC)
    if now.second > latest_second:
        time.sleep(60.2 - now.second - now.microsecond / 1e6)
        now = datetime.now(UTC)
    return (now + timedelta(minutes=1)).replace(second=0, microsecond=0)


def sleep_until(moment: datetime) -> None:
    left = (moment - datetime.now(UTC)).total_seconds()
    if left > 0:
        time.sleep(left)


def cron_at(moment: datetime) -> When:
    return When(f"{moment.minute} {moment.hour} * * *", "UTC")


@dataclass(frozen=True)
class Made:
    id: int
    team: str
    channel: str
    creator: str


def add_schedules(sessions: sessionmaker[Session], when: When, count: int) -> list[Made]:
    """`count` schedules, one per fresh channel of one fresh workspace, made two hours ago."""
    team = slack_id("T")
    made = []
    with sessions.begin() as session:
        for _ in range(count):
            channel, user = slack_id("C"), slack_id("U")
            view = scheduling.add_schedule(
                session,
                team_id=team,
                channel_id=channel,
                user_id=user,
                practice="rotate",
                when=when,
                now=datetime.now(UTC) - MADE,
            )
            made.append(Made(view.id, team, channel, user))
    return made


def occurrences(sessions: sessionmaker[Session], made: list[Made]) -> dict[int, list[Occurrence]]:
    """Every occurrence row of each schedule in `made`."""
    ids = [m.id for m in made]
    found: dict[int, list[Occurrence]] = {i: [] for i in ids}
    with sessions() as session:
        for row in session.scalars(select(Occurrence).where(Occurrence.schedule_id.in_(ids))):
            found[row.schedule_id].append(row)
    return found


def posts_per_channel(fake: FakeSlack) -> Counter[str]:
    return Counter(str(c.params.get("channel")) for c in fake.calls_to("chat.postMessage"))


def eventually(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.2)


def all_posted(sessions: sessionmaker[Session], made: list[Made]) -> bool:
    rows = occurrences(sessions, made)
    return all(len(r) == 1 and r[0].status == "posted" for r in rows.values())


def assert_posted_once_by(
    fake: FakeSlack,
    sessions: sessionmaker[Session],
    made: list[Made],
    due: datetime,
    *workers: str,
) -> None:
    """Each schedule: one chat.postMessage in its channel, one occurrence at `due`, posted by
    one of `workers` (how their claimed_by begins), with the ts Slack answered."""
    posts = posts_per_channel(fake)
    doubled = {m.channel: posts[m.channel] for m in made if posts[m.channel] != 1}
    assert doubled == {}, f"channels without exactly one post: {doubled}"
    for schedule_id, rows in occurrences(sessions, made).items():
        assert len(rows) == 1, (schedule_id, rows)
        (row,) = rows
        by = next((w for w in workers if (row.claimed_by or "").startswith(w)), row.claimed_by)
        assert (row.occurs_at, row.status, by) in {(due, "posted", w) for w in workers}, (
            schedule_id,
            row.occurs_at,
            row.status,
            row.claimed_by,
            row.detail,
        )
        assert row.message_ts


def leader_of(schedulers: list[Scheduler], timeout: float) -> Scheduler:
    """The one process that says it leads (waits for it)."""

    def leaders() -> list[Scheduler]:
        return [s for s in schedulers if "this scheduler is the leader" in s.output()]

    found = eventually(leaders, timeout, "a leader")
    time.sleep(1.0)  # give a second leader, if the lock failed, the time to say so too
    found = leaders()
    assert len(found) == 1, [s.name for s in found]
    return found[0]


# -- the tests -----------------------------------------------------------------------------


def test_two_schedulers_post_each_occurrence_once(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    due = next_minute()
    made = add_schedules(sessions, cron_at(due), 20)
    schedulers = [launch(), launch()]
    for s in schedulers:
        s.wait_log("nudgebot scheduler running", 30)
    leader = leader_of(schedulers, 15)
    (follower,) = [s for s in schedulers if s is not leader]
    assert datetime.now(UTC) < due, "set-up took too long: the processes were not up in time"
    assert fake.calls_to("chat.postMessage") == []

    sleep_until(due)
    eventually(lambda: all_posted(sessions, made), 30, "every occurrence to be posted")
    time.sleep(3.0)  # room for a double to show up

    assert_posted_once_by(fake, sessions, made, due, leader.worker, follower.worker)
    assert len(fake.calls_to("chat.postMessage")) == len(made)
    assert "this scheduler is the leader" not in follower.output()
    for s in schedulers:
        assert s.proc.poll() is None, f"{s.name} exited"


def test_survivor_takes_over_after_the_leader_is_killed(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    # Missed three minutes ago, within the grace window: the leader posts it at start.
    missed = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    earlier = add_schedules(sessions, cron_at(missed), 3)
    schedulers = [launch(), launch()]
    for s in schedulers:
        s.wait_log("nudgebot scheduler running", 30)
    eventually(lambda: all_posted(sessions, earlier), 15, "the missed occurrences (catch-up)")
    leader = leader_of(schedulers, 15)
    (survivor,) = [s for s in schedulers if s is not leader]

    due = next_minute()
    leader.kill()
    killed_at = time.monotonic()
    made = add_schedules(sessions, cron_at(due), 10)
    took_over = survivor.wait_log("this scheduler is the leader", 30) - killed_at
    assert took_over < 30, took_over
    assert datetime.now(UTC) < due, "the takeover came too late for the test's minute"

    sleep_until(due)
    eventually(lambda: all_posted(sessions, made), 30, "every occurrence to be posted")
    time.sleep(3.0)

    assert_posted_once_by(fake, sessions, made, due, survivor.worker)
    # The survivor's catch-up met the occurrences written before and did not post them again.
    assert_posted_once_by(fake, sessions, earlier, missed, leader.worker, survivor.worker)
    assert len(fake.calls_to("chat.postMessage")) == len(made) + len(earlier)
    print(f"takeover after {took_over:.1f} s")


def test_restart_mid_post_never_posts_twice_and_catches_up_the_rest(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    # More schedules than the first process's 10 posting threads: when it is killed, 10
    # posts are in flight (claimed, not yet answered) and the rest have not been claimed.
    due = next_minute()
    made = add_schedules(sessions, cron_at(due), 25)
    fake.delays["chat.postMessage"] = 1.5
    first = launch(NUDGEBOT_POST_THREADS="10")
    first.wait_log("this scheduler is the leader", 30)
    assert datetime.now(UTC) < due, "set-up took too long: the process was not up in time"

    sleep_until(due)
    fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)
    time.sleep(1.0)
    first.kill()
    before = occurrences(sessions, made)
    posts_before = posts_per_channel(fake)
    # The leader wrote every occurrence as due; the first process claimed some of them.
    assert all(len(rows) == 1 for rows in before.values()), before
    held = {m.id for m in made if before[m.id][0].status == "claimed"}
    unclaimed = [m for m in made if before[m.id][0].status == "due"]
    assert len(held) + len(unclaimed) == len(made), {r[0].status for r in before.values()}
    assert not any(posts_before[m.channel] for m in unclaimed)

    fake.delays.clear()
    second = launch()
    second.wait_log("this scheduler is the leader", 30)
    eventually(
        lambda: all(occurrences(sessions, unclaimed).values()) and all_posted(sessions, unclaimed),
        30,
        "the unclaimed occurrences to be posted late",
    )
    eventually(
        lambda: all(r[0].status != "claimed" for r in occurrences(sessions, made).values()),
        15,
        "the dead process's claims to be reported",
    )
    time.sleep(3.0)

    posts = posts_per_channel(fake)
    doubled = {m.channel: posts[m.channel] for m in made if posts[m.channel] > 1}
    assert doubled == {}, f"posted twice: {doubled}"
    after = occurrences(sessions, made)
    lost, late = [], []
    for m in made:
        assert len(after[m.id]) == 1, (m, after[m.id])
        (row,) = after[m.id]
        assert row.occurs_at == due
        if m.id in held:  # claimed by the killed process: reported, never posted again
            assert row.claimed_by.startswith(first.worker), (m, row.claimed_by)
            assert row.status == "unknown", (m, row.status)
            assert posts[m.channel] == posts_before[m.channel] <= 1
            lost.append(m)
        else:  # not claimed before the kill: posted late by the new process, once
            assert row.claimed_by.startswith(second.worker), (m, row.claimed_by)
            assert row.status == "posted", (m, row.status)
            assert posts[m.channel] == 1 and row.message_ts
            late.append(m)
    assert lost and late, (len(lost), len(late))
    print(f"{len(lost)} lost mid-flight, {len(late)} posted late by the new process")


def change(sessions: sessionmaker[Session], made: Made, action: str) -> None:
    """Pause or resume as its creator would, from this process (not the scheduler's)."""
    with sessions.begin() as session:
        scheduling.change_schedule(
            session,
            team_id=made.team,
            channel_id=made.channel,
            raw_id=str(made.id),
            action=action,
            may_manage_any=False,
            user_id=made.creator,
            now=datetime.now(UTC),
        )


def test_changes_from_another_process_reach_a_running_scheduler(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    due = next_minute(latest_second=35)
    to_pause, kept, to_resume = add_schedules(sessions, cron_at(due), 3)
    change(sessions, to_resume, "pause")
    scheduler = launch()
    scheduler.wait_log("this scheduler is the leader", 30)

    # Ten seconds before the minute, change the schedules from this (another) process. A
    # pause is also checked when the job runs; a resume and a new schedule need the sync.
    change_at = due - timedelta(seconds=10)
    assert datetime.now(UTC) < change_at, "set-up took too long"
    sleep_until(change_at)
    change(sessions, to_pause, "pause")
    change(sessions, to_resume, "resume")
    added = add_schedules(sessions, cron_at(due), 1)
    active = [kept, to_resume, *added]

    sleep_until(due)
    eventually(lambda: all_posted(sessions, active), 30, "the active schedules to post")
    time.sleep(3.0)

    assert_posted_once_by(fake, sessions, active, due, scheduler.worker)
    assert occurrences(sessions, [to_pause]) == {to_pause.id: []}
    assert posts_per_channel(fake)[to_pause.channel] == 0
    assert len(fake.calls_to("chat.postMessage")) == len(active)
