"""Driving personal habits in-process for the tests: the form and the buttons as Slack sends
them (signed), the sender on a fixed clock, and what the database and the fake Slack hold
for one test's own team and people."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.habits import service
from bot.settings import Settings
from bot.slack.client import make_client
from models.nudges import NudgeDay, PersonalNudge
from models.tables import Response
from playground.fake_slack import Call
from schedules.context import JobContext
from schedules.nudges import NudgeSender
from tests.driver import Reply, SlackDriver, blocks_text, slack_id

ZONE = "Europe/Paris"
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
WEEKDAYS = (0, 1, 2, 3, 4)


# -- the sender ----------------------------------------------------------------------------


def context(bot: SlackDriver, now: datetime) -> JobContext:
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url=bot.slack.api_url)
    )
    return JobContext(sessions=bot.sessions, client=client, now=lambda: now)


def send_pass(bot: SlackDriver, now: datetime, threads: int = 4) -> Counter[str]:
    """One pass of a fresh sender (a fresh process, as far as the database knows)."""
    sender = NudgeSender(context(bot, now), threads=threads)
    try:
        return sender.run()
    finally:
        sender.stop()


# -- the habit in the database ---------------------------------------------------------------


def make_habit(
    bot: SlackDriver,
    now: datetime,
    *,
    user: str | None = None,
    days: tuple[int, ...] = EVERY_DAY,
    minute: int = 8 * 60 + 30,
    zone: str = ZONE,
    practice: str = "heart",
    zone_from_slack: bool = True,
) -> service.Nudge:
    """A habit set up at `now` (as the form would save it)."""
    plan = service.Plan(
        days=days,
        at_minute=minute,
        zone=zone,
        zone_from_slack=zone_from_slack,
        practice=practice,
        commitment="recognise" if practice == "heart" else None,
        action="thank one person for one specific thing",
        cue="after my first coffee",
    )
    with bot.sessions.begin() as session:
        return service.save(
            session,
            team_id=bot.team,
            user_id=user or bot.user,
            kind=service.HABIT,
            plan=plan,
            now=now,
            channel_id=bot.channel,
        )


def habit_of(bot: SlackDriver, user: str | None = None) -> service.Nudge | None:
    with bot.sessions() as session:
        return service.get(session, team_id=bot.team, user_id=user or bot.user)


def days_of(bot: SlackDriver, nudge_id: int) -> list[tuple[Any, str]]:
    """(local day, status) of every day of the habit, oldest first."""
    with bot.sessions() as session:
        rows = session.execute(
            select(NudgeDay.day, NudgeDay.status)
            .where(NudgeDay.nudge_id == nudge_id)
            .order_by(NudgeDay.day)
        )
        return [(day, status) for day, status in rows]


def day_ids(bot: SlackDriver, nudge_id: int) -> list[int]:
    with bot.sessions() as session:
        return list(
            session.scalars(
                select(NudgeDay.id).where(NudgeDay.nudge_id == nudge_id).order_by(NudgeDay.day)
            )
        )


def habit_rows(bot: SlackDriver) -> int:
    with bot.sessions() as session:
        return len(
            session.scalars(select(PersonalNudge).where(PersonalNudge.team_id == bot.team)).all()
        )


def check_ins(bot: SlackDriver, user: str | None = None) -> list[Response]:
    with bot.sessions() as session:
        return list(
            session.scalars(
                select(Response).where(
                    Response.team_id == bot.team,
                    Response.user_id == (user or bot.user),
                    Response.kind == "habit",
                )
            )
        )


# -- what the fake Slack saw ---------------------------------------------------------------


def reminders(bot: SlackDriver, user: str | None = None) -> list[Call]:
    """The reminders sent to the person (a DM: chat.postMessage to their user id)."""
    return [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == (user or bot.user)
        and str(c.params.get("text", "")).startswith("Your habit for today")
    ]


def dms(bot: SlackDriver, user: str | None = None) -> list[Call]:
    return [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == (user or bot.user)
    ]


def view_of(call: Call) -> dict[str, Any]:
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def opened(bot: SlackDriver, key: str) -> dict[str, Any]:
    """The view opened with the trigger of request `key`."""
    calls = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("views.open")
            if str(c.params.get("trigger_id", "")).endswith(key)
        ]
    )
    assert len(calls) == 1, calls
    return view_of(calls[0])


def said(message: dict[str, Any]) -> str:
    """Everything a person reads in a posted message or a response_url answer."""
    blocks = message.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return str(message.get("text", "")) + "\n" + blocks_text(blocks)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


# -- requests, signed as Slack signs them ----------------------------------------------------


def setup_values(
    practice: str = "heart",
    action: str | None = "recognise:0",
    cue: str | None = "0",
    time: str | None = "08:30",
    days: tuple[int, ...] = WEEKDAYS,
    zone: str | None = ZONE,
    own_action: str | None = None,
    own_cue: str | None = None,
) -> dict[str, Any]:
    """The state of a submitted habit form."""

    def option(value: str) -> dict[str, str]:
        return {"value": value}

    return {
        "habit_practice": {"habit_practice_pick": {"selected_option": option(practice)}},
        f"habit_action_{practice}": {
            "pick": {"selected_option": option(action) if action is not None else None}
        },
        "habit_own_action": {"text": {"value": own_action}},
        "habit_cue": {"pick": {"selected_option": option(cue) if cue is not None else None}},
        "habit_own_cue": {"text": {"value": own_cue}},
        "habit_days": {"pick": {"selected_options": [{"value": str(d)} for d in days]}},
        "habit_time": {"pick": {"selected_time": time}},
        "habit_zone": {"text": {"value": zone}},
    }


def submit(
    bot: SlackDriver,
    callback: str,
    meta: str,
    values: dict[str, Any],
    user: str | None = None,
) -> Reply:
    return bot.interaction(
        {
            "type": "view_submission",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": user or bot.user, "team_id": bot.team},
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


def click(
    bot: SlackDriver,
    action_id: str,
    value: str,
    key: str | None = None,
    user: str | None = None,
    channel: str | None = None,
) -> tuple[Reply, str]:
    """A button under a message; returns the ack and the response_url key."""
    key = key or slack_id("R")
    who = user or bot.user
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": who, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": channel or "D" + who[1:], "name": "directmessage"},
            "container": {"type": "message", "message_ts": "1.1"},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        }
    )
    return reply, key


def pick_in_view(
    bot: SlackDriver, view: dict[str, Any], practice: str, values: dict[str, Any]
) -> Reply:
    """Another practice picked in the open form (block_actions inside a view)."""
    return bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{slack_id('R')}",
            "container": {"type": "view", "view_id": view["id"]},
            "view": {**view, "state": {"values": values}},
            "actions": [
                {
                    "action_id": "habit_practice_pick",
                    "block_id": "habit_practice",
                    "type": "static_select",
                    "selected_option": {"value": practice},
                }
            ],
        }
    )
