"""Fixtures: a real database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the
fake Slack server, and the app served over HTTP by waitress in this process."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot.settings import Settings
from handlers.http import make_wsgi
from models.db import make_engine, make_sessions, normalise_url
from models.migrate import upgrade
from tests.driver import SlackDriver, in_process_url
from tests.fake_slack import FakeSlack

SECRET = "test-signing-secret"
IN_PROCESS = "in-process"
HTTP = "http"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database per backend, shared by the session (tests use fresh team ids)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'nudgebot.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
        url = normalise_url(url)
        url = with_private_schema(url)
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_private_schema(url)


def with_private_schema(url: str) -> str:
    """A schema of this test run's own, so runs sharing the database never collide."""
    schema = f"nudgebot_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def drop_private_schema(url: str) -> None:
    schema = url.rsplit("search_path%3D", 1)[1]
    admin = create_engine(url.split("?")[0])
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessions(engine)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def serve(wsgi: Any) -> tuple[str, Callable[[], None]]:
    """Serve a WSGI app on 127.0.0.1 with waitress in a thread; returns (url, stop)."""
    from waitress.server import create_server

    server = create_server(wsgi, host="127.0.0.1", port=0, threads=8)

    def run() -> None:
        # close() pulls the sockets from under the select loop; that is how it stops here.
        with contextlib.suppress(OSError, ValueError):
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def stop() -> None:
        server.close()
        thread.join(5)

    return f"http://127.0.0.1:{server.effective_port}", stop


class AppServers:
    """One fake Slack and one app per distinct settings override, shared by a test module:
    starting and stopping an app per test costs 1.5 s. Every driver still gets a fresh team,
    channel and user, so tests tell their calls apart by those ids.

    `transport` is "in-process" (signed requests handed to `app.dispatch`, as Bolt's own
    scenario tests do) or "http" (the same requests through waitress over loopback)."""

    def __init__(
        self, fake: FakeSlack, sessions: sessionmaker[Session], transport: str = IN_PROCESS
    ) -> None:
        self.fake = fake
        self.sessions = sessions
        self.transport = transport
        self._running: dict[tuple[tuple[str, Any], ...], tuple[str, Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def start(self, **overrides: Any) -> SlackDriver:
        """A driver for a fresh team on the app with these setting overrides."""
        key = tuple(sorted(overrides.items()))
        with self._lock:
            if key not in self._running:
                settings = Settings(
                    bot_token="xoxb-test",
                    signing_secret=SECRET,
                    api_url=self.fake.api_url,
                    database_url=str(self.sessions.kw["bind"].url),
                )
                app = create_app(replace(settings, **overrides), sessions=self.sessions)
                if self.transport == HTTP:
                    self._running[key] = serve(make_wsgi(app))
                else:
                    self._running[key] = (in_process_url(app), lambda: None)
            url = self._running[key][0]
        return SlackDriver(url=url, secret=SECRET, slack=self.fake, sessions=self.sessions)

    def stop(self) -> None:
        with self._lock:
            for _, stop in self._running.values():
                stop()
            self._running.clear()
        self.fake.stop()


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    """The fake Slack a module's apps talk to; a module overrides this for a subclass."""
    return FakeSlack


@pytest.fixture(scope="module")
def transport() -> str:
    """How a module's tests reach the app: in-process by default; the HTTP tier's modules
    override this fixture to return HTTP."""
    return IN_PROCESS


@pytest.fixture(scope="module")
def servers(
    sessions: sessionmaker[Session], fake_slack_class: type[FakeSlack], transport: str
) -> Iterator[AppServers]:
    apps = AppServers(fake_slack_class().start(), sessions, transport)
    yield apps
    apps.stop()


@pytest.fixture
def make_bot(servers: AppServers) -> Callable[..., SlackDriver]:
    """Start (or reuse) the module's app with optional setting overrides; returns a driver
    for a fresh team. Scripted answers and delays an earlier test left are dropped first."""
    servers.fake.reset()
    return servers.start


@pytest.fixture
def bot(make_bot: Callable[..., SlackDriver]) -> SlackDriver:
    return make_bot()


def pytest_report_header() -> str:
    """Say once, not once per test, how to run the PostgreSQL half of the suite."""
    if os.environ.get("TEST_DATABASE_URL"):
        return "databases: SQLite and PostgreSQL (TEST_DATABASE_URL)"
    return (
        "databases: SQLite only; set TEST_DATABASE_URL=postgresql+psycopg://user@host/db "
        "to run every database test on PostgreSQL too (they are skipped now)"
    )


def _expected_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("slow")
    return float(marker.kwargs.get("seconds", 10)) if marker else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow tests first, longest first (`@pytest.mark.slow(seconds=60)`), each
    followed by one quick test, so that pytest-xdist (one test at a time:
    --maxschedchunk=1) starts them on different workers and their waits for real minute
    boundaries overlap instead of adding up."""
    slow = sorted(
        (item for item in items if item.get_closest_marker("slow")),
        key=_expected_seconds,
        reverse=True,
    )
    quick = [item for item in items if not item.get_closest_marker("slow")]
    ordered: list[pytest.Item] = []
    for item in slow:
        ordered.append(item)
        if quick:
            ordered.append(quick.pop(0))
    items[:] = ordered + quick
