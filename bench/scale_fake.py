"""The lean fake Slack Web API of bench/scale.py, in a child process of its own.

One asyncio event loop on 127.0.0.1 answers every call (Web API methods under /api/ and
response_url posts under /response/) after `delay` seconds; it does little else, so it is
not the bottleneck of the bench (its CPU is measured). chat.postMessage:

- is checked for its token first: "single" mode wants the one bot token, "installs" mode
  wants the token of the channel's own workspace (the bench names channels after their
  workspace: C<tag><5-digit workspace>...); a wrong or missing token gets invalid_auth;
- then at most one post per channel per `interval` seconds goes through; another within
  it gets HTTP 429, Retry-After: 1, {"ok": false, "error": "ratelimited"};
- every answer is recorded: (channel, outcome, arrived, answered), wall-clock seconds.

Other methods get plausible bodies from playground/fake_slack.py's defaults.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import re
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qs

SINGLE_TOKEN = "xoxb-bench-single"
TOKEN_PREFIX = "xoxb-bench-"
OK, LIMITED, BAD_TOKEN = "ok", "429", "bad_token"


def token_for(team_suffix: str) -> str:
    """The bot token the bench installs for the workspace T<suffix>."""
    return TOKEN_PREFIX + team_suffix


class LeanSlack:
    def __init__(self, delay: float, interval: float) -> None:
        self.delay = delay
        self.interval = interval
        self.lock = threading.Lock()
        self.mode = "single"
        self.tag = ""
        self.posts: list[tuple[str, str, float, float]] = []
        self.prompts_ok = 0  # OK posts outside the slash commands' channels
        self.calls: Counter[str] = Counter()
        self.busy_s = 0.0  # sum over calls of (answered - arrived): mean in-flight * time
        self._last_ok: dict[str, float] = {}
        self._ts = 0
        from playground.fake_slack import FakeSlack

        self._bodies = FakeSlack()  # never started: only its default answers are used

    def reset(self, mode: str, tag: str) -> None:
        with self.lock:
            self.mode, self.tag = mode, tag
            self.posts.clear()
            self.prompts_ok = 0
            self.calls.clear()
            self._last_ok.clear()
            self.busy_s = 0.0
        self._team = re.compile(rf"^C{re.escape(tag)}W?(\d{{5}})")

    def expected_token(self, channel: str) -> str | None:
        if self.mode == "single":
            return SINGLE_TOKEN
        found = self._team.match(channel)
        return token_for(f"{self.tag}{found.group(1)}") if found else None

    async def answer(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]]:
        arrived = time.time()
        if path.startswith("/response/"):
            with self.lock:
                self.calls["response_url"] += 1
            await asyncio.sleep(self.delay)
            self._done(arrived)
            return 200, b"ok", {"Content-Type": "text/plain"}
        method = path.removeprefix("/api/")
        params: dict[str, Any] = {}
        if body:
            if "json" in headers.get("content-type", ""):
                params = json.loads(body)
            else:
                params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self.lock:
            self.calls[method] += 1
        if method != "chat.postMessage":
            await asyncio.sleep(self.delay)
            self._done(arrived)
            return 200, json.dumps(self._bodies._default(method, params)).encode(), {}
        channel = str(params.get("channel"))
        token = headers.get("authorization", "").removeprefix("Bearer ") or params.get("token")
        with self.lock:
            if token != self.expected_token(channel):
                outcome = BAD_TOKEN
            else:
                now = time.monotonic()
                last = self._last_ok.get(channel)
                outcome = LIMITED if last is not None and now - last < self.interval else OK
                if outcome == OK:
                    self._last_ok[channel] = now
        await asyncio.sleep(self.delay)
        if outcome == LIMITED:
            status, extra = 429, {"Retry-After": "1"}
            payload: dict[str, Any] = {"ok": False, "error": "ratelimited"}
        elif outcome == BAD_TOKEN:
            status, extra, payload = 200, {}, {"ok": False, "error": "invalid_auth"}
        else:
            self._ts += 1
            ts = f"1700000000.{self._ts:06d}"
            status, extra, payload = 200, {}, {"ok": True, "channel": channel, "ts": ts}
        answered = time.time()
        with self.lock:
            self.posts.append((channel, outcome, arrived, answered))
            if outcome == OK and not channel.startswith(f"C{self.tag}W"):
                self.prompts_ok += 1
        self._done(arrived, answered)
        return status, json.dumps(payload).encode(), extra

    def _done(self, arrived: float, answered: float | None = None) -> None:
        with self.lock:
            self.busy_s += (answered or time.time()) - arrived

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                _verb, target, version = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    raw = await reader.readline()
                    if raw in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                status, payload, extra = await self.answer(target.split("?", 1)[0], headers, body)
                close = headers.get("connection", "").lower() == "close" or "1.0" in version
                head = [
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Too Many Requests'}",
                    f"Content-Type: {extra.pop('Content-Type', 'application/json')}",
                    f"Content-Length: {len(payload)}",
                    *(f"{k}: {v}" for k, v in extra.items()),
                    "Connection: close" if close else "Connection: keep-alive",
                ]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


def _child(conn: Connection, delay: float, interval: float) -> None:
    """Child process: the server on its own thread; this thread answers the parent:
    ("reset", mode, tag), ("count",), ("results",) and ("stop",)."""
    fake = LeanSlack(delay, interval)
    fake.reset("single", "")
    loop = asyncio.new_event_loop()
    started: list[Any] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            asyncio.start_server(fake.serve, "127.0.0.1", 0, backlog=2048)
        )
        started.append(server.sockets[0].getsockname()[1])
        loop.run_forever()

    thread = threading.Thread(target=run, name="lean-slack", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    conn.send(f"http://127.0.0.1:{started[0]}" if started else "")
    try:
        while conn.poll(3600):
            message = conn.recv()
            if message[0] == "reset":
                fake.reset(message[1], message[2])
                conn.send("ok")
            elif message[0] == "count":  # prompts posted: OK posts outside web channels
                with fake.lock:
                    conn.send(fake.prompts_ok)
            elif message[0] == "results":
                with fake.lock:
                    conn.send((list(fake.posts), dict(fake.calls), fake.busy_s))
            else:
                break
    except (EOFError, OSError):
        pass
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        with contextlib.suppress(OSError):
            conn.send("stopped")


class LeanSlackProcess:
    """The fake in a child process; `base` is its http://127.0.0.1:PORT, `pid` its pid."""

    def __init__(self, delay: float, interval: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._child = context.Process(
            target=_child, args=(child_conn, delay, interval), name="bench-lean-slack", daemon=True
        )
        self._child.start()
        child_conn.close()
        base = self._conn.recv() if self._conn.poll(60) else ""
        if not base.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("the fake Slack process did not start within 60 s")
        self.base: str = base
        self.api_url = base + "/api/"
        self.pid: int = self._child.pid or 0

    def ask(self, *message: Any) -> Any:
        self._conn.send(message)
        if not self._conn.poll(60):
            raise RuntimeError(f"the fake Slack did not answer {message[0]!r} within 60 s")
        return self._conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._conn.send(("stop",))
            if self._conn.poll(10):
                self._conn.recv()
        self._child.join(10)
        if self._child.is_alive():
            self._child.terminate()
            self._child.join(5)
