"""/vision over HTTP: showing the vision, publishing new versions, and who may."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import blocks
from models.tables import Statement
from tests.driver import SlackDriver, slack_id
from tests.helpers import NOTHING, counts
from tests.shown import assert_ack_error, assert_later_error, assert_private_reply, said

LEADERS_ONLY = "Only admins and the team's leaders can publish this."


def statement_rows(sessions: sessionmaker[Session], team: str) -> list[Statement]:
    with sessions() as s:
        return list(
            s.scalars(select(Statement).where(Statement.team_id == team).order_by(Statement.id))
        )


def asked_about(bot: SlackDriver, user: str) -> int:
    return sum(1 for c in bot.slack.calls_to("users.info") if c.params.get("user") == user)


def publish(bot: SlackDriver, text: str) -> dict[str, Any]:
    reply, key = bot.command("/vision", f"set {text}")
    assert reply.status == 200 and reply.body == "", reply.body
    return bot.slack.wait_response(key)


def test_vision_before_any_is_published_says_how_to_publish(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/vision")
    assert_private_reply(bot, reply, key, "No vision published yet", "`/vision set <the vision>`")
    assert counts(sessions, bot.team) == NOTHING
    assert len(bot.slack.responses[key]) == 1


def test_admin_publishes_the_vision_and_everyone_can_read_it(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    message = publish(bot, "A team where every release is boring.\nAnd every retro is honest.")
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert f"<@{bot.user}> published a new vision" in text
    assert "> A team where every release is boring.\n> And every retro is honest." in text
    assert "Version 1 · see it any time with `/vision`" in text

    [row] = statement_rows(sessions, bot.team)
    assert row.kind == "vision"
    assert row.text == "A team where every release is boring.\nAnd every retro is honest."
    assert row.author_id == bot.user
    assert abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert counts(sessions, bot.team) == {**NOTHING, "statements": 1}

    # Anyone in the workspace reads it, as an ephemeral answer to /vision.
    reader = slack_id("U")
    reply, key = bot.command("/vision", user=reader)
    today = datetime.now(UTC).date()  # the bot's zone is UTC
    said_now = assert_private_reply(
        bot,
        reply,
        key,
        "Our vision",
        "A team where every release is boring.\nAnd every retro is honest.",
        # One date style: the team's calendar day, written as `day` writes days.
        f"Version 1 · published by <@{bot.user}> on {blocks.day(row.created_at.date(), today)}",
    )
    assert f"{row.created_at:%Y-%m-%d}" not in said_now
    assert asked_about(bot, reader) == 0  # reading needs no permission check


def test_a_new_version_replaces_the_current_one_and_keeps_history(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_owner=True)
    publish(bot, "first draft of the vision")
    text = said(publish(bot, "second, better vision"))
    assert "Version 2" in text

    reply, key = bot.command("/vision")
    text = assert_private_reply(
        bot, reply, key, "second, better vision", "Version 2 · published by"
    )
    assert "first draft" not in text
    rows = statement_rows(sessions, bot.team)
    assert [(r.kind, r.text) for r in rows] == [
        ("vision", "first draft of the vision"),
        ("vision", "second, better vision"),
    ]


@pytest.mark.parametrize("flag", ["is_admin", "is_owner", "is_primary_owner"])
def test_admins_and_owners_may_publish(
    bot: SlackDriver, sessions: sessionmaker[Session], flag: str
) -> None:
    bot.slack.add_user(bot.user, **{flag: True})
    reply, key = bot.command("/vision", "SET we learn in the open")
    assert reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert [r.text for r in statement_rows(sessions, bot.team)] == ["we learn in the open"]


def test_a_leader_from_settings_may_publish_without_being_admin(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    reply, key = bot.command("/vision", "set we help each other first", user=leader)
    assert reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    assert f"<@{leader}> published a new vision" in said(message)
    [row] = statement_rows(sessions, bot.team)
    assert (row.author_id, row.text) == (leader, "we help each other first")
    assert asked_about(bot, leader) == 0

    # Someone else on the same app is still refused.
    reply, key = bot.command("/vision", "set something else")
    assert_later_error(bot, reply, key, LEADERS_ONLY)
    assert len(statement_rows(sessions, bot.team)) == 1


def test_non_admin_may_not_publish(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    reply, key = bot.command("/vision", "set everyone gets a pony")
    text = assert_later_error(bot, reply, key, LEADERS_ONLY, "`/nudge idea <your idea>`")
    assert "NUDGEBOT_LEADERS" not in text  # no settings' names in what people read
    assert "> /vision set everyone gets a pony" in text  # their words, kept
    assert counts(sessions, bot.team) == NOTHING
    assert asked_about(bot, bot.user) == 1

    reply, key = bot.command("/vision")
    assert_private_reply(bot, reply, key, "No vision published yet")


def test_unknown_user_may_not_publish(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    bot.slack.remove_user(bot.user)
    reply, key = bot.command("/vision", "set a vision from nobody")
    assert_later_error(bot, reply, key, f"I couldn't find <@{bot.user}> in this workspace.")
    assert counts(sessions, bot.team) == NOTHING


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("foo", ["`/vision` doesn't take *foo*."]),
        ("show me", ["`/vision` doesn't take *show*."]),
        ("*bold*", ["`/vision` doesn't take *bold*."]),
        ("x" * 60, ["doesn't take *" + "x" * 39 + "…*"]),
        ("set", ["Write the vision after `set`."]),
        ("set    ", ["Write the vision after `set`."]),
        ("set !!! ...", ["Write the vision after `set`."]),
        ("set " + "v" * 3001, ["That is 3,001 characters; please keep it under 3,000."]),
    ],
)
def test_bad_vision_commands_are_refused_and_nothing_is_written(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str, phrases: list[str]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)  # refused for what was typed, not who typed it
    reply, key = bot.command("/vision", text)
    assert_ack_error(reply, *phrases, "Try: `/vision  or  /vision set <the vision>`")
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []
    assert asked_about(bot, bot.user) == 0


def test_a_published_vision_never_pings_the_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    text = said(publish(bot, "<!channel> we are the team people ask for"))
    assert "<!" not in text, text
    assert "> @channel we are the team people ask for" in text
    assert [r.text for r in statement_rows(sessions, bot.team)] == [
        "<!channel> we are the team people ask for"
    ]
