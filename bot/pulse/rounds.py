"""The start of a pulse round: opened with an invitation per member, and invitations
claimed before they are sent. (The reminder and the close: bot/pulse/closing.py.)

Nothing here writes a person next to an answer. Who answered is known only while the round
is open, as HMAC(round key, user id) in pulse_voters (bot/pulse/answers.py), where the round
key is HMAC(server key, "pulse:" + the round's random nonce): the nonce is in the database
(the `secret` column), the server key (NUDGEBOT_PULSE_KEY, else the signing secret) is not,
so the database or a backup alone cannot recompute anyone's hash. The close deletes the
nonce, the hashes and the invitations.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot.blocks import local_time
from bot.errors import UserError
from models.pulse import (
    PulseInvite,
    PulseOptOut,
    PulseRound,
)
from models.queries import ensure_workspace
from models.tables import Workspace

REMIND_AFTER = timedelta(days=4)
OPEN_FOR = timedelta(days=7)


@dataclass(frozen=True)
class RoundView:
    id: int
    team_id: str
    channel_id: str
    number: int
    status: str
    opened_at: datetime
    remind_at: datetime
    closes_at: datetime
    invited: int
    answered: int
    min_group: int


@dataclass(frozen=True)
class Invite:
    """An invitation claimed for sending (or a reminder to send)."""

    id: int
    round_id: int
    team_id: str
    user_id: str
    dm_channel: str | None = None


def view(rnd: PulseRound) -> RoundView:
    return RoundView(
        id=rnd.id,
        team_id=rnd.team_id,
        channel_id=rnd.channel_id,
        number=rnd.number,
        status=rnd.status,
        opened_at=rnd.opened_at,
        remind_at=rnd.remind_at,
        closes_at=rnd.closes_at,
        invited=rnd.invited,
        answered=rnd.answered,
        min_group=rnd.min_group,
    )


def voter_key(server_key: bytes, nonce: str, user_id: str) -> str:
    """HMAC-SHA256 of the user id under the round's key (64 hex characters). The round's
    key is HMAC(server key, "pulse:" + nonce): the nonce alone, which is all the database
    holds, does not give it."""
    round_key = hmac.new(server_key, f"pulse:{nonce}".encode(), hashlib.sha256).digest()
    return hmac.new(round_key, user_id.encode(), hashlib.sha256).hexdigest()


def open_round(session: Session, team_id: str, channel_id: str) -> PulseRound | None:
    return session.scalars(
        select(PulseRound).where(
            PulseRound.team_id == team_id,
            PulseRound.channel_id == channel_id,
            PulseRound.status == "open",
        )
    ).first()


def already_open(rnd: PulseRound) -> UserError:
    # Whether it has enough yet, never a live count (that would tell who answered when).
    enough = "has" if rnd.answered >= rnd.min_group else "doesn't have"
    return UserError(
        f"A pulse round is open here already: it {enough} enough answers yet to show a "
        f"result (it needs {rnd.min_group}), and it closes {local_time(rnd.closes_at)}. "
        "A new one can start after that."
    )


def start(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    members: Iterable[str],
    opened_by: str | None,
    min_group: int,
    now: datetime,
    schedule_id: int | None = None,
) -> RoundView:
    """Open a round in the channel and an invitation (pending) for each member who has not
    said "Not for me"; UserError if a round is open there already."""
    ensure_workspace(session, team_id)
    # One opening at a time per workspace (a row lock on PostgreSQL; SQLite's write
    # transactions are serial), so two openings can't both find no open round.
    session.execute(select(Workspace.team_id).where(Workspace.team_id == team_id).with_for_update())
    current = open_round(session, team_id, channel_id)
    if current is not None:
        raise already_open(current)
    out = set(
        session.scalars(
            select(PulseOptOut.user_id).where(
                PulseOptOut.team_id == team_id, PulseOptOut.channel_id == channel_id
            )
        )
    )
    people = sorted(set(members) - out)
    if len(people) < min_group:
        raise UserError(
            f"Only {len(people)} people here could answer, and a round shows its result "
            f"only from {min_group} answers, so nobody can be singled out. A round here "
            "could never show anything, so I didn't start one."
        )
    highest = session.scalar(
        select(func.max(PulseRound.number)).where(
            PulseRound.team_id == team_id, PulseRound.channel_id == channel_id
        )
    )
    rnd = PulseRound(
        team_id=team_id,
        channel_id=channel_id,
        number=(highest or 0) + 1,
        schedule_id=schedule_id,
        opened_by=opened_by,
        status="open",
        opened_at=now,
        remind_at=now + REMIND_AFTER,
        closes_at=now + OPEN_FOR,
        secret=secrets.token_hex(32),
        invited=len(people),
        answered=0,
        min_group=min_group,
    )
    session.add(rnd)
    session.flush()
    session.execute(
        insert(PulseInvite),
        [
            {
                "round_id": rnd.id,
                "team_id": team_id,
                "user_id": user,
                "status": "pending",
                "updated_at": now,
            }
            for user in people
        ],
    )
    return view(rnd)


def claim_invites(
    session: Session, *, round_id: int, worker: str, limit: int, now: datetime
) -> list[Invite]:
    """Claim up to `limit` pending invitations of an open round for this worker: only the
    worker whose update turned them from pending to claimed sends them, so a second
    process or a restart never sends one twice (a process that dies after claiming loses
    those invitations rather than risk doubling them). A pending invitation's updated_at
    is also its not-before time: one put back after a rate limit waits until then."""
    ids = list(
        session.scalars(
            select(PulseInvite.id)
            .join(PulseRound, PulseRound.id == PulseInvite.round_id)
            .where(
                PulseInvite.round_id == round_id,
                PulseInvite.status == "pending",
                PulseInvite.updated_at <= now,
                PulseRound.status == "open",
            )
            .order_by(PulseInvite.id)
            .limit(limit)
        )
    )
    if not ids:
        return []
    got = session.execute(
        update(PulseInvite)
        .where(PulseInvite.id.in_(ids), PulseInvite.status == "pending")
        .values(status="claimed", claimed_by=worker, updated_at=now)
        .returning(PulseInvite.id, PulseInvite.team_id, PulseInvite.user_id)
    ).all()
    return [Invite(id=i, round_id=round_id, team_id=t, user_id=u) for i, t, u in got]


@dataclass(frozen=True)
class Sent:
    """What happened to one claimed invitation: sent (with where), skipped or failed."""

    invite_id: int
    status: str
    dm_channel: str | None = None
    message_ts: str | None = None
    why: str | None = None  # a failure's Slack error code (counted in the log, never kept)
    wait: timedelta | None = None  # put back to pending: not sent again before this long


def record(session: Session, *, round_id: int, outcomes: list[Sent], now: datetime) -> None:
    """Record what happened to sent invitations; a skipped one (a bot, someone gone) is
    no longer counted as invited; one put back to pending (a rate limit) is unclaimed and
    waits (its updated_at is its not-before time)."""
    for sent in outcomes:
        retry = sent.status == "pending"
        session.execute(
            update(PulseInvite)
            .where(PulseInvite.id == sent.invite_id)
            .values(
                status=sent.status,
                dm_channel=sent.dm_channel,
                message_ts=sent.message_ts,
                updated_at=now + (sent.wait or timedelta()) if retry else now,
                claimed_by=None if retry else PulseInvite.claimed_by,
            )
        )
    skipped = sum(1 for sent in outcomes if sent.status == "skipped")
    if skipped:
        # Each invitation is recorded once, so this never goes below nothing.
        session.execute(
            update(PulseRound)
            .where(PulseRound.id == round_id)
            .values(invited=PulseRound.invited - skipped)
        )


def forget_invited(session: Session, *, team_id: str, user_id: str) -> None:
    """Forget me, before the person's invitations are deleted: open rounds that counted
    them as invited (not skipped, which counted them out already) count one fewer."""
    counted = select(PulseInvite.round_id).where(
        PulseInvite.team_id == team_id,
        PulseInvite.user_id == user_id,
        PulseInvite.status != "skipped",
    )
    session.execute(
        update(PulseRound)
        .where(PulseRound.id.in_(counted), PulseRound.status == "open", PulseRound.invited > 0)
        .values(invited=PulseRound.invited - 1)
        .execution_options(synchronize_session=False)
    )


STALE_CLAIM = timedelta(minutes=5)  # a send takes seconds; a claim this old was abandoned


def give_up_stale(session: Session, *, worker: str, now: datetime) -> dict[int, int]:
    """Invitations claimed more than STALE_CLAIM ago by another worker (a process that
    died mid-send) become "unknown": perhaps sent, so never sent again, but reminded.
    How many per round."""
    stale = (
        PulseInvite.status == "claimed",
        PulseInvite.claimed_by != worker,
        PulseInvite.updated_at < now - STALE_CLAIM,
    )
    counts = session.execute(
        select(PulseInvite.round_id, func.count()).where(*stale).group_by(PulseInvite.round_id)
    ).all()
    if counts:
        session.execute(update(PulseInvite).where(*stale).values(status="unknown", updated_at=now))
    return {round_id: n for round_id, n in counts}


def with_pending(session: Session) -> list[int]:
    """Open rounds that still have invitations to send (opening was cut short)."""
    return list(
        session.scalars(
            select(PulseInvite.round_id)
            .join(PulseRound, PulseRound.id == PulseInvite.round_id)
            .where(PulseInvite.status == "pending", PulseRound.status == "open")
            .distinct()
        )
    )
