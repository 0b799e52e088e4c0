"""`python app.py` in every role and mode: health, refusing oversized bodies, and stopping.

Every role (web, scheduler, both) and mode (HTTP, Socket Mode) stops on SIGTERM and SIGINT
the same way: it stops taking work, finishes what it acked, stops the scheduler, exits 0,
and prints no traceback. Every role answers the Dockerfile's own health check.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from models.tables import Recognition
from tests.driver import SlackDriver, sign, slack_id
from tests.fake_slack import FakeSlack, Scripted
from tests.reliability.fake_socket_mode import FakeSocketMode

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SECRET = "lifecycle-secret"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthcheck_command() -> str:
    """The Dockerfile's HEALTHCHECK command, as the container runs it."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    return line.split(" CMD ", 1)[1].strip()


@dataclass
class Bot:
    """One `python app.py` process; its log goes to a file (a pipe could fill and block it)."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def docker_healthcheck(self) -> bool:
        env = {
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "PORT": str(self.port),
            "HOST": self.env.get("HOST", "127.0.0.1"),
        }
        done = subprocess.run(healthcheck_command(), shell=True, env=env, capture_output=True)
        return done.returncode == 0

    def wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.docker_healthcheck():
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, "never healthy:\n" + self.output()
            time.sleep(0.2)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> str:
        self.proc.send_signal(sig)
        self.proc.wait(timeout)
        return self.output()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture
def socket_slack(fake: FakeSlack) -> Iterator[FakeSocketMode]:
    ws = FakeSocketMode()
    fake.script("apps.connections.open", *[Scripted(body={"ok": True, "url": ws.url})] * 50)
    yield ws
    ws.close()


@pytest.fixture
def start(fake: FakeSlack, tmp_path: Path) -> Iterator[Callable[..., Bot]]:
    started: list[Bot] = []

    def run(*args: str, socket_mode: bool = False, secret: bool = True, **extra: str) -> Bot:
        port = free_port()
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONUNBUFFERED": "1",
            "SLACK_BOT_TOKEN": "xoxb-lifecycle",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "PORT": str(port),
            **extra,
        }
        if secret:
            env["SLACK_SIGNING_SECRET"] = SECRET
        if socket_mode:
            env["SLACK_APP_TOKEN"] = "xapp-1-lifecycle"
        log = tmp_path / f"app-{len(started)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, str(APP), *args], env=env, cwd=tmp_path, stdout=out, stderr=out
            )
        bot = Bot(proc, port, log, env)
        started.append(bot)
        return bot

    yield run
    for bot in started:
        if bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait(10)


def recognitions(tmp_path: Path) -> int:
    engine = create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Recognition)) or 0
    engine.dispose()
    return count


def assert_clean_exit(bot: Bot, log: str) -> None:
    assert bot.proc.returncode == 0, log
    assert "Traceback" not in log, log
    assert "nudgebot stopped" in log, log


# -- item 6 and 7: every role, every mode, both signals ------------------------------------

ROLES = [
    pytest.param(("web",), False, id="web-http"),
    pytest.param((), False, id="all-http"),
    pytest.param(("web",), True, id="web-socket"),
    pytest.param((), True, id="all-socket"),
    pytest.param(("scheduler",), False, id="scheduler"),
]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize(("args", "socket_mode"), ROLES)
def test_every_role_is_healthy_then_stops_cleanly(
    start: Callable[..., Bot],
    socket_slack: FakeSocketMode,
    args: tuple[str, ...],
    socket_mode: bool,
    sig: int,
) -> None:
    bot = start(*args, socket_mode=socket_mode)
    bot.wait_healthy()
    status, body = bot.get("/readyz")
    assert status == 200, body
    if socket_mode:
        assert socket_slack.connected.wait(10)
    log = bot.stop(sig)
    assert_clean_exit(bot, log)


def test_the_scheduler_needs_no_signing_secret_and_says_how_its_loop_is(
    start: Callable[..., Bot],
) -> None:
    bot = start("scheduler", secret=False)
    bot.wait_healthy()
    status, body = bot.get("/healthz")
    assert status == 200
    assert "scheduler" in body and "leader" in body, body
    assert bot.get("/readyz")[0] == 200
    request = urllib.request.Request(bot.url + "/slack/events", data=b"x=1")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 404  # a scheduler serves health, not Slack
    assert_clean_exit(bot, bot.stop())


def test_acked_work_is_finished_before_an_http_server_exits(
    start: Callable[..., Bot], fake: FakeSlack, tmp_path: Path
) -> None:
    bot = start("web")
    bot.wait_healthy()
    fake.delays["users.info"] = 3.0  # the work after the ack takes a while
    driver = SlackDriver(url=bot.url, secret=SECRET, slack=fake)
    reply, key = driver.command("/kudos", "<@UANA0001|ana> for the release notes")
    assert reply.status == 200
    bot.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    with pytest.raises(OSError):  # no new work is taken while the acked work finishes
        driver.command("/kudos", "<@UBEN0001|ben> for too late")
    bot.proc.wait(40)
    log = bot.output()
    assert_clean_exit(bot, log)
    assert "Kudos to <@UANA0001>" in fake.responses[key][0]["text"]
    assert recognitions(tmp_path) == 1


def test_a_request_arriving_when_sigterm_comes_is_still_answered(
    start: Callable[..., Bot], fake: FakeSlack, tmp_path: Path
) -> None:
    """SIGTERM lands while a slash command is half sent: the server stops accepting
    connections, but reads the rest of that one, acks it and does the work."""
    bot = start("web")
    bot.wait_healthy()
    key = slack_id("R")
    form = (
        f"team_id=T0MID&channel_id=C0MID&user_id=U0MID&command=%2Fkudos"
        f"&text=%3C%40UANA0001%7Cana%3E+for+holding+on&response_url={fake.response_url(key)}"
    ).encode()
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % len(form)
    head += b"Content-Type: application/x-www-form-urlencoded\r\n"
    head += b"".join(f"{k}: {v}\r\n".encode() for k, v in sign(SECRET, form).items()) + b"\r\n"
    with socket.create_connection(("127.0.0.1", bot.port), timeout=10) as conn:
        conn.sendall(head + form[:20])
        time.sleep(0.3)
        bot.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        conn.sendall(form[20:])
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    bot.proc.wait(40)
    assert_clean_exit(bot, bot.output())
    assert "Kudos to <@UANA0001>" in fake.responses[key][0]["text"]
    assert recognitions(tmp_path) == 1


def test_acked_work_is_finished_before_socket_mode_exits(
    start: Callable[..., Bot], fake: FakeSlack, socket_slack: FakeSocketMode, tmp_path: Path
) -> None:
    bot = start("web", socket_mode=True)
    bot.wait_healthy()
    fake.delays["users.info"] = 3.0
    key = slack_id("R")
    socket_slack.send(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": "T0FAKE",
                "channel_id": "C0LIFE",
                "user_id": "U0GIVER",
                "command": "/kudos",
                "text": "<@UANA0001|ana> for the release notes",
                "api_app_id": "A0NUDGE",
                "response_url": fake.response_url(key),
                "trigger_id": "trigger-1",
            },
        }
    )
    socket_slack.wait_ack("env-1")
    bot.proc.send_signal(signal.SIGTERM)
    bot.proc.wait(40)
    log = bot.output()
    assert_clean_exit(bot, log)
    assert "Kudos to <@UANA0001>" in fake.responses[key][0]["text"]
    assert recognitions(tmp_path) == 1


# -- item 1: the HTTP server itself refuses oversized bodies ---------------------------------


def raw(port: int, head: bytes, body: bytes = b"", chunks: int = 0) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head + body)
        try:
            for _ in range(chunks):
                conn.sendall(b"10000\r\n" + b"a" * 65536 + b"\r\n")
        except OSError:
            pass
        answer = b""
        try:
            while part := conn.recv(65536):
                answer += part
        except OSError:
            pass
    return answer, time.monotonic() - started


def test_the_server_refuses_oversized_bodies_without_reading_them(
    start: Callable[..., Bot],
) -> None:
    bot = start("web")
    bot.wait_healthy()
    declared, seconds = raw(
        bot.port, b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n"
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared[:100]
    assert seconds < 2
    chunked, _ = raw(
        bot.port,
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunks=4800,  # 300 MiB, unless the server stops it
    )
    assert chunked.startswith(b"HTTP/1.1 413"), chunked[:100]
    assert bot.get("/healthz")[0] == 200
    assert_clean_exit(bot, bot.stop())


# -- items 2 and 13: what a start and a refused request write to the log ---------------------


def test_the_log_holds_no_body_no_text_and_no_token_warning(
    start: Callable[..., Bot], fake: FakeSlack
) -> None:
    bot = start("web")
    bot.wait_healthy()
    driver = SlackDriver(url=bot.url, secret=SECRET, slack=fake)
    form = (
        b"token=unused&team_id=T0FAKE&channel_id=C0LOG&user_id=U0WORRIER&command=%2Fnudge"
        b"&text=fear+secret-worry-text&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fr"
    )
    stale = sign(SECRET, form, timestamp=int(time.time()) - 600)
    assert driver.post(form, headers=stale, signed=False).status == 401
    for garbage in (b"\xff\xfe", b"{nope", b"payload=[1]"):
        assert driver.post(garbage, signed=False).status == 401
        assert driver.post(garbage).status == 400
    log = bot.stop()
    assert_clean_exit(bot, log)
    for secret in ("secret-worry-text", "U0WORRIER", "xoxb-", "will be unused"):
        assert secret not in log, log


# -- item 8: a database that cannot be opened ---------------------------------------------


def test_the_app_says_why_it_cannot_open_its_sqlite_file(tmp_path: Path) -> None:
    """The container case: DATABASE_URL=sqlite:///nudgebot.db where the user may not write."""
    (tmp_path / "data").write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "DATABASE_URL": "sqlite:///data/nudgebot.db",
    }
    done = subprocess.run(
        [sys.executable, str(APP)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "SQLite" in lines[0] and "database server" not in lines[0], lines[0]
