"""Many workspaces, one minute: real scheduler and web processes on one PostgreSQL.

    .venv/bin/python bench/scale.py [--schedulers 1,2] [--workspaces 1000] [--schedules 10000]
                                    [--web 3] [--rate 50] [--skip-web] [--tokens auto]
                                    [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each count of scheduler processes (default one, then two), on a fresh private schema
(created for the run, dropped after) and a fresh minute:

- --workspaces workspaces (1,000), installed through the app's installation store when the
  app uses one ("Add to Slack"), else served by one SLACK_BOT_TOKEN (the output says which);
  --schedules prompt schedules (10,000), one per channel, all due at the same minute
  boundary, made "a day ago" so no catch-up is owed (bulk inserted);
- a lean fake Slack Web API in a child process (bench/scale_fake.py): every call answered
  after 100 ms, one chat.postMessage per channel per second (HTTP 429 + Retry-After beyond),
  each post's token checked against its workspace's;
- `python app.py scheduler` x N and `python app.py web` x --web, each on its own PORT, with
  DATABASE_URL and SLACK_API_URL pointing at the above; meanwhile the web processes take
  signed `/nudge help`, `/kudos` and `/win` at --rate requests/s in total, open-loop.

To measure a commit without the edits in progress in a work tree, run the bench from an
export of it: `git archive <commit> | tar -x -C DIR`, then `BENCH_COMMIT=<commit>
.venv/bin/python DIR/bench/scale.py` (BENCH_COMMIT only labels the output).

Reported: time from the boundary to the last prompt answered, lag p50/p99, posts per
process, doubles, 429s, wrong tokens, ack latency, the CPU of every process, of the
PostgreSQL backends and of the machine (/proc), and where the limit is. Targets (PASS/FAIL):
all posted within 40 s with one scheduler and 20 s with two, none twice, a gain of at least
1.6x from one to two, ack p99 under 250 ms with no errors. Every wait is bounded; it
cleans up its processes and schema and exits 0. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/scale.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench import scale_report as report  # noqa: E402
from bench import scale_seed as seed  # noqa: E402
from bench.fanout import code_version, open_db  # noqa: E402
from bench.scale_fake import LeanSlackProcess  # noqa: E402
from bench.scale_procs import CpuMeter, start_app, stop_apps, wait_healthy  # noqa: E402
from bench.scale_report import Run  # noqa: E402
from bench.scale_web import WebLoad  # noqa: E402

SLACK_DELAY_S = 0.1
CHANNEL_INTERVAL_S = 1.0
MIN_LEAD_S = 30.0  # seconds from the schedules' insert to their minute, at least
HEALTHY_TIMEOUT_S = 120.0
DEADLINE_S = 150.0  # give up waiting for posts this long after the boundary
SETTLE_S = 3.0  # after the last post, wait for late doubles (Retry-After is 1 s)
WEB_EARLY_S = 3.0  # the slash-command load starts this long before the boundary
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run_once(args: argparse.Namespace, fake: LeanSlackProcess, n: int, mode: str) -> Run:
    from sqlalchemy import create_engine

    tag = secrets.token_hex(2).upper()
    app_name = f"nudgebot-scale-{tag}"
    run = Run(schedulers=n, schedules=args.schedules, workspaces=args.workspaces, mode=mode)
    fake.ask("reset", mode, tag)
    workdir = Path(tempfile.mkdtemp(prefix="nudgebot-scale-"))
    apps = []
    load = None
    with seed.private_schema(args.database_url) as url:
        url = f"{url}&application_name={app_name}"
        engine, sessions = open_db(url)
        observer = create_engine(url)
        try:
            env = {**seed.app_env(mode, fake.api_url, url), **args.env}
            seed.seed_workspaces(sessions, tag, args.workspaces)
            if mode == "installs":
                run.install_s = seed.seed_installations(engine, env, tag, args.workspaces)
            print(f"  {n} scheduler(s): starting processes ({mode} tokens)", flush=True)
            for i in range(n):
                apps.append(start_app("scheduler", f"scheduler {i + 1}", env, workdir))
            for i in range(0 if args.skip_web else args.web):
                apps.append(start_app("web", f"web {i + 1}", env, workdir))
            problem = wait_healthy(apps, HEALTHY_TIMEOUT_S)
            if problem:
                run.note = f"processes did not start: {problem}"
                return run
            boundary = (int(time.time() + MIN_LEAD_S) // 60 + 1) * 60.0
            run.boundary = boundary
            t0 = time.perf_counter()
            channels = seed.seed_schedules(sessions, tag, args.workspaces, args.schedules, boundary)
            run.seed_s = time.perf_counter() - t0
            schedulers = [a for a in apps if a.role == "scheduler"]
            while time.time() < boundary - WEB_EARLY_S - 1:
                if max(a.active_schedules() for a in schedulers) >= args.schedules:
                    break
                time.sleep(0.2)
            run.loaded = [a.active_schedules() for a in schedulers]
            due = time.strftime("%H:%M:%S", time.gmtime(boundary))
            print(
                f"  {args.schedules} schedules due at {due} UTC; jobs per scheduler "
                f"{run.loaded}; 1-min load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            if not args.skip_web:
                teams = [
                    (seed.team_id(tag, w), seed.web_channels(tag, w))
                    for w in range(args.workspaces)
                ]
                ports = [a.port for a in apps if a.role == "web"]
                load = WebLoad(ports, seed.SIGNING_SECRET, teams, fake.base, args.rate)
                time.sleep(max(0.0, boundary - WEB_EARLY_S - time.time()))
                load.start()
            pids = {a.name: a.proc.pid for a in apps}
            pids["fake Slack"] = fake.pid
            pids["bench (load, meter)"] = os.getpid()
            meter = CpuMeter(pids, args.database_url, app_name)
            time.sleep(max(0.0, boundary - time.time()))
            meter.start()
            run.loadavg_before = os.getloadavg()[0]
            wait_for_posts(run, fake, observer, boundary)
            meter.stop()
            run.cpu = meter
            run.loadavg_after = os.getloadavg()[0]
            if load is not None:
                run.acks = load.stop()
                load = None
            time.sleep(SETTLE_S)
            run.collect(fake, observer, channels, {a.proc.pid: a.name for a in schedulers})
            run.tails = {a.name: a.tail(3) for a in apps if a.proc.poll() is not None}
            if run.ok_posts < run.schedules:  # what the schedulers said last
                run.tails.update({a.name: a.tail(4) for a in schedulers if a.name not in run.tails})
        finally:
            if load is not None:
                load.stop(2)
            stop_apps(apps)
            observer.dispose()
            engine.dispose()
            if args.keep_logs:
                print(f"  logs kept in {workdir}", flush=True)
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    return run


def wait_for_posts(run: Run, fake: LeanSlackProcess, observer: object, boundary: float) -> None:
    """Until every prompt is posted, or every occurrence is settled (posted or failed),
    or the deadline."""
    from sqlalchemy import func, select

    from models.tables import Occurrence

    # Settled: neither waiting in the queue ("due") nor handed to a poster ("claimed").
    settled = select(func.count()).where(Occurrence.status.not_in(("due", "claimed")))
    deadline = boundary + DEADLINE_S
    checked = 0.0
    while time.time() < deadline:
        if fake.ask("count") >= run.schedules:
            return
        if time.monotonic() - checked > 2:
            checked = time.monotonic()
            try:
                with observer.connect() as db:  # type: ignore[attr-defined]
                    if (db.scalar(settled) or 0) >= run.schedules:
                        return
            except Exception as err:  # the database is busy (too many clients): go on
                run.db_errors.append(type(err).__name__)
        time.sleep(0.1)
    run.note = f"not every prompt was posted within {DEADLINE_S:.0f} s"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--schedulers", default="1,2", help="scheduler counts to run (1,2)")
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--schedules", type=int, default=10000)
    parser.add_argument("--web", type=int, default=3, help="web processes (3)")
    parser.add_argument("--rate", type=float, default=50.0, help="slash commands/s in all (50)")
    parser.add_argument("--skip-web", action="store_true", help="no web processes or load")
    parser.add_argument(
        "--tokens",
        choices=("auto", "installs", "single"),
        default="auto",
        help="installations through the app's store, one bot token, or (auto) installations "
        "when the app uses its store",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable for every app process, e.g. NUDGEBOT_POST_THREADS=128 (repeatable; "
        "the bench's own environment passes no SLACK_* or NUDGEBOT_* variable)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    parser.add_argument("--database-url", default=DEFAULT_DB, help=f"PostgreSQL ({DEFAULT_DB})")
    args = parser.parse_args(argv)
    try:
        args.schedulers = [int(n) for n in args.schedulers.split(",") if n.strip()]
    except ValueError:
        parser.error("--schedulers: numbers such as 1,2")
    if not args.schedulers or not all(1 <= n <= 8 for n in args.schedulers):
        parser.error("--schedulers: each between 1 and 8")
    if not 1 <= args.workspaces <= args.schedules <= 100_000:
        parser.error("need 1 <= --workspaces <= --schedules <= 100000")
    if args.workspaces > 99_999:
        parser.error("--workspaces: at most 99999")
    if -(-args.schedules // args.workspaces) > 999:
        parser.error("at most 999 schedules per workspace")
    if not 1 <= args.web <= 16 or not 0 < args.rate <= 1000:
        parser.error("--web 1..16, --rate 0..1000")
    pairs = [item.partition("=") for item in args.env]
    if any(not name or not eq for name, eq, _ in pairs):
        parser.error("--env: NAME=VALUE")
    args.env = {name: value for name, _, value in pairs}
    from models.db import normalise_url

    args.database_url = normalise_url(args.database_url)
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url: a PostgreSQL URL (postgresql+psycopg://...)")
    if "?" in args.database_url:
        parser.error("--database-url: no query string (the bench adds its own)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode, why = seed.installs_mode(args.tokens)
    code = os.environ.get("BENCH_COMMIT") or code_version()
    extra = f", app env {args.env}" if args.env else ""
    print(
        f"nudgebot scale bench: code {code}{extra}, nproc={os.cpu_count()}, python "
        f"{sys.version.split()[0]}, 1-min load {os.getloadavg()[0]:.2f}\n"
        f"tokens: {mode} ({why})",
        flush=True,
    )
    fake = LeanSlackProcess(SLACK_DELAY_S, CHANNEL_INTERVAL_S)
    runs: list[Run] = []
    try:
        for n in args.schedulers:
            try:
                runs.append(run_once(args, fake, n, mode))
            except Exception as err:  # reported, and the next run still goes
                runs.append(Run(n, args.schedules, args.workspaces, mode))
                runs[-1].note = f"the run failed: {type(err).__name__}: {str(err)[:300]}"
            report.print_run(runs[-1], args)
    except KeyboardInterrupt:
        print("interrupted: cleaned up", flush=True)
    finally:
        fake.stop()
    report.print_summary(runs, args, mode, why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
