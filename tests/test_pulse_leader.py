"""A leader's own ratings are kept with their name only if they tick the box (off by
default), decided by the form they opened; and a result is shown only when the answers
kept with no name reach the minimum group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.pulse import results
from models.pulse import PulseLeaderRating
from tests.driver import SlackDriver
from tests.fake_slack import FakeSlack
from tests.habit_helpers import said, submit
from tests.pulse_helpers import (
    MembersSlack,
    keep_mine,
    meta,
    pass_at,
    ratings,
    team,
    the_round,
)

CALLBACK = "pulse_answer_modal"


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return MembersSlack


def named(bot: SlackDriver) -> int:
    with bot.sessions() as s:
        query = select(func.count()).where(PulseLeaderRating.team_id == bot.team)
        return int(s.scalar(query) or 0)


def answer(bot: SlackDriver, user: str, state: dict[str, object], leader: bool = False) -> None:
    rnd = the_round(bot)
    reply = submit(bot, CALLBACK, meta(rnd.id, "", "", leader), state, user=user)
    assert reply.status == 200 and not reply.body, reply.body


def open_round(bot: SlackDriver, members: list[str]) -> None:
    reply, key = bot.command("/nudge", "pulse now")
    assert reply.status == 200 and not reply.body, reply.body
    bot.slack.wait_response(key)
    bot.slack.wait_for(lambda: the_round(bot).invited == len(members) + 1)


def test_a_leaders_ratings_are_named_only_when_ticked(bot: SlackDriver) -> None:
    members = team(bot, 4)  # 5 people, minimum group 5
    open_round(bot, members)
    # A member's form carries no leader flag: a forged tick keeps nothing.
    answer(bot, members[0], keep_mine(ratings(6)))
    bot.slack.wait_for(lambda: the_round(bot).answered == 1)
    assert named(bot) == 0
    # The leader ticks the box: their ten ratings are kept with their name, and their
    # answer does not count toward the minimum group.
    answer(bot, bot.user, keep_mine(ratings(9)), leader=True)
    bot.slack.wait_for(lambda: named(bot) == 10)
    assert the_round(bot).answered == 1

    def kept() -> list[object]:
        return [
            c.params["channel"]
            for c in bot.slack.calls_to("chat.postMessage")
            if "for you alone" in said(c.params)
        ]

    bot.slack.wait_for(kept)
    assert kept() == [bot.user]
    for user in members[1:]:
        answer(bot, user, ratings(5))
    bot.slack.wait_for(lambda: the_round(bot).answered == 4)
    # Four answers with no name, one named: under the minimum group, nothing is shown.
    pass_at(bot, the_round(bot).opened_at + timedelta(days=7, minutes=1))
    assert the_round(bot).status == "closed"
    with bot.sessions() as s:
        res = results.latest(s, team_id=bot.team, channel_id=bot.channel)
    # Hidden: only the four kept with no name are counted (nothing says a leader kept theirs).
    assert res is not None and not res.shown and res.answered == 4


def test_a_leader_who_does_not_tick_answers_like_everyone(bot: SlackDriver) -> None:
    members = team(bot, 4)
    open_round(bot, members)
    answer(bot, bot.user, ratings(9), leader=True)
    for user in members:
        answer(bot, user, ratings(5))
    bot.slack.wait_for(lambda: the_round(bot).answered == 5)
    assert named(bot) == 0
    pass_at(bot, the_round(bot).opened_at + timedelta(days=7, minutes=1))
    with bot.sessions() as s:
        res = results.latest(s, team_id=bot.team, channel_id=bot.channel)
    assert res is not None and res.shown and res.answered == 5
