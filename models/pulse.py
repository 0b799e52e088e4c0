"""The tables of the practice pulse: a round of anonymous ratings in a channel.

Anonymity is built into the shape. A rating or a comment carries no user id and no time of
its own, only its round. Who answered is known only as a keyed hash (HMAC with the round's
own secret) so that nobody answers twice; the secret, the hashes and the invitations are
deleted when the round closes, after which nothing leads from an answer back to a person.
A leader's own ratings are the one exception, and only if they tick the form's box: kept
with their id so that App Home can show them, privately, beside the team's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.tables import SlackId


class PulseRound(Base):
    """One round of the pulse in a channel: open for a week, one reminder, then closed.
    Status: open, closed. `number` counts the channel's rounds from 1."""

    __tablename__ = "pulse_rounds"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "number", name="uq_pulse_rounds_number"),
        Index("ix_pulse_rounds_due", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    number: Mapped[int] = mapped_column()
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id", ondelete="SET NULL"))
    opened_by: Mapped[str | None] = mapped_column(SlackId)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The key of the answerers' hashes; None once the round is closed.
    secret: Mapped[str | None] = mapped_column(String(64))
    invited: Mapped[int] = mapped_column(default=0)
    # The answers kept with no name (a leader's, kept with their name by their choice, are
    # not counted here): the result is shown only when this reaches min_group.
    answered: Mapped[int] = mapped_column(default=0)
    # The minimum group in force when the round opened.
    min_group: Mapped[int] = mapped_column(default=5)
    result_ts: Mapped[str | None] = mapped_column(String(32))


class PulseInvite(Base):
    """A member asked to answer a round (a DM with Answer and Not for me). Holds nothing
    about answering; deleted when the round closes. Status: pending, claimed (by
    `claimed_by`, being sent), sent, failed, skipped, unknown (claimed by a process that
    died: perhaps sent, never sent again). A pending one is not sent before `updated_at`."""

    __tablename__ = "pulse_invites"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", name="uq_pulse_invites_once"),
        Index("ix_pulse_invites_status", "status", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(SlackId)
    user_id: Mapped[str] = mapped_column(SlackId)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    dm_channel: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PulseVoter(Base):
    """Someone answered the round: HMAC(round secret, user id), nothing else."""

    __tablename__ = "pulse_voters"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    voter: Mapped[str] = mapped_column(String(64), primary_key=True)


class PulseRating(Base):
    """One statement rated 1 to 10 in one answer: no person, no time, no link to the other
    ratings of the same answer."""

    __tablename__ = "pulse_ratings"
    __table_args__ = (Index("ix_pulse_ratings_round", "round_id", "practice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(SlackId)
    practice: Mapped[str] = mapped_column(String(16))
    commitment: Mapped[str] = mapped_column(String(32))
    rating: Mapped[int] = mapped_column()


class PulseComment(Base):
    """ "One thing we could do better", as typed, with no person and no time."""

    __tablename__ = "pulse_comments"
    __table_args__ = (Index("ix_pulse_comments_round", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(SlackId)
    text: Mapped[str] = mapped_column(Text)


class PulseLeaderRating(Base):
    """A leader's own rating of one statement, kept with their id so that only they see it
    beside the team's on App Home. Deleted with the person (forget me)."""

    __tablename__ = "pulse_leader_ratings"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    commitment: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    practice: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int] = mapped_column()


class PulseOptOut(Base):
    """Someone said "Not for me" to a channel's pulse: no more rounds for them there."""

    __tablename__ = "pulse_optouts"

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    channel_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    user_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
