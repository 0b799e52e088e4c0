"""The playground's web server: the page (playground/static/), its small JSON API, the files
the bot uploaded, and, on the same port, the bot itself (`/slack/events`, `/healthz`).

The page's API, all JSON, for the person `as`:

    GET  /play/api/state?as=U&channel=C&since=N   what they see (just the version if unchanged)
    POST /play/api/send    {as, channel, text, thread_ts?}   a slash command or a message
    POST /play/api/click   {as, action, channel?, message_ts?, view_id?}   a button or select
    POST /play/api/submit  {as, view_id, values}   a modal submitted
    POST /play/api/close   {as, view_id}           a modal closed
    POST /play/api/home    {as}                    App Home opened
    POST /play/api/next    {}                      the next scheduled item, now

POSTs must carry `X-Playground: 1` (a page elsewhere cannot send that to this server
without asking first), and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from playground import clock, snapshot, surfaces
from playground.deliver import Deliver
from playground.webapi import StandIn
from schedules.context import JobContext

log = logging.getLogger("nudgebot.playground")

STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
ACTIONS = ("next", "send", "click", "submit", "close", "home")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Playground:
    """What the page's API works with: the workspace, the way to the bot, the scheduler's
    job context (for "run it now")."""

    ws: StandIn
    deliver: Deliver
    ctx: JobContext

    def next_due(self) -> clock.Due | None:
        return clock.next_due(self.ctx.sessions, self.ctx.now(), self._channel_name)

    def _channel_name(self, cid: str) -> str:
        channel = self.ws.channels.get(cid)
        return channel["name"] if channel else cid


class Refused(Exception):
    """A request the API does not take: (HTTP status, why)."""


def _due(play: Playground) -> dict[str, Any] | None:
    due = play.next_due()
    if due is None:
        return None
    return {"kind": due.kind, "what": due.what, "at": int(due.at.timestamp())}


def state(play: Playground, query: dict[str, str]) -> dict[str, Any]:
    user = _person(play, query.get("as"))
    if query.get("since") == str(play.ws.version):
        return {"version": play.ws.version}
    shown = snapshot.snapshot(play.ws, user, query.get("channel"))
    return {**shown, "next": _due(play)}


def _person(play: Playground, user: Any) -> str:
    if not isinstance(user, str) or user not in play.ws.people:
        raise Refused(400, "choose someone to be (as)")
    return user


def _channel(play: Playground, user: str, channel: Any) -> str:
    found = play.ws.channels.get(channel) if isinstance(channel, str) else None
    if found is None or user not in found["members"]:
        raise Refused(400, "no such channel for this person")
    return str(channel)


def _done(problem: str | None) -> dict[str, Any]:
    return {"ok": problem is None, **({"error": problem} if problem else {})}


def act(play: Playground, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """One POST of the page's API."""
    if path not in ACTIONS:
        raise Refused(404, "not found")
    if path == "next":
        due = play.next_due()
        if due is None:
            return {"ok": False, "error": "Nothing is scheduled. Try /nudge schedule add."}
        did = clock.run_due(play.ctx, due)
        log.info("playground: ran %s now: %s", due.what, did)
        return {"ok": True, "ran": due.what, "result": did}
    user = _person(play, body.get("as"))
    deliver = play.deliver
    if path == "send":
        channel = _channel(play, user, body.get("channel"))
        text = str(body.get("text") or "").strip()
        thread = body.get("thread_ts") or None
        if text.startswith("/") and not thread:
            return _done(deliver.command(user, channel, text))
        return _done(deliver.message(user, channel, text, thread))
    if path == "click":
        action = body.get("action")
        if not isinstance(action, dict) or not action.get("action_id"):
            raise Refused(400, "an action needs its action_id")
        if body.get("view_id"):
            return _done(deliver.click(user, action, view_id=str(body["view_id"])))
        channel = _channel(play, user, body.get("channel"))
        return _done(deliver.click(user, action, channel, str(body.get("message_ts") or "")))
    if path == "submit":
        values = body.get("values")
        if not isinstance(values, dict):
            raise Refused(400, "a submission needs its values")
        answer = deliver.submit(user, str(body.get("view_id") or ""), values)
        if isinstance(answer, str):
            return _done(answer)
        return {"ok": True, "errors": answer}
    if path == "close":
        surfaces.close_modal(play.ws, user, str(body.get("view_id") or "") or None)
        return {"ok": True}
    return _done(deliver.home_opened(user))


def make_wsgi(play: Playground, bot: WSGIApp) -> WSGIApp:
    """The page, its API and its files; everything else goes to the bot's own WSGI app."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path in ("/", "/index.html") or path.startswith("/static/"):
                return _static(start_response, path.rsplit("/", 1)[-1] or "index.html")
            if path.startswith("/play/files/"):
                return _file(play, start_response, path.rsplit("/", 1)[-1])
            if path == "/play/api/state" and method == "GET":
                query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
                return _json(start_response, 200, state(play, query))
            if path.startswith("/play/api/") and method == "POST":
                body = _read(environ)
                return _json(start_response, 200, act(play, path.rsplit("/", 1)[-1], body))
            if path.startswith("/play/"):
                raise Refused(404, "not found")
        except Refused as refused:
            status, why = refused.args
            return _json(start_response, status, {"ok": False, "error": why})
        return bot(environ, start_response)

    return wsgi


def _read(environ: dict[str, Any]) -> dict[str, Any]:
    if environ.get("HTTP_X_PLAYGROUND") != "1":
        raise Refused(403, "the page's requests carry X-Playground: 1")
    length = environ.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        raise Refused(413, "too large")
    try:
        body = json.loads(environ["wsgi.input"].read(int(length)) or b"{}")
    except ValueError:
        raise Refused(400, "not JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "not a JSON object")
    return body


def _static(start_response: Callable[..., Any], name: str) -> Iterable[bytes]:
    found = STATIC / name
    if name not in {p.name for p in STATIC.iterdir()} or found.suffix not in TYPES:
        raise Refused(404, "not found")
    data = found.read_bytes()
    kind = TYPES[found.suffix] + ("; charset=utf-8" if found.suffix != ".png" else "")
    return _send(start_response, 200, kind, data, cache="no-cache")


def _file(play: Playground, start_response: Callable[..., Any], file_id: str) -> Iterable[bytes]:
    found = play.ws.files.get(file_id)
    if found is None or found["data"] is None:
        raise Refused(404, "no such file")
    return _send(start_response, 200, found["mimetype"], found["data"])


def _json(start_response: Callable[..., Any], status: int, body: Any) -> Iterable[bytes]:
    data = json.dumps(body, default=_default).encode()
    return _send(start_response, status, "application/json", data, cache="no-store")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value).__name__)


def _send(
    start_response: Callable[..., Any], status: int, kind: str, data: bytes, cache: str = ""
) -> Iterable[bytes]:
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "")
    headers = [("Content-Type", kind), ("Content-Length", str(len(data)))]
    headers += [("Cache-Control", cache)] if cache else []
    headers.append(("X-Content-Type-Options", "nosniff"))
    start_response(f"{status} {reason or 'Error'}", headers)
    return [data]
