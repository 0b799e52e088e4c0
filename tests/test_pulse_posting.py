"""A round's result post is never lost quietly: a passing Slack failure is tried again by
the next passes, one that stays is told to the round's opener, and a post claimed by a
process that died is never posted twice but told too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.pulse import answers, closing, rounds
from bot.pulse.answers import Answer
from bot.pulse.statements import STATEMENTS
from models.pulse import PulseRound
from models.queries import ensure_workspace
from tests.driver import SlackDriver, slack_id
from tests.habit_helpers import said
from tests.pulse_helpers import KEY, pass_at

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CLOSE = NOW + timedelta(days=7, minutes=1)


def closed_round(bot: SlackDriver) -> int:
    people = [slack_id("U") for _ in range(3)]
    with bot.sessions.begin() as s:
        ensure_workspace(s, bot.team)
        rnd = rounds.start(
            s,
            team_id=bot.team,
            channel_id=bot.channel,
            members=people,
            opened_by=bot.user,
            min_group=3,
            now=NOW,
        )
    for user in people:
        with bot.sessions.begin() as s:
            answer = Answer({st.commitment: 6 for st in STATEMENTS})
            answers.save(
                s,
                team_id=bot.team,
                round_id=rnd.id,
                user_id=user,
                answer=answer,
                keep_named=False,
                key=KEY,
            )
    with bot.sessions.begin() as s:
        assert closing.close(s, round_id=rnd.id, now=CLOSE)
        s.execute(update(PulseRound).where(PulseRound.id == rnd.id).values(result_ts="x"))
    return rnd.id


def result_ts(bot: SlackDriver, round_id: int) -> str | None:
    with bot.sessions() as s:
        return s.get(PulseRound, round_id).result_ts  # type: ignore[union-attr]


def to(bot: SlackDriver, where: str, words: str) -> int:
    return sum(
        1
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == where and words in said(c.params)
    )


def unposted(bot: SlackDriver, round_id: int) -> None:
    with bot.sessions.begin() as s:  # let this test's passes post it
        s.execute(update(PulseRound).where(PulseRound.id == round_id).values(result_ts=None))


def test_a_passing_failure_is_tried_again(bot: SlackDriver) -> None:
    round_id = closed_round(bot)
    bot.slack.fail("chat.postMessage", "internal_error", channel=bot.channel)
    unposted(bot, round_id)
    pass_at(bot, CLOSE)
    assert result_ts(bot, round_id) == "retry 1: internal_error"
    pass_at(bot, CLOSE + timedelta(seconds=30))
    assert (result_ts(bot, round_id) or "")[0].isdigit()  # a message ts: posted
    assert to(bot, bot.channel, "Practice pulse, round 1") == 2  # the failed try, then it
    assert to(bot, bot.user, "could not be posted") == 0


def test_a_failure_that_stays_is_told_to_the_opener(bot: SlackDriver) -> None:
    round_id = closed_round(bot)
    bot.slack.fail("chat.postMessage", "internal_error", times=3, channel=bot.channel)
    unposted(bot, round_id)
    for n in range(4):
        pass_at(bot, CLOSE + timedelta(seconds=30 * n))
    assert result_ts(bot, round_id) == "failed: internal_error"
    assert to(bot, bot.channel, "Practice pulse, round 1") == 3  # three tries, then no more
    assert to(bot, bot.user, "/nudge pulse results") == 1


def test_a_post_claimed_by_a_dead_process_is_never_doubled(bot: SlackDriver) -> None:
    round_id = closed_round(bot)
    with bot.sessions.begin() as s:
        s.execute(update(PulseRound).where(PulseRound.id == round_id).values(result_ts=None))
        assert closing.claim_post(s, round_id=round_id, now=CLOSE)
    pass_at(bot, CLOSE + timedelta(minutes=1))  # perhaps still posting
    assert (result_ts(bot, round_id) or "").startswith("posting")
    pass_at(bot, CLOSE + timedelta(minutes=6))
    assert result_ts(bot, round_id) == "failed: unknown"
    pass_at(bot, CLOSE + timedelta(minutes=7))
    assert to(bot, bot.channel, "Practice pulse, round 1") == 0
    assert to(bot, bot.user, "/nudge pulse results") == 1
