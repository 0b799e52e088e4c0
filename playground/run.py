"""`python app.py playground [--port 3000] [--demo] [--reset]`: the real bot, its scheduler
and a Slack stand-in with a web page, on 127.0.0.1 only, without tokens or Slack.

The bot is built by the app's own `create_app` (passed in: this package never imports
app.py), talks to the stand-in's Web API over HTTP, and gets every click and command as a
request signed with this run's random secret at `/slack/events`. Its database is the SQLite
file `playground.db` in the working directory, never DATABASE_URL; the channels and
messages are kept beside it in `playground.json` (`--reset` deletes both first).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.client import make_client
from handlers.http import SlackApp
from handlers.http import make_wsgi as bot_wsgi
from handlers.server import HttpServer, on_signals
from models.db import make_engine, make_sessions
from models.migrate import MigrationError, upgrade
from playground import demo, saved
from playground.deliver import Deliver
from playground.web import Playground, make_wsgi
from playground.webapi import StandIn
from schedules import build_scheduler
from schedules.runner import PromptScheduler

log = logging.getLogger("nudgebot.playground")

DATABASE = "playground.db"
KEPT = Path(DATABASE).with_suffix(".json")  # the channels and messages, between runs
HOST = "127.0.0.1"  # never anything else: the playground has no authentication
STOP_SECONDS = 5.0


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py playground",
        description="Try nudgebot in your browser: the real bot against a Slack stand-in, "
        "on this machine only. No Slack app or tokens needed.",
    )
    parser.add_argument("--port", type=int, default=3000, help="port on 127.0.0.1 (3000)")
    parser.add_argument(
        "--demo", action="store_true", help="start with a small team's three weeks of activity"
    )
    parser.add_argument(
        "--reset", action="store_true", help=f"delete {DATABASE} and {KEPT} first: start afresh"
    )
    return parser.parse_args(argv)


def local_zone() -> str:
    """NUDGEBOT_TIMEZONE, else this machine's zone, else UTC: the team's zone here."""
    candidates = [os.environ.get("NUDGEBOT_TIMEZONE", "")]
    link = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in link:
        candidates.append(link.split("zoneinfo/", 1)[1])
    for name in candidates:
        try:
            if name and "/" in name:
                ZoneInfo(name)
                return name
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return "UTC"


@dataclass
class Running:
    """A playground built and ready: start it, stop it."""

    ws: StandIn
    play: Playground
    server: HttpServer
    scheduler: PromptScheduler
    rt: Runtime
    engine: Engine
    kept: Path  # where the channels and messages are saved when it stops

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.port}/"

    def start(self) -> None:
        self.server.start()
        self.scheduler.start()

    def stop(self) -> bool:
        """Stop serving, scheduling and working; True if the acked work all finished."""
        self.server.stop(STOP_SECONDS)
        self.scheduler.stop()
        finished = self.rt.drain(STOP_SECONDS)
        self.engine.dispose()
        self.ws.stop()
        saved.save(self.ws, self.kept)
        return finished


def build(
    create_app: Callable[..., SlackApp],
    *,
    port: int,
    database: Path,
    demo_data: bool = False,
    zone: str = "UTC",
) -> Running:
    """The bot, its scheduler, the stand-in and the page, not started. Raises
    MigrationError for a database it cannot migrate, OSError for a port it cannot take."""
    ws = StandIn(zone=zone)
    kept = database.with_suffix(".json")
    if database.exists() and saved.load(ws, kept):
        log.info("playground: channels and messages from %s", kept)
    ws.start()
    secret = secrets.token_hex(16)
    settings = Settings(
        bot_token="xoxb-playground",
        signing_secret=secret,
        api_url=ws.api_url,
        database_url=f"sqlite:///{database}",
        port=port,
        host=HOST,
        timezone=zone,
    )
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sessions = make_sessions(engine)
        client = make_client(settings)
        rt = Runtime(settings=settings, sessions=sessions)
        app = create_app(settings, sessions=sessions, client=client, rt=rt)
        scheduler = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
        where: list[HttpServer] = []
        events = lambda: f"http://{HOST}:{where[0].port}/slack/events"  # noqa: E731
        play = Playground(ws=ws, deliver=Deliver(ws, secret, events), ctx=scheduler.ctx)
        where.append(HttpServer(make_wsgi(play, bot_wsgi(app)), HOST, port))
    except BaseException:
        engine.dispose()
        ws.stop()
        raise
    if demo_data and not demo.seed(ws, scheduler.ctx, zone):
        log.warning("%s has data already: no demo added (use --reset --demo)", database)
    return Running(ws, play, where[0], scheduler, rt, engine, kept)


def main(argv: list[str], create_app: Callable[..., SlackApp]) -> int:
    """Run the playground until SIGINT or SIGTERM; the exit code."""
    args = arguments(argv)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a newcomer needs no migration log
    database = Path(DATABASE)
    if args.reset:
        for path in (database, Path(f"{DATABASE}-wal"), Path(f"{DATABASE}-shm"), KEPT):
            path.unlink(missing_ok=True)
    fresh = not database.exists()
    zone = local_zone()
    try:
        running = build(
            create_app, port=args.port, database=database, demo_data=args.demo, zone=zone
        )
    except MigrationError as err:
        return _fail(str(err))
    except OSError as err:
        return _fail(f"cannot listen on {HOST}:{args.port}: {err.strerror or err} (try --port)")
    stop = on_signals()
    running.start()
    print(f"\nnudgebot playground: open {running.url} in your browser (Ctrl+C stops it)")
    if fresh and not args.demo:
        print("For a team with three weeks of history: python app.py playground --reset --demo")
    print()
    log.info("playground: database %s, time zone %s", database.resolve(), zone)
    sys.stdout.flush()
    while not stop.wait(1):
        pass
    log.info("playground stopping")
    return 0 if running.stop() else 1


def _fail(message: str) -> int:
    print(f"nudgebot playground: {message}", file=sys.stderr, flush=True)
    return 2
