"""The pool that runs the work after each ack is bounded: when it is full the person is told
at once, in the ack, with their text, and nothing is written; on shutdown it drains what
it accepted, within a time limit."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot import runtime
from bot.prompts.modals import ModalContext
from bot.settings import Settings
from models.tables import Recognition, Response
from tests.conftest import SECRET
from tests.driver import SlackDriver, in_process_url, slack_id
from tests.fake_slack import FakeSlack


def test_workers_refuse_past_their_bound_and_drain_what_they_took() -> None:
    workers = runtime.Workers(threads=1, backlog=1)
    release = threading.Event()
    done: list[int] = []

    def job(n: int) -> None:
        release.wait(5)
        done.append(n)

    assert workers.submit(lambda: job(1)) is True  # running
    assert workers.submit(lambda: job(2)) is True  # waiting
    assert workers.submit(lambda: job(3)) is False  # refused: nothing runs it
    assert workers.pending == 2
    start = time.monotonic()
    assert workers.drain(timeout=0.2) is False  # still busy when the time was up
    assert 0.15 < time.monotonic() - start < 1.0
    assert workers.submit(lambda: job(4)) is False  # draining: takes nothing new
    assert workers.pending == 1  # the job still waiting for a thread was dropped
    release.set()
    assert workers.drain(timeout=5) is True
    assert done == [1] and workers.pending == 0


def test_workers_drain_waits_for_running_and_waiting_jobs() -> None:
    workers = runtime.Workers(threads=1, backlog=5)
    done: list[int] = []
    for n in range(4):
        assert workers.submit(lambda n=n: (time.sleep(0.05), done.append(n)))
    assert workers.drain(timeout=5) is True
    assert done == [0, 1, 2, 3] and workers.pending == 0


def test_runtime_drain_is_the_public_way_to_stop(sessions: sessionmaker[Session]) -> None:
    rt = runtime.Runtime(settings=Settings(), sessions=sessions)
    ran = threading.Event()
    assert rt.background.submit(lambda: (time.sleep(0.2), ran.set()))
    assert rt.drain(timeout=5) is True and ran.is_set()


@pytest.fixture
def tiny_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made in this test get one worker and room for one more job."""
    monkeypatch.setattr(runtime, "WORKER_THREADS", 1)
    monkeypatch.setattr(runtime, "WORKER_BACKLOG", 1)


def test_a_full_pool_says_busy_in_the_ack_with_the_text_back(
    tiny_pool: None, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    settings = Settings(bot_token="xoxb-test", signing_secret=SECRET, api_url=slack.api_url)
    app = create_app(settings, sessions=sessions)
    bot = SlackDriver(url=in_process_url(app), secret=SECRET, slack=slack, sessions=sessions)
    slack.delays["users.info"] = 1.0  # each kudos holds the one worker for a second
    first, key1 = bot.command("/kudos", f"<@{slack_id('U')}> one")
    second, key2 = bot.command("/kudos", f"<@{slack_id('U')}> two")
    assert first.body == "" and second.body == ""

    typed = "A win that arrived while every worker was busy"
    start = time.monotonic()
    third, _ = bot.command("/win", typed)
    assert time.monotonic() - start < 0.5
    assert third.json["response_type"] == "ephemeral"
    assert "busy" in third.text and typed in third.text, third.text

    metadata = ModalContext(bot.channel, "heart.recognise.2", None, None).dump()
    modal = bot.submit_view(metadata, "typed in the modal")
    assert modal.json["response_action"] == "errors"  # the modal stays open, text and all
    assert "busy" in str(modal.json["errors"])

    bot.slack.wait_response(key1)
    bot.slack.wait_response(key2, timeout=5)
    with sessions() as session:
        assert not session.scalars(select(Response).where(Response.team_id == bot.team)).all()
        kudos = session.scalars(select(Recognition).where(Recognition.team_id == bot.team))
        assert len(kudos.all()) == 2


def test_a_full_pool_refuses_an_event_so_slack_sends_it_again(
    tiny_pool: None, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    from tests.test_prompt_flow import post_prompt
    from tests.test_thread_replies import reply_event

    settings = Settings(bot_token="xoxb-test", signing_secret=SECRET, api_url=slack.api_url)
    app = create_app(settings, sessions=sessions)
    bot = SlackDriver(url=in_process_url(app), secret=SECRET, slack=slack, sessions=sessions)
    _, prompt_ts = post_prompt(bot, "challenge")
    slack.delays["users.info"] = 1.0  # each kudos holds the one worker for a second
    bot.command("/kudos", f"<@{slack_id('U')}> one")
    bot.command("/kudos", f"<@{slack_id('U')}> two")

    ts = "1700000900.000100"
    assert reply_event(bot, prompt_ts, "Try smaller releases", ts) >= 500  # Slack retries
    slack.wait_for(lambda: app.runtime.background.pending == 0, timeout=10)
    assert reply_event(bot, prompt_ts, "Try smaller releases", ts, retry=1) == 200
    slack.wait_for(lambda: rows_for(sessions, bot.team) == 1)


def rows_for(sessions: sessionmaker[Session], team: str) -> int:
    with sessions() as session:
        return len(session.scalars(select(Response).where(Response.team_id == team)).all())
