"""Hostile requests at the HTTP edge: oversized, unsigned, badly signed, malformed.

Each is refused with the right status before Bolt reads it (413, 401, 400; never 500),
nothing is saved, nothing of the request reaches the log, and the server keeps answering.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot.settings import Settings
from handlers.http import MAX_BODY, make_wsgi
from handlers.server import HttpServer
from tests.conftest import HTTP, SECRET, AppServers
from tests.driver import SlackDriver, dispatch, sign, slack_id
from tests.helpers import NOTHING, counts

SECRET_TEXT = "secret-worry-text"


@pytest.fixture(scope="module")
def transport() -> str:
    return HTTP


def fear_form(bot: SlackDriver) -> bytes:
    """`/nudge fear secret-worry-text`, as Slack would send it."""
    key = slack_id("R")
    return urlencode(
        {
            "token": "unused",
            "team_id": bot.team,
            "channel_id": bot.channel,
            "user_id": bot.user,
            "command": "/nudge",
            "text": f"fear {SECRET_TEXT}",
            "response_url": bot.slack.response_url(key),
            "trigger_id": f"trigger-{key}",
        }
    ).encode()


def raw_http(port: int, head: bytes, body: Iterable[bytes] = (), wait: float = 5.0) -> bytes:
    """Send `head`, then as much of `body` as the server takes; return what it answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(head)
        try:
            for chunk in body:
                conn.sendall(chunk)
        except OSError:  # the server answered and closed while we were still sending
            pass
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


# -- item 1: bodies over the limit ---------------------------------------------------------


@pytest.fixture(scope="module")
def edge_server(servers: AppServers) -> Iterator[int]:
    """The app behind the same HTTP server `python app.py` runs, on a free port."""
    settings = Settings(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=servers.fake.api_url,
        database_url=str(servers.sessions.kw["bind"].url),
    )
    app = create_app(settings, sessions=servers.sessions)
    server = HttpServer(make_wsgi(app), host="127.0.0.1", port=0)
    server.start()
    yield server.port
    server.stop(5)


def test_a_declared_oversized_body_is_refused_before_it_is_sent(edge_server: int) -> None:
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 300000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = raw_http(edge_server, head)  # no body at all: the server must not wait for it
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 2


def test_a_chunked_body_is_cut_off_at_the_limit(edge_server: int) -> None:
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
    sent = [0]

    def chunks() -> Iterator[bytes]:
        for _ in range(300 * 16):  # 300 MiB if nobody stops us
            sent[0] += 64 * 1024
            yield chunk

    answer = raw_http(edge_server, head, chunks())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent[0] < 64 * MAX_BODY  # refused long before the end


def test_a_body_just_under_the_limit_is_still_read(edge_server: int) -> None:
    body = b"x" * (MAX_BODY - 1)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % len(body)
    head += b"".join(f"{k}: {v}\r\n".encode() for k, v in sign("wrong", body).items()) + b"\r\n"
    assert raw_http(edge_server, head, iter([body])).startswith(b"HTTP/1.1 401")


def test_the_wsgi_layer_refuses_oversized_bodies_itself(bot: SlackDriver) -> None:
    """Behind another server (the test tier's own waitress has no limit): still 413."""
    reply = bot.post(b"x" * (MAX_BODY + 1), signed=False)
    assert reply.status == 413
    assert bot.get("/healthz").status == 200


# -- items 2 and 3: unsigned and badly signed requests ---------------------------------------

GARBAGE = [
    pytest.param(b"\xff\xfe\x00\x80not utf-8", id="not-utf8"),
    pytest.param(b"{nope", id="broken-json"),
    pytest.param(b"[1]", id="json-list"),
    pytest.param(b'"x"', id="json-string"),
    pytest.param(b"payload=[1]", id="payload-list"),
    pytest.param(b"payload={x", id="payload-broken"),
    pytest.param(b"payload=%FF%FE", id="payload-not-utf8"),
    pytest.param(b"", id="empty"),
    pytest.param(b"command=/win&text=" + SECRET_TEXT.encode(), id="plausible"),
]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json", "text/plain"]


def quiet(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records above DEBUG (from any logger).

    Waitress's "task queue depth" warning is left out: it says only how busy the
    server's threads were (a slow CI machine), never anything of the request.
    """
    return [
        f"{r.name} {r.levelname} {r.getMessage()}"
        for r in caplog.records
        if r.levelno > 10 and r.name != "waitress.queue"
    ]


@pytest.mark.parametrize("body", GARBAGE)
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_unsigned_garbage_gets_401_and_no_log_line(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = bot.post(body, content_type=content_type, signed=False)
    assert reply.status == 401, reply.body
    assert SECRET_TEXT not in reply.body
    assert quiet(caplog) == []
    assert counts(sessions, bot.team) == NOTHING


def forged_headers() -> list[object]:
    now = str(int(time.time()))
    good = "v0=" + "0" * 64
    return [
        pytest.param(
            {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": good}, id="ts-400"
        ),
        pytest.param({"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": good}, id="ts-minus"),
        pytest.param({"X-Slack-Request-Timestamp": "²", "X-Slack-Signature": good}, id="ts-super"),
        pytest.param({"X-Slack-Request-Timestamp": " 1", "X-Slack-Signature": good}, id="ts-space"),
        pytest.param(
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "é" * 64},
            id="sig-latin1",
        ),
        pytest.param(
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=ü".encode()},
            id="sig-utf8-bytes",
        ),
        pytest.param(
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0="}, id="sig-short"
        ),
        pytest.param(
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v1=" + "0" * 64}, id="v1"
        ),
    ]


@pytest.mark.parametrize("headers", forged_headers())
def test_malformed_signature_headers_get_401(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = bot.post(fear_form(bot), headers=headers, signed=False)
    assert reply.status == 401, reply.body
    assert quiet(caplog) == []


SIGNED_MALFORMED = [
    pytest.param(b"\xff\xfe\x00\x80", "application/x-www-form-urlencoded", id="not-utf8"),
    pytest.param(b"{nope", "application/x-www-form-urlencoded", id="broken-json"),
    pytest.param(b"{nope", "application/json", id="broken-json-typed"),
    pytest.param(b"[1]", "application/json", id="json-list"),
    pytest.param(b'"x"', "application/json", id="json-string"),
    pytest.param(b"payload=[1]", "application/x-www-form-urlencoded", id="payload-list"),
    pytest.param(b"payload={x", "application/x-www-form-urlencoded", id="payload-broken"),
    pytest.param(b'payload="x"', "application/x-www-form-urlencoded", id="payload-string"),
    pytest.param(b"payload=%FF", "application/x-www-form-urlencoded", id="payload-bytes"),
]


@pytest.mark.parametrize(("body", "content_type"), SIGNED_MALFORMED)
def test_signed_but_malformed_bodies_get_400(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    reply = bot.post(body, content_type=content_type)
    assert reply.status == 400, reply.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.get("/healthz").status == 200


@pytest.mark.parametrize(
    "body", [b"[1]", b"x=1", b"payload=%7B%7D", b"{}", b'{"type": "nope"}', b"team_id=T1"]
)
def test_signed_bodies_slack_never_sends_are_not_server_errors(
    bot: SlackDriver, body: bytes
) -> None:
    assert bot.post(body).status < 500


# -- item 2: what reaches the log --------------------------------------------------------


@pytest.fixture
def bolt_app(servers: AppServers) -> Callable[[], object]:
    """A fresh app of this module's settings, to hand requests to Bolt directly."""
    settings = Settings(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=servers.fake.api_url,
        database_url=str(servers.sessions.kw["bind"].url),
    )
    return lambda **overrides: create_app(replace(settings, **overrides), sessions=servers.sessions)


@pytest.fixture
def bolt_verbose(bot: SlackDriver) -> Iterator[None]:
    """Bolt's loggers at DEBUG, once the module's app exists, as in a process that logs at
    INFO or below: Bolt gives each logger the root's level when it makes it, so pytest's
    own level does not reach them."""
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith("slack_bolt")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_a_stale_request_leaves_nothing_of_itself_in_the_log(
    bot: SlackDriver,
    bolt_verbose: None,
    bolt_app: Callable[..., object],
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Clock skew or a rotated secret: the request is refused, and the worry's text, the
    user id and the signature stay out of the log, over HTTP and inside Bolt alike."""
    caplog.set_level(logging.DEBUG)
    body = fear_form(bot)
    stale = sign(SECRET, body, timestamp=int(time.time()) - 600)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **stale}
    assert bot.post(body, headers=stale, signed=False).status == 401
    # Bolt's own check, had a request got past ours (it logs the body at INFO by itself).
    assert dispatch(bolt_app(), body, headers).status == 401  # type: ignore[arg-type]
    assert dispatch(bolt_app(), body, sign("rotated", body)).status == 401  # type: ignore[arg-type]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (SECRET_TEXT, bot.user, bot.team, stale["X-Slack-Signature"]):
        assert secret not in logged
    assert counts(sessions, bot.team) == NOTHING


def test_bolt_is_not_told_a_token_it_will_not_use(
    bolt_app: Callable[..., object],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 13: SLACK_BOT_TOKEN is in the environment when app.py runs; Bolt must not warn
    on every start that it will not use it (we hand it a client)."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    caplog.set_level(logging.DEBUG)
    bolt_app()
    assert "will be unused" not in caplog.text
    assert "xoxb-" not in caplog.text
