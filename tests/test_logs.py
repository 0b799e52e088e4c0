"""LOG_FORMAT=json: one JSON object per line, with the request's id and the workspace's id
(in the work after the ack too), and never what people wrote, a token or a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from tests.conftest import SECRET
from tests.driver import SlackDriver, slack_id
from tests.helpers import said
from tests.test_metrics import Served, served  # noqa: F401  (a fixture)

PHRASE = "pineapple-lighthouse-47"  # what a person wrote: never in a log line
TOKEN = "xoxb-metrics"  # the served app's bot token (tests/test_metrics.py)


@pytest.fixture
def bot(served: Served) -> SlackDriver:  # noqa: F811
    return served.driver()


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the process logs meanwhile, as LOG_FORMAT=json writes it."""
    out = io.StringIO()
    handler = logs.make_handler("json", out)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def lines(out: io.StringIO) -> list[dict[str, object]]:
    parsed = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    for line in parsed:
        assert {"time", "level", "logger", "message"} <= set(line), line
    return parsed


def test_json_lines_name_the_request_and_workspace_and_never_the_text(
    bot: SlackDriver, json_log: io.StringIO
) -> None:
    ana = slack_id("U")
    # A failure after the ack is logged with its traceback, on the pool's thread.
    bot.slack.fail("users.info", "fatal_error")
    reply, key = bot.command("/kudos", f"<@{ana}> for the {PHRASE} launch")
    assert reply.status == 200
    assert "went wrong" in said(bot.slack.wait_response(key))
    reply, key = bot.command("/win", f"we shipped {PHRASE} with token {TOKEN}")
    bot.slack.wait_response(key)
    bot.command("/nudge", f"bogus {PHRASE}")

    found = lines(json_log)
    failed = [line for line in found if "listener failed" in str(line["message"])]
    assert failed, found
    assert failed[0]["level"] == "ERROR"
    assert failed[0]["team_id"] == bot.team
    assert len(str(failed[0]["request_id"])) == 16
    assert "users.info" in str(failed[0]["exception"])
    text = json_log.getvalue()
    for secret in (PHRASE, TOKEN, SECRET, ana, bot.user):
        assert secret not in text, text


def test_each_request_has_an_id_of_its_own() -> None:
    out = io.StringIO()
    logger = logging.getLogger("nudgebot.test_logs")
    handler = logs.make_handler("json", out)
    logger.addHandler(handler)
    logger.propagate, logger.level = False, logging.INFO
    try:
        logger.info("before")
        with logs.bound(request_id="a" * 16, team_id="T1"):
            logger.info("first %s", 1)
            with logs.bound(team_id="T2"):
                logger.warning("inner")
        with logs.bound(request_id=logs.new_request_id()):
            try:
                raise ValueError("boom")
            except ValueError:
                logger.exception("second")
        logger.info("after")
    finally:
        logger.removeHandler(handler)
    before, first, inner, second, after = lines(out)
    assert "request_id" not in before and "team_id" not in before
    assert (first["message"], first["request_id"], first["team_id"]) == ("first 1", "a" * 16, "T1")
    assert (inner["request_id"], inner["team_id"], inner["level"]) == ("a" * 16, "T2", "WARNING")
    assert second["request_id"] != first["request_id"] and "team_id" not in second
    assert "ValueError: boom" in str(second["exception"])
    assert "request_id" not in after
    assert str(first["time"]).endswith("+00:00")


def test_text_stays_one_readable_line() -> None:
    out = io.StringIO()
    record = logging.LogRecord("nudgebot", logging.INFO, __file__, 1, "hello %s", ("T1",), None)
    logs.make_handler("text", out).handle(record)
    assert out.getvalue().rstrip().endswith("INFO nudgebot hello T1")
    assert not out.getvalue().startswith("{")
