"""nudgebot entry point: load settings, build the app, run the chosen role until a signal.

python app.py              web and scheduler in one process
python app.py web          HTTP on $HOST:$PORT (or Socket Mode when SLACK_APP_TOKEN is set)
python app.py scheduler    scheduled posts only; with PostgreSQL, run as many as you like
python app.py playground   try it in a browser, no Slack or tokens (playground/run.py)

Every role serves GET /healthz and GET /readyz on $HOST:$PORT, and stops the same way on
SIGTERM or SIGINT: it takes no new work (and stops the scheduler), finishes what it acked
(at most `SHUTDOWN_SECONDS`), closes the database and exits 0.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import logs, metrics
from bot.help.usage import SETTINGS_HINT, USAGE
from bot.runtime import Runtime
from bot.settings import Settings, SettingsError, load_settings
from bot.slack.client import make_client
from bot.slack.installs import InstalledClients, build_clients
from bot.slack.rotate import main as rotate_keys
from handlers import actions, commands, events, habits, pilots, pulse, reflection, views
from handlers.common import attach_runtime, report_failure
from handlers.http import Check, SlackApp, bolt_logger, make_wsgi
from handlers.oauth import app_options, attach_installs, install_routes
from handlers.server import HttpServer, on_signals

if TYPE_CHECKING:
    from schedules.runner import PromptScheduler

__all__ = ["create_app", "main", "make_wsgi", "scheduler_health"]

log = logging.getLogger("nudgebot")

ROLES = ("all", "web", "scheduler")
SHUTDOWN_SECONDS = 20.0  # to finish acked work; keep container stop timeouts above this
SOCKET_GRACE_SECONDS = 120.0  # Socket Mode may be down this long before /healthz says so


def create_app(
    settings: Settings,
    *,
    sessions: sessionmaker[Session],
    client: WebClient | None = None,
    rt: Runtime | None = None,
    installs: InstalledClients | None = None,
) -> SlackApp:
    """Build the Bolt app with every listener registered. Nothing happens at import time.
    The runtime (`rt`, or a new one) is `app.runtime`. "Add to Slack": tokens from `installs`."""
    rt = rt or Runtime(settings=settings, sessions=sessions)
    if settings.oauth and installs is None:
        installs = build_clients(settings, sessions.kw["bind"])
    several = app_options(settings, rt, installs) if installs is not None else {}
    app = SlackApp(
        runtime=rt,
        name="nudgebot.slack",
        client=client or make_client(settings),
        signing_secret=settings.signing_secret,
        request_verification_enabled=not settings.socket_mode,
        # Listeners run on the request thread and hand slow work to the runtime's own pool
        # (handlers.common.later), so an ack never waits behind Slack or the database.
        process_before_response=True,
        logger=bolt_logger(),
        **several,
    )
    attach_runtime(app, rt)
    if installs is not None:
        attach_installs(app, installs)
    for surface in (commands, actions, views, events, habits, reflection, pulse, pilots):
        surface.register(app)

    @app.error
    def on_error(error: Exception, respond: Respond | None) -> None:
        report_failure(error, respond)

    return app


# -- health of each part -----------------------------------------------------------------------


def scheduler_health(scheduler: PromptScheduler) -> Check:
    """Healthy while the scheduler's sync loop runs and has finished a pass lately (as
    leader or follower); the detail says which, and how long ago."""
    stale = max(60.0, 6 * scheduler.poll_seconds)

    def check() -> tuple[bool, str]:
        last = scheduler.last_sync
        if not scheduler.running:
            return False, "scheduler: not running"
        if last is None:
            return False, "scheduler: running, not synced yet"
        role = "leader" if scheduler.leadership.is_leader else "follower"
        age = time.monotonic() - last
        return age <= stale, f"scheduler: {role}, synced {age:.0f} s ago"

    return check


def socket_health(client: Any) -> Check:
    """Healthy while the Socket Mode connection is up, or was within the grace period (it
    reconnects by itself)."""
    seen = [time.monotonic()]

    def check() -> tuple[bool, str]:
        now = time.monotonic()
        if client.is_connected():
            seen[0] = now
            return True, "socket mode: connected"
        down = now - seen[0]
        return down <= SOCKET_GRACE_SECONDS, f"socket mode: not connected for {down:.0f} s"

    return check


# -- running a role ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    from dotenv import find_dotenv, load_dotenv

    from models.db import make_engine, make_sessions
    from models.migrate import MigrationError, upgrade
    from schedules import build_scheduler

    load_dotenv(find_dotenv(usecwd=True))
    # Text or JSON lines (LOG_FORMAT; the settings refuse other values below).
    logs.setup(os.environ.get("LOG_FORMAT") or "text")
    if argv[:1] in (["-h"], ["--help"], ["help"]):
        print(USAGE)
        return 0
    if argv[:1] == ["playground"]:  # its own settings, database and Slack stand-in
        from playground.run import main as playground

        return playground(argv[1:], create_app)
    if argv == ["rotate-keys"]:  # seal every stored token again with the newest key
        return rotate_keys()
    role = argv[0] if argv else "all"
    if role not in ROLES or len(argv) > 1:
        return fail(
            f"unknown role {' '.join(argv)!r}: use web, scheduler, playground or nothing "
            "(both); `python app.py --help` says more"
        )
    stop = on_signals()
    try:
        settings = load_settings(role=role)
    except SettingsError as err:
        return fail(f"{err}. {SETTINGS_HINT}")
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        installs = build_clients(settings, engine, check=True) if settings.oauth else None
    except (MigrationError, SettingsError) as err:
        return fail(str(err))
    sessions = make_sessions(engine)
    client = make_client(settings)
    rt = Runtime(settings=settings, sessions=sessions)
    app = None
    # slack_sdk logs each retry of an unreachable Slack: the one line below says it all.
    sdk_log = logging.getLogger("slack_sdk")
    level = sdk_log.level
    sdk_log.setLevel(logging.CRITICAL)
    try:
        if role == "scheduler" and installs is None:
            client.auth_test()
        elif role != "scheduler":
            app = create_app(settings, sessions=sessions, client=client, rt=rt, installs=installs)
    except Exception as err:  # auth.test failed: a bad token or no route to Slack
        return fail(f"Slack did not accept SLACK_BOT_TOKEN or could not be reached: {why(err)}")
    finally:
        sdk_log.setLevel(level)
    scheduler = None
    if role in ("all", "scheduler"):
        scheduler = build_scheduler(
            settings, engine=engine, sessions=sessions, client=client, clients=installs
        )
    return run(settings, role, engine, rt, app, scheduler, stop)


def run(
    settings: Settings,
    role: str,
    engine: Engine,
    rt: Runtime,
    app: SlackApp | None,
    scheduler: PromptScheduler | None,
    stop: threading.Event,
) -> int:
    """Serve until `stop` is set, then stop in order; the exit code."""
    from models.db import ping

    checks: list[Check] = []
    socket = None
    if app is not None and settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket = SocketModeHandler(app, settings.app_token)
        checks.append(socket_health(socket.client))
    if scheduler is not None:
        checks.append(scheduler_health(scheduler))
    serves_slack = app is not None and socket is None
    metrics.watch_pool(engine)  # GET /metrics, every role: this process's counts and pool
    metrics.watch_items()
    routes = {metrics.METRICS_PATH: metrics.wsgi_app()}
    routes.update(install_routes(app if serves_slack else None))
    wsgi = make_wsgi(
        app if serves_slack else None, alive=checks, ready=lambda: ping(engine), routes=routes
    )
    where = f"{settings.host}:{settings.port}"
    try:
        http: HttpServer | None = HttpServer(wsgi, settings.host, settings.port)
    except OSError as err:
        if serves_slack:
            engine.dispose()
            return fail(f"cannot listen on {where} (HOST, PORT): {err.strerror or err}")
        # A scheduler or Socket Mode still works; only its health endpoint is missing.
        log.warning("not serving /healthz: cannot listen on %s (set PORT): %s", where, err)
        http = None
    if http is not None:
        http.start()
    if scheduler is not None:
        scheduler.start()
    code = 0
    if socket is not None:
        try:
            socket.connect()
        except Exception as err:
            log.error("Socket Mode could not connect: %s", why(err))
            stop.set()
            code = 2
    if serves_slack:
        log.info("nudgebot listening on http://%s/slack/events", where)
    elif scheduler is not None and role == "scheduler":
        log.info("nudgebot scheduler running")
    else:
        log.info("nudgebot running (%s)", "Socket Mode" if socket else role)
    while not stop.wait(1):
        pass
    return shut_down(engine, rt, http, socket, scheduler) or code


def shut_down(
    engine: Engine,
    rt: Runtime,
    http: HttpServer | None,
    socket: Any,
    scheduler: PromptScheduler | None,
) -> int:
    """Take no new work (Socket Mode, HTTP, the scheduler's runs), finish what was acked
    (bounded), close the database. 0, or 1 if acked work did not finish in time."""
    log.info("nudgebot stopping: finishing acked work (at most %.0f s)", SHUTDOWN_SECONDS)
    deadline = time.monotonic() + SHUTDOWN_SECONDS
    if socket is not None:
        socket.close()  # no new events; listeners in flight finish and ack
    if http is not None:
        http.stop(max(deadline - time.monotonic(), 1))  # requests in flight get their ack
    if scheduler is not None:
        scheduler.stop()  # no new runs; the runs in progress finish (the pool works on)
    finished = rt.drain(max(deadline - time.monotonic(), 0))
    engine.dispose()
    if not finished:
        log.error(
            "acked work did not finish within %.0f s: jobs waiting for a worker were dropped, "
            "%d still running",
            SHUTDOWN_SECONDS,
            rt.background.pending,
        )
        return 1
    log.info("nudgebot stopped")
    return 0


def why(err: Exception) -> str:
    """The first line of an error; Slack's error code for a Slack API error."""
    if isinstance(err, SlackApiError):
        return str(err.response.get("error") or err).strip().splitlines()[0]
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def fail(message: str) -> int:
    print(f"nudgebot: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
