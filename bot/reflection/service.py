"""A leader's weekly reflection: turning it on and off (a personal nudge of kind
"reflection", bot/habits/service.py), the channels where the bot is active, and what the
reflection says: the leader's commitments kept, dropped and overdue, the people they
recognised, ideas and hopes left unanswered, pilots that taught nothing yet, and the
practice they logged least.

An idea, hope or pilot is shown in one reflection only: the one that comes after it
crossed its threshold (a week with no answer; a month with nothing learned). Each
reflection looks at the week of items that crossed it since the previous one would have
looked, so nobody's idea is brought up week after week. The leader's own commitments still
open after their due date are listed every week until they say how they went.

Session and plain values in, frozen dataclasses out; nothing here commits or calls Slack.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select, union
from sqlalchemy.orm import Session

from bot.habits import practised
from bot.habits import service as nudges
from bot.habits.service import Nudge, Plan
from bot.habits.when import local_day
from bot.prompts import threads
from bot.prompts.threads import Waiting
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
)

KIND = nudges.REFLECTION
WEEK_DAYS = 7  # commitments kept or dropped, ideas and hopes waiting: a week
RECOGNISED_DAYS = 30
PILOT_DAYS = 30
# Ideas and hopes shared, and pilots proposed, within this many days before their
# threshold: the week since the previous reflection.
SINCE_LAST_DAYS = 7
PRACTICE_DAYS = 90
ACTIVE_DAYS = 90  # a channel with something in it this recently is one where the bot is active
SHOWN = 5  # items of each kind shown; the rest are counted


def get(session: Session, *, team_id: str, user_id: str) -> Nudge | None:
    """The person's reflection, whether on, off or stopped; None if never set up."""
    return nudges.get(session, team_id=team_id, user_id=user_id, kind=KIND)


def turn_on(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    day: int,
    at_minute: int,
    zone: str,
    zone_from_slack: bool,
    now: datetime,
) -> Nudge:
    """Turn the reflection on (or move it) to `day` (Monday 0) at `at_minute` in `zone`."""
    plan = Plan(days=(day,), at_minute=at_minute, zone=zone, zone_from_slack=zone_from_slack)
    return nudges.save(session, team_id=team_id, user_id=user_id, kind=KIND, plan=plan, now=now)


def turn_off(session: Session, *, team_id: str, user_id: str, now: datetime) -> Nudge | None:
    """No more reflections; None if there was none to turn off."""
    found = get(session, team_id=team_id, user_id=user_id)
    if found is None or found.status == "off":
        return None
    return nudges.turn_off(session, team_id=team_id, user_id=user_id, kind=KIND, now=now)


def active_channels(
    session: Session, *, team_id: str, now: datetime, days: int = ACTIVE_DAYS
) -> list[str]:
    """The channels of the team where the bot is active: a prompt, a live schedule, or
    something logged (kudos, an answer, a commitment) in the last `days` days. Channels
    only (never a direct message), in id order."""
    since = now - timedelta(days=days)
    found = union(
        select(Prompt.channel_id).where(Prompt.team_id == team_id, Prompt.created_at >= since),
        select(Schedule.channel_id).where(Schedule.team_id == team_id, Schedule.deleted.is_(False)),
        select(Recognition.channel_id).where(
            Recognition.team_id == team_id, Recognition.created_at >= since
        ),
        select(Response.channel_id).where(
            Response.team_id == team_id, Response.created_at >= since
        ),
        select(Commitment.channel_id).where(
            Commitment.team_id == team_id, Commitment.created_at >= since
        ),
    ).subquery()
    ids = session.scalars(select(found.c[0]))
    return sorted({c for c in ids if c and c[:1] in ("C", "G")})


def recognised(
    session: Session, *, team_id: str, user_id: str, now: datetime, days: int = RECOGNISED_DAYS
) -> frozenset[str]:
    """The different people `user_id` gave kudos to in the last `days` days."""
    rows = session.scalars(
        select(RecognitionRecipient.user_id)
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            Recognition.team_id == team_id,
            Recognition.giver_id == user_id,
            Recognition.created_at >= now - timedelta(days=days),
            Recognition.created_at <= now,
        )
        .distinct()
    )
    return frozenset(u for u in rows if u and u != user_id)


@dataclass(frozen=True)
class Promise:
    """One of the leader's commitments, as the reflection shows it."""

    id: int
    channel_id: str
    text: str
    due_on: date


@dataclass(frozen=True)
class Reflection:
    """What a leader's weekly reflection says. `members` is how many people (the leader
    and bots left out) are in the leader's channels where the bot is active, None when
    Slack didn't say; `recognised` counts the different people they gave kudos to in 30
    days, `recognised_members` those of them among the members. `shared` counts the ideas
    and hopes shared in those channels in the week before last (with a thread to answer
    in), `unanswered` those of them nobody answered within a week; `pilots` are the pilots
    proposed there that turned a month old this week with nothing learned."""

    user_id: str
    zone: str
    today: date
    kept: tuple[Promise, ...]
    dropped: tuple[Promise, ...]
    overdue: tuple[Promise, ...]
    recognised: int
    recognised_members: int | None
    members: int | None
    channel_ids: tuple[str, ...]
    shared: int
    unanswered: tuple[Waiting, ...]
    pilots: tuple[Waiting, ...]
    least: str
    least_count: int


def shared(session: Session, *, team_id: str, channel_ids: Collection[str], now: datetime) -> int:
    """How many ideas and hopes were shared in these channels, as a message with a thread,
    between two weeks and a week ago: those the reflection asks about this week (see
    `threads.unanswered`, which uses the same bounds)."""
    if not channel_ids:
        return 0
    found = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(
            Response.team_id == team_id,
            Response.channel_id.in_(list(channel_ids)),
            Response.kind.in_(("idea", "hope")),
            Response.message_ts.is_not(None),
            Response.created_at >= now - timedelta(days=WEEK_DAYS + SINCE_LAST_DAYS),
            Response.created_at <= now - timedelta(days=WEEK_DAYS),
        )
    )
    return int(found or 0)


def _promises(session: Session, *conditions: ColumnElement[bool]) -> tuple[Promise, ...]:
    rows = session.scalars(
        select(Commitment).where(*conditions).order_by(Commitment.due_on, Commitment.id)
    )
    return tuple(Promise(r.id, r.channel_id, r.text, r.due_on) for r in rows)


def gather(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    zone: str,
    channel_ids: Collection[str],
    members: Collection[str] | None = None,
) -> Reflection:
    """The leader's week as of `now` (`zone`: theirs, for what "overdue" means), over the
    channels `channel_ids` (where the bot is active and they are a member) and their
    `members` (see Reflection; None when unknown)."""
    today = local_day(now, zone)
    week_ago = now - timedelta(days=WEEK_DAYS)
    mine = (Commitment.team_id == team_id, Commitment.user_id == user_id)
    answered = (Commitment.answered_at >= week_ago, Commitment.answered_at <= now)
    kept = _promises(session, *mine, Commitment.status == "kept", *answered)
    dropped = _promises(session, *mine, Commitment.status == "dropped", *answered)
    overdue = _promises(session, *mine, Commitment.status == "open", Commitment.due_on < today)
    thanked = recognised(session, team_id=team_id, user_id=user_id, now=now)
    people = None if members is None else frozenset(members) - {user_id}
    channels = tuple(sorted(set(channel_ids)))
    counts = practised.counts(session, team_id=team_id, user_id=user_id, now=now)
    least = practised.least(counts)
    return Reflection(
        user_id=user_id,
        zone=zone,
        today=today,
        kept=kept,
        dropped=dropped,
        overdue=overdue,
        recognised=len(thanked),
        recognised_members=None if people is None else len(thanked & people),
        members=None if people is None else len(people),
        channel_ids=channels,
        shared=shared(session, team_id=team_id, channel_ids=channels, now=now),
        unanswered=tuple(
            threads.unanswered(
                session,
                team_id=team_id,
                channel_ids=channels,
                now=now,
                days=WEEK_DAYS,
                within_days=WEEK_DAYS + SINCE_LAST_DAYS,
            )
        ),
        pilots=tuple(
            threads.pilots_without_learning(
                session,
                team_id=team_id,
                channel_ids=channels,
                now=now,
                days=PILOT_DAYS,
                within_days=PILOT_DAYS + SINCE_LAST_DAYS,
            )
        ),
        least=least,
        least_count=counts[least],
    )
