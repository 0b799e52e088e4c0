"""Recognition reach and concentration, for a channel.

- Reach: of the channel's members (people, not nudgebot: bot.slack.members), how many were
  named in at least one kudos in the channel in the last 30 days (`REACH_DAYS`) up to the
  end of the period, and the same 30 days ending where the period starts; and how many
  different people gave kudos in each of those 30 days. Today's members are the base of
  both: Slack tells who is in a channel now, not who was.
- Concentration: of the recognitions in the period (one per person a kudos named), the
  share that went to the most recognised fifth of the people recognised (a fifth rounded
  up, at least one person). Ties at the edge of the fifth change nothing: the share adds
  up the largest counts, whoever holds them. It never says who they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.measures.window import REACH_DAYS, Window
from models.tables import Recognition, RecognitionRecipient

# A warning when the most recognised fifth got more than half, among at least 5 people.
CONCENTRATION_WARN = 0.5
CONCENTRATION_MIN_PEOPLE = 5


@dataclass(frozen=True)
class Reach:
    """`reached` of `members` recognised in 30 days (None: members unknown, `recognised`
    counts everyone named then), `givers` different people gave kudos; `previous_*` the
    same for the 30 days ending where the period starts."""

    members: int | None
    reached: int
    previous_reached: int
    recognised: int
    previous_recognised: int
    givers: int
    previous_givers: int

    @property
    def share(self) -> float | None:
        return None if not self.members else self.reached / self.members

    @property
    def previous_share(self) -> float | None:
        return None if not self.members else self.previous_reached / self.members


@dataclass(frozen=True)
class Spread:
    """Recognitions in one period: `total` (one per person named), `people` named, and how
    many of them went to the most recognised fifth (`top_people` of them)."""

    total: int
    people: int
    top: int

    @property
    def top_people(self) -> int:
        return top_fifth(self.people)

    @property
    def share(self) -> float | None:
        return None if not self.total else self.top / self.total

    @property
    def enough(self) -> bool:
        """Enough people recognised for a share to mean anything."""
        return self.people >= CONCENTRATION_MIN_PEOPLE

    @property
    def high(self) -> bool:
        share = self.share
        return self.enough and share is not None and share > CONCENTRATION_WARN


@dataclass(frozen=True)
class Concentration:
    current: Spread
    previous: Spread


def top_fifth(people: int) -> int:
    """A fifth of the people, rounded up, at least one (none of none)."""
    return 0 if people <= 0 else max(1, math.ceil(people / 5))


def spread(counts: list[int]) -> Spread:
    """The spread of recognitions over people, from each person's count."""
    counts = sorted((c for c in counts if c > 0), reverse=True)
    return Spread(total=sum(counts), people=len(counts), top=sum(counts[: top_fifth(len(counts))]))


def _named(team_id: str, channel_id: str) -> tuple:  # type: ignore[type-arg]
    return (
        Recognition.team_id == team_id,
        Recognition.channel_id == channel_id,
        RecognitionRecipient.user_id.is_not(None),
    )


def _givers(session: Session, team_id: str, channel_id: str, window: Window) -> tuple[int, int]:
    """How many different people gave kudos in the 30 days to the end and to the start
    (read from the channel's index alone)."""
    before_from, now_from, before_to = window.trailing(REACH_DAYS)
    now_in = (Recognition.created_at >= now_from) & (Recognition.created_at < window.end)
    before_in = (Recognition.created_at >= before_from) & (Recognition.created_at < before_to)
    now, before = session.execute(
        select(
            func.count(func.distinct(case((now_in, Recognition.giver_id)))),
            func.count(func.distinct(case((before_in, Recognition.giver_id)))),
        ).where(
            Recognition.team_id == team_id,
            Recognition.channel_id == channel_id,
            Recognition.created_at >= min(before_from, now_from),
            Recognition.created_at < window.end,
        )
    ).one()
    return int(now or 0), int(before or 0)


def _reach(
    members: frozenset[str] | None,
    now_people: set[str],
    before_people: set[str],
    givers: tuple[int, int],
) -> Reach:
    return Reach(
        members=None if members is None else len(members),
        reached=len(now_people & members) if members is not None else len(now_people),
        previous_reached=len(before_people & members)
        if members is not None
        else len(before_people),
        recognised=len(now_people),
        previous_recognised=len(before_people),
        givers=givers[0],
        previous_givers=givers[1],
    )


def reach(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    window: Window,
    members: frozenset[str] | None,
) -> Reach:
    """Reach and givers over 30 days ending at the period's end and at its start (one query
    for the people named, one for the givers)."""
    before_from, now_from, before_to = window.trailing(REACH_DAYS)
    now_in = (Recognition.created_at >= now_from) & (Recognition.created_at < window.end)
    before_in = (Recognition.created_at >= before_from) & (Recognition.created_at < before_to)
    named = session.execute(
        select(
            RecognitionRecipient.user_id,
            func.max(case((now_in, 1), else_=0)),
            func.max(case((before_in, 1), else_=0)),
        )
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            *_named(team_id, channel_id),
            Recognition.created_at >= min(before_from, now_from),
            Recognition.created_at < window.end,
        )
        .group_by(RecognitionRecipient.user_id)
    ).all()
    now_people = {user for user, now, _ in named if now}
    before_people = {user for user, _, before in named if before}
    return _reach(members, now_people, before_people, _givers(session, team_id, channel_id, window))


def not_recognised(
    session: Session, *, team_id: str, channel_id: str, window: Window, members: frozenset[str]
) -> tuple[str, ...]:
    """The members nobody named in a kudos in the channel in the last 30 days, sorted by id
    (never by how much anyone got): a private prompt to notice them."""
    _before, since, _start = window.trailing(REACH_DAYS)
    named = set(
        session.scalars(
            select(RecognitionRecipient.user_id)
            .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
            .where(
                *_named(team_id, channel_id),
                Recognition.created_at >= since,
                Recognition.created_at < window.end,
            )
            .distinct()
        )
    )
    return tuple(sorted(members - named))


def concentration(
    session: Session, *, team_id: str, channel_id: str, window: Window
) -> Concentration:
    """How recognitions spread over people in the period and the one before (one query)."""
    is_now = Recognition.created_at >= window.start
    rows = session.execute(
        select(
            RecognitionRecipient.user_id,
            func.sum(case((is_now, 1), else_=0)),
            func.sum(case((is_now, 0), else_=1)),
        )
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            *_named(team_id, channel_id),
            Recognition.created_at >= window.previous_start,
            Recognition.created_at < window.end,
        )
        .group_by(RecognitionRecipient.user_id)
    ).all()
    return Concentration(
        current=spread([int(now or 0) for _, now, _ in rows]),
        previous=spread([int(before or 0) for _, _, before in rows]),
    )


@dataclass(frozen=True)
class Recognised:
    """Reach and concentration read together, and the people named in the last 30 days
    (only for a leader's private list of who was not recognised)."""

    reach: Reach
    concentration: Concentration
    named: frozenset[str]


def recognised(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    window: Window,
    members: frozenset[str] | None,
) -> Recognised:
    """Reach, concentration and who was named, as `reach` and `concentration` give them, in
    two queries: the people named over both of their windows at once, and the givers."""
    before_from, now_from, before_to = window.trailing(REACH_DAYS)
    at = Recognition.created_at
    flags = (
        (at >= now_from) & (at < window.end),  # reach now
        (at >= before_from) & (at < before_to),  # reach before
        (at >= window.start) & (at < window.end),  # concentration now
        (at >= window.previous_start) & (at < window.start),  # concentration before
    )
    rows = session.execute(
        select(
            RecognitionRecipient.user_id,
            func.max(case((flags[0], 1), else_=0)),
            func.max(case((flags[1], 1), else_=0)),
            func.sum(case((flags[2], 1), else_=0)),
            func.sum(case((flags[3], 1), else_=0)),
        )
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            *_named(team_id, channel_id),
            at >= min(before_from, now_from, window.previous_start),
            at < window.end,
        )
        .group_by(RecognitionRecipient.user_id)
    ).all()
    now_people = {user for user, now, *_ in rows if now}
    before_people = {user for user, _, before, *_ in rows if before}
    givers = _givers(session, team_id, channel_id, window)
    return Recognised(
        reach=_reach(members, now_people, before_people, givers),
        concentration=Concentration(
            current=spread([int(n or 0) for *_, n, _ in rows]),
            previous=spread([int(b or 0) for *_, b in rows]),
        ),
        named=frozenset(now_people),
    )
