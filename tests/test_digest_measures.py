"""The digest's team measures and its rule against leaderboards: the week's recognitions
are listed by what people did, never counted or ranked per person; the measures are the
team's, with their base; next week's focus says what it was read from."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.digest import render as render_digest
from bot.digest import replies
from bot.digest import service as digest
from bot.slack.members import ChannelMembers
from models.pulse import PulseRating, PulseRound
from models.tables import Workspace
from tests.driver import slack_id
from tests.test_digest import kudos
from tests.test_digest_content import (
    ANA,
    BEN,
    CHLOE,
    DEV,
    END,
    EVA,
    LEAD,
    ZONE,
    at,
    build,
    readable,
    two_weeks,
)

Sessions = sessionmaker[Session]
TEAM_OF_SIX = ChannelMembers(frozenset({LEAD, ANA, BEN, CHLOE, DEV, EVA, "UFAY", "UGUS"}))


def built(sessions: Sessions, team: str, channel: str, members: ChannelMembers | None) -> str:
    with sessions() as s:
        week = digest.build(
            s, team_id=team, channel_id=channel, end=END, zone=ZONE, members=members
        )
    return readable(render_digest.digest(week, replies.SCHEDULED_NOTE))


def test_recognitions_are_listed_by_what_people_did_never_counted_per_person(
    sessions: Sessions,
) -> None:
    """Dev is thanked four times in the week: four lines, each with its giver and reason,
    in the order given; no count, rank, "top" or "most" beside anyone."""
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    for giver, reason, day in ((ANA, "fixing the flaky test", 26), (EVA, "the runbook", 28)):
        kudos(sessions, team, channel, giver, (DEV,), reason, at(day, 16))
    text = built(sessions, team, channel, TEAM_OF_SIX)
    dev_lines = [line for line in text.splitlines() if line.startswith("•") and "<@UDEV>" in line]
    assert dev_lines[:3] == [
        "• <@UCHLOE> → <@UDEV>, <@UEVA>, <@UBEN>: covering the on-call weekend",
        "• <@UANA> → <@UDEV>: the great demo to the sales team",
        "• <@UDEV> → <@UCHLOE>: untangling the release checklist",
    ]
    for word in (r"\btop\b", r"\bmost recognised\b", r"leader ?board", r"\bheroe?s?\b", r"\brank"):
        assert not re.search(word, text.lower()), word
    assert "×" not in text
    # no number right after anyone's name ("@Dev (4)", "@Dev: 4")
    assert not re.search(r"<@U[A-Z0-9]+>\W{0,3}\d", text)


def test_the_digest_shows_the_team_measures_briefly(sessions: Sessions) -> None:
    """23–29 Nov: Ben, Chloe, Dev, Eva, Ana and Lena were named in the 30 days to the
    29th: 6 of 8 members (75%). One commitment came due that week (27 Nov) and was kept:
    1 of 1, too few for a percentage."""
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    text = built(sessions, team, channel, TEAM_OF_SIX)
    assert (
        ":straight_ruler: *This week's measures*\n"
        "6 of 8 (75%) members recognised in the last 30 days\n"
        "1 of 1 commitments due kept\n"
    ) in text  # nudgebot started in these two weeks: nothing to compare with
    # without the members, the people recognised, with no share
    text = built(sessions, team, channel, None)
    assert "6 recognised in the last 30 days\n1 of 1 commitments due kept\n" in text


def test_each_digest_measure_shows_the_week_before(sessions: Sessions) -> None:
    """With history from before both weeks: the 30 days to 22 Nov named only Ana (1 of 8,
    12%, rounded half to even); no commitment came due in 16–22 Nov."""
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    with sessions.begin() as s:
        s.execute(
            update(Workspace)
            .where(Workspace.team_id == team)
            .values(created_at=datetime(2026, 9, 1, tzinfo=UTC))
        )
    text = built(sessions, team, channel, TEAM_OF_SIX)
    assert (
        ":straight_ruler: *This week's measures*\n"
        "6 of 8 (75%) members recognised in the last 30 days (a week earlier: 12%)\n"
        "1 of 1 commitments due kept (week before: none)\n"
    ) in text
    text = built(sessions, team, channel, None)
    assert "6 recognised in the last 30 days (a week earlier: 1)\n" in text


def test_next_weeks_focus_comes_from_the_latest_pulse(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    text = readable(render_digest.digest(build(sessions, team, channel)))
    assert (
        ":mag: *Next week, try a little Challenge the Process.* _(nobody was prompted about "
        "it this week)_"
    ) in text
    closed = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with sessions.begin() as s:
        rnd = PulseRound(
            team_id=team,
            channel_id=channel,
            number=1,
            status="closed",
            opened_at=closed,
            remind_at=closed,
            closes_at=closed,
            closed_at=closed,
            invited=6,
            answered=5,
            min_group=5,
        )
        s.add(rnd)
        s.flush()
        for practice, rating in (
            ("model", 7),
            ("vision", 4),
            ("challenge", 8),
            ("enable", 6),
            ("heart", 9),
        ):
            s.add_all(
                PulseRating(
                    round_id=rnd.id,
                    team_id=team,
                    practice=practice,
                    commitment=f"{practice}.c",
                    rating=rating,
                )
                for _ in range(5)
            )
    text = readable(render_digest.digest(build(sessions, team, channel)))
    assert (
        ":mag: *Next week, try a little Inspire a Shared Vision.* _(the team rated it lowest "
        "in the pulse of Fri 20 Nov)_"
    ) in text
