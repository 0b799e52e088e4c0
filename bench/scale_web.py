"""bench/scale.py's slash-command load: signed `/nudge help`, `/kudos` and `/win` requests,
open-loop (request i is sent at t0 + i/rate whatever the earlier ones are doing), spread
over the web processes in turn and over the bench's workspaces, each ack timed on the
client side."""

from __future__ import annotations

import random
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.driver import sign

COMMANDS = ("/nudge", "/kudos", "/win")


@dataclass(frozen=True)
class Ack:
    command: str
    status: int  # 0: no HTTP answer
    ms: float
    sent: float  # wall clock


class WebLoad:
    def __init__(
        self,
        ports: list[int],
        secret: str,
        teams: list[tuple[str, list[str]]],  # (team id, its channels for commands)
        response_base: str,
        rate: float,
    ) -> None:
        self.urls = [f"http://127.0.0.1:{p}/slack/events" for p in ports]
        self.secret = secret
        self.teams = teams
        self.response_base = response_base
        self.rate = rate
        self.acks: list[Ack] = []
        self._futures: list[Future[Ack]] = []
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=256, thread_name_prefix="slash")
        self._thread = threading.Thread(target=self._run, name="slash-load", daemon=True)
        self._rng = random.Random(13)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> list[Ack]:
        """Send no more; wait (bounded) for the answers of what was sent."""
        self._stop.set()
        self._thread.join(5)
        deadline = time.monotonic() + timeout
        for future in self._futures:
            try:
                self.acks.append(future.result(max(0.01, deadline - time.monotonic())))
            except Exception:
                self.acks.append(Ack("?", 0, float("nan"), float("nan")))
        self._pool.shutdown(wait=False, cancel_futures=True)
        return self.acks

    def _run(self) -> None:
        t0 = time.perf_counter()
        i = 0
        while not self._stop.is_set():
            due = t0 + i / self.rate
            wait = due - time.perf_counter()
            if wait > 0 and self._stop.wait(wait):
                break
            self._futures.append(self._pool.submit(self._send, i))
            i += 1

    def _form(self, i: int) -> tuple[str, dict[str, str]]:
        rng = self._rng
        team, channels = self.teams[rng.randrange(len(self.teams))]
        command = rng.choice(COMMANDS)  # not by i: each web process gets every kind
        who = f"U{team[1:]}{rng.randrange(50):02d}"
        text = {
            "/nudge": "help",
            "/kudos": f"<@U{team[1:]}{rng.randrange(50):02d}|ana> for the retro notes",
            "/win": "shipped the onboarding checklist #enable",
        }[command]
        return command, {
            "token": "unused",
            "team_id": team,
            "team_domain": "bench",
            "channel_id": rng.choice(channels),
            "channel_name": "general",
            "user_id": who,
            "user_name": "someone",
            "command": command,
            "text": text,
            "api_app_id": "A0BENCH",
            "response_url": f"{self.response_base}/response/{team}-{i}",
            "trigger_id": f"trigger-{i}",
        }

    def _send(self, i: int) -> Ack:
        command, form = self._form(i)
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(self.secret, body)}
        request = urllib.request.Request(self.urls[i % len(self.urls)], data=body, headers=headers)
        sent = time.time()
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as err:
            err.read()
            status = err.code
        except OSError:
            status = 0
        return Ack(command, status, (time.perf_counter() - start) * 1000, sent)
