"""Retention, end to end: a signed `app_uninstalled` through the app stops the workspace and
starts its retention period; the daily purge, run by APScheduler as the scheduler runs it,
deletes the workspace whose period has passed and keeps the one still within it."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import service as scheduling
from bot.scheduling.when import parse_when
from bot.settings import Settings
from bot.slack.client import make_client
from models.tables import Workspace
from schedules import build_scheduler
from schedules.jobs import active_schedules
from schedules.purge_job import run_purge
from tests.driver import SlackDriver, slack_id
from tests.test_retention import departure, holding, leave, seed

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
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    settings = Settings(
        bot_token="xoxb-t", signing_secret="s", api_url="http://127.0.0.1:9/", retention_days=3
    )
    # Long before anything other tests write, so that only these workspaces are due.
    now = datetime(2002, 5, 10, 4, 0, tzinfo=UTC)
    runner = build_scheduler(
        settings, engine=engine, sessions=sessions, client=make_client(settings), now=lambda: now
    )
    ctx = runner.ctx
    assert ctx.retention_days == 3  # NUDGEBOT_RETENTION_DAYS reaches the job
    gone, within = slack_id("T"), slack_id("T")
    for team, left_at in ((gone, now - 3 * DAY - timedelta(minutes=1)), (within, now - 2 * DAY)):
        seed(sessions, team, left_at)
        leave(sessions, team, "app_uninstalled", left_at)
    kept = holding(engine, within)
    assert holding(engine, gone)

    ran: list[JobExecutionEvent] = []
    done = threading.Event()

    def seen(e: JobExecutionEvent) -> None:
        ran.append(e)
        done.set()

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        # As the scheduler registers it: once a day, the first run soon after start.
        scheduler.add_job(
            run_purge,
            "interval",
            days=1,
            args=[ctx],
            id="purge",
            next_run_time=datetime.now(UTC) + timedelta(milliseconds=300),
            coalesce=True,
            max_instances=1,
        )
        assert done.wait(10), "the purge job never ran"
        job = scheduler.get_job("purge")
        assert job is not None
        next_run = job.next_run_time - datetime.now(UTC)
        assert timedelta(hours=23) < next_run <= DAY  # and again tomorrow
    finally:
        scheduler.shutdown(wait=True)

    assert [e.exception for e in ran] == [None]
    assert [e.retval for e in ran] == [1]
    assert holding(engine, gone) == {}
    assert holding(engine, within) == kept
