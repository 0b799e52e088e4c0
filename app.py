"""nudgebot entry point: load settings, build the app, serve it.

python app.py          HTTP on $PORT (or Socket Mode when SLACK_APP_TOKEN is set)
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.settings import Settings, SettingsError, load_settings
from bot.slack import make_client
from handlers import actions, commands, views

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
        process_before_response=False,
    )
    rt = Runtime(settings=settings, sessions=sessions)
    for module in (commands, actions, views):
        module.register(app, rt)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
        log.error("listener failed: %s", error, exc_info=error)
        if respond is not None and body.get("response_url"):
            try:
                respond(
                    response_type="ephemeral",
                    replace_original=False,
                    text=":warning: Sorry, something went wrong on my side and nothing was "
                    "saved. Please try again in a minute.",
                )
            except Exception:  # the ephemeral apology is best effort
                log.warning("could not tell the user about the failure", exc_info=True)

    return app


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App) -> WSGIApp:
    """Bolt's WSGI handler for /slack/events, plus GET /healthz for load balancers."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
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


def main(argv: list[str]) -> int:
    from dotenv import find_dotenv, load_dotenv

    from models.db import make_engine, make_sessions
    from models.migrate import upgrade

    load_dotenv(find_dotenv(usecwd=True))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
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
    try:
        app = create_app(settings, sessions=make_sessions(engine))
    except Exception as err:  # auth.test failed: a bad token or no route to Slack
        reason = str(err).strip().splitlines()[0]
        print(
            f"nudgebot: Slack did not accept SLACK_BOT_TOKEN or could not be reached: {reason}",
            file=sys.stderr,
        )
        return 2
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app, settings.app_token).start()
    else:
        serve_http(app, settings.port)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
