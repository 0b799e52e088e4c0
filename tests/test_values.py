"""`/nudge values`: showing the team's values, publishing new versions (leaders only), every
bad list refused in the ack with nothing changed, the history kept, App Home, and where
publishing them counts (Model the Way)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UserError
from bot.home import render as home_render
from bot.home import service as home
from bot.progress import activity
from bot.values import service as values
from bot.values.parsing import parse_values
from models.tables import Statement
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import NOTHING, assert_ack_error, assert_later_error, counts, said

LEADERS_ONLY = "Only admins and the team's leaders can publish this."


def value_rows(sessions: sessionmaker[Session], team: str) -> list[Statement]:
    with sessions() as s:
        return list(
            s.scalars(
                select(Statement)
                .where(Statement.team_id == team, Statement.kind == "values")
                .order_by(Statement.id)
            )
        )


def publish(bot: SlackDriver, text: str) -> str:
    reply, key = bot.command("/nudge", f"values set {text}")
    assert reply.status == 200 and reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel", message
    return said(message)


def show(bot: SlackDriver, user: str | None = None) -> str:
    reply, key = bot.command("/nudge", "values", user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral", message
    return said(message)


def test_before_any_are_set_it_says_how(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    text = show(bot)
    assert "No team values set yet" in text
    assert "`/nudge values set Ownership; Curiosity; Say it straight`" in text
    assert counts(sessions, bot.team) == NOTHING


def test_a_leader_publishes_them_in_the_channel_and_anyone_reads_them(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    text = publish(bot, "Ownership;  Curiosity ; Say it   straight;")
    assert f"<@{bot.user}> published our team values" in text
    assert "• *Ownership*\n• *Curiosity*\n• *Say it straight*" in text
    assert "Version 1 · see them any time with `/nudge values`" in text
    assert "`/kudos @someone +Ownership for what they did`" in text
    [row] = value_rows(sessions, bot.team)
    assert (row.text, row.author_id) == ("Ownership\nCuriosity\nSay it straight", bot.user)

    text = show(bot, user=slack_id("U"))  # anyone may read them
    assert "Our values" in text and "• *Curiosity*" in text
    assert f"Version 1 · published by <@{bot.user}>" in text


def test_a_new_version_replaces_the_list_and_keeps_the_history(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_owner=True)
    publish(bot, "Ownership; Curiosity")
    assert "Version 2" in publish(bot, "Own it; Learn out loud; Curiosity")
    text = show(bot)
    assert "• *Own it*\n• *Learn out loud*\n• *Curiosity*" in text and "Ownership" not in text
    assert [r.text for r in value_rows(sessions, bot.team)] == [
        "Ownership\nCuriosity",
        "Own it\nLearn out loud\nCuriosity",
    ]
    with sessions() as s:
        found = values.current(s, team_id=bot.team)
    assert found is not None and found.version == 2
    assert found.names == ("Own it", "Learn out loud", "Curiosity")


def test_a_leader_from_settings_may_publish(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    reply, key = bot.command("/nudge", "values set Ownership", user=leader)
    assert reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert len(value_rows(sessions, bot.team)) == 1


def test_others_may_not_publish_and_nothing_changes(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/nudge", "values set Everyone gets a pony")
    text = assert_later_error(bot, reply, key, LEADERS_ONLY)
    assert "> /nudge values set Everyone gets a pony" in text  # their words, kept
    assert counts(sessions, bot.team) == NOTHING
    assert "No team values set yet" in show(bot)


@pytest.mark.parametrize(
    ("rest", "phrases"),
    [
        ("set", ["Write the values after `set`", "Try: `/nudge values set Ownership; Cur"]),
        ("set ; ;", ["Write the values after `set`"]),
        ("set " + "; ".join(f"Value {n}" for n in range(11)), ["That's 11 values", "at most 10"]),
        ("set Ownership; " + "x" * 41, ["is 41 characters", "keep each value under 41"]),
        ("set Ownership; Curiosity; ownership", ["*ownership* and *Ownership* are the same"]),
        ("set Own it; OWN-IT", ["are the same value"]),
        ("set Ownership; <@U0ANA>", ["without mentions or links"]),
        ("set Ownership; !!!", ["*!!!* needs a letter or a digit"]),
        (
            "publish Ownership",
            ["`/nudge values` doesn't take *publish*", "Try: `/nudge values [set &lt;value&gt;;"],
        ),
    ],
)
def test_bad_lists_are_refused_in_the_ack_and_nothing_changes(
    bot: SlackDriver, sessions: sessionmaker[Session], rest: str, phrases: list[str]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    reply, key = bot.command("/nudge", f"values {rest}")
    assert_ack_error(reply, *phrases)
    assert "``" not in reply.text
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


def test_forty_characters_and_ten_values_are_fine() -> None:
    names = parse_values("set " + "; ".join(f"Value {n} {'x' * 30}" for n in range(10)))
    assert names is not None and len(names) == 10
    assert parse_values("set " + "y" * 40) == ("y" * 40,)
    # Slack sends `&` escaped; its `;` is no separator, and it counts as one character.
    assert parse_values("set R&amp;D in the open; Curiosity") == (
        "R&amp;D in the open",
        "Curiosity",
    )
    assert parse_values("set " + "&amp;" * 11 + "x") == ("&amp;" * 11 + "x",)
    with pytest.raises(UserError, match="too long once written for Slack"):
        parse_values("set " + "&amp;" * 13 + "x")
    assert parse_values("") is None and parse_values("   ") is None


def test_publishing_values_counts_under_model_the_way(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    publish(bot, "Ownership; Curiosity")
    _, key = bot.command("/vision", "set A calm team")
    bot.slack.wait_response(key)
    now = datetime.now(UTC) + timedelta(minutes=1)
    with sessions() as s:
        done = activity.items(bot.team, bot.channel, now - timedelta(days=1), now)
        rows = set(s.execute(select(done.c.practice, done.c.kind)))
    assert rows == {("model", "published_values"), ("vision", "published_vision")}


def home_text(page: home.HomePage) -> str:
    return blocks_text(home_render.home_view(page)["blocks"])


def test_app_home_shows_the_values_with_the_vision(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with sessions() as s:
        page = home.gather(
            s, team_id=bot.team, user_id=bot.user, now=now, zone="UTC", channels=frozenset()
        )
    text = home_text(page)
    assert "Our values" in text and "`/nudge values set" in text

    bot.slack.add_user(bot.user, is_admin=True)
    publish(bot, "Ownership; Curiosity")
    with sessions() as s:
        page = home.gather(
            s, team_id=bot.team, user_id=bot.user, now=now, zone="UTC", channels=frozenset()
        )
    text = home_text(page)
    assert "• *Ownership*\n• *Curiosity*" in text and "Version 1, published by" in text
