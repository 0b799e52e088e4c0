"""The practice pulse end to end, in-process: a leader opens a round, every person (no bots)
gets a DM, answers go in once and anonymously, the reminder reaches only those who did not
answer, and the close forgets who answered and posts the result, or only "not enough
answers" under the minimum group."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from bot.pulse import render
from models.pulse import PulseVoter
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.habit_helpers import click, opened, said, submit, view_of
from tests.helpers import assert_ack_error, posted
from tests.pulse_helpers import (
    MembersSlack,
    count,
    meta,
    pass_at,
    ratings,
    rows,
    team,
    the_round,
    with_comment,
)

CALLBACK = "pulse_answer_modal"


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return MembersSlack


def invitations(bot: SlackDriver, user: str) -> list[dict[str, object]]:
    return [
        c.params
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == user and "pulse_answer" in str(c.params.get("blocks"))
    ]


def open_round(bot: SlackDriver, members: list[str]) -> int:
    reply, key = bot.command("/nudge", "pulse now")
    assert reply.status == 200 and not reply.body, reply.body
    announced = said(bot.slack.wait_response(key))
    assert "practice pulse round 1" in announced and "anonymous" in announced
    for user in [bot.user, *members]:
        bot.slack.wait_for(lambda u=user: invitations(bot, u))  # type: ignore[misc]
    return the_round(bot).id


def answer(bot: SlackDriver, round_id: int, user: str, state: dict[str, object]) -> None:
    reply = submit(bot, CALLBACK, meta(round_id, "D" + user[1:], "1.1"), state, user=user)
    assert reply.status == 200 and not reply.body, reply.body


def test_a_round_from_open_to_result(bot: SlackDriver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    members = team(bot, 5)
    robot = slack_id("U")
    bot.slack.add_user(robot, is_bot=True)
    bot.slack.members[bot.channel].append(robot)
    round_id = open_round(bot, members)
    bot.slack.wait_for(lambda: the_round(bot).invited == 6)
    assert not invitations(bot, robot)
    dm = invitations(bot, members[0])[0]
    text = said(dm)  # type: ignore[arg-type]
    assert "no name" in text and "at least 5 people" in text and "Not for me" in text

    # Answer opens the form; a member's form has no leader's line, the leader's has.
    _reply, key = click(bot, render.ANSWER_ACTION, str(round_id), user=members[0])
    form = opened(bot, key)
    assert len([b for b in form["blocks"] if b["type"] == "input"]) == 11
    assert "keep your own ratings" not in str(form) and "pulse_keep_mine" not in str(form)
    _reply, key = click(bot, render.ANSWER_ACTION, str(round_id), user=bot.user)
    lead_form = opened(bot, key)
    assert "keep your own ratings" in str(lead_form) and "pulse_keep_mine" in str(lead_form)
    assert '"l": 1' in lead_form["private_metadata"]
    assert not [b for b in lead_form["blocks"] if b.get("element", {}).get("initial_options")]

    # Five members answer; one line each from two of them.
    for i, user in enumerate(members):
        state = ratings({"model": 8, "heart": 3 + (i % 2)})
        answer(bot, round_id, user, with_comment(state, f"idea {i}") if i < 2 else state)
    bot.slack.wait_for(lambda: the_round(bot).answered == 5)
    thanks = bot.slack.wait_calls("chat.update", 5)
    assert all("your answer is in" in said(c.params) for c in thanks)
    assert count(bot, PulseVoter) >= 5

    # A second answer changes nothing and says so.
    answer(bot, round_id, members[0], ratings(1))
    bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if "already answered" in said(c.params)
        ]
    )
    assert the_round(bot).answered == 5
    _reply, key = click(bot, render.ANSWER_ACTION, str(round_id), user=members[0])
    assert "already answered" in said(bot.slack.wait_response(key))

    # The reminder (day 4) goes only to the one who has not answered: the leader. (The
    # pulse job passes over every round in the database; this test reads its own.)
    opened_at = the_round(bot).opened_at
    everyone = {bot.user, *members}

    def reminded() -> list[str]:
        return [
            c.params["channel"]
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") in everyone and "reminder" in said(c.params)
        ]

    pass_at(bot, opened_at + timedelta(days=3))
    assert reminded() == []
    pass_at(bot, opened_at + timedelta(days=4, minutes=1))
    assert reminded() == [bot.user]
    pass_at(bot, opened_at + timedelta(days=5))
    assert reminded() == [bot.user]  # once

    # Until the result is posted for all to see, no log line quotes an answer.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "idea 0" not in logged and "selected_option" not in logged

    # Day 7: closed, and the result posted in the channel, once.
    pass_at(bot, opened_at + timedelta(days=7, minutes=1))
    assert the_round(bot).status == "closed"
    result = said(posted(bot))
    assert "Model the Way*: 8.0" in result and "from 5 of 6 people" in result
    assert "Encourage the Heart*: 3.4" in result and "Needs attention most" in result
    assert "idea 0" in result and "idea 1" in result
    pass_at(bot, opened_at + timedelta(days=8))
    in_channel = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]
    assert len(in_channel) == 1

    # Nothing left names anyone: no secret, no hashes, no invitations, no ids.
    left = rows(bot)
    assert left["pulse_voters"] == [] and left["pulse_invites"] == []
    assert left["pulse_rounds"][0]["secret"] is None
    assert left["pulse_leader_ratings"] == []
    people = {bot.user, robot, *members}
    dump = repr(left)
    assert not any(p in dump.replace(f"'opened_by': '{bot.user}'", "") for p in people)
    assert "created_at" not in str(left["pulse_ratings"][0])
    # ... and no log line of the whole round names a person or quotes a line.
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("slack"))
    assert not any(p in ours for p in people), ours
    assert re.search(r"pulse round \d+ closed", ours)


def test_under_the_minimum_group_only_that_is_said(bot: SlackDriver) -> None:
    members = team(bot, 5)
    round_id = open_round(bot, members)
    for user in members[:4]:
        answer(bot, round_id, user, with_comment(ratings(2), "a secret line"))
    bot.slack.wait_for(lambda: the_round(bot).answered == 4)
    pass_at(bot, the_round(bot).closes_at + timedelta(minutes=1))
    result = said(posted(bot))
    assert "not enough answers to keep them anonymous" in result and "it takes 5" in result
    assert "2.0" not in result and "secret line" not in result and "Model" not in result
    _reply, key = bot.command("/nudge", "pulse results", user=members[0])
    shown = said(bot.slack.wait_response(key))
    assert "not enough answers" in shown and "2.0" not in shown and "secret" not in shown


def test_a_second_round_is_refused_while_one_is_open(bot: SlackDriver) -> None:
    members = team(bot, 4)
    open_round(bot, members)
    _reply, key = bot.command("/nudge", "pulse now")
    refusal = said(bot.slack.wait_response(key))
    assert "open here already" in refusal and "closes" in refusal
    assert "enough answers yet" in refusal and " of " not in refusal.split("closes")[0]
    assert the_round(bot).number == 1


def test_only_leaders_open_start_or_stop_it(bot: SlackDriver) -> None:
    members = team(bot, 2)
    for text in ("pulse now", "pulse on monthly", "pulse off"):
        _reply, key = bot.command("/nudge", text, user=members[0])
        assert "Only admins and the team's leaders" in said(bot.slack.wait_response(key))
    _reply, key = bot.command("/nudge", "pulse", user=members[0])
    assert "has no practice pulse" in said(bot.slack.wait_response(key))


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("pulse on weekly", "isn't a rhythm"),
        ("pulse on", "monthly"),
        ("pulse on monthly sat 10:00", "isn't a working day"),
        ("pulse on monthly mon 25:00", "isn't a time of day"),
        ("pulse on monthly mon", "a day and a time"),
        ("pulse on monthly tz Mars/Base", "time zone"),
        ("pulse now please", "takes nothing more"),
        ("pulse sometimes", "doesn't have"),
    ],
)
def test_bad_input_is_refused_in_the_ack(bot: SlackDriver, text: str, phrase: str) -> None:
    reply, _key = bot.command("/nudge", text)
    assert_ack_error(reply, phrase)
    assert rows(bot)["pulse_rounds"] == []


def test_not_for_me_skips_future_rounds_and_join_brings_back(bot: SlackDriver) -> None:
    members = team(bot, 5)
    round_id = open_round(bot, members)
    _reply, key = click(bot, render.NOT_FOR_ME_ACTION, str(round_id), user=members[0])
    assert "no more pulse rounds for you" in said(bot.slack.wait_response(key))
    _reply, key = bot.command("/nudge", "pulse", user=members[0])
    status = said(bot.slack.wait_response(key))
    assert "Round 1 is open: it doesn't have enough answers yet" in status
    assert "needs 5" in status and "/nudge pulse join" in status
    assert "0 of" not in status and "have answered" not in status  # never a live count
    assert "no regular practice pulse, but a round opened by hand is open" in status
    pass_at(bot, the_round(bot).closes_at + timedelta(minutes=1))
    round_two = open_round_again(bot)
    assert round_two.invited == 5
    _reply, key = bot.command("/nudge", "pulse join", user=members[0])
    assert "Welcome back" in said(bot.slack.wait_response(key))


def open_round_again(bot: SlackDriver) -> object:
    first = the_round(bot).id
    _reply, _key = bot.command("/nudge", "pulse now")
    return bot.slack.wait_for(lambda: (r := the_round(bot)).id != first and r)


def test_answers_need_every_statement(bot: SlackDriver) -> None:
    members = team(bot, 4)
    round_id = open_round(bot, members)
    state = ratings(5)
    del state["pulse_voice"]
    reply = submit(bot, CALLBACK, meta(round_id), state, user=members[0])
    assert reply.json["response_action"] == "errors" and "pulse_voice" in reply.json["errors"]
    assert the_round(bot).answered == 0


def test_the_form_is_within_slack_limits(bot: SlackDriver) -> None:
    members = team(bot, 4)
    round_id = open_round(bot, members)
    _reply, key = click(bot, render.ANSWER_ACTION, str(round_id), user=members[0])
    view = view_of(bot.slack.wait_calls("views.open")[-1])
    assert view["callback_id"] == CALLBACK and len(view["blocks"]) <= 100
    assert key


def test_a_round_that_could_never_show_its_result_is_not_started(bot: SlackDriver) -> None:
    team(bot, 3)
    _reply, key = bot.command("/nudge", "pulse now")
    refusal = said(bot.slack.wait_response(key))
    assert "Only 4 people here could answer" in refusal and "from 5 answers" in refusal
    assert rows(bot)["pulse_rounds"] == []


def test_a_form_without_its_round_is_refused_on_the_form(bot: SlackDriver) -> None:
    members = team(bot, 4)
    open_round(bot, members)
    reply = submit(bot, CALLBACK, "not json", ratings(5), user=members[0])
    assert reply.json["response_action"] == "errors"
    assert "out of date" in reply.json["errors"]["pulse_comment"]
    assert the_round(bot).answered == 0


def test_results_and_join_with_nothing_to_show_or_change(bot: SlackDriver) -> None:
    members = team(bot, 1)
    _reply, key = bot.command("/nudge", "pulse results", user=members[0])
    assert "No pulse round has closed in this channel yet" in said(bot.slack.wait_response(key))
    _reply, key = bot.command("/nudge", "pulse join", user=members[0])
    assert "You're in already" in said(bot.slack.wait_response(key))
    assert rows(bot)["pulse_optouts"] == []
