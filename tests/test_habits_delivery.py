"""Reminders that respect the person: only for those who set up a habit, at most one a day,
never while they are away (do-not-disturb, a status that says so) and never later in a
burst, at their own local time on both sides of a daylight-saving change, exactly once
whatever restarts or runs twice, and stopped for good when the person left or the
workspace let the bot go. The sender runs on a fixed clock against the real database
and the fake Slack."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.habits import delivery, service, when
from models.nudges import NudgeDay
from models.tables import Workspace
from tests.driver import SlackDriver, slack_id
from tests.habit_helpers import (
    WEEKDAYS,
    ZONE,
    days_of,
    dms,
    habit_of,
    make_habit,
    reminders,
    said,
    send_pass,
)

# Thursday 26 March 2026, noon UTC: the Sunday after, Paris goes from UTC+1 to UTC+2.
BEFORE_DST = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def due(bot: SlackDriver, user: str | None = None) -> datetime:
    habit = habit_of(bot, user)
    assert habit is not None and habit.next_at is not None, habit
    return habit.next_at


def users_info_for(bot: SlackDriver, user: str) -> int:
    return len([c for c in bot.slack.calls_to("users.info") if c.params.get("user") == user])


# -- who gets one, and how often ------------------------------------------------------------------


def test_nobody_without_a_habit_gets_a_reminder(bot: SlackDriver) -> None:
    other = slack_id("U")
    habit = make_habit(bot, datetime(2026, 2, 2, 12, 0, tzinfo=UTC), user=other)
    assert habit.next_at is not None
    send_pass(bot, habit.next_at + 5 * SECOND)
    assert dms(bot) == [] and users_info_for(bot, bot.user) == 0
    assert len(reminders(bot, other)) == 1


def test_a_habit_that_is_off_is_never_sent(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 3, 12, 0, tzinfo=UTC))
    assert habit.next_at is not None
    with bot.sessions.begin() as session:
        service.turn_off(
            session, team_id=bot.team, user_id=bot.user, kind=service.HABIT, now=habit.next_at
        )
    for later in (0, 1, 8):
        send_pass(bot, habit.next_at + timedelta(days=later) + 5 * SECOND)
    assert reminders(bot) == [] and days_of(bot, habit.id) == []


def test_at_most_one_reminder_a_day(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 4, 12, 0, tzinfo=UTC))
    first = due(bot)
    assert first == datetime(2026, 2, 5, 7, 30, tzinfo=UTC)  # 08:30 in Paris, in winter
    send_pass(bot, first + 5 * SECOND)
    send_pass(bot, first + 10 * SECOND)
    send_pass(bot, first + timedelta(minutes=30))
    assert len(reminders(bot)) == 1
    assert days_of(bot, habit.id) == [(date(2026, 2, 5), "sent")]

    # The person moves their habit to 18:00 the same day, after today's was sent.
    changed_at = first + timedelta(hours=1)
    with bot.sessions.begin() as session:
        service.save(
            session,
            team_id=bot.team,
            user_id=bot.user,
            kind=service.HABIT,
            plan=service.Plan(
                days=habit.days,
                at_minute=18 * 60,
                zone=ZONE,
                practice="heart",
                action=habit.action,
                cue=habit.cue,
            ),
            now=changed_at,
        )
    evening = due(bot)
    assert evening == datetime(2026, 2, 5, 17, 0, tzinfo=UTC)
    send_pass(bot, evening + 5 * SECOND)
    assert len(reminders(bot)) == 1, "not a second one the same day"
    assert days_of(bot, habit.id) == [(date(2026, 2, 5), "sent")]
    # Tomorrow at the new time it comes.
    assert due(bot) == datetime(2026, 2, 6, 17, 0, tzinfo=UTC)
    send_pass(bot, due(bot) + 5 * SECOND)
    assert len(reminders(bot)) == 2
    assert days_of(bot, habit.id)[-1] == (date(2026, 2, 6), "sent")


def test_a_reminder_more_than_an_hour_late_is_skipped(bot: SlackDriver) -> None:
    late = make_habit(bot, datetime(2026, 2, 9, 12, 0, tzinfo=UTC))
    assert late.next_at is not None
    send_pass(bot, late.next_at + timedelta(hours=1, seconds=1))
    assert reminders(bot) == [] and days_of(bot, late.id) == []
    assert due(bot) == late.next_at + timedelta(days=1), "moved on to tomorrow"
    # Not sent later either: the pass after that is for tomorrow's.
    send_pass(bot, late.next_at + timedelta(hours=2))
    assert reminders(bot) == []

    on_time = slack_id("U")
    habit = make_habit(bot, datetime(2026, 2, 9, 12, 0, tzinfo=UTC), user=on_time)
    assert habit.next_at is not None
    send_pass(bot, habit.next_at + timedelta(minutes=59))
    assert len(reminders(bot, on_time)) == 1


# -- away -----------------------------------------------------------------------------------------


AWAY: dict[str, tuple[str, dict[str, Any]]] = {
    "do-not-disturb hours": ("dnd", {"dnd_enabled": True, "start": -60, "end": 3600}),
    "do-not-disturb snoozed": ("dnd", {"snooze_enabled": True, "snooze_end": 1800}),
    "holiday emoji": ("profile", {"status_emoji": ":palm_tree:", "status_text": ""}),
    "out of office": ("profile", {"status_emoji": ":calendar:", "status_text": "Out of office"}),
    "a status for the rest of the day": (
        "profile",
        {"status_emoji": ":microphone:", "status_text": "At a conference", "until": 6 * 3600},
    ),
}


@pytest.mark.parametrize("why", list(AWAY))
def test_someone_away_is_not_reminded_that_day(bot: SlackDriver, why: str) -> None:
    habit = make_habit(bot, datetime(2026, 2, 10, 12, 0, tzinfo=UTC))
    at = due(bot) + 5 * SECOND
    kind, what = AWAY[why]
    stamp = at.timestamp()
    if kind == "dnd":
        bot.slack.dnd[bot.user] = {
            "dnd_enabled": bool(what.get("dnd_enabled")),
            "next_dnd_start_ts": stamp + what.get("start", 0) if "start" in what else 0,
            "next_dnd_end_ts": stamp + what.get("end", 0) if "end" in what else 0,
            "snooze_enabled": bool(what.get("snooze_enabled")),
            "snooze_endtime": stamp + what["snooze_end"] if "snooze_end" in what else 0,
        }
        bot.slack.add_user(bot.user, tz=ZONE)
    else:
        profile = {k: v for k, v in what.items() if k != "until"}
        if "until" in what:
            profile["status_expiration"] = int(stamp + float(what["until"]))
        bot.slack.add_user(bot.user, tz=ZONE, profile=profile)
    send_pass(bot, at)
    assert dms(bot) == []
    assert days_of(bot, habit.id) == [(date(2026, 2, 11), "away")]
    # Not sent later that day, even once they are back.
    bot.slack.dnd.pop(bot.user, None)
    bot.slack.add_user(bot.user, tz=ZONE)
    send_pass(bot, at + timedelta(minutes=45))
    assert dms(bot) == []
    # The next day they are here: it comes.
    send_pass(bot, due(bot) + 5 * SECOND)
    assert len(reminders(bot)) == 1
    assert days_of(bot, habit.id) == [(date(2026, 2, 11), "away"), (date(2026, 2, 12), "sent")]


def test_quiet_hours_that_are_over_or_later_do_not_hold_a_reminder(bot: SlackDriver) -> None:
    make_habit(bot, datetime(2026, 2, 16, 12, 0, tzinfo=UTC))
    at = due(bot) + 5 * SECOND
    stamp = at.timestamp()
    bot.slack.dnd[bot.user] = {
        "dnd_enabled": True,
        "next_dnd_start_ts": stamp + 3600 * 12,
        "next_dnd_end_ts": stamp + 3600 * 20,
    }
    bot.slack.add_user(bot.user, tz=ZONE, profile={"status_emoji": ":coffee:"})
    send_pass(bot, at)
    assert len(reminders(bot)) == 1


# -- the person's own time ------------------------------------------------------------------------


def test_the_same_local_time_across_the_daylight_saving_change(bot: SlackDriver) -> None:
    habit = make_habit(bot, BEFORE_DST, days=WEEKDAYS, minute=8 * 60 + 30)
    friday = datetime(2026, 3, 27, 7, 30, tzinfo=UTC)
    monday = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    assert when.next_due(WEEKDAYS, 510, ZONE, BEFORE_DST) == (friday, date(2026, 3, 27))
    assert due(bot) == friday
    send_pass(bot, friday - SECOND)
    assert reminders(bot) == []
    send_pass(bot, friday + 5 * SECOND)
    assert len(reminders(bot)) == 1
    assert due(bot) == monday, "08:30 in Paris is 06:30 UTC in summer time"
    send_pass(bot, monday - SECOND)
    send_pass(bot, monday - timedelta(hours=1) + 5 * SECOND)  # the old 08:30: nothing
    assert len(reminders(bot)) == 1
    send_pass(bot, monday + 5 * SECOND)
    assert len(reminders(bot)) == 2
    assert days_of(bot, habit.id) == [(date(2026, 3, 27), "sent"), (date(2026, 3, 30), "sent")]


def test_a_time_inside_the_spring_forward_gap(bot: SlackDriver) -> None:
    """02:30 on Sunday 29 March 2026 doesn't exist in Paris: it comes at 03:30 local
    (01:30 UTC), once."""
    habit = make_habit(bot, datetime(2026, 3, 28, 12, 0, tzinfo=UTC), days=(6,), minute=150)
    gap = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due(bot) == gap
    send_pass(bot, gap + 5 * SECOND)
    send_pass(bot, gap + timedelta(hours=1) + 5 * SECOND)
    assert len(reminders(bot)) == 1
    assert days_of(bot, habit.id) == [(date(2026, 3, 29), "sent")]
    assert due(bot) == datetime(2026, 4, 5, 0, 30, tzinfo=UTC)


def test_the_zone_follows_the_slack_profile(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 17, 12, 0, tzinfo=UTC))
    paris = due(bot)
    bot.slack.add_user(bot.user, tz="America/New_York")
    send_pass(bot, paris + 5 * SECOND)
    assert len(reminders(bot)) == 1  # claimed before the move: today's goes
    moved = habit_of(bot)
    assert moved is not None and moved.zone == "America/New_York"
    # 08:30 in New York is 13:30 UTC, still 18 February there: not a second one that day.
    assert moved.next_at == datetime(2026, 2, 18, 13, 30, tzinfo=UTC)
    send_pass(bot, moved.next_at + 5 * SECOND)
    assert len(reminders(bot)) == 1
    assert due(bot) == datetime(2026, 2, 19, 13, 30, tzinfo=UTC)
    send_pass(bot, datetime(2026, 2, 19, 7, 30, 5, tzinfo=UTC))  # the Paris time: nothing
    assert len(reminders(bot)) == 1
    send_pass(bot, due(bot) + 5 * SECOND)
    assert len(reminders(bot)) == 2
    assert days_of(bot, habit.id) == [(date(2026, 2, 18), "sent"), (date(2026, 2, 19), "sent")]


def test_a_zone_typed_by_hand_is_not_replaced_by_slacks(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 18, 12, 0, tzinfo=UTC), zone_from_slack=False)
    bot.slack.add_user(bot.user, tz="America/New_York")
    send_pass(bot, due(bot) + 5 * SECOND)
    kept = habit_of(bot)
    assert kept is not None and kept.zone == ZONE
    assert kept.next_at == datetime(2026, 2, 20, 7, 30, tzinfo=UTC)
    assert len(reminders(bot)) == 1 and habit.zone == ZONE


# -- exactly once ---------------------------------------------------------------------------------


def test_a_restart_sends_nothing_twice(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 23, 12, 0, tzinfo=UTC))
    at = due(bot) + 5 * SECOND
    send_pass(bot, at)
    # A new process on the same database, the same minute.
    send_pass(bot, at)
    send_pass(bot, at + 30 * SECOND)
    assert len(reminders(bot)) == 1
    assert days_of(bot, habit.id) == [(date(2026, 2, 24), "sent")]


def test_a_day_claimed_by_a_process_that_died_is_lost_not_doubled(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 2, 24, 12, 0, tzinfo=UTC))
    at = due(bot) + 5 * SECOND
    with bot.sessions.begin() as session:
        [item] = [d for d in delivery.due(session, now=at, limit=10_000) if d.id == habit.id]
        claimed = delivery.claim(session, item, now=at, grace=timedelta(hours=1), worker="gone:1")
    assert claimed is not None  # ... and the process stops before sending
    send_pass(bot, at + 10 * SECOND)
    assert reminders(bot) == []
    assert days_of(bot, habit.id) == [(date(2026, 2, 25), "claimed")]
    send_pass(bot, due(bot) + 5 * SECOND)  # tomorrow's comes as usual
    assert len(reminders(bot)) == 1


def test_two_senders_at_once_send_each_day_once(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(24)]
    start = datetime(2026, 2, 25, 12, 0, tzinfo=UTC)
    habits = [make_habit(bot, start, user=person) for person in people]
    at = due(bot, people[0]) + 5 * SECOND
    assert all(h.next_at == habits[0].next_at for h in habits)

    ready = threading.Barrier(2)

    def one_sender() -> None:
        ready.wait()
        send_pass(bot, at, threads=8)

    threads = [threading.Thread(target=one_sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    send_pass(bot, at + 30 * SECOND)  # and whatever a lock held back, once
    for person, habit in zip(people, habits, strict=True):
        assert len(reminders(bot, person)) == 1, person
        assert days_of(bot, habit.id) == [(date(2026, 2, 26), "sent")]
    with bot.sessions() as session:
        rows = session.scalars(select(NudgeDay).where(NudgeDay.team_id == bot.team)).all()
    assert len(rows) == len(people)


# -- a person who left, a workspace that let the bot go -------------------------------------------


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("user_not_found", "user_not_found"),
        ("deleted", "account_inactive"),
        ("account_inactive", "account_inactive"),
        ("cannot_dm_bot", "cannot_dm_bot"),
    ],
)
def test_a_person_who_left_has_their_habit_stopped(bot: SlackDriver, how: str, reason: str) -> None:
    habit = make_habit(bot, datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    at = due(bot) + 5 * SECOND
    if how == "user_not_found":
        bot.slack.remove_user(bot.user)
    elif how == "deleted":
        bot.slack.add_user(bot.user, tz=ZONE, deleted=True)
    else:
        bot.slack.fail("chat.postMessage", how, channel=bot.user)
    outcomes = send_pass(bot, at)
    assert outcomes.get("stopped", 0) >= 1
    stopped = habit_of(bot)
    assert stopped is not None and stopped.status == "stopped" and stopped.next_at is None
    assert stopped.stopped_reason == reason
    assert days_of(bot, habit.id) == [(date(2026, 3, 3), "failed")]
    asked, tried = users_info_for(bot, bot.user), len(dms(bot))
    assert tried == (1 if how in ("account_inactive", "cannot_dm_bot") else 0)
    # The next passes: nothing tried, nothing failing, for a week.
    for later in range(1, 8):
        send_pass(bot, at + timedelta(days=later))
    assert users_info_for(bot, bot.user) == asked and len(dms(bot)) == tried
    with bot.sessions() as session:
        workspace = session.get(Workspace, bot.team)
        assert workspace is not None and workspace.inactive_reason is None


def test_account_inactive_for_the_bot_itself_stops_the_workspace_not_the_habit(
    bot: SlackDriver,
) -> None:
    """Slack says `account_inactive` when the person is deactivated, and also when the
    bot's own account is (the app was removed): auth.test tells which."""
    habit = make_habit(bot, datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    bot.slack.fail("chat.postMessage", "account_inactive", channel=bot.user)
    bot.slack.fail("auth.test", "account_inactive")
    send_pass(bot, due(bot) + 5 * SECOND)
    with bot.sessions() as session:
        workspace = session.get(Workspace, bot.team)
        assert workspace is not None and workspace.inactive_reason == "account_inactive"
    still = habit_of(bot)
    assert still is not None and still.status == "active"
    assert days_of(bot, habit.id) == [(date(2026, 3, 3), "failed")]


def test_a_stopped_habit_says_so_and_can_be_turned_back_on(bot: SlackDriver) -> None:
    make_habit(bot, datetime.now(UTC) - timedelta(days=2))
    bot.slack.remove_user(bot.user)
    send_pass(bot, due(bot) + 5 * SECOND)
    _, key = bot.command("/nudge", "me")
    assert "Stopped: I couldn't reach you" in said(bot.slack.wait_response(key))
    bot.slack.add_user(bot.user, tz=ZONE)
    _, key = bot.command("/nudge", "me resume")
    bot.slack.wait_response(key)
    back = habit_of(bot)
    assert back is not None and back.status == "active" and back.stopped_reason is None
    assert back.next_at is not None and back.next_at > datetime.now(UTC)


def test_a_revoked_token_stops_the_workspace(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    neighbour = slack_id("U")
    make_habit(bot, datetime(2026, 3, 4, 12, 0, tzinfo=UTC), user=neighbour)
    at = due(bot) + 5 * SECOND
    bot.slack.fail("chat.postMessage", "token_revoked", channel=bot.user)
    bot.slack.fail("chat.postMessage", "token_revoked", channel=neighbour)
    send_pass(bot, at)
    with bot.sessions() as session:
        workspace = session.get(Workspace, bot.team)
        assert workspace is not None and workspace.inactive_reason == "token_revoked"
    still = habit_of(bot)
    assert still is not None and still.status == "active", "the person did nothing wrong"
    assert days_of(bot, habit.id) == [(date(2026, 3, 5), "failed")]
    asked = users_info_for(bot, bot.user) + users_info_for(bot, neighbour)
    tried = len(dms(bot)) + len(dms(bot, neighbour))
    send_pass(bot, at + timedelta(days=1))
    send_pass(bot, at + timedelta(days=2))
    assert users_info_for(bot, bot.user) + users_info_for(bot, neighbour) == asked
    assert len(dms(bot)) + len(dms(bot, neighbour)) == tried


def test_a_slack_hiccup_fails_that_day_only(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    bot.slack.fail("chat.postMessage", "internal_error", channel=bot.user)
    send_pass(bot, due(bot) + 5 * SECOND)
    assert days_of(bot, habit.id) == [(date(2026, 3, 10), "failed")]
    assert habit_of(bot).status == "active"  # type: ignore[union-attr]
    send_pass(bot, due(bot) + 5 * SECOND)
    assert len(reminders(bot)) == 2  # the one Slack refused, and the next day's
    assert days_of(bot, habit.id) == [(date(2026, 3, 10), "failed"), (date(2026, 3, 11), "sent")]


# -- pause, off, resume, from the commands --------------------------------------------------------


def test_a_paused_habit_waits_for_the_pause_to_end(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime.now(UTC) - timedelta(hours=1))
    first = habit.next_at
    assert first is not None
    _, key = bot.command("/nudge", "me pause 3d")
    bot.slack.wait_response(key)
    paused = habit_of(bot)
    assert paused is not None and paused.paused_until is not None
    for day in range(3):  # the days of the pause: nothing
        send_pass(bot, first + timedelta(days=day) + 5 * SECOND)
    assert reminders(bot) == [] and days_of(bot, habit.id) == []
    after = due(bot)
    assert after > paused.paused_until and after - paused.paused_until <= timedelta(days=1)
    send_pass(bot, after + 5 * SECOND)
    assert len(reminders(bot)) == 1
    back = habit_of(bot)
    assert back is not None and back.status == "active" and back.paused_until is None


def test_off_is_never_and_resume_schedules_the_next(bot: SlackDriver) -> None:
    habit = make_habit(bot, datetime.now(UTC) - timedelta(hours=1))
    first = habit.next_at
    assert first is not None
    _, key = bot.command("/nudge", "me off")
    bot.slack.wait_response(key)
    for day in (0, 1, 5, 30):
        send_pass(bot, first + timedelta(days=day) + 5 * SECOND)
    assert reminders(bot) == [] and days_of(bot, habit.id) == []
    _, key = bot.command("/nudge", "me resume")
    bot.slack.wait_response(key)
    nxt = due(bot)
    assert datetime.now(UTC) < nxt <= datetime.now(UTC) + timedelta(days=1)
    send_pass(bot, nxt + 5 * SECOND)
    assert len(reminders(bot)) == 1


def test_do_not_disturb_is_read_for_the_batch_at_once_or_alone_when_slack_wont_say(
    bot: SlackDriver,
) -> None:
    """dnd.teamInfo answers for everyone due together; when it fails, each is asked alone
    (dnd.info) and do-not-disturb is still respected."""
    quiet, here = bot.user, slack_id("U")
    first = make_habit(bot, datetime(2026, 2, 16, 12, 0, tzinfo=UTC))
    make_habit(bot, datetime(2026, 2, 16, 12, 0, tzinfo=UTC), user=here)
    at = due(bot) + 5 * SECOND
    bot.slack.dnd[quiet] = {"snooze_enabled": True, "snooze_endtime": at.timestamp() + 3 * 86400}
    send_pass(bot, at)
    asked = [c.params.get("users", "") for c in bot.slack.calls_to("dnd.teamInfo")]
    assert any(quiet in users and here in users for users in asked)
    alone = [c for c in bot.slack.calls_to("dnd.info") if c.params.get("user") in (quiet, here)]
    assert alone == []
    assert dms(bot, quiet) == [] and len(reminders(bot, here)) == 1
    assert days_of(bot, first.id)[-1][1] == "away"

    bot.slack.fail("dnd.teamInfo", "ratelimited")
    send_pass(bot, due(bot) + 5 * SECOND)
    alone = [c for c in bot.slack.calls_to("dnd.info") if c.params.get("user") in (quiet, here)]
    assert {c.params["user"] for c in alone} == {quiet, here}
    assert dms(bot, quiet) == [] and len(reminders(bot, here)) == 2
