"""`python app.py web` and `python app.py scheduler` with LOG_FORMAT=json: each serves its
own GET /metrics on its HOST:PORT, and every line it logs is a JSON object that names no
text, token or secret."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.reliability import test_lifecycle as lifecycle
from tests.reliability.test_lifecycle import fake, start  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow(seconds=8)

PHRASE = "marmalade-orbit-1312"
TOKEN = "xoxb-lifecycle"  # the bot token `start` gives the process


def json_lines(log: str) -> list[dict[str, object]]:
    found = []
    for line in log.splitlines():
        if line.strip():
            parsed = json.loads(line)  # every line, or this fails
            assert {"time", "level", "logger", "message"} <= set(parsed), line
            found.append(parsed)
    return found


def test_a_web_process_counts_its_requests_and_logs_json_lines(
    start: Callable[..., lifecycle.Bot],  # noqa: F811
    fake: FakeSlack,  # noqa: F811
) -> None:
    bot = start("web", LOG_FORMAT="json")
    bot.wait_healthy()
    driver = SlackDriver(url=bot.url, secret=lifecycle.SECRET, slack=fake)
    fake.fail("users.info", "fatal_error")  # logged after the ack, with the request's ids
    reply, key = driver.command("/kudos", f"<@{slack_id('U')}> for the {PHRASE} fix")
    assert reply.status == 200
    fake.wait_response(key)
    status, body = bot.get("/metrics")
    assert status == 200
    assert 'nudgebot_requests_total{command="/kudos",surface="command"} 1.0' in body
    assert 'nudgebot_slack_errors_total{code="fatal_error",method="users.info"} 1.0' in body
    assert 'nudgebot_db_pool_size{database="sqlite"}' in body
    log = bot.stop()
    assert bot.proc.returncode == 0, log  # the failure's traceback is in its JSON line
    found = json_lines(log)
    failed = [line for line in found if "listener failed" in str(line["message"])]
    assert failed and failed[0]["team_id"] == driver.team and failed[0]["request_id"], log
    for secret in (PHRASE, TOKEN, lifecycle.SECRET, driver.user):
        assert secret not in log, log


def test_a_scheduler_process_serves_its_own_metrics(
    start: Callable[..., lifecycle.Bot],  # noqa: F811
) -> None:
    bot = start("scheduler", secret=False, LOG_FORMAT="json")
    bot.wait_healthy()
    status, body = bot.get("/metrics")
    assert status == 200
    assert 'nudgebot_db_pool_size{database="sqlite"}' in body
    for name in ("nudgebot_posts", "nudgebot_scheduler_lag_seconds", "nudgebot_claims_outstanding"):
        assert f"# TYPE {name}" in body, body
    assert "nudgebot_requests_total{" not in body  # a scheduler takes no Slack requests
    log = bot.stop()
    lifecycle.assert_clean_exit(bot, log)
    assert any(line["message"] == "nudgebot scheduler running" for line in json_lines(log))
