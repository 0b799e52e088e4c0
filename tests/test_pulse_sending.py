"""Sending a round's invitations under Slack's limits: one call per person (no users.info),
a rate limit or a passing failure puts the invitation back to wait and a later pass sends
it, a permanent failure ends it; and a sender stopped mid-send, or a process that died
after claiming, loses nothing and doubles nothing."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.pulse import rounds, sending
from models.pulse import PulseInvite, PulseRound
from models.queries import ensure_workspace
from tests.driver import SlackDriver, slack_id
from tests.habit_helpers import context
from tests.pulse_helpers import pass_at

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def start(bot: SlackDriver, people: list[str]) -> int:
    with bot.sessions.begin() as s:
        ensure_workspace(s, bot.team)
        rnd = rounds.start(
            s,
            team_id=bot.team,
            channel_id=bot.channel,
            members=people,
            opened_by=None,
            min_group=3,
            now=NOW,
        )
    return rnd.id


def dms_to(bot: SlackDriver, person: str) -> int:
    return sum(
        1
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == person and "Practice pulse" in str(c.params.get("text"))
    )


def statuses(bot: SlackDriver, round_id: int) -> dict[str, str]:
    with bot.sessions() as s:
        got = s.execute(
            select(PulseInvite.user_id, PulseInvite.status).where(PulseInvite.round_id == round_id)
        ).all()
    return {u: st for u, st in got}


def test_a_rate_limit_waits_for_a_later_pass_and_gone_people_are_dropped(
    bot: SlackDriver,
) -> None:
    people = [slack_id("U") for _ in range(6)]
    limited, gone, refused = people[0], people[1], people[2]
    round_id = start(bot, people)
    # The client's own two retries see the limit too; then the invitation waits.
    bot.slack.rate_limit("chat.postMessage", retry_after=0, times=3, channel=limited)
    bot.slack.fail("chat.postMessage", "user_not_found", channel=gone)
    bot.slack.fail("chat.postMessage", "not_allowed_token_type", channel=refused)
    pass_at(bot, NOW)
    now = statuses(bot, round_id)
    assert now[limited] == "pending" and now[gone] == "skipped" and now[refused] == "failed"
    assert not bot.slack.calls_to("users.info")
    pass_at(bot, NOW + timedelta(seconds=10))  # not before its time
    assert statuses(bot, round_id)[limited] == "pending"
    pass_at(bot, NOW + timedelta(seconds=31))
    assert statuses(bot, round_id)[limited] == "sent"
    # Calls, not deliveries: three refused by the limit, then the one that went through;
    # the refused person was asked once, and never again.
    assert dms_to(bot, limited) == 4 and dms_to(bot, refused) == 1
    assert all(dms_to(bot, p) == 1 for p in people[3:])
    with bot.sessions() as s:
        assert s.get(PulseRound, round_id).invited == 5  # type: ignore[union-attr]


class StopAfter(threading.Event):
    """A stop that comes after the sender has looked `n` times (mid-send, reproducibly)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n
        self.lock = threading.Lock()

    def is_set(self) -> bool:
        with self.lock:
            self.left -= 1
            if self.left < 0:
                self.set()
        return super().is_set()


def test_a_stop_mid_send_puts_back_what_was_not_sent(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(150)]
    round_id = start(bot, people)
    ctx = context(bot, NOW)
    stop = StopAfter(40)
    first = sending.send_invites(
        bot.sessions, ctx.client, round_id, now=ctx.now, threads=2, stopping=stop
    )
    assert stop.is_set() and 0 < first["sent"] < 150
    after_stop = statuses(bot, round_id)
    assert set(after_stop.values()) == {"sent", "pending"}  # nothing left claimed
    assert sum(1 for p in people if dms_to(bot, p)) == first["sent"]
    pass_at(bot, NOW + timedelta(seconds=30))  # the next process picks them up
    assert set(statuses(bot, round_id).values()) == {"sent"}
    assert all(dms_to(bot, p) == 1 for p in people)  # nothing lost, nothing twice


def test_claims_of_a_dead_process_become_unknown_and_are_reminded(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    people = [slack_id("U") for _ in range(8)]
    round_id = start(bot, people)
    with bot.sessions.begin() as s:
        dead = rounds.claim_invites(s, round_id=round_id, worker="dead:1", limit=3, now=NOW)
    pass_at(bot, NOW + timedelta(minutes=1))  # too recent: perhaps still being sent
    assert {statuses(bot, round_id)[i.user_id] for i in dead} == {"claimed"}
    caplog.set_level(logging.WARNING)
    pass_at(bot, NOW + timedelta(minutes=6))
    assert {statuses(bot, round_id)[i.user_id] for i in dead} == {"unknown"}
    assert f"pulse round {round_id}: invitations {{'failed: unknown': 3}}" in caplog.text
    assert all(dms_to(bot, i.user_id) == 0 for i in dead)  # never sent (again)
    pass_at(bot, NOW + timedelta(days=4, minutes=1))  # the reminder, Answer button and all
    reminded = {
        c.params.get("channel")
        for c in bot.slack.calls_to("chat.postMessage")
        if "reminder" in str(c.params.get("text"))
    }
    assert {i.user_id for i in dead} <= reminded and set(people) <= reminded
