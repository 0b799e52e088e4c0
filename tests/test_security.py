"""Request verification and the plain HTTP routes: forged or stale requests write nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import HTTP, SECRET
from tests.driver import SlackDriver, sign, slack_id
from tests.helpers import NOTHING, assert_private_reply, counts


def win_form(bot: SlackDriver, text: str = "we shipped it") -> tuple[bytes, str]:
    """A /win slash command body, as Slack would send it, and its response_url key."""
    key = slack_id("R")
    form = {
        "token": "unused",
        "team_id": bot.team,
        "team_domain": "fake",
        "channel_id": bot.channel,
        "channel_name": "general",
        "user_id": bot.user,
        "user_name": "someone",
        "command": "/win",
        "text": text,
        "api_app_id": "A0NUDGE",
        "response_url": bot.slack.response_url(key),
        "trigger_id": f"trigger-{key}",
    }
    return urlencode(form).encode(), key


@pytest.fixture(scope="module")
def transport() -> str:
    """The HTTP tier: signatures, paths and bodies as the real server sees them."""
    return HTTP


def test_a_correctly_signed_request_is_served(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """The control for the tests below: same body, right secret, four minutes old."""
    body, key = win_form(bot)
    headers = sign(SECRET, body, timestamp=int(time.time()) - 240)
    reply = bot.post(body, headers=headers, signed=False)
    assert reply.status == 200, reply.body
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert counts(sessions, bot.team) == {**NOTHING, "responses": 1}


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda body: sign("not-the-secret", body), id="wrong-secret"),
        pytest.param(lambda body: sign(SECRET, body + b"&x=1"), id="other-body"),
        pytest.param(
            lambda body: {**sign(SECRET, body), "X-Slack-Signature": "v0=" + "0" * 64},
            id="made-up-signature",
        ),
        pytest.param(
            lambda body: {**sign(SECRET, body), "X-Slack-Signature": ""}, id="empty-signature"
        ),
        pytest.param(
            lambda body: sign(SECRET, body, timestamp=int(time.time()) - 6 * 60), id="stale"
        ),
        pytest.param(
            lambda body: sign(SECRET, body, timestamp=int(time.time()) + 6 * 60), id="future"
        ),
        pytest.param(lambda body: {}, id="no-headers"),
        pytest.param(
            lambda body: {"X-Slack-Signature": sign(SECRET, body)["X-Slack-Signature"]},
            id="no-timestamp",
        ),
        pytest.param(
            lambda body: {
                "X-Slack-Request-Timestamp": sign(SECRET, body)["X-Slack-Request-Timestamp"]
            },
            id="no-signature",
        ),
        pytest.param(
            lambda body: {**sign(SECRET, body), "X-Slack-Request-Timestamp": "yesterday"},
            id="garbage-timestamp",
        ),
    ],
)
def test_unverified_requests_get_401_and_write_nothing(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    forge: Callable[[bytes], dict[str, str]],
) -> None:
    body, key = win_form(bot)
    reply = bot.post(body, headers=forge(body), signed=False)
    assert reply.status == 401, reply.body
    assert "we shipped it" not in reply.body
    assert counts(sessions, bot.team) == NOTHING
    # The same request, signed properly, would have been answered through response_url.
    assert bot.slack.responses[key] == []


def test_forged_admin_command_publishes_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    body, forged = win_form(bot)
    body = body.replace(b"command=%2Fwin", b"command=%2Fvision").replace(
        b"text=we+shipped+it", b"text=set+forged+vision"
    )
    assert b"command=%2Fvision" in body and b"set+forged+vision" in body
    reply = bot.post(body, headers=sign("not-the-secret", body), signed=False)
    assert reply.status == 401
    assert counts(sessions, bot.team) == NOTHING
    reply, key = bot.command("/vision")
    assert_private_reply(bot, reply, key, "No vision published yet")
    assert bot.slack.responses[forged] == []


def test_healthz_answers_ok_without_a_signature(bot: SlackDriver) -> None:
    reply = bot.get("/healthz")
    assert reply.status == 200
    assert reply.body.strip() == "ok"
    calls = len(bot.slack.calls)
    assert bot.get("/healthz?probe=1").body.strip() == "ok"
    assert len(bot.slack.calls) == calls  # a health check never talks to Slack


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/nope"), ("GET", "/slack/events"), ("POST", "/slack/other")],
)
def test_unknown_paths_are_404(
    bot: SlackDriver, sessions: sessionmaker[Session], method: str, path: str
) -> None:
    if method == "GET":
        reply = bot.get(path)
    else:
        body, key = win_form(bot)
        reply = bot.post(body, path=path)
        assert bot.slack.responses[key] == []
    assert reply.status == 404, reply.body
    assert counts(sessions, bot.team) == NOTHING
