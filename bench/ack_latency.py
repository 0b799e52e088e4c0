"""Slash-command ack latency: nudgebot's real app against a bare Bolt app, side by side.

    .venv/bin/python bench/ack_latency.py [--rate 20] [--seconds 30] [--warmup 3]
                                          [--database-url postgresql+psycopg://...]
                                          [--users-info-delay 0]

One run starts, in a child process, the fake Slack Web API server and two waitress servers
on 127.0.0.1 (threads=16, as app.serve_http): (a) a bare Bolt app whose only listener is a
`/kudos` that acks, and (b) nudgebot from `create_app` on a migrated database (a temporary
SQLite file unless --database-url is given), both behind `app.make_wsgi`. This process then
sends signed `/kudos <@U...|ana> for the retro` commands at a fixed open-loop rate (--rate is
the total: a and b alternate, so each gets half), each from a new giver to a new recipient
under a fresh team id, and times each HTTP ack on the client side. After the run it waits
for nudgebot's background work (the reply posted to response_url) and counts the kudos rows
written for the team. Traffic goes only to 127.0.0.1; real Slack is never called.

--users-info-delay makes the fake users.info answer slowly, to see how a slow Slack API
affects the acks (see docs/PERFORMANCE.md).

Targets (printed as PASS/FAIL; the exit code is 0 either way): nudgebot p50 within 1.5x of
the bare app's p50, and nudgebot p99 under 250 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/ack_latency.py` from anywhere
    sys.path.insert(0, str(ROOT))

from tests.driver import sign, slack_id  # noqa: E402

SECRET = "bench-signing-secret"
THREADS = 16  # app.serve_http serves with waitress threads=16
P50_RATIO_TARGET = 1.5
P99_TARGET_MS = 250.0
SLACK_ACK_LIMIT_MS = 3000.0  # Slack shows the user an error after 3 s without an ack
APPS = ("bare", "nudgebot")
LABELS = {"bare": "(a) bare Bolt", "nudgebot": "(b) nudgebot"}


# -- the servers (child process) -----------------------------------------------------------


def _start_waitress(wsgi: Any, ident: str) -> tuple[str, Any, threading.Thread]:
    from waitress.server import create_server

    server = create_server(wsgi, host="127.0.0.1", port=0, threads=THREADS, ident=ident)
    thread = threading.Thread(target=server.run, name=f"waitress-{ident}", daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.effective_port}", server, thread


def _serve(conn: Connection, database_url: str, users_info_delay: float = 0.0) -> None:
    """Child process: fake Slack + both apps; answers ("drain", keys, timeout) and ("stop",)."""
    logging.basicConfig(level=logging.WARNING, format="server: %(levelname)s %(name)s %(message)s")
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from app import create_app, make_wsgi
    from bot.settings import Settings
    from models.db import make_engine, make_sessions
    from tests.fake_slack import FakeSlack

    fake = FakeSlack().start()
    fake.delays["users.info"] = users_info_delay
    engine = make_engine(database_url)
    settings = Settings(
        bot_token="xoxb-bench",
        signing_secret=SECRET,
        api_url=fake.api_url,
        database_url=database_url,
    )
    nudgebot = create_app(settings, sessions=make_sessions(engine))

    bare = App(
        client=WebClient(token="xoxb-bench", base_url=fake.api_url),
        signing_secret=SECRET,
        process_before_response=False,
    )

    @bare.command("/kudos")
    def _kudos(ack: Ack) -> None:
        ack()

    servers = {
        name: _start_waitress(make_wsgi(a), name)
        for name, a in (("bare", bare), ("nudgebot", nudgebot))
    }
    conn.send({"fake": fake.base, **{name: s[0] for name, s in servers.items()}})
    try:
        while True:
            message = conn.recv()
            if message[0] == "drain":
                _, keys, timeout = message
                conn.send(_drain(fake, keys, timeout))
            else:
                break
    finally:
        for _url, server, thread in servers.values():
            server.close()
            thread.join(5)
        fake.stop()
        engine.dispose()
        conn.send("stopped")


def _drain(fake: Any, keys: list[str], timeout: float) -> dict[str, int]:
    """Wait until every key got its reply on response_url (or `timeout`); count the kinds."""
    with contextlib.suppress(AssertionError):  # timed out: report what did arrive
        fake.wait_for(lambda: all(fake.responses.get(k) for k in keys), timeout)
    replies = [fake.responses[k][0] for k in keys if fake.responses.get(k)]
    return {
        "replies": len(replies),
        "in_channel": sum(r.get("response_type") == "in_channel" for r in replies),
        "ephemeral": sum(r.get("response_type") == "ephemeral" for r in replies),
    }


# -- the load (this process) ---------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    app: str
    status: int
    ms: float  # request start to ack body read
    lag_ms: float  # request start minus its scheduled time (open-loop schedule slip)
    key: str


class Sender:
    def __init__(self, urls: dict[str, str], fake_base: str, team: str, channel: str) -> None:
        self.urls = urls
        self.fake_base = fake_base
        self.team = team
        self.channel = channel

    def send(self, app: str, due: float) -> Sample:
        key = slack_id("R")
        recipient = slack_id("U")
        form = {
            "token": "unused",
            "team_id": self.team,
            "team_domain": "bench",
            "channel_id": self.channel,
            "channel_name": "general",
            "user_id": slack_id("U"),  # a new giver each time: the daily cap never bites
            "user_name": "giver",
            "command": "/kudos",
            "text": f"<@{recipient}|ana> for the retro",
            "api_app_id": "A0NUDGE",
            "response_url": f"{self.fake_base}/response/{key}",
            "trigger_id": f"trigger-{key}",
        }
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        request = urllib.request.Request(
            self.urls[app] + "/slack/events", data=body, headers=headers
        )
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
        end = time.perf_counter()
        return Sample(app, status, (end - start) * 1000, (start - due) * 1000, key)


def run_load(sender: Sender, pool: ThreadPoolExecutor, rate: float, seconds: float) -> list[Sample]:
    """Open loop: request i is due at t0 + i/rate whatever the earlier ones are doing."""
    count = int(rate * seconds)
    t0 = time.perf_counter() + 0.05
    futures = []
    for i in range(count):
        due = t0 + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        futures.append(pool.submit(sender.send, APPS[i % 2], due))
    return [f.result() for f in futures]


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def summarize(samples: list[Sample]) -> dict[str, dict[str, float]]:
    stats = {}
    for app in APPS:
        mine = [s for s in samples if s.app == app]
        ok = sorted(s.ms for s in mine)  # failed acks count too, with the time they took
        stats[app] = {
            "count": len(mine),
            "errors": sum(s.status != 200 for s in mine),
            "p50": percentile(ok, 50),
            "p90": percentile(ok, 90),
            "p99": percentile(ok, 99),
            "max": ok[-1] if ok else float("nan"),
        }
    return stats


# -- entry point ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rate",
        type=float,
        default=20.0,
        help="requests per second, both apps together (default 20)",
    )
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="measured duration (default 30)"
    )
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="unmeasured warm-up at the same rate (default 3)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="nudgebot's database (default: a temporary SQLite file); "
        "migrated to head, rows go to a fresh team id",
    )
    parser.add_argument(
        "--users-info-delay",
        type=float,
        default=0.0,
        help="seconds the fake Slack takes to answer users.info (default 0): a slow Slack",
    )
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--rate and --seconds must be positive, --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from sqlalchemy import func, select

    from models.db import make_engine, normalise_url
    from models.migrate import upgrade
    from models.tables import Recognition

    tmpdir = None
    url = args.database_url
    if url is None:
        tmpdir = tempfile.mkdtemp(prefix="nudgebot-bench-")
        url = f"sqlite:///{Path(tmpdir) / 'nudgebot.db'}"
    else:
        url = normalise_url(url)
    engine = make_engine(url)
    upgrade(engine)  # idempotent; the child only reads and writes rows

    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    child = context.Process(
        target=_serve,
        args=(child_conn, url, args.users_info_delay),
        name="bench-servers",
        daemon=True,
    )
    child.start()
    child_conn.close()  # so a child that dies shows up here as EOF, not as a hang
    team, channel = slack_id("T"), slack_id("C")
    load_before = os.getloadavg()[0]
    try:
        if not conn.poll(60):
            raise RuntimeError("the server process did not start within 60 s")
        info = conn.recv()
        sender = Sender({a: info[a] for a in APPS}, info["fake"], team, channel)
        with ThreadPoolExecutor(max_workers=256, thread_name_prefix="client") as pool:
            warm = run_load(sender, pool, args.rate, args.warmup) if args.warmup else []
            print(f"warm-up: {len(warm)} requests in {args.warmup:g} s", flush=True)
            samples = run_load(sender, pool, args.rate, args.seconds)
        keys = [s.key for s in warm + samples if s.app == "nudgebot" and s.status == 200]
        conn.send(("drain", keys, 60.0))
        drained = conn.recv()
        with engine.connect() as db:
            rows = db.scalar(
                select(func.count()).select_from(Recognition).where(Recognition.team_id == team)
            )
    finally:
        with contextlib.suppress(OSError, EOFError):  # the child may have died already
            conn.send(("stop",))
            if conn.poll(15):
                conn.recv()
        child.join(10)
        if child.is_alive():
            child.terminate()
        engine.dispose()
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)

    loads = (load_before, os.getloadavg()[0])
    report(args, url, team, samples, keys, drained, rows or 0, loads)
    return 0


def report(
    args: argparse.Namespace,
    url: str,
    team: str,
    samples: list[Sample],
    keys: list[str],
    drained: dict[str, int],
    rows: int,
    loads: tuple[float, float],
) -> None:
    stats = summarize(samples)
    a, b = stats["bare"], stats["nudgebot"]
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(
        f"\nack latency, client side, ms: {args.rate:g} req/s total ({args.rate / 2:g} per app, "
        f"alternating) for {args.seconds:g} s; waitress threads={THREADS}; "
        f"nudgebot on {backend}, team {team}"
    )
    print(f"{'app':<16}{'count':>7}{'errors':>8}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}")
    for app in APPS:
        s = stats[app]
        print(
            f"{LABELS[app]:<16}{s['count']:>7}{s['errors']:>8}"
            f"{s['p50']:>9.1f}{s['p90']:>9.1f}{s['p99']:>9.1f}{s['max']:>9.1f}"
        )
    p50_ratio, p99_ratio = b["p50"] / a["p50"], b["p99"] / a["p99"]
    print(f"ratio b/a: p50 {p50_ratio:.2f}x, p99 {p99_ratio:.2f}x")
    lag = max((s.lag_ms for s in samples), default=0.0)
    for app in APPS:
        late = sum(s.ms > SLACK_ACK_LIMIT_MS for s in samples if s.app == app)
        if late:
            print(f"{LABELS[app]}: {late} acks took over 3 s, so Slack would show an error")
    failed = Counter((s.app, s.status) for s in samples if s.status != 200)
    for (app, status), n in sorted(failed.items()):
        what = "no HTTP answer (timeout or connection error)" if status == 0 else f"HTTP {status}"
        print(f"{LABELS[app]}: {n} acks failed with {what}")
    print(
        f"max schedule slip: {lag:.1f} ms; 1-min load average {loads[0]:.2f} before, "
        f"{loads[1]:.2f} after, on {os.cpu_count()} CPUs (other processes skew the figures)"
    )

    ok50 = p50_ratio <= P50_RATIO_TARGET and not b["errors"]
    ok99 = b["p99"] < P99_TARGET_MS and not b["errors"]
    print(
        f"{'PASS' if ok50 else 'FAIL'}: nudgebot p50 within {P50_RATIO_TARGET}x of bare "
        f"({b['p50']:.1f} ms vs limit {a['p50'] * P50_RATIO_TARGET:.1f} ms)"
    )
    print(
        f"{'PASS' if ok99 else 'FAIL'}: nudgebot p99 under {P99_TARGET_MS:g} ms ({b['p99']:.1f} ms)"
    )
    print(
        f"kudos rows written: {rows} for {len(keys)} acked nudgebot requests (warm-up included); "
        f"replies on response_url: {drained['replies']} ({drained['in_channel']} in_channel, "
        f"{drained['ephemeral']} ephemeral)"
    )


if __name__ == "__main__":
    sys.exit(main())
