"""A practice pulse round for a big channel: 5,000 members, each asked in a DM, against the
fake Slack answering every call after 100 ms (bench/fanout.py's FakeSlackProcess, in a
child process). Passes when every invitation is sent within 60 s, none twice.

Each invitation is one Web API call (chat.postMessage: the channel's member list already
leaves bots and deactivated accounts out), claimed in batches of 100 before it is sent,
sent on the pool of bot/pulse/sending.py, and recorded in batches. A second sender started after the
first (a restart) must send nothing. Then `--answers` of them answer, and the bench times
the reminder (the keyed hash worked out per invitation, a DM to each who did not answer)
and the close (the secret, hashes and invitations deleted, ten ratings per answer
rewritten in a random order, the result computed).

    python bench/pulse_round.py [--members 5000] [--answers 4000] [--database-url ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
KEY = b"bench-pulse-key"  # the server-held key of voters' hashes


def answer_all(sessions: Any, round_id: int, people: list[str]) -> None:
    from bot.pulse import answers
    from bot.pulse.statements import STATEMENTS

    for start in range(0, len(people), 500):
        with sessions.begin() as session:
            for n, user in enumerate(people[start : start + 500], start):
                ratings = {s.commitment: 1 + (n + i) % 10 for i, s in enumerate(STATEMENTS)}
                answer = answers.Answer(ratings, f"line {n}" if n % 3 == 0 else None)
                answers.save(
                    session,
                    team_id="TBENCH",
                    round_id=round_id,
                    user_id=user,
                    answer=answer,
                    keep_named=False,
                    key=KEY,
                )


def run(members: int, answered: int, base_url: str | None) -> bool:
    from bot.pulse import closing, results, rounds, sending
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
            posts, calls = fake.ask("posts")  # the invitations: one each, none twice
            per_channel = Counter(channel for channel, status, *_ in posts if status == 200)
            twice = sum(1 for n in per_channel.values() if n > 1)
            answer_all(sessions, rnd.id, people[:answered])
            started = time.perf_counter()
            reminded = sending.send_reminder(sessions, client, rnd.id, now=lambda: now, key=KEY)
            remind_s = time.perf_counter() - started
            started = time.perf_counter()
            with sessions.begin() as session:
                closing.close(session, round_id=rnd.id, now=now)
            with sessions() as session:
                res = results.round_result(session, rnd.id)
            close_s = time.perf_counter() - started
            engine.dispose()
    finally:
        fake.stop()
    ok = elapsed <= TARGET_S and sent["sent"] == members and not again and not twice
    ok = ok and reminded["sent"] == members - answered and res.answered == answered
    print(f"code {code_version()}, {backend_of(base_url)}")
    print(
        f"{members:,} members: {sent['sent']:,} invitations sent in {elapsed:.1f} s "
        f"(target {TARGET_S:.0f} s), {dict(calls)} calls; a second sender sent "
        f"{sum(again.values())}; {twice} people got two"
    )
    print(
        f"{answered:,} answered: the reminder to the other {reminded['sent']:,} took "
        f"{remind_s:.1f} s; closing and computing the result took {close_s:.2f} s "
        f"({len(res.comments):,} lines): {'PASS' if ok else 'FAIL'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=4000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite if unset")
    args = parser.parse_args(argv)
    return 0 if run(args.members, min(args.answers, args.members), args.database_url) else 1


if __name__ == "__main__":
    sys.exit(main())
