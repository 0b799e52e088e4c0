"""`app.main` and `models.migrate.main` run in this process (the process tests run them in
children, where coverage does not follow): start-up refusals, every role up and down on a
real SIGTERM, the migration lock's time limit."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import app
from models import migrate
from models.db import make_engine
from tests.fake_slack import FakeSlack, Scripted
from tests.reliability.fake_socket_mode import FakeSocketMode
from tests.reliability.test_lifecycle import free_port
from tests.reliability.test_migrations import fresh_schema  # noqa: F401  (a fixture)

SECRET = "in-process-secret"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[..., int]]:
    """Set the process environment like an operator; restores signal handlers after."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "NUDGEBOT_")) or name in ("DATABASE_URL", "PORT", "HOST"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def set_env(**values: str) -> int:
        port = free_port()
        monkeypatch.setenv("PORT", str(port))
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'main.db'}")
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return port

    yield set_env
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def stop_main(done: threading.Event) -> None:
    """SIGTERM to this process, while `app.main` still runs (its handler is installed)."""
    if not done.is_set():
        os.kill(os.getpid(), signal.SIGTERM)


def run_until_healthy(argv: list[str], port: int) -> tuple[int, str]:
    """`app.main(argv)` here; once /healthz answers, SIGTERM to this process. Returns the
    exit code and what /healthz said."""
    seen: list[str] = []
    done = threading.Event()

    def probe() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    seen.append(r.read().decode())
                    break
            except OSError:
                time.sleep(0.05)
        stop_main(done)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        code = app.main(argv)
    finally:
        done.set()
    prober.join()
    return code, seen[0] if seen else ""


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


def test_web_serves_until_sigterm(env: Callable[..., int], fake: FakeSlack) -> None:
    port = env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url)
    assert run_until_healthy(["web"], port) == (0, "ok\n")


def test_all_in_socket_mode_until_sigterm(env: Callable[..., int], fake: FakeSlack) -> None:
    ws = FakeSocketMode()
    fake.script("apps.connections.open", *[Scripted(body={"ok": True, "url": ws.url})] * 5)
    port = env(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", SLACK_API_URL=fake.api_url)
    code, health = run_until_healthy([], port)
    ws.close()
    assert code == 0
    assert "socket mode" in health and "scheduler" in health, health


def test_a_scheduler_runs_without_health_when_its_port_is_taken(
    env: Callable[..., int], fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    port = env(SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=fake.api_url)
    blocker = __import__("socket").socket()
    blocker.bind(("127.0.0.1", port))
    blocker.listen(1)
    done = threading.Event()
    threading.Timer(1.0, stop_main, args=(done,)).start()
    try:
        assert app.main(["scheduler"]) == 0
    finally:
        done.set()
        blocker.close()
    assert "not serving /healthz" in caplog.text


def test_a_web_process_whose_port_is_taken_says_so(
    env: Callable[..., int], fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    port = env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url)
    blocker = __import__("socket").socket()
    blocker.bind(("127.0.0.1", port))
    blocker.listen(1)
    try:
        assert app.main(["web"]) == 2
    finally:
        blocker.close()
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


def test_socket_mode_that_cannot_connect_stops(env: Callable[..., int], fake: FakeSlack) -> None:
    fake.fail("apps.connections.open", "invalid_auth", times=5)
    env(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", SLACK_API_URL=fake.api_url)
    assert app.main(["web"]) == 2


@pytest.mark.parametrize(
    ("argv", "values", "said"),
    [
        (["webb"], {}, "unknown role"),
        (["web"], {}, "SLACK_BOT_TOKEN"),
        (
            ["scheduler"],
            {"SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": "sqlite:////nonexistent/x/y.db"},
            "SQLite",
        ),
        (["scheduler"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "invalid_auth"),
        (["web"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "invalid_auth"),
    ],
)
def test_start_up_refusals_are_one_line(
    env: Callable[..., int],
    fake: FakeSlack,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    values: dict[str, str],
    said: str,
) -> None:
    fake.fail("auth.test", "invalid_auth")
    env(SLACK_API_URL=fake.api_url)
    for name, value in values.items():
        os.environ[name] = value
    assert app.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nudgebot: ") and said in err and "\n" not in err, err


def test_acked_work_that_outlives_the_limit_is_reported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from bot.runtime import Runtime
    from bot.settings import Settings
    from models.db import make_sessions

    monkeypatch.setattr(app, "SHUTDOWN_SECONDS", 0.2)
    engine = make_engine(f"sqlite:///{tmp_path / 'slow.db'}")
    rt = Runtime(settings=Settings(), sessions=make_sessions(engine))
    release = threading.Event()
    assert rt.background.submit(lambda: release.wait(5))
    try:
        assert app.shut_down(engine, rt, None, None, None) == 1
    finally:
        release.set()
    assert "did not finish within" in caplog.text


# -- models.migrate.main -----------------------------------------------------------------------


def test_migrate_main_upgrades_and_downgrades(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    assert migrate.main([]) == 0
    assert migrate.main(["downgrade", "base"]) == 0
    assert migrate.main(["upgrade"]) == 0


def test_migrate_main_says_why_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert migrate.main([]) == 2
    assert capsys.readouterr().err.startswith("nudgebot: cannot connect to the database")


def test_a_migration_lock_held_too_long_is_named(
    fresh_schema: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(migrate, "LOCK_WAIT_SECONDS", 1)
    holder = make_engine(fresh_schema)
    with holder.connect() as conn:
        conn.execute(text(f"SELECT pg_advisory_lock({migrate.LOCK_KEY})"))
        engine = make_engine(fresh_schema)
        with pytest.raises(migrate.MigrationError, match="another process") as failed:
            migrate.upgrade(engine)
        engine.dispose()
        conn.execute(text(f"SELECT pg_advisory_unlock({migrate.LOCK_KEY})"))
    holder.dispose()
    assert "\n" not in str(failed.value)


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_names_the_roles_and_settings(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main([flag]) == 0
    out = capsys.readouterr().out
    for word in ("web", "scheduler", "playground", "SLACK_BOT_TOKEN", ".env.example"):
        assert word in out, word


def test_a_missing_token_says_where_settings_go_and_how_to_try_without(
    env: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    env()
    os.environ.pop("SLACK_BOT_TOKEN", None)
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN is missing" in err and ".env.example" in err
    assert "python app.py playground" in err and err.count("\n") == 1


def test_an_unreachable_slack_is_one_line_not_a_page_of_retries(
    env: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    env(SLACK_API_URL="http://127.0.0.1:9/api/")
    os.environ.update(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    assert app.main(["web"]) == 2
    err = capsys.readouterr().err
    assert "could not be reached" in err and "retry" not in err.lower(), err
