"""A command's reply when its response_url fails: 429s wait for Retry-After, 5xx and dropped
connections are retried, and then the reply goes by the Web API (the channel, else the
person). Each case checks what the person sees, that the item was saved once and shown
once, and what was logged."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import Call, Scripted
from tests.helpers import NOTHING, counts, said

SETTLE = 0.5  # seconds to wait for a double that should not come
SLOW = 15.0  # three attempts with backoff take up to ~4 s


def text_of(call: Call) -> str:
    blocks = call.params.get("blocks") or []
    if isinstance(blocks, str):  # blocks sent form-encoded arrive as a JSON string
        blocks = json.loads(blocks)
    return str(call.params.get("text", "")) + "\n" + blocks_text(blocks)


def calls(bot: SlackDriver, method: str, channel: str | None = None) -> list[Call]:
    """Calls to `method` for this test's channel (or `channel`)."""
    where = channel or bot.channel
    return [c for c in bot.slack.calls_to(method) if c.params.get("channel") == where]


def wait_calls(bot: SlackDriver, method: str, channel: str | None = None) -> list[Call]:
    found: list[Call] = bot.slack.wait_for(lambda: calls(bot, method, channel), SLOW)
    return found


def kudos(bot: SlackDriver, reason: str = "for running the retro") -> tuple[str, str]:
    """Give kudos; returns the response_url key and the recipient."""
    ana = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}|ana> {reason}")
    assert reply.status == 200 and reply.body == ""
    return key, ana


def saved_once(sessions: sessionmaker[Session], bot: SlackDriver, **table: int) -> None:
    assert counts(sessions, bot.team) == {**NOTHING, **table}


KUDOS_ROWS = {"recognitions": 1, "recognition_recipients": 1}


def test_a_rate_limited_reply_waits_for_retry_after_and_is_shown_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail_response("*", 429, "rate_limited", retry_after=1)
    started = time.monotonic()
    key, ana = kudos(bot)

    message = bot.slack.wait_response(key, timeout=SLOW)
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert message["response_type"] == "in_channel"
    assert f"Kudos to <@{ana}>!" in said(message)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 2
    assert len(bot.slack.responses[key]) == 1
    assert calls(bot, "chat.postMessage") == calls(bot, "chat.postEphemeral") == []
    saved_once(sessions, bot, **KUDOS_ROWS)


def test_server_errors_three_times_post_the_kudos_in_the_channel_once(
    bot: SlackDriver, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.replies")
    bot.slack.fail_response("*", 500, times=3)
    key, ana = kudos(bot, "for the secret launch plan")

    [post] = wait_calls(bot, "chat.postMessage")
    assert f"Kudos to <@{ana}>!" in text_of(post)
    assert "for the secret launch plan" in text_of(post)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 3  # tried, then retried twice
    assert bot.slack.responses[key] == []
    assert len(calls(bot, "chat.postMessage")) == 1
    assert calls(bot, "chat.postEphemeral") == []
    saved_once(sessions, bot, **KUDOS_ROWS)

    logged = [r for r in caplog.records if bot.channel in r.getMessage()]
    assert logged and all(r.levelno == logging.WARNING for r in logged)
    assert any(bot.team in r.getMessage() and "http 500" in r.getMessage() for r in logged)
    assert not any("secret launch" in r.getMessage() for r in caplog.records)
    assert not any(ana in r.getMessage() or bot.user in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("code", ["expired_url", "used_url"])
def test_an_expired_or_used_response_url_falls_back_to_the_channel_once(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
    code: str,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.replies")
    bot.slack.fail_response("*", 404, code)
    key, ana = kudos(bot)

    [post] = wait_calls(bot, "chat.postMessage")
    assert f"Kudos to <@{ana}>!" in text_of(post)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 1  # a 404 is final: no retry
    assert len(calls(bot, "chat.postMessage")) == 1
    saved_once(sessions, bot, **KUDOS_ROWS)
    assert any(
        f"http 404 {code}" in r.getMessage() and bot.channel in r.getMessage()
        for r in caplog.records
    )


def test_dropped_connections_are_retried_then_the_win_goes_to_the_channel_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.drop_response("*", times=3)
    reply, key = bot.command("/win", "We shipped the beta")
    assert reply.status == 200

    [post] = wait_calls(bot, "chat.postMessage")
    assert f"<@{bot.user}> shared a win" in text_of(post)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 3
    assert len(calls(bot, "chat.postMessage")) == 1
    saved_once(sessions, bot, responses=1)


def test_a_long_retry_after_falls_back_at_once_instead_of_holding_a_worker(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail_response("*", 429, "rate_limited", retry_after=60)
    started = time.monotonic()
    key, _ = kudos(bot)

    wait_calls(bot, "chat.postMessage")
    assert time.monotonic() - started < 5
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 1
    assert len(calls(bot, "chat.postMessage")) == 1
    saved_once(sessions, bot, **KUDOS_ROWS)


@pytest.mark.parametrize("code", ["not_in_channel", "channel_not_found", "is_archived"])
def test_when_the_bot_is_not_in_the_channel_the_person_is_told_with_the_kudos(
    bot: SlackDriver, sessions: sessionmaker[Session], code: str
) -> None:
    bot.slack.fail_response("*", 404, "expired_url")
    bot.slack.fail("chat.postMessage", code)
    key, ana = kudos(bot)

    [told] = wait_calls(bot, "chat.postEphemeral")
    assert told.params["user"] == bot.user
    assert f"Kudos to <@{ana}>!" in text_of(told)
    assert "/invite @nudgebot" in text_of(told)
    time.sleep(SETTLE)
    assert len(calls(bot, "chat.postMessage")) == 1  # the refused one; nothing else
    assert len(calls(bot, "chat.postEphemeral")) == 1
    assert bot.slack.responses[key] == []
    saved_once(sessions, bot, **KUDOS_ROWS)


def open_dm(bot: SlackDriver) -> str:
    dm = slack_id("D")
    bot.slack.script("conversations.open", Scripted(body={"ok": True, "channel": {"id": dm}}))
    return dm


def test_when_neither_channel_post_works_the_person_gets_the_kudos_in_a_dm(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    dm = open_dm(bot)
    bot.slack.fail_response("*", 404, "expired_url")
    bot.slack.fail("chat.postMessage", "channel_not_found")
    bot.slack.fail("chat.postEphemeral", "channel_not_found")
    _, ana = kudos(bot)

    [post] = wait_calls(bot, "chat.postMessage", channel=dm)
    assert f"Kudos to <@{ana}>!" in text_of(post)
    assert f"I can't post in <#{bot.channel}>" in text_of(post)
    opened = [c for c in bot.slack.calls_to("conversations.open") if c.params["users"] == bot.user]
    assert len(opened) == 1
    time.sleep(SETTLE)
    assert len(calls(bot, "chat.postMessage", channel=dm)) == 1
    saved_once(sessions, bot, **KUDOS_ROWS)


def test_a_private_reply_that_fails_falls_back_to_an_ephemeral_message_never_public(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail_response("*", 500, times=3)
    reply, key = bot.command("/nudge", "fear the reorg will split the team")
    assert reply.status == 200

    [told] = wait_calls(bot, "chat.postEphemeral")
    assert told.params["user"] == bot.user
    assert "Your worry is logged *without your name*" in text_of(told)
    assert "the reorg" not in text_of(told)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 3
    assert len(calls(bot, "chat.postEphemeral")) == 1
    assert calls(bot, "chat.postMessage") == []  # a worry is never posted in the channel
    saved_once(sessions, bot, responses=1)


def test_a_private_reply_that_cannot_be_shown_in_the_channel_goes_to_a_dm(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    dm = open_dm(bot)
    bot.slack.fail_response("*", 404, "used_url")
    bot.slack.fail("chat.postEphemeral", "channel_not_found")
    bot.command("/nudge", "fear the reorg will split the team")

    [post] = wait_calls(bot, "chat.postMessage", channel=dm)
    assert "Your worry is logged *without your name*" in text_of(post)
    assert f"<#{bot.channel}>" in text_of(post)
    time.sleep(SETTLE)
    assert calls(bot, "chat.postMessage") == []
    assert len(calls(bot, "chat.postMessage", channel=dm)) == 1
    saved_once(sessions, bot, responses=1)


def test_a_working_response_url_is_used_once_and_the_web_api_not_at_all(
    bot: SlackDriver, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.replies")
    key, _ = kudos(bot)
    bot.slack.wait_response(key)
    time.sleep(SETTLE)
    assert bot.slack.response_attempts[key] == 1
    assert calls(bot, "chat.postMessage") == calls(bot, "chat.postEphemeral") == []
    assert not [r for r in caplog.records if bot.channel in r.getMessage()]
    saved_once(sessions, bot, **KUDOS_ROWS)


def test_every_feature_reply_goes_through_say_or_tell() -> None:
    """No command answers through Bolt's `respond` directly, which fails silently."""
    root = Path(__file__).resolve().parents[2] / "bot"
    direct = [
        path.relative_to(root)
        for path in root.glob("*/commands.py")
        if "call.respond(" in path.read_text()
    ]
    assert direct == []
