"""A fake Slack Web API server on 127.0.0.1 for tests, benchmarks and the playground.

It records every call, answers the methods nudgebot uses with plausible bodies, serves
`response_url` posts, and can be told to fail (a Slack error, an HTTP status, a 429 with
Retry-After, a delay), response_urls too: a scripted answer that is not a 2xx records
nothing in `responses`, as Slack shows nothing; `response_attempts` counts every post.
The playground's workspace (playground/workspace.py) extends it; this one stays small and fast.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from playground.fake_oauth import FakeOAuth

_RESPONSE = "response/"  # response_url posts' scripts, kept with the methods' under it


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Scripted:
    """One scripted answer: an HTTP status, a JSON body, extra headers, a delay.
    `text` is a plain-text body instead (response_url answers such as `expired_url`);
    `drop` closes the connection without any answer."""

    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    text: str | None = None
    drop: bool = False
    # When set, only a call to this channel takes the answer (others pass it by).
    channel: str | None = None


class FakeSlack:
    def __init__(self, team_id: str = "T0FAKE") -> None:
        self.team_id = team_id
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.response_attempts: dict[str, int] = defaultdict(int)
        self.users: dict[str, dict[str, Any] | None] = {}
        self.dnd: dict[str, dict[str, Any]] = {}  # dnd.info by user id (off if not here)
        self.delays: dict[str, float] = {}
        self._scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.oauth = FakeOAuth(self)  # OAuth installs, and tokens that know their workspace

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base}/response/{key}"

    # -- scripting -------------------------------------------------------------------------

    def script(self, method: str, *answers: Scripted) -> None:
        """Queue answers for `method`; each is used once, then defaults resume."""
        with self._lock:
            self._scripts[method].extend(answers)

    def fail(self, method: str, error: str, times: int = 1, channel: str | None = None) -> None:
        """Answer the next `times` calls of `method` (to `channel`, if given) with `error`."""
        answer = Scripted(body={"ok": False, "error": error}, channel=channel)
        self.script(method, *[answer] * times)

    def rate_limit(
        self, method: str, retry_after: int = 1, times: int = 1, channel: str | None = None
    ) -> None:
        """Answer the next `times` calls of `method` (to `channel`, if given) with a 429."""
        answer = Scripted(
            status=429,
            body={"ok": False, "error": "ratelimited"},
            headers={"Retry-After": str(retry_after)},
            channel=channel,
        )
        self.script(method, *[answer] * times)

    def script_response(self, key: str, *answers: Scripted) -> None:
        """Queue answers for posts to response_url `key`; each is used once, then 200 "ok".
        Key `*` scripts whichever response_url is posted to next (a test that cannot know
        the key before the command's reply goes out); a key's own script comes first."""
        self.script(_RESPONSE + key, *answers)

    def fail_response(
        self, key: str, status: int = 500, error: str | None = None, times: int = 1,
        retry_after: int | None = None,
    ) -> None:  # fmt: skip
        """Answer response_url `key` with `status` (and a plain-text Slack error, such as
        `expired_url` or `used_url`), `times` times; a 429 can carry Retry-After."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        answer = Scripted(status=status, text=error or f"http {status}", headers=headers)
        self.script_response(key, *[answer] * times)

    def drop_response(self, key: str, times: int = 1) -> None:
        """Close the connection of the next `times` posts to response_url `key` unanswered."""
        self.script_response(key, *[Scripted(drop=True)] * times)

    def reset(self) -> None:
        """Drop scripted answers and delays, not the calls (no test gets another's script)."""
        with self._lock:
            self._scripts.clear()
            self.delays.clear()
            self.dnd.clear()

    def add_user(self, user_id: str, **flags: Any) -> None:
        """Make users.info and users.list know `user_id` with flags such as is_bot=True,
        deleted=True, is_admin=True, tz="Europe/Paris" or profile={"status_emoji": ":x:"}."""
        self.users[user_id] = {"id": user_id, "team_id": self.team_id, "name": user_id.lower()}
        self.users[user_id].update(flags)  # type: ignore[union-attr]

    def remove_user(self, user_id: str) -> None:
        """users.info answers user_not_found for this id."""
        self.users[user_id] = None

    # -- reading what happened -------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy; return its value or raise AssertionError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out waiting for the fake Slack server")
                self._lock.wait(min(left, 0.05))

    def wait_response(self, key: str, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The `count`-th message posted to response_url `key`."""
        return self.wait_for(
            lambda: len(self.responses[key]) >= count and self.responses[key][count - 1],
            timeout,
        )

    def wait_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        return self.wait_for(
            lambda: len(self.calls_to(method)) >= count and self.calls_to(method), timeout
        )

    # -- serving ---------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
        if raw:
            if "json" in (request.headers.get("Content-Type") or ""):
                params.update(json.loads(raw))
            else:
                params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})

        if url.path.startswith("/response/"):
            key = url.path[len("/response/") :]
            with self._lock:
                self.response_attempts[key] += 1
                scripts = self._scripts[_RESPONSE + key] or self._scripts[_RESPONSE + "*"]
                answer = scripts.popleft() if scripts else Scripted(body=None)
                if 200 <= answer.status < 300 and not answer.drop:
                    self.responses[key].append(params)
                self._lock.notify_all()
            self._reply(request, answer)
            return

        method = url.path.removeprefix("/api/")
        with self._lock:
            self.calls.append(call := Call(method, params, dict(request.headers.items())))
            script = self._take_script(method, params) or self.oauth.answer(call, Scripted)
            self._lock.notify_all()
        if script is None:
            script = Scripted(body=self._default(method, params), delay=self.delays.get(method, 0))
        self._reply(request, script)

    def _take_script(self, method: str, params: dict[str, Any]) -> Scripted | None:
        """The first answer queued for `method` that fits this call (the lock is held)."""
        queue = self._scripts[method]
        for answer in queue:
            if answer.channel is None or answer.channel == params.get("channel"):
                queue.remove(answer)
                return answer
        return None

    def _reply(self, request: BaseHTTPRequestHandler, answer: Scripted) -> None:
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            request.close_connection = True
            return
        if answer.text is not None:
            payload = answer.text.encode()
        else:
            payload = b"ok" if answer.body is None else json.dumps(answer.body).encode()
        request.send_response(answer.status)
        request.send_header(
            "Content-Type", "application/json" if answer.body is not None else "text/plain"
        )
        request.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": self.team_id,
                "user": "nudgebot",
                "team": "Fake",
            }
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "users.info":
            user_id = str(params.get("user"))
            if user_id in self.users and self.users[user_id] is None:
                return {"ok": False, "error": "user_not_found"}
            user = self.users.get(user_id) or {"id": user_id, "name": user_id.lower()}
            return {"ok": True, "user": user}
        if method in ("dnd.info", "dnd.teamInfo"):  # quiet unless told otherwise
            users = str(params.get("user") or params.get("users") or "").split(",")
            quiet = {"dnd_enabled": False, "snooze_enabled": False}
            dnd = {u: {**quiet, **self.dnd.get(u, {})} for u in users}
            if method == "dnd.info":
                return {"ok": True, **dnd[users[0]]}
            return {"ok": True, "users": dnd}
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}"}}
        if method == "users.list":  # whom add_user made known, one page
            return {"ok": True, "members": [u for u in self.users.values() if u]}
        return {"ok": True}
