"""The end of a pulse round: the one reminder to those who have not answered, the close
that forgets who answered, and the claim on posting the result.

The close runs in one transaction: status closed, the secret gone, the keyed hashes and the
invitations deleted, and the round's ratings and comments rewritten in a random order, so
their ids say nothing about which ratings came together or in what order answers arrived.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.pulse.rounds import Invite, voter_key
from bot.text import clip
from models.pulse import (
    PulseComment,
    PulseInvite,
    PulseOptOut,
    PulseRating,
    PulseRound,
    PulseVoter,
)
from models.tables import Schedule

_shuffle = random.SystemRandom().shuffle


def due_reminders(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(PulseRound.id).where(
                PulseRound.status == "open",
                PulseRound.reminded_at.is_(None),
                PulseRound.remind_at <= now,
                PulseRound.closes_at > now,
            )
        )
    )


def claim_reminder(session: Session, *, round_id: int, now: datetime, key: bytes) -> list[Invite]:
    """Claim the round's one reminder (only the process whose update sets reminded_at
    sends it) and return whom to remind: the invitations sent whose keyed hash is not
    among those who answered, less anyone who said "Not for me" since. Who answered is
    worked out here, per invitation, and never written down."""
    claimed = session.execute(
        update(PulseRound)
        .where(PulseRound.id == round_id, PulseRound.reminded_at.is_(None))
        .where(PulseRound.status == "open")
        .values(reminded_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return []
    rnd = session.get(PulseRound, round_id)
    if rnd is None or rnd.secret is None:
        return []
    voters = set(session.scalars(select(PulseVoter.voter).where(PulseVoter.round_id == round_id)))
    out = set(
        session.scalars(
            select(PulseOptOut.user_id).where(
                PulseOptOut.team_id == rnd.team_id, PulseOptOut.channel_id == rnd.channel_id
            )
        )
    )
    invites = session.execute(
        select(PulseInvite.id, PulseInvite.user_id, PulseInvite.dm_channel).where(
            PulseInvite.round_id == round_id,
            # "unknown": claimed by a process that died; perhaps never received.
            PulseInvite.status.in_(("sent", "unknown")),
        )
    ).all()
    nonce = rnd.secret
    return [
        Invite(id=i, round_id=round_id, team_id=rnd.team_id, user_id=u, dm_channel=d)
        for i, u, d in invites
        if u not in out and voter_key(key, nonce, u) not in voters
    ]


def due_closes(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(PulseRound.id).where(PulseRound.status == "open", PulseRound.closes_at <= now)
        )
    )


def close(session: Session, *, round_id: int, now: datetime) -> bool:
    """Close an open round, in one transaction: status closed, the secret gone, the keyed
    hashes and the invitations deleted, the ratings and comments rewritten in a random
    order. False if it was not open (closed by someone else)."""
    closed = session.execute(
        update(PulseRound)
        .where(PulseRound.id == round_id, PulseRound.status == "open")
        .values(status="closed", closed_at=now, secret=None)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(delete(PulseVoter).where(PulseVoter.round_id == round_id))
    session.execute(delete(PulseInvite).where(PulseInvite.round_id == round_id))
    _reshuffle(session, round_id)
    return True


def _reshuffle(session: Session, round_id: int) -> None:
    ratings = [
        {"round_id": round_id, "team_id": t, "practice": p, "commitment": c, "rating": r}
        for t, p, c, r in session.execute(
            select(
                PulseRating.team_id,
                PulseRating.practice,
                PulseRating.commitment,
                PulseRating.rating,
            ).where(PulseRating.round_id == round_id)
        )
    ]
    comments = [
        {"round_id": round_id, "team_id": t, "text": text}
        for t, text in session.execute(
            select(PulseComment.team_id, PulseComment.text).where(PulseComment.round_id == round_id)
        )
    ]
    _shuffle(ratings)
    _shuffle(comments)
    session.execute(delete(PulseRating).where(PulseRating.round_id == round_id))
    session.execute(delete(PulseComment).where(PulseComment.round_id == round_id))
    if ratings:
        session.execute(insert(PulseRating), ratings)
    if comments:
        session.execute(insert(PulseComment), comments)


POSTING = "posting "  # + the claim's time (epoch seconds)
RETRY = "retry "  # + tries so far + ": " + Slack's code
TRIES = 3  # posting a result: this many tries across passes, then the opener is told
STALE_POST = timedelta(minutes=5)


def unposted(session: Session) -> list[int]:
    """Closed rounds whose result is not posted yet: never tried (the close's post was cut
    short) or to try again (a passing failure)."""
    return list(
        session.scalars(
            select(PulseRound.id).where(
                PulseRound.status == "closed",
                or_(PulseRound.result_ts.is_(None), PulseRound.result_ts.startswith(RETRY)),
            )
        )
    )


def tries(result_ts: str | None) -> int:
    """How many times posting a result was tried (from result_ts "retry N: code")."""
    if result_ts and result_ts.startswith(RETRY):
        head = result_ts[len(RETRY) :].split(":", 1)[0]
        return int(head) if head.isdigit() else TRIES
    return 0


def claim_post(session: Session, *, round_id: int, now: datetime | None = None) -> bool:
    """Claim posting a closed round's result: the one process whose update marks it posts."""
    at = int((now or datetime.now(UTC)).timestamp())
    got = session.execute(
        update(PulseRound)
        .where(
            PulseRound.id == round_id,
            or_(PulseRound.result_ts.is_(None), PulseRound.result_ts.startswith(RETRY)),
        )
        .where(PulseRound.status == "closed")
        .values(result_ts=f"{POSTING}{at}")
        .execution_options(synchronize_session=False)
    )
    return got.rowcount == 1  # type: ignore[attr-defined]


def stale_posts(session: Session, now: datetime) -> list[int]:
    """Posting claims older than STALE_POST (a process died mid-post) become
    "failed: unknown": perhaps posted, so never posted again. The rounds."""
    found = session.execute(
        select(PulseRound.id, PulseRound.result_ts).where(
            PulseRound.status == "closed", PulseRound.result_ts.startswith(POSTING.strip())
        )
    ).all()
    stale = []
    for round_id, ts in found:
        raw = str(ts)[len(POSTING) :]
        at = datetime.fromtimestamp(int(raw), UTC) if raw.isdigit() else None
        if at is None or now - at > STALE_POST:
            stale.append(round_id)
    if stale:
        session.execute(
            update(PulseRound)
            .where(PulseRound.id.in_(stale))
            .values(result_ts="failed: unknown")
            .execution_options(synchronize_session=False)
        )
    return stale


def whom_to_tell(session: Session, round_id: int) -> tuple[str, str | None]:
    """The round's channel, and who opened it (or created its schedule), if known."""
    rnd = session.get(PulseRound, round_id)
    if rnd is None:
        raise KeyError(round_id)
    who = rnd.opened_by
    if who is None and rnd.schedule_id is not None:
        who = session.scalar(select(Schedule.created_by).where(Schedule.id == rnd.schedule_id))
    return rnd.channel_id, who


def posted(session: Session, *, round_id: int, ts: str) -> None:
    session.execute(
        update(PulseRound).where(PulseRound.id == round_id).values(result_ts=clip(ts, 32))
    )


def channel_of(session: Session, round_id: int) -> str:
    rnd = session.get(PulseRound, round_id)
    if rnd is None:
        raise KeyError(round_id)
    return rnd.channel_id
