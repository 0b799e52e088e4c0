"""The prompt scheduler with real APScheduler timing, a real database and the fake Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.prompts import responses
from bot.prompts import service as prompts
from bot.scheduling import service as scheduling
from bot.scheduling.when import When, occurrences_between, parse_when
from bot.settings import Settings
from bot.slack import workspaces
from bot.slack.client import make_client
from models.tables import Occurrence, Prompt, Schedule, Workspace
from schedules import build_scheduler
from schedules.leader import Leadership
from schedules.runner import PromptScheduler
from tests.driver import slack_id
from tests.fake_slack import FakeSlack, Scripted


def add(
    sessions: sessionmaker[Session],
    when: When,
    practice: str = "heart",
    age: timedelta = timedelta(hours=2),
) -> tuple[str, str, int]:
    """A schedule made `age` ago in a fresh workspace and channel."""
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as session:
        view = scheduling.add_schedule(
            session,
            team_id=team,
            channel_id=channel,
            user_id=slack_id("U"),
            practice=practice,
            when=when,
            now=datetime.now(UTC) - age,
        )
    return team, channel, view.id


def minutes_ago(n: int) -> When:
    moment = datetime.now(UTC) - timedelta(minutes=n)
    return When(f"{moment.minute} {moment.hour} * * *", "UTC")


@pytest.fixture
def start(slack: FakeSlack, engine: Engine, sessions: sessionmaker[Session]) -> Iterator[object]:
    running: list[PromptScheduler] = []

    def go(grace: int = 3600, api_url: str | None = None) -> PromptScheduler:
        settings = Settings(
            bot_token="xoxb-t",
            signing_secret="s",
            api_url=api_url or slack.api_url,
            misfire_grace_seconds=grace,
        )
        runner = build_scheduler(
            settings,
            engine=engine,
            sessions=sessions,
            client=make_client(settings),
            poll_seconds=0.2,
        )
        runner.start()
        running.append(runner)
        return runner

    yield go
    for runner in running:
        runner.stop()


def posts_to(slack: FakeSlack, channel: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def test_missed_occurrence_within_grace_posts_once_through_restarts(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    team, channel, schedule_id = add(sessions, minutes_ago(3))
    first = start()
    slack.wait_for(lambda: status_of(sessions, schedule_id) == "posted")
    first.stop()
    start()  # a restart: the same occurrence is claimed already
    start()  # and a second replica at the same time
    time.sleep(1.0)
    assert len(posts_to(slack, channel)) == 1
    with sessions() as session:
        occ = session.scalars(select(Occurrence).where(Occurrence.schedule_id == schedule_id)).one()
        prompt = session.scalars(select(Prompt).where(Prompt.team_id == team)).one()
    assert occ.status == "posted" and occ.message_ts == prompt.message_ts
    assert prompt.schedule_id == schedule_id and prompt.practice == "heart"


def test_missed_occurrence_beyond_grace_is_skipped(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, channel, schedule_id = add(sessions, minutes_ago(5))
    start(grace=60)
    time.sleep(1.0)
    assert posts_to(slack, channel) == []
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Occurrence)
                .where(Occurrence.schedule_id == schedule_id)
            )
            == 0
        )


def test_new_schedule_does_not_post_what_was_due_before_it_existed(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, channel, _ = add(sessions, minutes_ago(3), age=timedelta(0))
    start()
    time.sleep(1.0)
    assert posts_to(slack, channel) == []


def test_vision_schedule_shows_the_vision_or_asks_for_one(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, channel, _ = add(sessions, minutes_ago(2), practice="vision")
    start()
    call = slack.wait_for(lambda: posts_to(slack, channel))[0]
    blocks = call.params["blocks"]
    text = json.dumps(blocks if not isinstance(blocks, str) else json.loads(blocks))
    assert "no published vision yet" in text and "/vision set" in text


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived", "not_in_channel"])
def test_channel_errors_pause_the_schedule_and_tell_its_creator(
    start, slack: FakeSlack, sessions: sessionmaker[Session], error: str
) -> None:
    _, channel, schedule_id = add(sessions, minutes_ago(2))
    with sessions() as session:
        row = session.get(Schedule, schedule_id)
        creator, number = row.created_by, row.number or row.id  # the number people see
    # Only this channel's post fails: schedules other tests left behind post normally.
    slack.fail("chat.postMessage", error, channel=channel)
    start()
    # Generous under a loaded machine: the scheduler starts, catches up, fails, then DMs.
    dm = slack.wait_for(lambda: posts_to(slack, creator), 20)[0]
    slack.wait_for(lambda: status_of(sessions, schedule_id) == "failed")
    assert f"schedule resume {number}" in dm.params["text"] + json.dumps(dm.params["blocks"])
    with sessions() as session:
        row = session.get(Schedule, schedule_id)
        occ = session.scalars(select(Occurrence).where(Occurrence.schedule_id == schedule_id)).one()
    assert row.paused and row.paused_reason == error
    assert (occ.status, occ.detail) == ("failed", error)


def test_revoked_token_stops_the_workspace(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    team, channel, schedule_id = add(sessions, minutes_ago(2))
    slack.fail("chat.postMessage", "token_revoked", channel=channel)
    runner = start()
    slack.wait_for(lambda: posts_to(slack, channel))
    slack.wait_for(lambda: runner.scheduler.get_job(f"schedule:{schedule_id}") is None, 5)
    with sessions() as session:
        assert session.get(Workspace, team).inactive_reason == "token_revoked"


def test_rate_limited_post_waits_and_succeeds(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, channel, schedule_id = add(sessions, minutes_ago(2))
    slack.rate_limit("chat.postMessage", retry_after=1, channel=channel)
    start()
    posts = slack.wait_for(lambda: len(posts_to(slack, channel)) >= 2 and posts_to(slack, channel))
    assert posts[1].at - posts[0].at >= 0.9  # honoured Retry-After
    assert slack.wait_for(lambda: status_of(sessions, schedule_id) == "posted")


def status_of(sessions: sessionmaker[Session], schedule_id: int) -> str | None:
    with sessions() as session:
        return session.scalar(
            select(Occurrence.status).where(Occurrence.schedule_id == schedule_id)
        )


@pytest.mark.slow(seconds=30)
def test_a_due_occurrence_fires_on_time(
    start, slack: FakeSlack, sessions: sessionmaker[Session], engine: Engine
) -> None:
    """Real APScheduler timing: a schedule for the coming minute posts at that minute.
    (On PostgreSQL, tests/test_scheduler_processes.py waits for real minutes already.)"""
    if engine.dialect.name != "sqlite":
        pytest.skip("covered on PostgreSQL by the multi-process tests")
    now = datetime.now(UTC)
    if now.second > 50:  # leave the sync time to see the job before it is due
        time.sleep(61 - now.second)
        now = datetime.now(UTC)
    due = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    _, channel, _ = add(sessions, When(f"{due.minute} {due.hour} * * *", "UTC"))
    start()
    call = slack.wait_for(lambda: posts_to(slack, channel), timeout=75)[0]
    assert 0 <= call.at - time.monotonic() + (datetime.now(UTC) - due).total_seconds() < 5


def test_schedule_changes_reach_a_running_scheduler(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    runner = start()
    _, _, schedule_id = add(sessions, parse_when("weekly mon 09:00 tz Europe/Berlin", "UTC"))
    slack.wait_for(lambda: runner.scheduler.get_job(f"schedule:{schedule_id}"), 5)
    with sessions.begin() as session:
        row = session.get(Schedule, schedule_id)
        row.paused, row.updated_at = True, datetime.now(UTC)
    slack.wait_for(lambda: runner.scheduler.get_job(f"schedule:{schedule_id}") is None, 5)


@pytest.mark.parametrize(
    ("when", "start", "expected_utc"),
    [
        # Berlin springs forward on 2026-03-29: 09:00 local is 08:00 UTC before, 07:00 after.
        ("daily 09:00 tz Europe/Berlin", "2026-03-27", ["08:00", "08:00", "07:00", "07:00"]),
        # and falls back on 2026-10-25: 07:00 UTC before, 08:00 after.
        ("daily 09:00 tz Europe/Berlin", "2026-10-23", ["07:00", "07:00", "08:00", "08:00"]),
        # New York: 2026-03-08 and 2026-11-01.
        ("daily 09:00 tz America/New_York", "2026-03-06", ["14:00", "14:00", "13:00", "13:00"]),
        ("daily 09:00 tz America/New_York", "2026-10-30", ["13:00", "13:00", "14:00", "14:00"]),
    ],
)
def test_wall_clock_time_holds_across_dst(when: str, start: str, expected_utc: list[str]) -> None:
    begin = datetime.fromisoformat(start).replace(tzinfo=UTC)
    found = occurrences_between(parse_when(when, "UTC"), begin, begin + timedelta(days=4))
    assert [f"{o.astimezone(UTC):%H:%M}" for o in found] == expected_utc
    assert {f"{o:%H:%M}" for o in found} == {"09:00"}


def test_berlin_gap_hour_posts_once() -> None:
    """02:30 does not exist in Berlin on 2026-03-29: that day still gets exactly one run."""
    begin = datetime(2026, 3, 28, tzinfo=UTC)
    found = occurrences_between(
        parse_when("daily 02:30 tz Europe/Berlin", "UTC"), begin, begin + timedelta(days=3)
    )
    assert [o.day for o in found] == [28, 29, 30]


def test_only_one_postgres_scheduler_leads(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("leadership is a PostgreSQL advisory lock")
    first, second = Leadership(engine), Leadership(engine)
    try:
        assert first.try_lead() is True
        assert second.try_lead() is False
        assert first.try_lead() is True  # stays leader
        first.release()
        assert second.try_lead() is True
        assert first.try_lead() is False
    finally:
        first.release()
        second.release()


def test_server_errors_are_retried(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, channel, schedule_id = add(sessions, minutes_ago(2))
    slack.script(
        "chat.postMessage",
        Scripted(status=503, body={"ok": False, "error": "fatal"}, channel=channel),
    )
    start()
    assert slack.wait_for(lambda: status_of(sessions, schedule_id) == "posted")
    assert len(posts_to(slack, channel)) == 2  # the 503, then the retry that worked


def test_unreachable_slack_marks_the_occurrence_and_keeps_running(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    _, _, schedule_id = add(sessions, minutes_ago(2))
    dead = FakeSlack().start()
    url = dead.api_url
    dead.stop()  # nothing listens there any more: connection refused
    runner = start(api_url=url)
    assert slack.wait_for(lambda: status_of(sessions, schedule_id) == "failed", timeout=20)
    with sessions() as session:
        occ = session.scalars(select(Occurrence).where(Occurrence.schedule_id == schedule_id)).one()
        assert occ.detail.startswith("unreachable")
        assert not session.get(Schedule, schedule_id).paused  # a passing fault, not a pause
    assert runner.scheduler.running and runner.scheduler.get_job(f"schedule:{schedule_id}")


def test_rotate_picks_the_quietest_practice_then_the_one_longest_without_anything(
    sessions: sessionmaker[Session],
) -> None:
    """Rotate follows progress's "needs attention": the quietest practice; among equals, the
    one longest without anything done or prompted; then the catalogue's order."""
    team, channel = slack_id("T"), slack_id("C")
    now = datetime.now(UTC)

    def log(kind: str, at: datetime) -> None:
        responses.log_response(
            session,
            team_id=team,
            channel_id=channel,
            user_id="U1",
            kind=kind,
            text="x",
            source="command",
            now=at,
        )

    def prompt(key: str, at: datetime) -> None:
        prompts.record_prompt(
            session,
            team_id=team,
            channel_id=channel,
            prompt_key=f"{key}.{catalogue.practice(key).commitments[0].key}.1",
            message_ts=None,
            posted_by=None,
            now=at,
        )

    def rotate() -> str:
        return prompts.rotate_practice(session, team_id=team, channel_id=channel, now=now)

    with sessions.begin() as session:
        for kind in ("hope", "goal", "pilot", "reflection"):  # vision, enable, challenge, model
            log(kind, now - timedelta(hours=3))
        assert rotate() == "heart"
        log("win", now - timedelta(hours=3))
        # All tied at one: prompting three of them makes the other two the longest without.
        for minutes, key in enumerate(("model", "vision", "challenge")):
            prompt(key, now - timedelta(hours=2) + timedelta(minutes=minutes))
        assert rotate() == "enable"  # tied with heart since 3 hours ago: catalogue order
        prompt("enable", now - timedelta(hours=1))
        prompt("heart", now - timedelta(minutes=59))
        # Everyone prompted: the one prompted longest ago (model) is next.
        assert rotate() == "model"


def test_a_channel_never_sees_the_same_prompt_twice_in_a_row(
    sessions: sessionmaker[Session],
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    last = None
    with sessions.begin() as session:
        for _ in range(30):
            _, item = prompts.choose_prompt(
                session, team_id=team, channel_id=channel, practice="vision"
            )
            assert item.key != last
            prompts.record_prompt(
                session,
                team_id=team,
                channel_id=channel,
                prompt_key=item.key,
                message_ts=None,
                posted_by=None,
                now=datetime.now(UTC),
            )
            last = item.key


def test_a_working_token_resumes_a_stopped_workspace(
    start, slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    team, _, schedule_id = add(sessions, parse_when("daily 09:00", "UTC"))
    with sessions.begin() as session:
        workspaces.deactivate(session, team_id=team, reason="token_revoked", now=datetime.now(UTC))
    slack.team_id = team  # auth.test now answers for this workspace: the token works
    runner = start()
    slack.wait_for(lambda: runner.scheduler.get_job(f"schedule:{schedule_id}"), 5)
    with sessions() as session:
        assert session.get(Workspace, team).inactive_reason is None
