"""Who answered a pulse round cannot be worked out from the database alone: the voters'
hashes are keyed by the server's key and the round's nonce, and only the nonce is stored."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from bot.pulse import answers, rounds
from bot.pulse.answers import Answer
from bot.pulse.statements import STATEMENTS
from models.queries import ensure_workspace
from tests.driver import SlackDriver, slack_id
from tests.pulse_helpers import KEY, rows

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _hashes(key: bytes, users: list[str]) -> set[str]:
    return {hmac.new(key, u.encode(), hashlib.sha256).hexdigest() for u in users}


def test_the_database_alone_cannot_recompute_who_answered(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(4)]
    with bot.sessions.begin() as s:
        ensure_workspace(s, bot.team)
        rnd = rounds.start(
            s,
            team_id=bot.team,
            channel_id=bot.channel,
            members=people,
            opened_by=None,
            min_group=3,
            now=NOW,
        )
    for user in people[:3]:
        with bot.sessions.begin() as s:
            got = answers.save(
                s,
                team_id=bot.team,
                round_id=rnd.id,
                user_id=user,
                answer=Answer({st.commitment: 6 for st in STATEMENTS}),
                keep_named=False,
                key=KEY,
            )
        assert got == answers.OK
    held = rows(bot)
    voters = {v["voter"] for v in held["pulse_voters"]}
    assert len(voters) == 3
    nonce = held["pulse_rounds"][0]["secret"]
    # The server's processes can (the reminder needs it) ...
    assert {rounds.voter_key(KEY, nonce, u) for u in people[:3]} == voters
    # ... but nothing the database holds is the key: not the nonce (as text or bytes), not
    # any other value stored in any pulse table, not the derivation without the server key.
    stored = {
        str(value) for table in held.values() for row in table for value in row.values() if value
    }
    candidates = [nonce.encode(), bytes.fromhex(nonce), b""] + [v.encode() for v in stored]
    for key in candidates:
        assert not _hashes(key, people) & voters
        assert not {rounds.voter_key(key, nonce, u) for u in people} & voters
