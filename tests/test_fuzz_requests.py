"""Arbitrary requests into the HTTP layer: any headers, any body, signed or not; never a 5xx.

The calls go to the WSGI app in this process (what waitress would call), so two hundred
examples take seconds. Signed requests reach Bolt and the listeners: they are built to look
like Slack's, with fields of the wrong types and shapes.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot.settings import Settings
from handlers.http import make_wsgi
from tests.conftest import SECRET
from tests.driver import sign
from tests.fake_slack import FakeSlack

LATIN1 = st.characters(max_codepoint=255, blacklist_categories=("Cs",))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
SLACKISH = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "event_callback",
                "block_actions",
                "view_submission",
                "view_closed",
                "url_verification",
                "shortcut",
                "message_action",
                "interactive_message",
                "app_rate_limited",
                "nope",
            ]
        )
    },
    optional={
        "team": JSON | st.fixed_dictionaries({"id": JSON}),
        "team_id": JSON,
        "user": JSON | st.fixed_dictionaries({"id": JSON, "team_id": JSON}),
        "channel": JSON | st.fixed_dictionaries({"id": JSON}),
        "event": JSON
        | st.fixed_dictionaries(
            {"type": st.sampled_from(["message", "app_home_opened", "app_uninstalled"])},
            optional={"text": JSON, "user": JSON, "thread_ts": JSON, "channel": JSON},
        ),
        "actions": JSON | st.lists(st.dictionaries(st.sampled_from(["action_id", "value"]), JSON)),
        "view": JSON | st.dictionaries(st.sampled_from(["callback_id", "private_metadata"]), JSON),
        "response_url": JSON,
        "challenge": JSON,
        "authorizations": JSON,
        "enterprise": JSON,
        "is_enterprise_install": JSON,
    },
)
COMMANDS = st.fixed_dictionaries(
    {"command": st.sampled_from(["/kudos", "/win", "/vision", "/nudge", "/other"])},
    optional={
        "text": st.text(max_size=40),
        "team_id": st.text(max_size=12),
        "user_id": st.text(max_size=12),
        "channel_id": st.text(max_size=12),
        "enterprise_id": st.text(max_size=12),
        "response_url": st.text(max_size=30),
        "trigger_id": st.text(max_size=10),
    },
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
    JSON.map(lambda v: json.dumps(v).encode()),
    SLACKISH.map(lambda v: json.dumps(v).encode()),
    SLACKISH.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
    COMMANDS.map(lambda v: urlencode(v).encode()),
    st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=4).map(
        lambda v: urlencode(v).encode()
    ),
)
CONTENT_TYPES = st.sampled_from(
    ["application/x-www-form-urlencoded", "application/json", "text/plain", ""]
) | st.text(LATIN1, max_size=30)
HEADER_VALUES = st.text(LATIN1, max_size=80)


@pytest.fixture(scope="module")
def wsgi(sessions: sessionmaker[Session]) -> Iterator[Any]:
    fake = FakeSlack().start()
    settings = Settings(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake.api_url,
        database_url=str(sessions.kw["bind"].url),
    )
    yield make_wsgi(create_app(settings, sessions=sessions))
    fake.stop()


def call(wsgi: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    answer: dict[str, str] = {}

    def start_response(status: str, _headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"] = status

    b"".join(wsgi(environ, start_response))
    return int(answer["status"].split()[0])


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes]:
    body = draw(BODIES)
    headers: dict[str, str] = {"Content-Type": draw(CONTENT_TYPES)}
    length = draw(st.sampled_from(["right", "right", "none", "other"]))
    if length == "right":
        headers["Content-Length"] = str(len(body))
    elif length == "other":
        headers["Content-Length"] = draw(
            st.sampled_from(["", "-1", "abc", "9" * 30, "0", " 5", "²"])
            | st.integers(0, 400).map(str)
        )
    how = draw(st.sampled_from(["signed", "signed", "stale", "unsigned", "garbage"]))
    if how == "signed":
        headers.update(sign(SECRET, body))
    elif how == "stale":
        headers.update(sign(SECRET, body, timestamp=int(time.time()) - 3600))
    elif how == "garbage":
        headers["X-Slack-Request-Timestamp"] = draw(HEADER_VALUES | st.integers().map(str))
        headers["X-Slack-Signature"] = draw(
            HEADER_VALUES
            | st.text("0123456789abcdef", min_size=64, max_size=64).map("v0={}".format)
        )
    headers.update(draw(st.dictionaries(st.text("abcxyz-", min_size=1, max_size=6), HEADER_VALUES)))
    method = draw(st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "HEAD"]))
    path = draw(st.sampled_from(["/slack/events", "/slack/events", "/healthz", "/readyz", "/x"]))
    return method, path, headers, body


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests())
def test_no_request_gets_a_server_error(
    wsgi: Any, request: tuple[str, str, dict[str, str], bytes]
) -> None:
    method, path, headers, body = request
    assert call(wsgi, method, path, headers, body) < 500
