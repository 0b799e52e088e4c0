"""nudgebot entry point: load settings, build the app, start the chosen role.

python app.py              web and scheduler in one process
python app.py web          HTTP on $PORT (or Socket Mode when SLACK_APP_TOKEN is set)
python app.py scheduler    scheduled posts only; with PostgreSQL, run as many as you like
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.settings import Settings, SettingsError, load_settings
from bot.slack.client import make_client
from handlers import actions, commands, events, views
from handlers.common import attach_runtime, report_failure

log = logging.getLogger("nudgebot")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def create_app(
    settings: Settings, *, sessions: sessionmaker[Session], client: WebClient | None = None
) -> App:
    """Build the Bolt app with every listener registered. Nothing happens at import time."""
    app = App(
        client=client or make_client(settings),
        signing_secret=settings.signing_secret,
        request_verification_enabled=not settings.socket_mode,
        # Listeners run on the request thread and hand slow work to the runtime's own pool
        # (handlers.common.later), so an ack never waits behind Slack or the database.
        process_before_response=True,
    )
    attach_runtime(app, Runtime(settings=settings, sessions=sessions))
    for surface in (commands, actions, views, events):
        surface.register(app)

    @app.error
    def on_error(error: Exception, respond: Respond | None) -> None:
        report_failure(error, respond)

    return app


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App) -> WSGIApp:
    """Bolt's WSGI handler for /slack/events, plus GET /healthz for load balancers."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if stamp and not (stamp.isascii() and stamp.isdigit()):
            # Bolt would fail on int(); a malformed signature header is simply unauthorised.
            start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"invalid request\n"]
        return slack(environ, start_response)  # type: ignore[arg-type]

    return wsgi


def serve_http(app: App, port: int, host: str = "0.0.0.0") -> None:
    """Serve on waitress (a production WSGI server) until SIGTERM or SIGINT."""
    from waitress.server import create_server

    server = create_server(make_wsgi(app), host=host, port=port, threads=16, ident="nudgebot")

    def stop(_signum: int, _frame: Any) -> None:
        # waitress.run() treats SystemExit as "finish in-flight requests, then return".
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("nudgebot listening on http://%s:%s%s", host, port, EVENTS_PATH)
    server.run()
    log.info("nudgebot stopped")


ROLES = ("all", "web", "scheduler")


def main(argv: list[str]) -> int:
    from dotenv import find_dotenv, load_dotenv

    from models.db import make_engine, make_sessions
    from models.migrate import upgrade
    from schedules import build_scheduler

    load_dotenv(find_dotenv(usecwd=True))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # APScheduler logs every job added and run at INFO: 10,000 lines for 10,000 schedules.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    role = argv[0] if argv else "all"
    if role not in ROLES or len(argv) > 1:
        print(
            f"nudgebot: unknown role {' '.join(argv)!r}: use web, scheduler or nothing (both)",
            file=sys.stderr,
        )
        return 2
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"nudgebot: {err}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except Exception as err:  # one line, not a traceback: the operator must fix the URL
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        print(
            f"nudgebot: cannot open the database at DATABASE_URL={where}: {reason} "
            "(check the URL and that the database server is running)",
            file=sys.stderr,
        )
        return 2
    sessions = make_sessions(engine)
    client = make_client(settings)
    try:
        app = create_app(settings, sessions=sessions, client=client)
    except Exception as err:  # auth.test failed: a bad token or no route to Slack
        reason = str(err).strip().splitlines()[0]
        print(
            f"nudgebot: Slack did not accept SLACK_BOT_TOKEN or could not be reached: {reason}",
            file=sys.stderr,
        )
        return 2
    scheduler = None
    if role in ("all", "scheduler"):
        scheduler = build_scheduler(settings, engine=engine, sessions=sessions, client=client)
        scheduler.start()
    try:
        if role == "scheduler":
            wait_for_signal()
        elif settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.app_token).start()
        else:
            serve_http(app, settings.port)
    finally:
        if scheduler is not None:
            scheduler.stop()
        engine.dispose()
    return 0


def wait_for_signal() -> None:
    """Block until SIGTERM or SIGINT (the scheduler role has no server to run)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("nudgebot scheduler running")
    stop.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
