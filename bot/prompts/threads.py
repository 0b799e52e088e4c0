"""The threads of ideas, hopes and pilots shown in a channel.

`/nudge idea|hope|pilot` posts the item as its own message and remembers its ts. A reply
in that thread by someone other than the item's author answers it (`answered_at`, the
first such reply); a reply in a pilot's thread is also logged as a learning tied to the
pilot (`parent_id`), counted under Challenge the Process. A leader's weekly reflection
asks which ideas and hopes waited for an answer, and which pilots taught nothing yet.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, aliased

from bot.prompts.responses import Logged, log_response
from models.tables import Response

# The kinds shown as a message of their own, whose threads are read.
THREADED_KINDS = ("idea", "hope", "pilot")
# A learning in a pilot's thread counts where experiments count.
LEARNING_HOME = ("challenge", "experiment")
# Pilots older than this are not asked about any more.
PILOT_WINDOW_DAYS = 120


@dataclass(frozen=True)
class Shown:
    """An idea, hope or pilot shown as message `message_ts` in its channel."""

    id: int
    kind: str
    user_id: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class Waiting:
    """An idea or hope nobody answered in time, or a pilot nothing was learned from yet."""

    id: int
    channel_id: str
    kind: str
    text: str
    created_at: datetime
    user_id: str | None


def record_shown(session: Session, *, team_id: str, response_id: int, message_ts: str) -> None:
    """Remember the message that showed response `response_id` in its channel."""
    session.execute(
        update(Response)
        .where(Response.team_id == team_id, Response.id == response_id)
        .values(message_ts=message_ts)
    )


def find_shown(session: Session, *, team_id: str, channel_id: str, message_ts: str) -> Shown | None:
    """The idea, hope or pilot shown as message `message_ts` in the channel, if any."""
    row = session.scalars(
        select(Response)
        .where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.message_ts == message_ts,
            Response.kind.in_(THREADED_KINDS),
        )
        .order_by(Response.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return Shown(row.id, row.kind, row.user_id, row.answered_at)


def mark_answered(session: Session, *, response_id: int, replier: str, now: datetime) -> bool:
    """Set `answered_at` to `now` if `replier` isn't the author and nobody answered before;
    True if this reply was the first answer. Safe under redelivery and racing replies."""
    done = session.execute(
        update(Response)
        .where(
            Response.id == response_id,
            Response.answered_at.is_(None),
            (Response.user_id.is_(None)) | (Response.user_id != replier),
        )
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


def reply_to_shown(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    shown: Shown,
    user_id: str,
    text: str,
    dedupe_key: str,
    now: datetime,
) -> Logged | None:
    """A reply in the thread of `shown`: it answers the item unless its author wrote it;
    under a pilot it is also logged as a learning tied to the pilot (None when there is
    nothing to thank: not a pilot, or a redelivery already logged)."""
    mark_answered(session, response_id=shown.id, replier=user_id, now=now)
    if shown.kind != "pilot":
        return None
    practice, commitment = LEARNING_HOME
    return log_response(
        session,
        team_id=team_id,
        channel_id=channel_id,
        user_id=user_id,
        kind="learning",
        text=text,
        source="thread",
        now=now,
        practice=practice,
        commitment=commitment,
        dedupe_key=dedupe_key,
        parent_id=shown.id,
    )


def unanswered(
    session: Session,
    *,
    team_id: str,
    channel_ids: Collection[str],
    now: datetime,
    days: int = 7,
    within_days: int = 37,
) -> list[Waiting]:
    """Ideas and hopes shared in these channels between `within_days` and `days` days ago
    that nobody else answered within `days` days of being shared (or at all), oldest first.
    Only those shown as a message of their own count: the others had no thread to answer in."""
    if not channel_ids:
        return []
    wait = timedelta(days=days)
    rows = session.scalars(
        select(Response)
        .where(
            Response.team_id == team_id,
            Response.channel_id.in_(list(channel_ids)),
            Response.kind.in_(("idea", "hope")),
            Response.message_ts.is_not(None),
            Response.created_at >= now - timedelta(days=within_days),
            Response.created_at <= now - wait,
        )
        .order_by(Response.created_at, Response.id)
    )
    return [
        _waiting(row)
        for row in rows
        if row.answered_at is None or row.answered_at - row.created_at > wait
    ]


def pilots_without_learning(
    session: Session,
    *,
    team_id: str,
    channel_ids: Collection[str],
    now: datetime,
    days: int = 30,
    within_days: int = PILOT_WINDOW_DAYS,
) -> list[Waiting]:
    """Pilots proposed in these channels between `within_days` and `days` days ago with no
    learning tied to them and no reply in their thread by anyone but their author, oldest
    first. Only pilots shown as a message of their own count: the others had no thread."""
    if not channel_ids:
        return []
    learning = aliased(Response)
    taught = exists().where(learning.parent_id == Response.id, learning.kind == "learning")
    rows = session.scalars(
        select(Response)
        .where(
            Response.team_id == team_id,
            Response.channel_id.in_(list(channel_ids)),
            Response.kind == "pilot",
            Response.message_ts.is_not(None),
            Response.created_at >= now - timedelta(days=within_days),
            Response.created_at <= now - timedelta(days=days),
            Response.answered_at.is_(None),
            ~taught,
        )
        .order_by(Response.created_at, Response.id)
    )
    return [_waiting(row) for row in rows]


def _waiting(row: Response) -> Waiting:
    return Waiting(row.id, row.channel_id, row.kind, row.text, row.created_at, row.user_id)
