"""Personal habits end to end: /nudge me opens the form, the form saves the habit, the
reminder is sent at the person's own local time, Done counts once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.habits import service
from bot.settings import Settings
from bot.slack.client import make_client
from models.nudges import NudgeDay, PersonalNudge
from models.tables import Response
from schedules.context import JobContext
from schedules.nudges import NudgeSender
from tests.driver import SlackDriver, blocks_text, slack_id

ZONE = "Europe/Paris"


def context(bot: SlackDriver, now: datetime) -> JobContext:
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url=bot.slack.api_url)
    )
    return JobContext(sessions=bot.sessions, client=client, now=lambda: now)


def setup_values(
    practice: str = "heart", action: str = "recognise:0", cue: str = "0", time: str = "08:30"
) -> dict[str, Any]:
    return {
        "habit_practice": {"habit_practice_pick": {"selected_option": {"value": practice}}},
        f"habit_action_{practice}": {"pick": {"selected_option": {"value": action}}},
        "habit_own_action": {"text": {"value": None}},
        "habit_cue": {"pick": {"selected_option": {"value": cue}}},
        "habit_own_cue": {"text": {"value": None}},
        "habit_days": {"pick": {"selected_options": [{"value": str(d)} for d in range(5)]}},
        "habit_time": {"pick": {"selected_time": time}},
        "habit_zone": {"text": {"value": ZONE}},
    }


def submit(bot: SlackDriver, callback: str, meta: str, values: dict[str, Any]) -> Any:
    return bot.interaction(
        {
            "type": "view_submission",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": "trigger-view",
            "view": {
                "id": slack_id("V"),
                "team_id": bot.team,
                "type": "modal",
                "callback_id": callback,
                "private_metadata": meta,
                "state": {"values": values},
                "hash": "1",
            },
        }
    )


def click(bot: SlackDriver, action_id: str, value: str, key: str) -> Any:
    return bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": "D" + bot.user[1:], "name": "directmessage"},
            "container": {"type": "message", "message_ts": "1.1"},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        }
    )


def test_a_habit_from_the_form_to_done(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, tz=ZONE)
    reply, _key = bot.command("/nudge", "me")
    assert reply.status == 200
    opened = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("views.open")
            if c.params.get("trigger_id", "").endswith(_key)
        ]
    )
    view = opened[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "habit_setup_modal"
    meta = view["private_metadata"]

    assert submit(bot, "habit_setup_modal", meta, setup_values()).status == 200
    habit = bot.slack.wait_for(lambda: _habit(bot))
    assert habit.zone == ZONE and habit.at_minute == 8 * 60 + 30
    assert habit.channel_id == bot.channel

    due = habit.next_at
    assert due is not None
    sender = NudgeSender(context(bot, due + timedelta(seconds=5)))
    outcomes = sender.run()
    assert outcomes["sent"] == 1, outcomes
    again = NudgeSender(context(bot, due + timedelta(seconds=20))).run()
    assert not again, "a day is sent once"
    dm = [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == bot.user and "for today" in c.params.get("text", "")
    ]
    assert len(dm) == 1
    blocks = dm[0].params["blocks"]
    text = blocks_text(json.loads(blocks) if isinstance(blocks, str) else blocks)
    assert "Your habit for today" in text and "thank one person" in text

    with bot.sessions() as s:
        day = s.scalars(select(NudgeDay).where(NudgeDay.nudge_id == habit.id)).one()
    key = slack_id("R")
    assert click(bot, "habit_done", str(day.id), key).status == 200
    shown = bot.slack.wait_response(key)
    assert shown.get("replace_original") is True
    key2 = slack_id("R")
    click(bot, "habit_done", str(day.id), key2)
    second = bot.slack.wait_response(key2)
    assert "already" in json.dumps(second)
    with bot.sessions() as s:
        logged = s.scalars(
            select(Response).where(Response.team_id == bot.team, Response.kind == "habit")
        ).all()
    assert len(logged) == 1 and logged[0].practice == "heart"
    sender.stop()


def _habit(bot: SlackDriver) -> service.Nudge | None:
    with bot.sessions() as s:
        row = s.scalars(select(PersonalNudge).where(PersonalNudge.team_id == bot.team)).first()
        return service.Nudge.of(row) if row else None


def test_nobody_is_reminded_without_opting_in(bot: SlackDriver) -> None:
    now = datetime.now(UTC)
    before = len(bot.slack.calls_to("chat.postMessage"))
    outcomes = NudgeSender(context(bot, now)).run()
    assert outcomes.get("sent", 0) == 0
    assert len(bot.slack.calls_to("chat.postMessage")) == before
