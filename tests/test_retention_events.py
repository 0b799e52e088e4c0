"""Retention, end to end: a signed `app_uninstalled` through the app stops the workspace and
starts its retention period; the scheduler's daily purge (APScheduler, leader only) deletes
the workspace whose period has passed and keeps the one still within it."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import service as scheduling
from bot.scheduling.when import parse_when
from bot.settings import Settings
from bot.slack.client import make_client
from models.tables import Statement, Workspace
from schedules import build_scheduler
from schedules.jobs import active_schedules
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.test_retention import departure, holding, leave

DAY = timedelta(days=1)


def event(bot: SlackDriver, payload: dict[str, object]) -> int:
    body = {
        "team_id": bot.team,
        "api_app_id": "A0NUDGE",
        "type": "event_callback",
        "event_id": slack_id("Ev"),
        "event_time": 1700000000,
        "event": payload,
    }
    return bot.post(json.dumps(body).encode(), content_type="application/json").status


def stopped(sessions: sessionmaker[Session], team: str) -> str | None:
    with sessions() as s:
        row = s.get(Workspace, team)
        return None if row is None else row.inactive_reason


def test_an_uninstall_stops_the_workspace_and_starts_its_retention(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as s:
        view = scheduling.add_schedule(
            s,
            team_id=bot.team,
            channel_id=bot.channel,
            user_id=bot.user,
            practice="heart",
            when=parse_when("daily 09:00", "UTC"),
            now=datetime.now(UTC),
        )
    with sessions() as s:
        assert view.id in {row[0] for row in active_schedules(s)}
    before = datetime.now(UTC)

    assert event(bot, {"type": "app_uninstalled"}) == 200
    left = bot.slack.wait_for(lambda: departure(sessions, bot.team))
    assert left[1] == "app_uninstalled"
    assert stopped(sessions, bot.team) == "app_uninstalled"
    assert before - timedelta(seconds=1) <= left[0] <= datetime.now(UTC)
    with sessions() as s:
        assert view.id not in {row[0] for row in active_schedules(s)}

    # The tokens revoked afterwards stop nothing more and don't restart the clock.
    assert event(bot, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}) == 200
    bot.slack.wait_for(lambda: stopped(sessions, bot.team) == "token_revoked")
    assert departure(sessions, bot.team) == left


def test_the_daily_job_purges_under_the_scheduler(
    engine: Engine, sessions: sessionmaker[Session], slack: FakeSlack
) -> None:
    """The scheduler's own daily job (leader only), brought forward to now."""
    settings = Settings(
        bot_token="xoxb-t", signing_secret="s", api_url=slack.api_url, retention_days=3
    )
    now = datetime.now(UTC)
    gone, within = slack_id("T"), slack_id("T")
    for team, left_at in ((gone, now - 3 * DAY - timedelta(minutes=1)), (within, now - 2 * DAY)):
        leave(sessions, team, "app_uninstalled", left_at)
        with sessions.begin() as s:
            s.add(Statement(team_id=team, kind="vision", text="a vision", author_id=slack_id("U")))
    kept = holding(engine, within)
    assert set(holding(engine, gone)) == {"workspaces", "statements", "workspace_departures"}

    runner = build_scheduler(
        settings,
        engine=engine,
        sessions=sessions,
        client=make_client(settings),
        poll_seconds=0.2,
    )
    assert runner.ctx.retention_days == 3  # NUDGEBOT_RETENTION_DAYS reaches the job
    ran: list[JobExecutionEvent] = []
    done = threading.Event()

    def seen(e: JobExecutionEvent) -> None:
        if e.job_id == "purge":
            ran.append(e)
            done.set()

    runner.scheduler.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    runner.start()
    try:
        slack.wait_for(lambda: runner.leadership.is_leader, 10)
        job = runner.scheduler.get_job("purge")
        assert job is not None, "the scheduler has no daily purge"
        first = job.next_run_time
        assert timedelta(0) < first - datetime.now(UTC) <= DAY  # once a day
        job.modify(next_run_time=datetime.now(UTC) + timedelta(milliseconds=200))
        assert done.wait(10), "the purge job never ran"
        assert runner.scheduler.get_job("purge").next_run_time == first  # and again tomorrow
    finally:
        runner.stop()

    assert [e.exception for e in ran] == [None]
    assert holding(engine, gone) == {}
    assert holding(engine, within) == kept
