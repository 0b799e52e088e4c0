"""Scheduler replicas sharing the posts: real `python app.py scheduler` processes on one
PostgreSQL schema against the fake Slack.

No minute boundary is waited for: the processes start with nothing due, then the test adds
schedules whose minute passed a minute ago (made two hours ago, so they are owed); the
leader's next sync writes them as due (its catch-up) and every replica claims a share. Each
process posts on a few threads (NUDGEBOT_POST_THREADS) and the fake answers slowly, so the
work outlasts the replicas' half-second look for due rows.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Occurrence, Schedule, Workspace
from tests import test_scheduler_processes as procs
from tests.driver import slack_id
from tests.fake_slack import FakeSlack
from tests.test_scheduler_processes import (
    Launcher,
    Scheduler,
    eventually,
    leader_of,
    posts_per_channel,
)

# The process tests' fixtures: a private migrated schema, its sessions, the fake Slack, and
# `python app.py scheduler` processes started against both.
database_url, sessions, fake, launch = procs.database_url, procs.sessions, procs.fake, procs.launch

pytestmark = pytest.mark.slow(seconds=40)


def add_missed(sessions: sessionmaker[Session], teams: int, per_team: int) -> list[str]:
    """`teams` x `per_team` schedules (one channel each) whose daily minute was a minute
    ago, made two hours ago: owed once. Their channels."""
    missed = (datetime.now(UTC) - timedelta(minutes=1)).replace(second=0, microsecond=0)
    made = datetime.now(UTC) - timedelta(hours=2)
    names = [slack_id("T") for _ in range(teams)]
    rows = [
        {
            "team_id": team,
            "channel_id": slack_id("C"),
            "kind": "prompt",
            "practice": "heart",
            "number": n + 1,
            "cron": f"{missed.minute} {missed.hour} * * *",
            "zone": "UTC",
            "created_by": slack_id("U"),
            "paused": False,
            "deleted": False,
            "created_at": made,
            "updated_at": made,
        }
        for team in names
        for n in range(per_team)
    ]
    with sessions.begin() as session:
        session.execute(insert(Workspace), [{"team_id": t} for t in names])
        session.execute(insert(Schedule), rows)
    return [r["channel_id"] for r in rows]


def rows_of(sessions: sessionmaker[Session], channels: list[str]) -> list[Occurrence]:
    with sessions() as session:
        return list(
            session.scalars(
                select(Occurrence)
                .join(Schedule, Schedule.id == Occurrence.schedule_id)
                .where(Schedule.channel_id.in_(channels))
            )
        )


def started(launch: Launcher, count: int, **env: str) -> list[Scheduler]:
    schedulers = [launch(**env) for _ in range(count)]
    for s in schedulers:
        s.wait_log("nudgebot scheduler running", 60)
    return schedulers


def by_process(rows: list[Occurrence], schedulers: list[Scheduler]) -> Counter[str]:
    return Counter(
        next((s.name for s in schedulers if (r.claimed_by or "").startswith(s.worker)), "?")
        for r in rows
    )


def test_replicas_share_the_posts_of_a_minute_each_posted_once(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    fake.delays["chat.postMessage"] = 0.3
    schedulers = started(launch, 3, NUDGEBOT_POST_THREADS="4")
    leader_of(schedulers, 15)
    channels = add_missed(sessions, teams=12, per_team=6)  # 72 posts

    def done() -> bool:
        rows = rows_of(sessions, channels)
        return len(rows) == len(channels) and all(r.status == "posted" for r in rows)

    eventually(done, 40, "every occurrence to be posted")
    time.sleep(1.5)  # room for a double to show up

    posts = posts_per_channel(fake)
    assert {c: posts[c] for c in channels if posts[c] != 1} == {}
    rows = rows_of(sessions, channels)
    assert len(rows) == len(channels) and all(r.message_ts for r in rows)
    shares = by_process(rows, schedulers)
    assert "?" not in shares and len(shares) == 3, shares  # every replica posted some
    print(f"shares: {dict(shares)}")


def test_a_replica_killed_mid_minute_loses_only_its_claims_and_none_is_doubled(
    launch: Launcher, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    fake.delays["chat.postMessage"] = 1.0
    schedulers = started(launch, 3, NUDGEBOT_POST_THREADS="4")
    leader = leader_of(schedulers, 15)
    victim = next(s for s in schedulers if s is not leader)
    channels = add_missed(sessions, teams=15, per_team=4)  # 60 posts, 5 s or more

    def victim_holds() -> bool:
        rows = rows_of(sessions, channels)
        return any(r.claimed_by.startswith(victim.worker) for r in rows if r.claimed_by)

    eventually(victim_holds, 20, "the victim to claim some")
    time.sleep(0.5)  # its posts are in flight (the fake answers after 1 s)
    victim.kill()
    at_kill = {r.id: r.status for r in rows_of(sessions, channels)}
    posts_at_kill = posts_per_channel(fake)

    def settled() -> bool:
        rows = rows_of(sessions, channels)
        return len(rows) == len(channels) and all(r.status in ("posted", "unknown") for r in rows)

    eventually(settled, 40, "every occurrence to be posted or reported")
    time.sleep(1.5)

    posts = posts_per_channel(fake)
    assert {c: posts[c] for c in channels if posts[c] > 1} == {}, "posted twice"
    rows = rows_of(sessions, channels)
    with sessions() as session:
        channel_of = dict(
            session.execute(
                select(Schedule.id, Schedule.channel_id).where(Schedule.channel_id.in_(channels))
            ).all()
        )
    unknown = [r for r in rows if r.status == "unknown"]
    assert unknown, "the victim's claims in flight were not reported"
    for r in unknown:  # only the victim's claims, never posted again after the kill
        assert r.claimed_by.startswith(victim.worker), r.claimed_by
        channel = channel_of[r.schedule_id]
        assert posts[channel] == posts_at_kill[channel] <= 1
    for r in rows:
        if r.status == "posted":
            assert posts[channel_of[r.schedule_id]] == 1 and r.message_ts
    survivors = [s for s in schedulers if s is not victim]
    late = [r for r in rows if at_kill.get(r.id, "due") == "due"]
    assert late and all(by_process([r], survivors)["?"] == 0 for r in late)
    assert "marked unknown" in leader.output()
    print(f"{len(unknown)} reported unknown, {len(late)} posted by the others after the kill")
