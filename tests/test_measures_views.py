"""What a person sees of the team measures: `/nudge progress` with each measure, its base
and the period before; "needs attention" from the latest pulse shown, else from answers
per prompt, for progress and `/nudge now`; a leader's App Home with their channels'
measures and, only for them, who nobody recognised in 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import day
from models.pulse import PulseRating, PulseRound
from models.queries import ensure_workspace
from models.tables import Commitment, Prompt, Workspace
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.shown import said
from tests.test_home import AccountSlack, home, kudos

Sessions = sessionmaker[Session]
CLOSED = datetime.now(UTC).replace(hour=9, minute=0) - timedelta(days=10)
PEOPLE = ["UANA", "UBEN", "UCHLOE", "UDEV", "UEVA", "UFAY"]


class MembersSlack(AccountSlack):
    """App Home's fake plus conversations.members (one page) from `channel_members`."""

    def __init__(self) -> None:
        super().__init__()
        self.channel_members: dict[str, list[str]] = {}

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.members":
            found = self.channel_members.get(str(params.get("channel")))
            if found is None:
                return {"ok": False, "error": "not_in_channel"}
            return {"ok": True, "members": found, "response_metadata": {"next_cursor": ""}}
        return super()._default(method, params)


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return MembersSlack


def slack_of(bot: SlackDriver) -> MembersSlack:
    assert isinstance(bot.slack, MembersSlack)
    return bot.slack


def seed(sessions: Sessions, team: str, rows: list[Any]) -> None:
    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add_all(rows)


def progress_text(bot: SlackDriver, rest: str = "30d") -> str:
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert reply.status == 200
    return said(bot.slack.wait_response(key))


def a_team(bot: SlackDriver, sessions: Sessions) -> datetime:
    """Six members; in the last 30 days Ana, Ben and Chloe were recognised (Ana four
    times); two commitments came due, one kept two days late, one dropped."""
    now = datetime.now(UTC)
    slack_of(bot).channel_members[bot.channel] = PEOPLE
    rows: list[Any] = [
        kudos(bot.team, "UDEV", ["UANA", "UBEN"], "the release notes", now - timedelta(days=2)),
        kudos(bot.team, "UEVA", ["UCHLOE"], "the demo", now - timedelta(days=3)),
        *[
            kudos(bot.team, "UDEV", ["UANA"], f"help #{i}", now - timedelta(days=4))
            for i in range(3)
        ],
        kudos(bot.team, "UDEV", ["UANA"], "long ago", now - timedelta(days=40)),
    ]
    for row in rows:
        row.channel_id = bot.channel
    today = now.date()
    for due, status, answered in (
        (today - timedelta(days=6), "kept", now - timedelta(days=4)),
        (today - timedelta(days=5), "dropped", now - timedelta(days=5)),
    ):
        rows.append(
            Commitment(
                team_id=bot.team,
                channel_id=bot.channel,
                user_id="UBEN",
                text="ship it",
                due_on=due,
                zone="UTC",
                status=status,
                answered_at=answered,
                created_at=now - timedelta(days=10),
            )
        )
    seed(sessions, bot.team, rows)
    with sessions.begin() as s:  # nudgebot has been here 100 days: history to compare with
        workspace = s.get(Workspace, bot.team)
        assert workspace is not None
        workspace.created_at = now - timedelta(days=100)
    return now


def test_progress_shows_each_measure_with_its_base_and_the_period_before(
    bot: SlackDriver, sessions: Sessions
) -> None:
    a_team(bot, sessions)
    text = progress_text(bot)
    assert ":straight_ruler: *Team measures*, last 30 days" in text
    # Ana, Ben and Chloe of six members now; Ana alone in the 30 days before
    assert (
        "*Recognition reach*: 3 of 6 members (50%) recognised in the last 30 days (30 days "
        "earlier: 17%) · 2 people gave kudos (30 days earlier: 1)"
    ) in text
    # 6 recognitions over 3 people: too few people to say how evenly
    assert "3 people recognised, too few to say how evenly (it takes 5)" in text
    assert (
        "*Follow-through*: kept 1 of 2 commitments (too few for a percentage) that came due, "
        "none to count the 30 days before (1 dropped, 0 overdue) · median 2 days late"
    ) in text
    assert (
        "*Answers per prompt*: no prompt posted in these 30 days (`/nudge now` posts one)" in text
    )
    assert "Values named" not in text  # none named: nothing said


def test_members_unknown_counts_the_people_recognised(bot: SlackDriver, sessions: Sessions) -> None:
    a_team(bot, sessions)
    del slack_of(bot).channel_members[bot.channel]
    text = progress_text(bot)
    assert (
        "*Recognition reach*: 3 people recognised in the last 30 days (30 days earlier: 1)"
    ) in text


def a_pulse(sessions: Sessions, team: str, channel: str, answered: int, **ratings: int) -> None:
    closed = CLOSED
    with sessions.begin() as s:
        number = 1 + len(
            s.scalars(select(PulseRound.id).where(PulseRound.channel_id == channel)).all()
        )
        rnd = PulseRound(
            team_id=team,
            channel_id=channel,
            number=number,
            status="closed",
            opened_at=closed - timedelta(days=7),
            remind_at=closed,
            closes_at=closed,
            closed_at=closed,
            invited=8,
            answered=answered,
            min_group=5,
        )
        s.add(rnd)
        s.flush()
        for practice, rating in ratings.items():
            s.add_all(
                PulseRating(
                    round_id=rnd.id,
                    team_id=team,
                    practice=practice,
                    commitment=f"{practice}.c",
                    rating=rating,
                )
                for _ in range(max(answered, 1))
            )


def test_needs_attention_reads_the_latest_pulse_shown_else_answers_per_prompt(
    bot: SlackDriver, sessions: Sessions
) -> None:
    a_team(bot, sessions)
    text = progress_text(bot, "7d")
    # no prompt posted at all: all five as much in need; Inspire a Shared Vision, the first
    # never touched here (commitments are Model the Way's), comes first
    assert ":mag: *Needs attention: Inspire a Shared Vision*" in text
    assert (
        "From answers per prompt over these 7 days: no Inspire a Shared Vision prompt was "
        "posted, so nobody was asked."
    ) in text
    # a round under its minimum group is never read
    a_pulse(sessions, bot.team, bot.channel, 3, model=9, vision=2, challenge=9, enable=9, heart=9)
    assert ":mag: *Needs attention: Inspire a Shared Vision*" in progress_text(bot, "7d")
    a_pulse(sessions, bot.team, bot.channel, 5, model=8, vision=7, challenge=4, enable=6, heart=9)
    text = progress_text(bot, "7d")
    assert ":mag: *Needs attention: Challenge the Process*" in text
    assert (
        f"From the pulse of {day(CLOSED.date(), datetime.now(UTC).date())}: the team rated "
        "Challenge the Process lowest (4.0 of 10)."
    ) in text
    # `/nudge now` without a practice prompts the same
    bot.command("/nudge", "now")

    def newest() -> str | None:
        with sessions() as s:
            return s.scalar(
                select(Prompt.practice)
                .where(Prompt.team_id == bot.team, Prompt.channel_id == bot.channel)
                .order_by(Prompt.id.desc())
            )

    assert bot.slack.wait_for(newest) == "challenge"


def test_a_leaders_home_shows_their_channels_measures_and_who_was_missed(
    make_bot: Any, sessions: Sessions
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    a_team(bot, sessions)
    slack_of(bot).memberships[leader] = [bot.channel]
    slack_of(bot).memberships["UDEV"] = [bot.channel]
    text = blocks_text(home(bot, leader)["blocks"])
    assert "Your team's measures" in text
    assert "3 of 6 members (50%) recognised in the last 30 days" in text
    assert "*Not recognised in 30 days* (only you see this; a prompt to notice them" in text
    assert "<@UDEV>, <@UEVA>, <@UFAY>" in text  # by id, never by how much anyone got
    # a member who does not lead sees none of it
    member = blocks_text(home(bot, "UDEV")["blocks"])
    assert "Your team's measures" not in member and "Not recognised" not in member


def test_a_leaders_home_without_activity_says_so(make_bot: Any, sessions: Sessions) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    seed(sessions, bot.team, [])
    slack_of(bot).memberships[leader] = [bot.channel]
    text = blocks_text(home(bot, leader)["blocks"])
    assert "Nothing was recognised, shared or prompted in your channels in the last 30" in text


def test_without_history_nothing_is_compared(bot: SlackDriver, sessions: Sessions) -> None:
    """nudgebot started today: the 30 days before are not "0%", they are unknown."""
    slack_of(bot).channel_members[bot.channel] = PEOPLE
    now = datetime.now(UTC)
    row = kudos(bot.team, "UDEV", ["UANA"], "the release notes", now - timedelta(minutes=5))
    row.channel_id = bot.channel
    seed(sessions, bot.team, [row])
    text = progress_text(bot)
    assert (
        "*Recognition reach*: 1 of 6 members (17%) recognised in the last 30 days · 1 person "
        "gave kudos\n"
    ) in text
    assert "days earlier" not in text and "the 30 days before" not in text
