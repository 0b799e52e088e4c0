"""A practice pulse round for a big channel: 5,000 members, each asked in a DM, against the
fake Slack answering every call after 100 ms (bench/fanout.py's FakeSlackProcess, in a
child process). Passes when every invitation is sent within 60 s, none twice.

Each invitation is two Web API calls (users.info, to leave bots and deactivated accounts
out, then chat.postMessage), claimed in batches of 100 before it is sent, sent on the
pool of bot/pulse/sending.py, and recorded in batches. A second sender started after the
first (a restart) must send nothing; so must a second pass of the pulse job.

    python bench/pulse_round.py [--members 5000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/pulse_round.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.fanout import (  # noqa: E402
    FakeSlackProcess,
    backend_of,
    bench_settings,
    code_version,
    database,
    open_db,
)

TARGET_S = 60.0


def run(members: int, base_url: str | None) -> bool:
    from bot.pulse import rounds, sending
    from bot.slack.client import make_client
    from models.queries import ensure_workspace

    fake = FakeSlackProcess()
    try:
        with database(base_url) as url:
            engine, sessions = open_db(url)
            client = make_client(bench_settings(fake.api_url, url))
            people = [f"U{n:010d}" for n in range(members)]
            now = datetime.now(UTC)
            with sessions.begin() as session:
                ensure_workspace(session, "TBENCH")
                rnd = rounds.start(
                    session,
                    team_id="TBENCH",
                    channel_id="CBENCH",
                    members=people,
                    opened_by=None,
                    min_group=5,
                    now=now,
                )
            started = time.perf_counter()
            sent = sending.send_invites(sessions, client, rnd.id, now=lambda: now)
            elapsed = time.perf_counter() - started
            again = sending.send_invites(sessions, client, rnd.id, now=lambda: now)
            posts, calls = fake.ask("posts")
            per_channel = Counter(channel for channel, status, *_ in posts if status == 200)
            twice = sum(1 for n in per_channel.values() if n > 1)
            engine.dispose()
    finally:
        fake.stop()
    ok = elapsed <= TARGET_S and sent["sent"] == members and not again and not twice
    print(f"code {code_version()}, {backend_of(base_url)}")
    print(
        f"{members:,} members: {sent['sent']:,} invitations sent in {elapsed:.1f} s "
        f"(target {TARGET_S:.0f} s), {dict(calls)} calls; a second sender sent "
        f"{sum(again.values())}; {twice} people got two: {'PASS' if ok else 'FAIL'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite if unset")
    args = parser.parse_args(argv)
    return 0 if run(args.members, args.database_url) else 1


if __name__ == "__main__":
    sys.exit(main())
