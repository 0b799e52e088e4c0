"""One replica's poster within Slack's limits: one post a second per channel, Retry-After
on a 429, and fairness across workspaces (every workspace's first post before any
workspace's second). A PromptScheduler in this process, SQLite and PostgreSQL, the fake
Slack; the schedules' minute was a minute ago, so the start's catch-up writes them as due."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack.client import make_client
from models.tables import Occurrence, Schedule, Workspace
from schedules.context import JobContext
from schedules.limits import Limits
from schedules.runner import PromptScheduler
from tests.driver import slack_id
from tests.fake_slack import FakeSlack


@pytest.fixture
def start(slack: FakeSlack, engine: Engine, sessions: sessionmaker[Session]) -> Iterator[object]:
    running: list[PromptScheduler] = []

    def go(limits: Limits) -> PromptScheduler:
        settings = Settings(bot_token="xoxb-t", signing_secret="s", api_url=slack.api_url)
        ctx = JobContext(
            sessions=sessions, client=make_client(settings), now=lambda: datetime.now(UTC)
        )
        runner = PromptScheduler(ctx, engine, poll_seconds=0.2, limits=limits)
        runner.start()
        running.append(runner)
        return runner

    yield go
    for runner in running:
        runner.stop()


def add_missed(sessions: sessionmaker[Session], places: list[tuple[str, str]]) -> list[int]:
    """One schedule per (team, channel) in `places`, its daily minute a minute ago, made two
    hours ago (so it is owed once); workspaces made as needed. Their ids."""
    missed = (datetime.now(UTC) - timedelta(minutes=1)).replace(second=0, microsecond=0)
    made = datetime.now(UTC) - timedelta(hours=2)
    teams = sorted({team for team, _ in places})
    with sessions.begin() as session:
        known = set(session.scalars(select(Workspace.team_id).where(Workspace.team_id.in_(teams))))
        new = [{"team_id": t} for t in teams if t not in known]
        if new:
            session.execute(insert(Workspace), new)
        return list(
            session.scalars(
                insert(Schedule).returning(Schedule.id),
                [
                    {
                        "team_id": team,
                        "channel_id": channel,
                        "practice": "heart",
                        "number": 1000 + n,
                        "cron": f"{missed.minute} {missed.hour} * * *",
                        "zone": "UTC",
                        "created_by": slack_id("U"),
                        "created_at": made,
                        "updated_at": made,
                    }
                    for n, (team, channel) in enumerate(places)
                ],
            )
        )


def statuses(sessions: sessionmaker[Session], ids: list[int]) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(select(Occurrence.status).where(Occurrence.schedule_id.in_(ids)))
        )


def posts(slack: FakeSlack, channels: set[str]) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") in channels]


def test_one_post_a_second_per_channel_and_retry_after_is_honoured(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    ids = add_missed(sessions, [(team, channel)] * 3)  # three schedules, one channel
    slack.rate_limit("chat.postMessage", retry_after=1, channel=channel)  # the first: 429
    start(Limits(threads=8, per_workspace=4))
    slack.wait_for(lambda: statuses(sessions, ids) == ["posted"] * 3, 15)

    calls = posts(slack, {channel})
    assert len(calls) == 4  # the 429, its retry, two more
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert all(gap >= 0.9 for gap in gaps), gaps


def test_every_workspace_gets_its_first_post_before_any_gets_a_second(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    big = slack_id("T")
    small = [slack_id("T") for _ in range(6)]
    places = [(big, slack_id("C")) for _ in range(10)] + [(t, slack_id("C")) for t in small]
    ids = add_missed(sessions, places)
    channels = {c for _, c in places}
    team_of = {c: t for t, c in places}
    start(Limits(threads=1, per_workspace=1, batch=1))  # one by one: posts in claim order
    slack.wait_for(lambda: statuses(sessions, ids) == ["posted"] * len(ids), 20)

    calls = posts(slack, channels)
    order = [team_of[c.params["channel"]] for c in calls]
    assert len(order) == len(places)
    second_of_big = [i for i, t in enumerate(order) if t == big][1]
    last_small = max(i for i, t in enumerate(order) if t != big)
    assert last_small < second_of_big, [(t == big, c.at) for t, c in zip(order, calls, strict=True)]


def test_a_stop_gives_back_what_was_not_handed_to_slack(
    start, slack: FakeSlack, sessions: sessionmaker[Session], engine: Engine
) -> None:
    team = slack_id("T")
    channel = slack_id("C")
    ids = add_missed(sessions, [(team, channel)] * 4)  # one channel: one post a second
    runner = start(Limits(threads=8, per_workspace=4))
    slack.wait_for(lambda: posts(slack, {channel}), 10)
    runner.stop()
    found = sorted(statuses(sessions, ids))
    assert len(posts(slack, {channel})) == found.count("posted") < 4
    assert set(found) <= {"posted", "due"} and "due" in found, found  # nothing left claimed
    with sessions.begin() as session:  # no later scheduler of this database posts the rest
        session.execute(update(Schedule).where(Schedule.id.in_(ids)).values(deleted=True))
        session.execute(delete(Occurrence).where(Occurrence.status == "due"))
