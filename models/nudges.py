"""The tables of personal nudges: a person's habit or a leader's weekly reflection, and
each day of one, claimed before it is sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.tables import SlackId


class PersonalNudge(Base):
    """One person's own reminder, opted into by them: a small daily habit ("habit") or a
    leader's weekly reflection ("reflection"). At most one of each kind per person.
    `next_at` is the next time it is due (UTC), computed from the days, the time and the
    person's zone; None while off or stopped."""

    __tablename__ = "personal_nudges"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "kind", name="uq_personal_nudges_person"),
        Index("ix_personal_nudges_due", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    user_id: Mapped[str] = mapped_column(SlackId)
    kind: Mapped[str] = mapped_column(String(16))  # habit, reflection
    # Where the habit was set up: its check-ins count in that channel's progress.
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    practice: Mapped[str | None] = mapped_column(String(16))
    commitment: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str | None] = mapped_column(Text)
    cue: Mapped[str | None] = mapped_column(Text)
    days: Mapped[str] = mapped_column(String(16))  # weekdays, Monday 0: "0,2,4"
    at_minute: Mapped[int] = mapped_column()  # minutes after local midnight
    zone: Mapped[str] = mapped_column(String(64))
    zone_from_slack: Mapped[bool] = mapped_column(default=True)  # follow the profile's zone
    status: Mapped[str] = mapped_column(String(16))  # active, paused, off, stopped
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_reason: Mapped[str | None] = mapped_column(String(64))
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Done check-ins since the next practice was last offered.
    done_since_offer: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NudgeDay(Base):
    """One day of a personal nudge, claimed before anything is sent (the unique key makes
    it at most one a day, whatever restarts, retries or replicas do), and its outcome: the
    habit's log. Status: claimed, sent, away, done, skipped, failed."""

    __tablename__ = "nudge_days"
    __table_args__ = (
        UniqueConstraint("nudge_id", "day", name="uq_nudge_days_once"),
        Index("ix_nudge_days_team", "team_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nudge_id: Mapped[int] = mapped_column(ForeignKey("personal_nudges.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(SlackId)
    day: Mapped[date] = mapped_column(Date)  # the person's local date
    status: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(SlackId)  # the DM it was sent in
    message_ts: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
