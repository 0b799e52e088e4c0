"""Claiming personal nudges a batch at a time (bot/habits/delivery.claim_all): each day due
is claimed once, in the order given, with the nudge moved on to its next time; a stale read,
a day claimed already or a day past the grace window is not claimed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.habits import delivery, service
from bot.habits.delivery import Due
from models.nudges import NudgeDay, PersonalNudge
from tests.driver import SlackDriver, slack_id

GRACE = timedelta(hours=1)
ZONE = "Europe/Paris"
DAILY = tuple(range(7))
AT = 8 * 60 + 30


def save(bot: SlackDriver, users: int) -> list[service.Nudge]:
    """`users` daily habits at 08:30 in Paris, each due next at the same moment."""
    now = datetime.now(UTC)
    plan = service.Plan(days=DAILY, at_minute=AT, zone=ZONE, practice="model")
    with bot.sessions.begin() as s:
        return [
            service.save(
                s, team_id=bot.team, user_id=slack_id("U"), kind=service.HABIT, plan=plan, now=now
            )
            for _ in range(users)
        ]


def following(moment: datetime) -> datetime | None:
    """The habits' next time after `moment` (the next day's 08:30 in Paris)."""
    return service.next_at(DAILY, AT, ZONE, moment)


def claim_all(bot: SlackDriver, items: list[Due], now: datetime) -> list[delivery.Claimed]:
    with bot.sessions.begin() as s:
        return delivery.claim_all(s, items, now=now, grace=GRACE, worker="test")


def due(nudge: service.Nudge) -> Due:
    assert nudge.next_at is not None
    return Due(nudge.id, nudge.next_at)


def rows(bot: SlackDriver, ids: list[int]) -> dict[int, PersonalNudge]:
    with bot.sessions() as s:
        found = s.scalars(select(PersonalNudge).where(PersonalNudge.id.in_(ids)))
        return {row.id: row for row in found}


def days(bot: SlackDriver, ids: list[int]) -> list[tuple[int, str]]:
    with bot.sessions() as s:
        found = s.execute(
            select(NudgeDay.nudge_id, NudgeDay.status).where(NudgeDay.nudge_id.in_(ids))
        )
        return sorted((nudge_id, status) for nudge_id, status in found)


def test_a_batch_is_claimed_once_in_order_and_moved_on(bot: SlackDriver) -> None:
    habits = save(bot, 4)
    moment = habits[0].next_at
    assert moment is not None and all(h.next_at == moment for h in habits)
    now = moment + timedelta(seconds=5)
    items = [due(h) for h in reversed(habits)]

    claimed = claim_all(bot, [*items, items[0]], now)  # a repeated item is claimed once

    assert [c.nudge.id for c in claimed] == [h.id for h in reversed(habits)]
    local = moment.astimezone(ZoneInfo(ZONE)).date()
    assert all(c.day == local for c in claimed)
    after = rows(bot, [h.id for h in habits])
    for c in claimed:
        assert c.nudge.next_at == after[c.nudge.id].next_at == following(moment)
        assert c.nudge.status == "active" and c.nudge.paused_until is None
    ids = [h.id for h in habits]
    assert days(bot, ids) == sorted((i, "claimed") for i in ids)
    assert {c.day_id for c in claimed} == set(day_ids(bot, ids))

    assert claim_all(bot, items, now + timedelta(seconds=20)) == []  # the read is stale now
    assert len(days(bot, ids)) == 4


def test_a_stale_read_a_day_claimed_before_and_a_late_day_are_not_claimed(
    bot: SlackDriver,
) -> None:
    stale, again, late, fine = save(bot, 4)
    moment = fine.next_at
    assert moment is not None
    now = moment + timedelta(seconds=5)
    assert [c.nudge.id for c in claim_all(bot, [due(again)], now)] == [again.id]
    with bot.sessions.begin() as s:  # put it back as if the day were owed again
        s.execute(update(PersonalNudge).where(PersonalNudge.id == again.id).values(next_at=moment))
    read_before = Due(stale.id, moment - timedelta(days=1))

    claimed = claim_all(bot, [read_before, due(again), due(fine)], now)
    assert [c.nudge.id for c in claimed] == [fine.id]
    after = rows(bot, [stale.id, again.id])
    assert after[stale.id].next_at == moment  # not moved: the read was not its next time
    assert after[again.id].next_at == following(moment)  # moved on, not sent twice
    assert days(bot, [again.id]) == [(again.id, "claimed")]

    too_late = moment + GRACE + timedelta(seconds=1)
    assert claim_all(bot, [due(late)], too_late) == []
    assert rows(bot, [late.id])[late.id].next_at == following(moment)
    assert days(bot, [late.id]) == []


def test_a_paused_habit_due_again_is_claimed_and_active(bot: SlackDriver) -> None:
    (habit,) = save(bot, 1)
    with bot.sessions.begin() as s:
        paused = service.pause(
            s,
            team_id=bot.team,
            user_id=habit.user_id,
            until=datetime.now(UTC) + timedelta(days=2),
            now=datetime.now(UTC),
        )
    assert paused is not None and paused.status == "paused" and paused.next_at is not None
    (claimed,) = claim_all(bot, [due(paused)], paused.next_at + timedelta(seconds=1))
    assert claimed.nudge.status == "active" and claimed.nudge.paused_until is None
    assert rows(bot, [habit.id])[habit.id].status == "active"
    assert claim_all(bot, [], datetime.now(UTC)) == []


def day_ids(bot: SlackDriver, ids: list[int]) -> list[int]:
    with bot.sessions() as s:
        return list(s.scalars(select(NudgeDay.id).where(NudgeDay.nudge_id.in_(ids))))
