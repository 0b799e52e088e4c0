"""A pilot's **Log what we learned** button: the form it opens, the learning it logs (tied to
the pilot, under Challenge the Process, once per form, posted in the pilot's thread), and
its refusals (a blank answer, a pilot that is gone), which change nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import posted
from tests.test_thread_replies import reply_event


def propose(bot: SlackDriver) -> tuple[dict[str, Any], str]:
    """`/nudge pilot ...`: the pilot's message (blocks decoded) and its ts."""
    reply, _ = bot.command("/nudge", "pilot Async stand-ups for two weeks")
    assert reply.status == 200
    message = posted(bot)

    def shown() -> str | None:
        with bot.sessions() as s:
            return s.scalar(
                select(Response.message_ts).where(
                    Response.team_id == bot.team, Response.message_ts.is_not(None)
                )
            )

    ts = bot.slack.wait_for(shown)
    return message, ts


def click(bot: SlackDriver, value: str, ts: str, user: str | None = None) -> str:
    key = slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": user or bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": bot.channel, "name": "general"},
            "container": {"type": "message", "message_ts": ts, "channel_id": bot.channel},
            "message": {"ts": ts, "text": "pilot"},
            "response_url": bot.slack.response_url(key),
            "actions": [
                {
                    "action_id": "pilot_learned",
                    "block_id": "pilot_actions",
                    "type": "button",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
    )
    assert reply.status == 200
    return key


def form_for(bot: SlackDriver, key: str) -> dict[str, Any]:
    trigger = f"trigger-{key}"
    [call] = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("views.open") if c.params["trigger_id"] == trigger]
    )
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def submit(
    bot: SlackDriver, view: dict[str, Any], text: str, view_id: str, user: str
) -> dict[str, Any]:
    reply = bot.interaction(
        {
            "type": "view_submission",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "view": {
                "id": view_id,
                "team_id": bot.team,
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "state": {"values": {"learned": {"learned": {"value": text}}}},
            },
        }
    )
    assert reply.status == 200
    return reply.json


def learnings(sessions: sessionmaker[Session], team: str) -> list[Response]:
    with sessions() as s:
        return list(
            s.scalars(select(Response).where(Response.team_id == team, Response.kind == "learning"))
        )


def test_anyone_logs_what_a_pilot_taught_in_its_thread(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    message, ts = propose(bot)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["text"]["text"] == "Log what we learned"
    with sessions() as s:
        pilot = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
    assert button["value"] == str(pilot.id)

    colleague = slack_id("U")  # not the pilot's author: anyone in the channel may
    view = form_for(bot, click(bot, button["value"], ts, user=colleague))
    assert view["callback_id"] == "pilot_learning_form"
    assert "Async stand-ups for two weeks" in blocks_text(view["blocks"])

    view_id = slack_id("V")
    for _ in range(2):  # a double submit logs once
        assert submit(bot, view, "Half the team <3 it; we keep it", view_id, colleague) == {}
    post = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    )[0]
    assert post.params["thread_ts"] == ts and post.params["channel"] == bot.channel
    assert f"<@{colleague}> shared what they learned" in post.params["text"]
    [learning] = bot.slack.wait_for(lambda: learnings(sessions, bot.team))
    assert (learning.parent_id, learning.practice, learning.commitment) == (
        pilot.id,
        "challenge",
        "experiment",
    )
    assert (learning.user_id, learning.source) == (colleague, "modal")
    assert learning.text == "Half the team &lt;3 it; we keep it"
    assert len(learnings(sessions, bot.team)) == 1


def test_a_blank_learning_keeps_the_form_open_and_changes_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    message, ts = propose(bot)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    view = form_for(bot, click(bot, actions["elements"][0]["value"], ts))
    answer = submit(bot, view, "  ...  ", slack_id("V"), bot.user)
    assert answer == {
        "response_action": "errors",
        "errors": {"learned": "Write what the experiment taught you."},
    }
    assert learnings(sessions, bot.team) == []


def test_a_pilot_that_is_gone_is_said_kindly(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    for value in ("999999999", "not-a-number"):
        key = click(bot, value, "1700000000.000100")
        message = bot.slack.wait_response(key)
        assert message["response_type"] == "ephemeral"
        assert "That experiment is no longer here" in blocks_text(message["blocks"])
        opened = [c for c in bot.slack.calls_to("views.open") if key in c.params["trigger_id"]]
        assert opened == []
    assert learnings(sessions, bot.team) == []


def test_only_pilots_carry_the_button(bot: SlackDriver) -> None:
    bot.command("/nudge", "idea A demo day every month")
    message = posted(bot)
    assert not [b for b in message["blocks"] if b["type"] == "actions"]


def test_a_reply_in_the_pilots_thread_is_a_learning_under_challenge_the_process(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = propose(bot)
    assert reply_event(
        bot, ts, "Fewer meetings, same news", "1700000500.000100", user=slack_id("U")
    )
    [learning] = bot.slack.wait_for(lambda: learnings(sessions, bot.team))
    assert (learning.practice, learning.commitment, learning.source) == (
        "challenge",
        "experiment",
        "thread",
    )
    assert learning.parent_id is not None


def test_an_unreadable_form_or_a_pilot_gone_since_changes_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    message, ts = propose(bot)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    view = form_for(bot, click(bot, actions["elements"][0]["value"], ts))
    broken = {**view, "private_metadata": "not json"}
    answer = submit(bot, broken, "We learned a lot", slack_id("V"), bot.user)
    assert answer["response_action"] == "errors"
    assert "This form is out of date" in answer["errors"]["learned"]

    with sessions.begin() as s:  # the pilot's author asked to be forgotten meanwhile
        s.query(Response).filter(Response.team_id == bot.team).delete()
    assert submit(bot, view, "We learned a lot", slack_id("V"), bot.user) == {}
    note = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == bot.user and "no longer here" in c.params["text"]
        ]
    )[0]
    assert "We learned a lot" in note.params["text"]  # their words, given back
    assert learnings(sessions, bot.team) == []
