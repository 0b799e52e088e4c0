"""Personal habits end to end, and their commands: /nudge me opens the form, the form saves
the habit, the reminder is sent at the person's own local time, Done counts once;
`/nudge me` shows, pauses, resumes and stops a habit, `/nudge habits invite` is a leader's.
A bad input is answered in the ack and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.driver import SlackDriver, slack_id
from tests.habit_helpers import (
    ZONE,
    block,
    check_ins,
    click,
    day_ids,
    habit_of,
    habit_rows,
    make_habit,
    opened,
    reminders,
    said,
    send_pass,
    setup_values,
    submit,
)


def test_a_habit_from_the_form_to_done(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, tz=ZONE)
    reply, key = bot.command("/nudge", "me")
    assert reply.status == 200 and reply.body == ""
    view = opened(bot, key)
    assert view["callback_id"] == "habit_setup_modal"

    assert submit(bot, "habit_setup_modal", view["private_metadata"], setup_values()).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert habit.zone == ZONE and habit.at_minute == 8 * 60 + 30 and habit.zone_from_slack
    assert habit.channel_id == bot.channel and habit.status == "active"
    saved = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == bot.user and "is set" in c.params.get("text", "")
        ]
    )
    assert "weekdays at 08:30 (Europe/Paris)" in said(saved[0].params)

    due = habit.next_at
    assert due is not None
    assert send_pass(bot, due + timedelta(seconds=5))["sent"] >= 1
    send_pass(bot, due + timedelta(seconds=20))
    sent = reminders(bot)
    assert len(sent) == 1, "a day is sent once"
    text = said(sent[0].params)
    assert "Your habit for today" in text and "thank one person" in text

    [day] = day_ids(bot, habit.id)
    _, first = click(bot, "habit_done", str(day))
    shown = bot.slack.wait_response(first)
    assert shown.get("replace_original") is True
    _, second = click(bot, "habit_done", str(day))
    assert "already" in said(bot.slack.wait_response(second))
    logged = check_ins(bot)
    assert len(logged) == 1 and logged[0].practice == "heart"


# -- /nudge me ---------------------------------------------------------------------------------


def test_me_without_a_habit_opens_the_form_and_saves_nothing(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, tz="America/New_York")
    reply, key = bot.command("/nudge", "me")
    assert reply.status == 200 and reply.body == ""
    view = opened(bot, key)
    assert view["callback_id"] == "habit_setup_modal"
    assert block(view, "habit_zone")["element"]["initial_value"] == "America/New_York"
    assert habit_rows(bot) == 0
    assert not bot.slack.responses[key], "the form is the answer"


def test_me_with_a_habit_shows_it_and_its_log_privately(bot: SlackDriver) -> None:
    start = datetime.now(UTC) - timedelta(days=3)
    habit = make_habit(bot, start)
    assert habit.next_at is not None
    send_pass(bot, habit.next_at + timedelta(seconds=5))
    [day] = day_ids(bot, habit.id)
    _, key = click(bot, "habit_done", str(day))
    bot.slack.wait_response(key)

    reply, key = bot.command("/nudge", "me")
    assert reply.body == ""
    shown = bot.slack.wait_response(key)
    assert shown["response_type"] == "ephemeral"
    text = said(shown)
    assert "After my first coffee, I will thank one person for one specific thing." in text
    assert "every day at 08:30 (Europe/Paris)" in text
    assert ":large_green_square:" in text and "1 day done" in text
    assert not bot.slack.calls_to("views.open") or all(
        not str(c.params.get("trigger_id", "")).endswith(key)
        for c in bot.slack.calls_to("views.open")
    )


def test_pause_resume_and_off(bot: SlackDriver) -> None:
    now = datetime.now(UTC)
    habit = make_habit(bot, now)

    _, key = bot.command("/nudge", "me pause 3d")
    assert "Paused until" in said(bot.slack.wait_response(key))
    paused = habit_of(bot)
    assert paused is not None and paused.status == "paused"
    assert paused.paused_until is not None and paused.next_at is not None
    assert (
        timedelta(days=3) - timedelta(minutes=5)
        < paused.paused_until - now
        < timedelta(days=3, minutes=5)
    )
    assert paused.next_at > paused.paused_until

    _, key = bot.command("/nudge", "me pause 2w")
    bot.slack.wait_response(key)
    longer = habit_of(bot)
    assert longer is not None and longer.paused_until is not None
    assert timedelta(days=14) - timedelta(minutes=5) < longer.paused_until - now

    _, key = bot.command("/nudge", "me resume")
    assert "Back on: every day at 08:30" in said(bot.slack.wait_response(key))
    resumed = habit_of(bot)
    assert resumed is not None and resumed.status == "active" and resumed.paused_until is None
    assert resumed.next_at == habit.next_at

    _, key = bot.command("/nudge", "me off")
    assert "reminders are off" in said(bot.slack.wait_response(key))
    off = habit_of(bot)
    assert off is not None and off.status == "off" and off.next_at is None
    assert off.action == habit.action, "the habit itself is kept"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("me pause", "For how long? Say `pause 3d` or `pause 2w`."),
        ("me pause 0d", "Pause for 1 day up to 90 days"),
        ("me pause 200d", "Pause for 1 day up to 90 days"),
        ("me pause soon", "I can't read *soon* as a length of time"),
        ("me banana", "I don't know `/nudge me banana`"),
        ("me resume please", "I don't know `/nudge me resume please`"),
    ],
)
def test_a_bad_me_is_answered_in_the_ack_and_changes_nothing(
    bot: SlackDriver, typed: str, says: str
) -> None:
    before = make_habit(bot, datetime.now(UTC))
    reply, key = bot.command("/nudge", typed)
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    assert says in reply.text
    assert "Try: `/nudge me [pause 3d|2w | resume | off]`" in reply.text
    assert habit_of(bot) == before
    assert not bot.slack.responses[key]


@pytest.mark.parametrize("verb", ["pause 3d", "resume", "off"])
def test_pause_resume_or_off_without_a_habit(bot: SlackDriver, verb: str) -> None:
    reply, key = bot.command("/nudge", f"me {verb}")
    assert reply.body == ""
    shown = bot.slack.wait_response(key)
    assert shown["response_type"] == "ephemeral"
    assert "You have no habit yet" in said(shown) and "Set up my habit" in said(shown)
    assert habit_rows(bot) == 0
    assert not [
        c for c in bot.slack.calls_to("views.open") if str(c.params["trigger_id"]).endswith(key)
    ]


def test_pausing_a_habit_that_is_off_says_it_is_off(bot: SlackDriver) -> None:
    make_habit(bot, datetime.now(UTC))
    _, key = bot.command("/nudge", "me off")
    bot.slack.wait_response(key)
    before = habit_of(bot)
    _, key = bot.command("/nudge", "me pause 3d")
    text = said(bot.slack.wait_response(key))
    assert "You have no habit yet" not in text
    assert "Off. `/nudge me resume` turns it back on." in text
    assert habit_of(bot) == before


# -- /nudge habits -------------------------------------------------------------------------------


def test_a_leader_invites_the_channel(make_bot: Callable[..., SlackDriver]) -> None:
    leader = slack_id("U")
    bot = replace(make_bot(leaders=frozenset({leader})), user=leader)
    reply, key = bot.command("/nudge", "habits invite")
    assert reply.body == ""
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    text = said(posted)
    assert "invites you to pick one tiny leadership habit" in text
    assert "Nobody is signed up by this message" in text
    [button] = [
        e
        for b in posted["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "habit_setup"
    ]
    assert button["text"]["text"] == "Set up my habit" and button["value"] == bot.channel
    assert habit_rows(bot) == 0, "nobody is enrolled"

    # Someone in the channel takes it up: the form counts their check-ins here.
    member = slack_id("U")
    _, clicked = click(bot, "habit_setup", bot.channel, user=member, channel=bot.channel)
    view = opened(bot, clicked)
    assert f'"c": "{bot.channel}"' in view["private_metadata"]


def test_an_admin_invites_too(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/nudge", "habits invite")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"


def test_others_may_not_invite(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, is_admin=False)
    reply, key = bot.command("/nudge", "habits invite")
    assert reply.body == ""
    refused = bot.slack.wait_response(key)
    assert refused["response_type"] == "ephemeral"
    assert "Only admins and the team's leaders can post the invitation" in said(refused)
    assert "`/nudge me`" in said(refused)
    assert len(bot.slack.responses[key]) == 1


@pytest.mark.parametrize("typed", ["habits", "habits list", "habits invite everyone"])
def test_habits_with_anything_else_shows_its_usage(bot: SlackDriver, typed: str) -> None:
    reply, key = bot.command("/nudge", typed)
    assert reply.json["response_type"] == "ephemeral"
    assert "Leaders invite, never enrol" in reply.text
    assert "Try: `/nudge habits invite`" in reply.text
    assert not bot.slack.responses[key]


def test_help_lists_the_habit_commands(bot: SlackDriver) -> None:
    reply, _ = bot.command("/nudge", "help")
    assert "*Your habit*" in reply.text
    assert "`/nudge me [pause 3d|2w | resume | off]`" in reply.text
    assert "`/nudge habits invite`" in reply.text
