"""The scheduler when the database misbehaves or rows wait too long: a due row older than the
grace window is skipped, never posted a day late; outcomes the database refused are kept
and written later, after pauses that grow; due occurrences the leader could not write are
kept and written later, while they are within the grace window. Real databases (SQLite,
PostgreSQL), real threads; the database's failures are made by a session factory that
refuses its first few transactions."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack.client import make_client
from models.tables import Occurrence, Schedule
from schedules import jobs, queue, workers
from schedules.context import JobContext
from schedules.enqueue import Enqueuer
from schedules.limits import Limits
from schedules.posting import PostLoop
from schedules.recording import Recorder
from schedules.runner import PromptScheduler
from schedules.workers import WorkerLock, worker_name
from tests.driver import slack_id
from tests.fake_slack import FakeSlack
from tests.test_shared_scheduler_pacing import add_missed, posts


class Refusing:
    """A session factory whose first `refusals` transactions fail as a lost connection
    would; it notes when each was asked for."""

    def __init__(self, sessions: sessionmaker[Session], refusals: int) -> None:
        self.sessions = sessions
        self.refusals = refusals
        self.asked: list[float] = []

    def begin(self) -> Any:
        self.asked.append(time.monotonic())
        if len(self.asked) <= self.refusals:
            raise OperationalError("BEGIN", {}, ConnectionError("database went away"))
        return self.sessions.begin()

    def __call__(self) -> Session:
        return self.sessions()


def context(sessions: Any, slack: FakeSlack | None = None) -> JobContext:
    settings = Settings(
        bot_token="xoxb-t", signing_secret="s", api_url=slack.api_url if slack else None
    )
    return JobContext(
        sessions=sessions, client=make_client(settings), now=lambda: datetime.now(UTC)
    )


def occurrence(sessions: sessionmaker[Session], schedule_id: int, at: datetime) -> int:
    """A due row of `schedule_id` at `at`, as the leader writes it; its id."""
    with sessions.begin() as session:
        row = Occurrence(
            schedule_id=schedule_id,
            team_id=session.get_one(Schedule, schedule_id).team_id,
            occurs_at=at,
            status=queue.DUE,
            claimed_at=at,
        )
        session.add(row)
        session.flush()
        return row.id


def claimed(sessions: sessionmaker[Session], worker: str, at: datetime | None = None) -> int:
    """An occurrence of a new schedule, claimed by `worker` at `at` (now); its id."""
    [schedule_id] = add_missed(sessions, [(slack_id("T"), slack_id("C"))])
    now = datetime.now(UTC)
    oid = occurrence(sessions, schedule_id, now.replace(second=0, microsecond=0))
    with sessions.begin() as session:
        session.execute(
            update(Occurrence)
            .where(Occurrence.id == oid)
            .values(status=queue.CLAIMED, claimed_by=worker, claimed_at=at or now)
        )
    return oid


def row(sessions: sessionmaker[Session], occurrence_id: int) -> Occurrence:
    with sessions() as session:
        return session.get_one(Occurrence, occurrence_id)


@pytest.fixture
def runner(
    slack: FakeSlack, engine: Engine, sessions: sessionmaker[Session]
) -> Iterator[PromptScheduler]:
    ctx = context(sessions, slack)
    scheduler = PromptScheduler(ctx, engine, poll_seconds=0.2, limits=Limits(threads=4))
    yield scheduler
    scheduler.stop()


def test_a_row_left_due_past_the_grace_window_is_skipped_not_posted(
    runner: PromptScheduler, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    channel = slack_id("C")
    [schedule_id] = add_missed(sessions, [(slack_id("T"), channel)])
    stale = occurrence(sessions, schedule_id, datetime.now(UTC) - timedelta(days=1))
    runner.start()
    slack.wait_for(lambda: row(sessions, stale).status != queue.DUE, 10)
    slack.wait_for(lambda: len(posts(slack, {channel})) == 1, 10)  # the minute it owed

    assert (row(sessions, stale).status, row(sessions, stale).detail) == (
        queue.SKIPPED,
        queue.TOO_LATE,
    )
    time.sleep(0.5)
    assert len(posts(slack, {channel})) == 1
    with sessions() as session:
        statuses = session.scalars(
            select(Occurrence.status).where(Occurrence.schedule_id == schedule_id)
        )
        assert sorted(statuses) == ["posted", "skipped"]


def test_outcomes_the_database_refused_are_written_later_after_growing_pauses(
    sessions: sessionmaker[Session],
) -> None:
    oid = claimed(sessions, worker_name())
    refusing = Refusing(sessions, refusals=2)
    recorder = Recorder(context(refusing), Limits(flush_seconds=0.01))
    recorder.add(queue.Outcome(oid, "posted", None, "1.000100"))

    deadline = time.monotonic() + 10
    while row(sessions, oid).status != "posted" and time.monotonic() < deadline:
        recorder.flush()
        time.sleep(0.02)

    assert (row(sessions, oid).status, row(sessions, oid).message_ts) == ("posted", "1.000100")
    assert len(refusing.asked) == 3  # not a try every 20 ms while it failed
    gaps = [b - a for a, b in zip(refusing.asked, refusing.asked[1:], strict=False)]
    assert 0.9 <= gaps[0] < gaps[1] and gaps[1] >= 1.9, gaps
    assert recorder.waiting() == 0 and recorder.failures == 0


def test_the_last_write_on_stop_gives_up_and_leaves_the_rows_claimed(
    sessions: sessionmaker[Session],
) -> None:
    oid = claimed(sessions, worker_name())
    refusing = Refusing(sessions, refusals=100)
    recorder = Recorder(context(refusing), Limits())
    recorder.add(queue.Outcome(oid, "posted", None, "1.000200"))
    recorder.flush_all()
    assert len(refusing.asked) == 3
    assert row(sessions, oid).status == queue.CLAIMED  # the sweep reports it, nobody reposts


def test_due_occurrences_the_leader_could_not_write_are_written_later(
    sessions: sessionmaker[Session],
) -> None:
    [schedule_id] = add_missed(sessions, [(slack_id("T"), slack_id("C"))])
    at = datetime.now(UTC).replace(second=0, microsecond=0)
    refusing = Refusing(sessions, refusals=5)  # every try of the first write
    written = threading.Event()
    enqueuer = Enqueuer(context(refusing), written.set, retry_seconds=0.3)
    enqueuer.pause = 0.01
    enqueuer.add([(schedule_id, at)])
    assert not written.is_set()

    assert written.wait(5)
    assert len(refusing.asked) == 6
    assert refusing.asked[-1] - refusing.asked[-2] >= 0.3
    with sessions() as session:
        statuses = list(
            session.scalars(select(Occurrence.status).where(Occurrence.schedule_id == schedule_id))
        )
    assert statuses == [queue.DUE]
    with sessions.begin() as session:  # no later scheduler of this database posts it
        session.execute(delete(Occurrence).where(Occurrence.schedule_id == schedule_id))


def test_due_occurrences_past_the_grace_window_are_not_kept(
    sessions: sessionmaker[Session],
) -> None:
    [schedule_id] = add_missed(sessions, [(slack_id("T"), slack_id("C"))])
    old = datetime.now(UTC) - timedelta(hours=2)
    refusing = Refusing(sessions, refusals=5)
    enqueuer = Enqueuer(context(refusing), lambda: None, retry_seconds=0.1)
    enqueuer.pause = 0.01
    enqueuer.add([(schedule_id, old)])
    time.sleep(0.4)
    assert len(refusing.asked) == 5  # no try after the first write gave up
    with sessions() as session:
        found = session.scalars(select(Occurrence.id).where(Occurrence.schedule_id == schedule_id))
        assert list(found) == []


def test_a_stop_gives_back_posts_waiting_to_be_chosen_again(
    engine: Engine, sessions: sessionmaker[Session], slack: FakeSlack
) -> None:
    channel = slack_id("C")
    [schedule_id] = add_missed(sessions, [(slack_id("T"), channel)])
    oid = occurrence(sessions, schedule_id, datetime.now(UTC) - timedelta(minutes=1))
    refused: list[str] = []

    def refuse(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if threading.current_thread().name.startswith("nudgebot-plan"):
            refused.append(statement)
            raise OperationalError(statement, {}, ConnectionError("database went away"))

    event.listen(engine, "before_cursor_execute", refuse)
    loop = PostLoop(context(sessions, slack), engine, Limits(threads=4))
    try:
        loop.start()
        loop.wake()
        slack.wait_for(lambda: refused, 10)
        time.sleep(0.2)  # its re-plan now waits a second
        loop.stop()
    finally:
        event.remove(engine, "before_cursor_execute", refuse)

    found = row(sessions, oid)
    assert (found.status, found.claimed_by) == (queue.DUE, None)
    assert posts(slack, {channel}) == []
    with sessions.begin() as session:  # no later scheduler of this database posts it
        session.execute(delete(Occurrence).where(Occurrence.id == oid))


def test_the_sweep_reports_dead_workers_claims_and_old_direct_ones_only(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one scheduler process: nothing is swept there")
    now = datetime.now(UTC)
    alive = WorkerLock(engine, worker_name())
    assert alive.hold()
    claims = {
        "live worker": (alive.name, now),
        "dead worker": ("gone-host:4242:abc123", now),
        "direct, posting now": (jobs.WORKER, now),
        "direct, long ago": (jobs.WORKER, now - timedelta(minutes=11)),
    }
    made = {what: claimed(sessions, name, at) for what, (name, at) in claims.items()}
    try:
        workers.sweep(context(sessions), engine, alive=set())
    finally:
        alive.release()

    found = {what: row(sessions, oid).status for what, oid in made.items()}
    assert found == {
        "live worker": queue.CLAIMED,
        "dead worker": queue.UNKNOWN,
        "direct, posting now": queue.CLAIMED,
        "direct, long ago": queue.UNKNOWN,
    }
    with sessions.begin() as session:  # nothing of this is left for other tests' schedulers
        session.execute(delete(Occurrence).where(Occurrence.id.in_(made.values())))
