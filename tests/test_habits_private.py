"""A habit is the person's own: only they see it on App Home; progress counts its
check-ins as team totals; forget-me deletes it with its log; the export names nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.habits import service
from bot.habits.service import Plan
from bot.home import habit as home_habit
from bot.privacy import export
from bot.privacy import service as privacy
from models.nudges import NudgeDay, PersonalNudge
from models.tables import Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.test_progress import progress_of

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PLAN = Plan(
    days=(0, 1, 2, 3, 4),
    at_minute=9 * 60,
    zone="Europe/Paris",
    practice="challenge",
    commitment="experiment",
    action="write down one thing a recent failure taught you",
    cue="after lunch",
)


def habit_with_days(
    sessions: sessionmaker[Session], team: str, user: str, channel: str, done: int, away: int
) -> int:
    """A habit with `done` done days and `away` away days before NOW, each checked in."""
    with sessions.begin() as s:
        nudge = service.save(
            s, team_id=team, user_id=user, kind="habit", plan=PLAN, now=NOW, channel_id=channel
        )
        for n in range(done + away):
            day = (NOW - timedelta(days=n + 1)).date()
            row = NudgeDay(
                nudge_id=nudge.id,
                team_id=team,
                day=day,
                status="sent",
                created_at=NOW,
                updated_at=NOW,
            )
            s.add(row)
            s.flush()
            if n < done:
                result = service.check_in(
                    s, team_id=team, user_id=user, day_id=row.id, done=True, now=NOW
                )
                assert result.result == "done"
            else:
                row.status = "away"
        return nudge.id


def test_app_home_shows_the_habit_and_its_log_to_its_person_only(
    sessions: sessionmaker[Session],
) -> None:
    team, me, you = slack_id("T"), slack_id("U"), slack_id("U")
    habit_with_days(sessions, team, me, slack_id("C"), done=3, away=1)
    with sessions() as s:
        mine = home_habit.gather(s, team_id=team, user_id=me, now=NOW, zone="UTC")
        theirs = home_habit.gather(s, team_id=team, user_id=you, now=NOW, zone="UTC")
    text = blocks_text([b.to_dict() for b in home_habit.blocks(mine)])
    assert "write down one thing a recent failure taught you" in text
    assert "3 days done, 1 day skipped while you were away" in text
    assert "practised 1 of 5: Challenge the Process" in text
    other = blocks_text([b.to_dict() for b in home_habit.blocks(theirs)])
    assert "failure taught you" not in other
    assert "Set up my habit" in other


def test_progress_counts_check_ins_under_the_practice_and_names_nobody(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    habit_with_days(sessions, bot.team, slack_id("U"), bot.channel, done=2, away=0)
    # Check-ins are logged at NOW; progress reads the last 30 days from the real clock.
    with sessions.begin() as s:
        for row in s.scalars(select(Response).where(Response.team_id == bot.team)):
            row.created_at = datetime.now(UTC) - timedelta(hours=1)
    text = progress_of(bot, "30d")
    assert "2 habit check-ins" in text


def test_forget_me_deletes_the_habit_and_its_log_and_nothing_of_others(
    sessions: sessionmaker[Session],
) -> None:
    team, me, you = slack_id("T"), slack_id("U"), slack_id("U")
    mine = habit_with_days(sessions, team, me, slack_id("C"), done=2, away=1)
    theirs = habit_with_days(sessions, team, you, slack_id("C"), done=1, away=0)
    with sessions.begin() as s:
        held = privacy.held(s, team_id=team, user_id=me)
        assert held.habits == 1 and held.answers == 2
        done = privacy.forget(s, team_id=team, user_id=me)
        assert done.habits == 1
    with sessions() as s:
        assert s.get(PersonalNudge, mine) is None
        assert s.scalar(select(func.count()).where(NudgeDay.nudge_id == mine)) == 0
        assert s.get(PersonalNudge, theirs) is not None
        assert s.scalar(select(func.count()).where(NudgeDay.nudge_id == theirs)) == 1
        left = s.scalars(select(Response.user_id).where(Response.team_id == team)).all()
    assert left == [you]


@pytest.mark.parametrize("kind", ["habit"])
def test_the_export_keeps_a_check_in_without_person_text_or_channel(
    sessions: sessionmaker[Session], kind: str
) -> None:
    team, me, channel = slack_id("T"), slack_id("U"), slack_id("C")
    habit_with_days(sessions, team, me, channel, done=1, away=0)
    with sessions() as s:
        log = export.read_log(s, team_id=team)
    items = [i for i in log.items if i.kind == kind]
    assert len(items) == 1
    item = items[0]
    assert item.person_id is None and item.text == "" and item.channel_id == ""
    assert (item.practice, item.commitment) == ("challenge", "experiment")
