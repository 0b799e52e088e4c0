"""/nudge schedule over HTTP: add, list, pause, resume, remove, and every bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Schedule
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.shown import assert_private_reply, shown, stray_controls


def schedules(sessions: sessionmaker[Session], team: str) -> list[tuple]:
    with sessions() as s:
        rows = s.scalars(select(Schedule).where(Schedule.team_id == team).order_by(Schedule.id))
        return [(r.practice, r.cron, r.zone, r.paused, r.deleted, r.channel_id) for r in rows]


def said(message: dict) -> str:
    text = message.get("text", "") + "\n" + blocks_text(message.get("blocks", []))
    assert stray_controls(text) == [], stray_controls(text)
    return shown(text)


def add(bot: SlackDriver, text: str, user: str | None = None) -> dict:
    reply, key = bot.command("/nudge", f"schedule add {text}", user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    return bot.slack.wait_response(key)


def test_add_list_pause_resume_remove(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    posted = add(bot, "rotate weekly mon 09:00 tz Europe/Berlin")
    assert posted["response_type"] == "in_channel"
    assert "every Monday at 09:00 (Europe/Berlin)" in said(posted)
    [(practice, cron, zone, paused, deleted, _channel)] = schedules(sessions, bot.team)
    assert (practice, cron, zone, paused, deleted) == (
        "rotate",
        "0 9 * * mon",
        "Europe/Berlin",
        False,
        False,
    )
    with sessions() as s:
        number = s.scalar(select(Schedule.number).where(Schedule.team_id == bot.team))

    add(bot, 'challenge cron "30 8 * * 1-5"')
    listing, key = bot.command("/nudge", "schedule list")
    text = assert_private_reply(bot, listing, key)
    assert f"#{number}" in text and "rotating practices" in text
    assert "Challenge the Process" in text and "next <!date^" in text and f"<@{bot.user}>" in text

    for action, state in (
        ("pause", (True, False)),
        ("resume", (False, False)),
        ("remove", (False, True)),
    ):
        reply, key = bot.command("/nudge", f"schedule {action} {number}")
        assert reply.status == 200
        assert f"#{number}" in said(bot.slack.wait_response(key))
        assert schedules(sessions, bot.team)[0][3:5] == state


def test_default_zone_is_the_workspace_setting(make_bot, sessions: sessionmaker[Session]) -> None:
    bot = make_bot(timezone="America/New_York")
    add(bot, "heart daily 17:00")
    assert schedules(sessions, bot.team)[0][:3] == ("heart", "0 17 * * *", "America/New_York")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "What should I do"),
        ("add", "What should the schedule prompt"),
        ("add heart", "When should it run"),
        ("add hearts daily 09:00", "isn't a practice"),
        ("add heart daily 9am", "isn't a time of day"),
        ("add heart daily 24:00", "isn't a time of day"),
        ("add heart weekly someday 09:00", "isn't a day"),
        ("add heart hourly", "can't read"),
        ('add heart cron "*/5 * * * *"', "at most once an hour"),
        ('add heart cron "0 9 * *"', "five fields"),
        ('add heart cron "0 9 * * funday"', "doesn't work"),
        ('add heart cron "0 9 * * 1', "closing quote"),
        ("add heart daily 09:00 tz Mars/Olympus", "time zone"),
        ("add heart daily 09:00 tz CET", "full zone name"),
        ("pause", "Which schedule"),
        ("explode 3", "doesn't have"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str, words: str
) -> None:
    reply, _ = bot.command("/nudge", f"schedule {text}")
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    assert words in reply.text
    assert "/nudge schedule" in reply.text or "schedule" in reply.text
    assert schedules(sessions, bot.team) == []


def test_ids_that_are_unknown_or_elsewhere_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    add(bot, "heart daily 09:00")
    with sessions() as s:
        number = s.scalar(select(Schedule.number).where(Schedule.team_id == bot.team))
    elsewhere = slack_id("C")
    cases = [
        (bot.channel, "pause abc", "isn't a schedule number"),
        (bot.channel, f"pause {number + 100000}", "no schedule"),
        (elsewhere, f"remove {number}", "belongs to"),
    ]
    for channel, text, words in cases:
        reply, key = bot.command("/nudge", f"schedule {text}", channel=channel)
        message = reply.json if reply.body else bot.slack.wait_response(key)
        assert message["response_type"] == "ephemeral"
        assert words in said(message)
    assert schedules(sessions, bot.team)[0][3:5] == (False, False)


def test_only_creator_admin_or_leader_may_change_a_schedule(
    make_bot, sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    add(bot, "heart daily 09:00")
    with sessions() as s:
        number = s.scalar(select(Schedule.number).where(Schedule.team_id == bot.team))
    stranger, admin = slack_id("U"), slack_id("U")
    bot.slack.add_user(admin, is_admin=True)

    _, key = bot.command("/nudge", f"schedule pause {number}", user=stranger)
    refused = bot.slack.wait_response(key)
    assert refused["response_type"] == "ephemeral" and "Only <@" in said(refused)
    assert schedules(sessions, bot.team)[0][3] is False

    for user, action in ((admin, "pause"), (leader, "resume")):
        _reply, key = bot.command("/nudge", f"schedule {action} {number}", user=user)
        assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert schedules(sessions, bot.team)[0][3] is False


def test_other_workspaces_schedules_are_invisible(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    add(bot, "heart daily 09:00")
    with sessions() as s:
        number = s.scalar(select(Schedule.number).where(Schedule.team_id == bot.team))
    other = SlackDriver(url=bot.url, secret=bot.secret, slack=bot.slack, channel=bot.channel)
    listing, key = other.command("/nudge", "schedule list")
    assert_private_reply(other, listing, key, "No schedules")
    _reply, key = other.command("/nudge", f"schedule remove {number}")
    assert "no schedule" in said(bot.slack.wait_response(key))
    assert schedules(sessions, bot.team)[0][4] is False


# -- numbers as people see them --------------------------------------------------------------


def numbers(sessions: sessionmaker[Session], team: str) -> list[tuple[str, int | None]]:
    with sessions() as s:
        rows = s.execute(
            select(Schedule.kind, Schedule.number)
            .where(Schedule.team_id == team)
            .order_by(Schedule.id)
        )
        return [(kind, number) for kind, number in rows]


def test_the_first_prompt_schedule_is_number_1_even_after_a_digest(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/nudge", "digest on fri 16:00")
    bot.slack.wait_response(key)
    posted = add(bot, "heart daily 09:00")
    # Before: "Schedule #2", because the digest took id 1.
    assert "Schedule *#1*: Encourage the Heart prompts here every day at 09:00" in said(posted)
    assert "`/nudge schedule pause 1`" in said(posted)
    assert numbers(sessions, bot.team) == [("digest", None), ("prompt", 1)]

    listing, key = bot.command("/nudge", "schedule list")
    text = assert_private_reply(bot, listing, key)
    assert "*#1* Encourage the Heart, every day at 09:00 (UTC) · next <!date^" in text
    assert f"added by <@{bot.user}>" in text
    assert "Pause, resume or remove one with `/nudge schedule pause|resume|remove <number>`" in text

    _, key = bot.command("/nudge", "schedule pause 1")
    changed = said(bot.slack.wait_response(key))
    assert "Schedule *#1* (Encourage the Heart, every day at 09:00) is paused." in changed
    listing, key = bot.command("/nudge", "schedule list")
    assert f":double_vertical_bar: paused by <@{bot.user}>" in assert_private_reply(
        bot, listing, key
    )


def test_numbers_count_the_workspaces_prompt_schedules_and_are_never_reused(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    other = slack_id("C")
    add(bot, "heart daily 09:00")
    _, key = bot.command("/nudge", "schedule add model daily 10:00", channel=other)
    assert "Schedule *#2*" in said(bot.slack.wait_response(key))
    _, key = bot.command("/nudge", "schedule remove 1")
    bot.slack.wait_response(key)
    # Removed #1 keeps its number: the next one is #3, so "1" never means a new schedule.
    assert "Schedule *#3*" in said(add(bot, "vision weekly fri 15:00"))
    assert numbers(sessions, bot.team) == [("prompt", 1), ("prompt", 2), ("prompt", 3)]
    _, key = bot.command("/nudge", "schedule pause 1")
    assert "There is no schedule #1" in said(bot.slack.wait_response(key))
    _, key = bot.command("/nudge", "schedule pause #02")
    assert f"Schedule #2 belongs to <#{other}>" in said(bot.slack.wait_response(key))
    # Another workspace starts at 1 again.
    elsewhere = SlackDriver(url=bot.url, secret=bot.secret, slack=bot.slack, channel=bot.channel)
    assert "Schedule *#1*" in said(add(elsewhere, "heart daily 09:00"))


def test_a_duplicate_names_the_schedule_by_its_number(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    add(bot, "heart daily 09:00")
    _, key = bot.command("/nudge", "schedule add heart daily 09:00")
    assert "Schedule #1 already does exactly that" in said(bot.slack.wait_response(key))
