"""GET /healthz and /readyz say something true: the process and the scheduler's loop are
alive; the database answers within about two seconds, or /readyz says it does not."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import scheduler_health
from bot.settings import Settings
from handlers.http import make_wsgi
from models.db import make_engine, ping
from schedules import build_scheduler
from tests.fake_slack import FakeSlack


def get(wsgi: Any, path: str, method: str = "GET") -> tuple[int, str, float]:
    started = time.monotonic()
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"] = status

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
    }
    body = b"".join(wsgi(environ, start_response))
    return int(answer["status"].split()[0]), body.decode(), time.monotonic() - started


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


def test_readyz_reports_a_database_that_answers(engine: Engine) -> None:
    wsgi = make_wsgi(None, ready=lambda: ping(engine))
    status, body, _ = get(wsgi, "/readyz")
    assert status == 200, body


def test_readyz_says_503_in_time_when_the_database_does_not_answer(blackhole: int) -> None:
    silent = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{blackhole}/none")
    wsgi = make_wsgi(None, ready=lambda: ping(silent, timeout=1.0))
    for _ in range(3):  # the hung probe is shared, not multiplied
        status, body, seconds = get(wsgi, "/readyz")
        assert status == 503, body
        assert "database" in body
        assert seconds < 2.5
        status, _, seconds = get(wsgi, "/healthz")
        assert status == 200 and seconds < 0.5


def test_health_answers_get_and_head_only(engine: Engine) -> None:
    wsgi = make_wsgi(None, ready=lambda: ping(engine))
    assert get(wsgi, "/healthz", "HEAD")[0] == 200
    assert get(wsgi, "/healthz", "POST")[0] == 405
    assert get(wsgi, "/slack/events", "POST")[0] == 404  # no Bolt app in this role


def test_the_scheduler_is_healthy_while_its_loop_runs(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    fake = FakeSlack().start()
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    settings = Settings(bot_token="xoxb-test", api_url=fake.api_url)
    scheduler = build_scheduler(
        settings, engine=engine, sessions=sessions, client=client, poll_seconds=0.2
    )
    try:
        ok, detail = scheduler_health(scheduler)()
        assert not ok and "not" in detail  # not started yet
        scheduler.start()
        deadline = time.monotonic() + 5
        while not scheduler_health(scheduler)()[0]:
            assert time.monotonic() < deadline, scheduler_health(scheduler)()
            time.sleep(0.05)
        ok, detail = scheduler_health(scheduler)()
        assert "leader" in detail, detail
        wsgi = make_wsgi(None, alive=[scheduler_health(scheduler)])
        status, body, _ = get(wsgi, "/healthz")
        assert status == 200 and "scheduler" in body, body
    finally:
        scheduler.stop()
        fake.stop()
    ok, detail = scheduler_health(scheduler)()
    assert not ok, detail
