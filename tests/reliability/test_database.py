"""PostgreSQL that stops answering: behind a proxy that passes, refuses or blackholes.

No wait on the database lasts much more than 2 s (connect, statement, lock, pool, and a
server that accepts and then says nothing), the readiness check never hangs, and the app
keeps acking at once, telling each person what could not be saved, with their text.
Skipped without TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, make_url, select, text
from sqlalchemy.exc import DBAPIError, TimeoutError
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, make_wsgi
from bot.prompts.modals import ModalContext
from bot.settings import Settings
from models.db import make_engine, make_sessions, normalise_url, ping
from models.migrate import upgrade
from models.tables import Response
from tests.conftest import SECRET, drop_private_schema, serve, with_private_schema
from tests.driver import SlackDriver
from tests.fake_slack import FakeSlack
from tests.helpers import said
from tests.reliability.proxy import Proxy
from tests.reliability.waiting import p99, timed

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="TEST_DATABASE_URL is not set")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A migrated schema of this module's own."""
    url = with_private_schema(normalise_url(URL))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_private_schema(url)


@pytest.fixture
def proxy(pg_url: str) -> Iterator[Proxy]:
    real = make_url(pg_url)
    with Proxy(real.host or "127.0.0.1", real.port or 5432) as running:
        yield running


@pytest.fixture
def proxied(pg_url: str, proxy: Proxy) -> Iterator[Engine]:
    """An engine that reaches the database through the proxy."""
    url = make_url(pg_url).set(host="127.0.0.1", port=proxy.port)
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    proxy.set("pass")
    engine.dispose()


def select_one(engine: Engine) -> int | None:
    with make_sessions(engine).begin() as session:
        return session.scalar(text("SELECT 1"))


def test_new_connection_to_a_silent_server_gives_up_in_about_2s(
    proxied: Engine, proxy: Proxy
) -> None:
    proxy.set("blackhole")
    outcome = timed(lambda: select_one(proxied), limit=10)
    assert isinstance(outcome.error, DBAPIError), outcome
    assert outcome.seconds < 3.0, outcome


def test_open_pooled_connection_to_a_silent_server_gives_up_then_recovers(
    proxied: Engine, proxy: Proxy
) -> None:
    assert select_one(proxied) == 1  # a connection now waits in the pool
    proxy.set("blackhole")
    outcome = timed(lambda: select_one(proxied), limit=15)
    assert isinstance(outcome.error, DBAPIError), outcome
    # The pool's ping gives up after 2.5 s; no reconnect waits on the same silence again.
    assert outcome.seconds < 3.0, outcome
    again = timed(lambda: select_one(proxied), limit=15)  # at once, while it just said nothing
    assert isinstance(again.error, DBAPIError) and again.seconds < 0.5, again
    proxy.set("pass")
    time.sleep(2.5)
    back = timed(lambda: select_one(proxied), limit=5)
    assert back.value == 1 and back.seconds < 1.0, back


def test_refused_connection_fails_at_once(proxied: Engine, proxy: Proxy) -> None:
    proxy.set("refuse")
    outcome = timed(lambda: select_one(proxied), limit=10)
    assert isinstance(outcome.error, DBAPIError), outcome
    assert outcome.seconds < 1.0, outcome


def test_slow_statement_is_cancelled_after_2s_and_the_connection_is_reused(
    proxied: Engine,
) -> None:
    def sleep() -> None:
        with make_sessions(proxied).begin() as session:
            session.execute(text("SELECT pg_sleep(10)"))

    outcome = timed(sleep, limit=15)
    assert isinstance(outcome.error, DBAPIError), outcome
    assert "statement timeout" in str(outcome.error), outcome
    assert 1.5 < outcome.seconds < 2.8, outcome
    assert timed(lambda: select_one(proxied), limit=5).value == 1


def test_write_waiting_on_a_lock_gives_up_after_about_2s(pg_url: str, proxied: Engine) -> None:
    holder = make_engine(pg_url)
    try:
        with holder.connect() as conn:
            conn.execute(text("LOCK TABLE responses IN ACCESS EXCLUSIVE MODE"))

            def write() -> None:
                with make_sessions(proxied).begin() as session:
                    session.execute(text("DELETE FROM responses WHERE team_id = 'TNOBODY'"))

            outcome = timed(write, limit=15)
            conn.rollback()
    finally:
        holder.dispose()
    assert isinstance(outcome.error, DBAPIError), outcome
    assert outcome.seconds < 2.8, outcome


def test_waiting_for_a_free_connection_gives_up_after_about_2s(proxied: Engine) -> None:
    held = [proxied.connect() for _ in range(proxied.pool.size() + 10)]  # pool and overflow
    try:
        outcome = timed(lambda: select_one(proxied), limit=15)
    finally:
        for conn in held:
            conn.close()
    assert isinstance(outcome.error, TimeoutError), outcome
    assert outcome.seconds < 2.8, outcome


def test_ping_reports_the_database_within_its_timeout(proxied: Engine, proxy: Proxy) -> None:
    assert ping(proxied, timeout=2.0) is True
    proxy.set("blackhole")
    for _ in range(3):  # again and again, as a readiness probe does
        outcome = timed(lambda: ping(proxied, timeout=1.0), limit=10)
        assert outcome.value is False and outcome.seconds < 1.3, outcome
    proxy.set("refuse")
    assert timed(lambda: ping(proxied, timeout=1.0), limit=10).value is False
    proxy.set("pass")
    deadline = time.monotonic() + 5  # a moment after the silence, it is ready again
    while not ping(proxied, timeout=1.0):
        assert time.monotonic() < deadline


# -- the app, with its database blackholed ----------------------------------------------------


@pytest.fixture
def app_on(proxied: Engine, pg_url: str) -> Iterator[tuple[SlackDriver, str]]:
    """The app served over HTTP, its database through the proxy; a driver for a fresh team,
    reading what was saved straight from the database."""
    fake = FakeSlack().start()
    settings = Settings(
        bot_token="xoxb-test", signing_secret=SECRET, api_url=fake.api_url, database_url=pg_url
    )
    url, stop = serve(make_wsgi(create_app(settings, sessions=make_sessions(proxied))))
    direct = make_engine(pg_url)
    yield SlackDriver(url=url, secret=SECRET, slack=fake, sessions=make_sessions(direct)), url
    stop()
    fake.stop()
    direct.dispose()


def saved(sessions: sessionmaker[Session], team: str) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Response.text).where(Response.team_id == team)))


def test_acks_stay_fast_and_people_get_their_text_back_while_the_database_is_silent(
    app_on: tuple[SlackDriver, str], proxy: Proxy, proxied: Engine
) -> None:
    bot, _ = app_on
    _, key = bot.command("/win", "warm the pool up")
    bot.slack.wait_response(key)
    proxy.set("blackhole")
    metadata = ModalContext(bot.channel, "heart.recognise.2", None, None).dump()  # a win prompt
    wins: dict[str, str] = {}
    answers: list[str] = []

    def one(i: int) -> float:
        start = time.monotonic()
        kind = i % 4
        if kind == 0:
            typed = f"blackholed win number {i}"
            reply, key = bot.command("/win", typed)
            wins[key] = typed
        elif kind == 1:
            reply, _ = bot.command("/vision")
        elif kind == 2:
            reply, _ = bot.command("/nudge", "schedule list")
        else:
            typed = f"an answer typed in a modal, number {i}"
            answers.append(typed)
            reply = bot.submit_view(metadata, typed)
        assert reply.status == 200, reply.body
        return time.monotonic() - start

    health: list[float] = []
    blackholed = time.monotonic()
    with ThreadPoolExecutor(max_workers=12) as clients:
        acks = list(clients.map(one, range(48)))
        for _ in range(5):
            start = time.monotonic()
            assert bot.get("/healthz").status == 200
            health.append(time.monotonic() - start)
    print(f"\nack p99 with the database blackholed: {p99(acks):.3f} s over {len(acks)} requests")
    assert p99(acks) < 3.0
    assert max(health) < 1.0, health

    for key, typed in wins.items():
        told = said(bot.slack.wait_response(key, timeout=30))
        assert "wasn't saved" in told and typed in told, told
    print(f"every win given back {time.monotonic() - blackholed:.1f} s after the first was sent")
    ephemeral = bot.slack.wait_for(
        lambda: (
            len(bot.slack.calls_to("chat.postEphemeral")) >= len(answers)
            and bot.slack.calls_to("chat.postEphemeral")
        ),
        timeout=30,
    )
    told_all = "\n".join(
        c.params.get("text", "") + str(c.params.get("blocks"))
        for c in ephemeral
        if c.params["user"] == bot.user
    )
    for typed in answers:
        assert typed in told_all
    proxy.set("pass")
    assert saved(bot.sessions, bot.team) == ["warm the pool up"]  # nothing half written
    deadline = time.monotonic() + 10  # new connections are tried again a moment after
    while not ping(proxied, timeout=1.0):  # the last silence
        assert time.monotonic() < deadline
        time.sleep(0.2)

    _, key = bot.command("/win", "back to normal")
    bot.slack.wait_response(key, timeout=10)
    assert sorted(saved(bot.sessions, bot.team)) == ["back to normal", "warm the pool up"]
