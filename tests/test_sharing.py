"""The Share to channel button: its value round-trips, and a stale or forged one changes
nothing and says so."""

from __future__ import annotations

import pytest

from bot.sharing import SHARE_ACTION, Shared, share_button
from tests.driver import SlackDriver, slack_id
from tests.helpers import said


def test_value_round_trips() -> None:
    shared = Shared("progress", {"days": 30})
    assert Shared.read(shared.value()) == shared
    button = share_button(shared).to_dict()
    assert button["elements"][0]["action_id"] == SHARE_ACTION


@pytest.mark.parametrize("value", ["", "{", "[1]", '{"a": {}}', '"progress"', "null"])
def test_unreadable_values_are_none(value: str) -> None:
    assert Shared.read(value) is None


@pytest.mark.parametrize("value", ["{nope", Shared("no-such-report", {}).value()])
def test_a_stale_button_says_so_and_posts_nothing(bot: SlackDriver, value: str) -> None:
    key = slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team},
            "user": {"id": bot.user, "team_id": bot.team},
            "channel": {"id": bot.channel},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": SHARE_ACTION, "value": value, "type": "button"}],
        }
    )
    assert reply.status == 200
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"
    assert "out of date" in said(message)
    posted = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]
    assert posted == []
