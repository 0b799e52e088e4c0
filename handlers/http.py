"""The HTTP edge: what a request must be before Bolt sees it, and health.

`POST /slack/events`, in this order, before anything reads or parses the body:

1. a body over `MAX_BODY` gets 413 (waitress refuses it itself, before reading it, for a
   declared length and for chunked bodies alike; this layer checks again behind any server),
2. a request without a valid Slack signature on its raw bytes gets 401,
3. a signed body Bolt could not parse (not UTF-8, broken JSON, a payload that is not an
   object) gets 400.

Only then is it handed to Bolt. Refusals are logged at DEBUG, without the request.
`GET /healthz` says whether the process (and in its roles the scheduler or the Socket Mode
connection) is alive; `GET /readyz` whether the database answers. Both serve every role,
as does `GET /metrics` (a route app.run adds: bot/metrics.py).
The server itself is in handlers/server.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

from bot.runtime import Runtime
from handlers.telemetry import observed
from models.db import ping

log = logging.getLogger("nudgebot.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
# Slack's payloads are a few kilobytes; a modal with every field full stays far below this.
MAX_BODY = 1024 * 1024
MAX_AGE = 5 * 60  # seconds: an older signature may be a replay
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A health check: (healthy, one line saying what it saw).
Check = Callable[[], tuple[bool, str]]


class SlackApp(App):
    """The Bolt app, with the runtime its listeners share: the HTTP layer checks signatures
    with its settings, and a stopping process drains its pool."""

    def __init__(self, *, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Bolt's dispatch, counted and timed by command, its log lines named by a request
        id and the workspace (handlers/telemetry.py)."""
        return observed(req, super().dispatch)


# -- what Bolt and the Socket Mode client may log -------------------------------------------

TOKEN_UNUSED = "As you gave `client` as well, `token` will be unused."
_BODY = re.compile(r"body|payload|signature|[{\[]['\"]", re.IGNORECASE)


class QuietSlack(logging.Filter):
    """Keeps request and response bodies out of the log: Bolt logs a rejected request's
    body, an unhandled request's fields and Socket Mode answers at INFO and WARNING. Such a
    line keeps its first words only. Bolt's warning that the token it finds in the
    environment will be unused (we hand it a client with that token) is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == TOKEN_UNUSED:
            return False
        if _BODY.search(message):
            record.msg = message.split("(", 1)[0].split("\n", 1)[0].rstrip() + " (details withheld)"
            record.args = ()
        return True


QUIET = QuietSlack()


def bolt_logger() -> logging.Logger:
    """The base logger to give Bolt: Bolt copies its filters to every logger it makes, and
    the Socket Mode client logs through it."""
    logger = logging.getLogger("slack_bolt.App")
    if QUIET not in logger.filters:
        logger.addFilter(QUIET)
    return logger


# -- checking a request ------------------------------------------------------------------------


def signed(secret: bytes, body: bytes, timestamp: str, signature: str) -> bool:
    """Whether Slack signed these raw bytes, within the last five minutes (as
    slack_sdk.signature.SignatureVerifier checks, but on bytes: a signed body that is not
    UTF-8 is Slack's, and malformed, not forged). Headers of any shape give False, never an
    exception: a 400-digit timestamp, non-ASCII signature characters, `²`."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if not _SIGNATURE.fullmatch(signature) or abs(time.time() - int(timestamp)) > MAX_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    return hmac.compare_digest(
        "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest(), signature
    )


def malformed(body: bytes, content_type: str) -> str | None:
    """Why Bolt could not read this body (as its parser reads it), or None."""
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if not decoded:
        return None
    if content_type.split(";")[0].strip() == "application/json" or decoded.startswith("{"):
        return _unreadable(decoded)
    if "payload" in decoded:
        payload = dict(parse_qsl(decoded, keep_blank_values=True)).get("payload")
        if payload is not None:
            return _unreadable(payload)
    return None


# The fields of Slack's envelopes that Bolt reads before any listener, and the shape each
# must have: Bolt takes them on trust and fails with a 500 on, say, `"event": null`.
_OBJECTS = {"event": "type", "view": "type", "container": None, "message": None}
_LISTS = ("actions", "authorizations")


def _unreadable(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return "not JSON"
    if not isinstance(value, dict):
        return "not a JSON object"
    for name, key in _OBJECTS.items():
        field = value.get(name, {})
        if not isinstance(field, dict) or (name in value and key and key not in field):
            return f"{name} is not an object" + (f" with a {key}" if key else "")
    for name in _LISTS:
        items = value.get(name, [{}])
        if not (isinstance(items, list) and items and all(isinstance(i, dict) for i in items)):
            return f"{name} is not a list of objects"
    actions = value.get("actions", []) if value.get("type") == "block_actions" else []
    if not all(isinstance(action.get("action_id"), str) for action in actions):
        return "an action has no action_id"
    return None


# -- the WSGI app ------------------------------------------------------------------------------


def make_wsgi(
    app: App | None,
    *,
    signing_secret: str | None = None,
    alive: Sequence[Check] = (),
    ready: Callable[[], bool] | None = None,
    routes: Mapping[str, WSGIApp] | None = None,
) -> WSGIApp:
    """The WSGI app: `app` on /slack/events (None: a role that serves only health), GET
    /healthz (`alive` checks, all must pass), GET /readyz (`ready`, the database; by
    default the app's own), and `routes`: more paths, each served by a WSGI app of its own
    (GET /metrics; GET /slack/install and /slack/oauth_redirect with "Add to Slack")."""
    routes = dict(routes or {})
    runtime = app.runtime if isinstance(app, SlackApp) else None
    secret = signing_secret or (runtime.settings.signing_secret if runtime else None)
    # A plain Bolt App (benchmarks) carries its secret where Bolt keeps it.
    secret = secret or getattr(app, "_signing_secret", None)
    if app is not None and not secret:
        raise ValueError("serving Slack over HTTP needs the signing secret")
    key = (secret or "").encode()
    if ready is None and runtime is not None:
        engine = runtime.sessions.kw["bind"]
        ready = lambda: ping(engine)  # noqa: E731

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in (HEALTH_PATH, READY_PATH):
            if method not in ("GET", "HEAD"):
                return _answer(start_response, 405, "method not allowed")
            if path == HEALTH_PATH:
                return _health(start_response, alive)
            if ready is None:
                return _answer(start_response, 404, "not found")
            if ready():
                return _answer(start_response, 200, "ready")
            return _answer(start_response, 503, "not ready: the database did not answer")
        if path in routes:
            return routes[path](environ, start_response)
        if app is None or path != EVENTS_PATH or method != "POST":
            return _answer(start_response, 404, "not found")
        return _slack(app, key, environ, start_response)

    return wsgi


def _slack(
    app: App, secret: bytes, environ: dict[str, Any], start_response: Callable
) -> Iterable[bytes]:
    declared = environ.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()):
        return _refuse(start_response, 400, "bad Content-Length")
    if int(declared) > MAX_BODY:
        return _refuse(start_response, 413, "body too large")
    body = environ["wsgi.input"].read(int(declared)) if int(declared) else b""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    if not signed(secret, body, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE", "")):
        return _refuse(start_response, 401, "invalid request")
    content_type = environ.get("CONTENT_TYPE", "")
    problem = malformed(body, content_type)
    if problem is None:
        headers = WsgiHttpRequest(environ).get_headers()
        try:
            request = BoltRequest(
                body=body.decode(), query=environ.get("QUERY_STRING", ""), headers=headers
            )
            read_as_form(request)
        except Exception as err:  # a field of a shape Bolt did not expect
            problem = f"unreadable ({type(err).__name__})"
    if problem is not None:
        return _refuse(start_response, 400, f"malformed request body: {problem}")
    response = app.dispatch(request)
    payload = response.body.encode()
    pairs = [
        (name, value)
        for name, values in response.headers.items()
        if name.lower() != "content-length"
        for value in values
    ]
    start_response(_status(response.status), [*pairs, ("Content-Length", str(len(payload)))])
    return [payload]


def read_as_form(request: BoltRequest) -> None:
    """Bolt reads any form body with the word "payload" in it as an interaction, and finds
    none in `/kudos @ana for the payload docs`: read such a command as the form it is."""
    raw = request.raw_body
    if raw.startswith("{") or "payload" not in raw:
        return
    params = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" not in params and request.body != params:
        request.body = params
        request.context = build_context(BoltContext({}), params)


def _health(start_response: Callable, alive: Sequence[Check]) -> Iterable[bytes]:
    results = [check() for check in alive]
    lines = ["ok" if all(ok for ok, _ in results) else "unhealthy"]
    lines += [detail for _, detail in results]
    return _answer(start_response, 200 if lines[0] == "ok" else 503, "\n".join(lines))


def _refuse(start_response: Callable, status: int, why: str) -> Iterable[bytes]:
    log.debug("refused a request to %s: %s", EVENTS_PATH, why)
    return _answer(start_response, status, why.split(":")[0])


def _answer(start_response: Callable, status: int, text: str) -> Iterable[bytes]:
    payload = (text + "\n").encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload)))]
    start_response(_status(status), headers)
    return [payload]


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"
