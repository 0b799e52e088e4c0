"""`python app.py` as an operator runs it: start-up checks, HTTP serving, clean shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from models.tables import Recognition
from tests.driver import SlackDriver
from tests.fake_slack import FakeSlack

APP = Path(__file__).resolve().parent.parent / "app.py"
SECRET = "process-test-secret"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_app(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    # A clean environment: only what the test sets, so a developer's .env or shell can't leak in.
    base = {"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(APP), *args],
        env={**base, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


def test_serves_http_and_stops_cleanly_on_sigterm(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "bot.db"
    proc = run_app(
        {
            "SLACK_BOT_TOKEN": "xoxb-process",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": f"sqlite:///{db}",
            "PORT": str(port),
        },
        tmp_path,
    )
    try:
        driver = SlackDriver(url=f"http://127.0.0.1:{port}", secret=SECRET, slack=fake)
        deadline = time.monotonic() + 30
        while True:
            try:
                if driver.get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the app did not come up"
            time.sleep(0.1)

        reply, key = driver.command("/kudos", "<@UANA0001|ana> for the release notes")
        assert reply.status == 200
        posted = fake.wait_response(key)
        assert posted["response_type"] == "in_channel"
        assert "Kudos to <@UANA0001>" in posted["text"]
        unsigned = driver.post(b"command=/kudos&text=x", signed=False)
        assert unsigned.status == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Recognition)) == 1
    engine.dispose()


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "PORT"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x"},
            "DATABASE_URL",
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
            },
            "DATABASE_URL",
        ),
    ],
)
def test_bad_setting_stops_with_one_line(env: dict[str, str], names: str, tmp_path: Path) -> None:
    proc = run_app(env, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert names in lines[0] and "Traceback" not in err


def test_env_file_is_read(fake: FakeSlack, tmp_path: Path) -> None:
    """Settings in .env of the working directory count (a malformed one proves it was read)."""
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\nNUDGEBOT_TIMEZONE=Mars/Base\n"
    )
    proc = run_app({"SLACK_SIGNING_SECRET": "s"}, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "NUDGEBOT_TIMEZONE" in err


def test_rejected_token_stops_with_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    fake.fail("auth.test", "invalid_auth")
    proc = run_app(
        {
            "SLACK_BOT_TOKEN": "xoxb-revoked",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        },
        tmp_path,
    )
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("nudgebot: ") and "SLACK_BOT_TOKEN" in last and "invalid_auth" in last
    assert "Traceback" not in err


def test_unknown_role_stops_with_one_line(tmp_path: Path) -> None:
    proc = run_app({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, tmp_path, "webb")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip() == (
        "nudgebot: unknown role 'webb': use web, scheduler, playground or nothing (both); "
        "`python app.py --help` says more"
    )
