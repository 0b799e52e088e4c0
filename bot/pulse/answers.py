"""Answering a pulse round, once, anonymously; and "Not for me".

An answer is written as ten ratings and perhaps a comment, none with a user id or a time.
That the person answered is written as HMAC(round key, user id) in pulse_voters (the round
key needs the server's key and the round's nonce: bot/pulse/rounds.voter_key), whose
key refuses a second answer. A leader who ticks the form's box has their own ratings also
kept with their id (pulse_leader_ratings), so that App Home can show them their own view
beside the team's; everyone else's answer counts in the round's `answered`, the answers kept
with no name, and only that count decides whether the result is shown (so nothing can be
worked back from the averages by taking out the named ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot.pulse.rounds import RoundView, view, voter_key
from bot.pulse.statements import STATEMENTS
from models.pulse import (
    PulseComment,
    PulseInvite,
    PulseLeaderRating,
    PulseOptOut,
    PulseRating,
    PulseRound,
    PulseVoter,
)
from models.queries import insert_ignore

MAX_COMMENT = 500


@dataclass(frozen=True)
class Answer:
    """What a person chose: a rating 1..10 per commitment, and perhaps one line."""

    ratings: Mapping[str, int]  # commitment key -> 1..10, all ten
    comment: str | None = None
    keep_mine: bool = False  # a leader's "keep my own ratings" box (ignored for others)


# What checking or saving an answer can come to.
OK, CLOSED, ALREADY, NOT_INVITED = "ok", "closed", "already", "not_invited"


def _round(session: Session, team_id: str, round_id: int, lock: bool = False) -> PulseRound | None:
    query = select(PulseRound).where(PulseRound.id == round_id, PulseRound.team_id == team_id)
    rnd = session.scalars(query.with_for_update() if lock else query).first()
    return rnd


def _invited(session: Session, round_id: int, user_id: str) -> bool:
    found = session.scalar(
        select(PulseInvite.id).where(
            PulseInvite.round_id == round_id, PulseInvite.user_id == user_id
        )
    )
    return found is not None


def may_answer(
    session: Session, *, team_id: str, round_id: int, user_id: str, key: bytes
) -> tuple[str, RoundView | None]:
    """Whether the person can answer the round now (OK, CLOSED, ALREADY or NOT_INVITED),
    and the round."""
    rnd = _round(session, team_id, round_id)
    if rnd is None or rnd.status != "open" or rnd.secret is None:
        return CLOSED, view(rnd) if rnd else None
    if not _invited(session, round_id, user_id):
        return NOT_INVITED, view(rnd)
    voted = session.get(PulseVoter, (round_id, voter_key(key, rnd.secret, user_id)))
    return (ALREADY if voted is not None else OK), view(rnd)


def save(
    session: Session,
    *,
    team_id: str,
    round_id: int,
    user_id: str,
    answer: Answer,
    keep_named: bool,
    key: bytes,
) -> str:
    """Save an answer: OK, or CLOSED, ALREADY or NOT_INVITED with nothing changed.
    `keep_named`: a leader chose to keep their own ratings with their id."""
    rnd = _round(session, team_id, round_id, lock=True)
    if rnd is None or rnd.status != "open" or rnd.secret is None:
        return CLOSED
    if not _invited(session, round_id, user_id):
        return NOT_INVITED
    voter = voter_key(key, rnd.secret, user_id)
    got = session.execute(
        insert_ignore(session, PulseVoter)
        .values(round_id=round_id, voter=voter)
        .returning(PulseVoter.voter)
    ).first()
    if got is None:
        return ALREADY
    session.execute(
        insert(PulseRating),
        [
            {
                "round_id": round_id,
                "team_id": team_id,
                "practice": s.practice,
                "commitment": s.commitment,
                "rating": answer.ratings[s.commitment],
            }
            for s in STATEMENTS
        ],
    )
    comment = (answer.comment or "").strip()[:MAX_COMMENT]
    if comment:
        session.add(PulseComment(round_id=round_id, team_id=team_id, text=comment))
    if keep_named:
        session.execute(
            insert(PulseLeaderRating),
            [
                {
                    "round_id": round_id,
                    "user_id": user_id,
                    "commitment": s.commitment,
                    "team_id": team_id,
                    "practice": s.practice,
                    "rating": answer.ratings[s.commitment],
                }
                for s in STATEMENTS
            ],
        )
    else:  # `answered` counts the answers kept with no name
        session.execute(
            update(PulseRound)
            .where(PulseRound.id == round_id)
            .values(answered=PulseRound.answered + 1)
        )
    return OK


def channel_of(session: Session, *, team_id: str, round_id: int) -> str | None:
    rnd = _round(session, team_id, round_id)
    return rnd.channel_id if rnd else None


def opt_out(session: Session, *, team_id: str, channel_id: str, user_id: str) -> bool:
    """ "Not for me": no more rounds for this person in this channel. False if they had
    said so already."""
    got = session.execute(
        insert_ignore(session, PulseOptOut)
        .values(team_id=team_id, channel_id=channel_id, user_id=user_id)
        .returning(PulseOptOut.user_id)
    ).first()
    return got is not None


def join(session: Session, *, team_id: str, channel_id: str, user_id: str) -> bool:
    """Back in: the next rounds ask this person again. False if they were not out."""
    row = session.get(PulseOptOut, (team_id, channel_id, user_id))
    if row is None:
        return False
    session.delete(row)
    return True


def opted_out(session: Session, *, team_id: str, channel_id: str, user_id: str) -> bool:
    return session.get(PulseOptOut, (team_id, channel_id, user_id)) is not None
