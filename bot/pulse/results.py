"""What a closed round of the practice pulse says: each practice's average, the change since
the previous shown round, the practice that most needs attention, and the comments.

Nothing is shown of a round with fewer answers than its minimum group (stored on the round
when it opened), and nothing of a round that is still open: `shown` is False and the
scores, focus and comments are empty. Every view of the pulse (the channel post, `/nudge
pulse results`, App Home, other measures) reads results from here, so that rule is in one
place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from bot import catalogue
from models.pulse import PulseComment, PulseLeaderRating, PulseRating, PulseRound

_shuffle = random.SystemRandom().shuffle


@dataclass(frozen=True)
class PracticeScore:
    practice: str  # a practice key of bot.catalogue.PRACTICE_KEYS
    average: float  # mean rating 1..10; one decimal is what people see
    previous: float | None  # the same practice in the previous shown round, None if none
    # This practice's averages over the last shown rounds (up to TREND), oldest first,
    # ending with this one.
    trend: tuple[float, ...] = ()

    @property
    def change(self) -> float | None:
        """The change since the previous shown round, as people see it (one decimal)."""
        if self.previous is None:
            return None
        return round(round(self.average, 1) - round(self.previous, 1), 1)


@dataclass(frozen=True)
class RoundResult:
    round_id: int
    number: int
    closed_at: datetime | None
    invited: int
    answered: int  # shown: all answers, named ones too; hidden: those kept with no name
    min_group: int
    shown: bool  # closed, and the answers kept with no name reach min_group
    scores: tuple[PracticeScore, ...]  # empty when not shown
    focus: str | None  # lowest average (ties: catalogue order); None: not shown, or all equal
    comments: tuple[str, ...]  # shuffled; empty when not shown


def averages(session: Session, round_id: int) -> dict[str, float]:
    """Each practice's mean rating in a round (practices nobody rated are left out)."""
    rows = session.execute(
        select(PulseRating.practice, func.avg(PulseRating.rating))
        .where(PulseRating.round_id == round_id)
        .group_by(PulseRating.practice)
    ).all()
    return {practice: float(avg) for practice, avg in rows if avg is not None}


def is_shown(rnd: PulseRound) -> bool:
    """Whether a round's results may be shown: closed, with at least its minimum group."""
    return rnd.status == "closed" and rnd.answered >= rnd.min_group


TREND = 4  # rounds in a practice's trend


def _shown_before(session: Session, rnd: PulseRound, limit: int) -> list[PulseRound]:
    """The shown rounds of the channel before `rnd`, newest first."""
    rows = session.scalars(
        select(PulseRound)
        .where(
            PulseRound.team_id == rnd.team_id,
            PulseRound.channel_id == rnd.channel_id,
            PulseRound.status == "closed",
            PulseRound.number < rnd.number,
            PulseRound.answered >= PulseRound.min_group,
        )
        .order_by(PulseRound.number.desc())
        .limit(limit)
    )
    return list(rows)


# A pulse older than this no longer says what needs attention (bot.measures.attention):
# a team changes in four months (a quarterly pulse skipped once), so the balance of recent
# answers per prompt says more than an old rating.
FRESH_FOR = timedelta(days=120)


def fresh(res: RoundResult, now: datetime) -> bool:
    """Whether a round closed recently enough (FRESH_FOR) to drive "needs attention"."""
    return res.closed_at is not None and now - res.closed_at <= FRESH_FOR


def focus_of(scores: tuple[PracticeScore, ...]) -> str | None:
    """The practice with the lowest average as people see it (one decimal); a tie for
    lowest goes to the first in catalogue order. None when every practice averages the
    same (as shown): then no practice stands out."""
    if not scores:
        return None
    shown = {round(s.average, 1) for s in scores}
    if len(scores) > 1 and len(shown) == 1:
        return None
    order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
    return min(scores, key=lambda s: (round(s.average, 1), order.get(s.practice, 99))).practice


def _result(session: Session, rnd: PulseRound) -> RoundResult:
    shown = is_shown(rnd)
    scores: tuple[PracticeScore, ...] = ()
    comments: tuple[str, ...] = ()
    if shown:
        now = averages(session, rnd.id)
        earlier = [averages(session, r.id) for r in _shown_before(session, rnd, TREND - 1)]
        before = earlier[0] if earlier else {}
        scores = tuple(
            PracticeScore(
                practice=key,
                average=now[key],
                previous=before.get(key),
                trend=(*(a[key] for a in reversed(earlier) if key in a), now[key]),
            )
            for key in catalogue.PRACTICE_KEYS
            if key in now
        )
        texts = list(
            session.scalars(select(PulseComment.text).where(PulseComment.round_id == rnd.id))
        )
        _shuffle(texts)
        comments = tuple(texts)
    named = session.scalar(
        select(func.count(distinct(PulseLeaderRating.user_id))).where(
            PulseLeaderRating.round_id == rnd.id
        )
    )
    return RoundResult(
        round_id=rnd.id,
        number=rnd.number,
        closed_at=rnd.closed_at,
        invited=rnd.invited,
        answered=rnd.answered + (named or 0) if shown else rnd.answered,
        min_group=rnd.min_group,
        shown=shown,
        scores=scores,
        focus=focus_of(scores),
        comments=comments,
    )


def round_result(session: Session, round_id: int) -> RoundResult:
    """The result of one round (KeyError if there is no such round)."""
    rnd = session.get(PulseRound, round_id)
    if rnd is None:
        raise KeyError(round_id)
    return _result(session, rnd)


def _latest(session: Session, team_id: str, channel_id: str, *, shown: bool) -> PulseRound | None:
    query = select(PulseRound).where(
        PulseRound.team_id == team_id,
        PulseRound.channel_id == channel_id,
        PulseRound.status == "closed",
    )
    if shown:
        query = query.where(PulseRound.answered >= PulseRound.min_group)
    return session.scalars(query.order_by(PulseRound.number.desc()).limit(1)).first()


def latest(session: Session, *, team_id: str, channel_id: str) -> RoundResult | None:
    """The newest closed round in the channel, shown or not (None: no round closed yet)."""
    rnd = _latest(session, team_id, channel_id, shown=False)
    return _result(session, rnd) if rnd else None


def latest_shown(session: Session, *, team_id: str, channel_id: str) -> RoundResult | None:
    """The newest closed round in the channel with enough answers to be shown, or None."""
    rnd = _latest(session, team_id, channel_id, shown=True)
    return _result(session, rnd) if rnd else None
