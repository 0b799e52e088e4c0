"""The tables. Every row carries `team_id`, and every query filters by it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

SlackId = String(32)


class Workspace(Base):
    """A Slack workspace the bot has served."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when Slack says the token was revoked or the app uninstalled: no more posting.
    inactive_reason: Mapped[str | None] = mapped_column(String(64))
    # How milestones are celebrated: "now" (at once), "digest" (in the next digest), "off".
    milestones_mode: Mapped[str] = mapped_column(
        String(16), default="digest", server_default="digest"
    )


class Prompt(Base):
    """A practice prompt posted in a channel (on demand now, on a schedule later)."""

    __tablename__ = "prompts"
    __table_args__ = (
        Index("ix_prompts_channel", "team_id", "channel_id", "created_at"),
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_prompts_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    practice: Mapped[str] = mapped_column(String(16))
    commitment: Mapped[str] = mapped_column(String(32))
    prompt_key: Mapped[str] = mapped_column(String(64))
    response_kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    posted_by: Mapped[str | None] = mapped_column(SlackId)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id", ondelete="SET NULL"))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Recognition(Base):
    """Kudos: one giver, one reason, one or more recipients."""

    __tablename__ = "recognitions"
    __table_args__ = (
        # Covers the progress and digest queries (index-only scans on busy channels).
        Index(
            "ix_recognitions_channel", "team_id", "channel_id", "created_at", "practice", "giver_id"
        ),
        Index("ix_recognitions_giver", "team_id", "giver_id", "created_at"),
        UniqueConstraint("team_id", "dedupe_key", name="uq_recognitions_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    giver_id: Mapped[str | None] = mapped_column(SlackId)
    reason: Mapped[str] = mapped_column(Text)
    practice: Mapped[str] = mapped_column(String(16))
    commitment: Mapped[str] = mapped_column(String(32))
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="SET NULL"))
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The team value the kudos shows (`+<value>`), as it was named when given.
    team_value: Mapped[str | None] = mapped_column(String(64))

    recipients: Mapped[list[RecognitionRecipient]] = relationship(
        back_populates="recognition",
        cascade="all, delete-orphan",
        order_by="RecognitionRecipient.id",
    )


class RecognitionRecipient(Base):
    """One person recognised by a kudos."""

    __tablename__ = "recognition_recipients"
    __table_args__ = (Index("ix_recognition_recipients_user", "team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(
        ForeignKey("recognitions.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[str] = mapped_column(SlackId)
    user_id: Mapped[str | None] = mapped_column(SlackId)

    recognition: Mapped[Recognition] = relationship(back_populates="recipients")


class Response(Base):
    """A logged answer of any kind but kudos: win, hope, fear, goal, pilot, idea, ...

    A fear never stores who shared it, nor a dedupe key (a view id or a message's
    timestamp leads back to its author): the check constraints make that a database rule.
    """

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_channel", "team_id", "channel_id", "created_at", "practice", "user_id"),
        Index("ix_responses_user", "team_id", "user_id"),
        Index("ix_responses_message", "team_id", "channel_id", "message_ts"),
        UniqueConstraint("team_id", "dedupe_key", name="uq_responses_dedupe"),
        CheckConstraint("kind <> 'fear' OR user_id IS NULL", name="fear_is_anonymous"),
        CheckConstraint("kind <> 'fear' OR dedupe_key IS NULL", name="fear_keeps_no_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    user_id: Mapped[str | None] = mapped_column(SlackId)
    kind: Mapped[str] = mapped_column(String(16))
    practice: Mapped[str] = mapped_column(String(16))
    commitment: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="SET NULL"))
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The message that showed it in the channel (ideas, hopes and pilots), so that a reply
    # in its thread can be told apart: `answered_at` is the first reply by someone else.
    message_ts: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A learning logged in a pilot's thread points at the pilot.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    # The team value a win shows (`+<value>`), as it was named when shared.
    team_value: Mapped[str | None] = mapped_column(String(64))


class Statement(Base):
    """A versioned workspace statement: the vision or the guidelines. The newest is current."""

    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_current", "team_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Schedule(Base):
    """A channel's rhythm of practice prompts. The database is the one source of truth;
    the scheduler derives its jobs from these rows."""

    __tablename__ = "schedules"
    __table_args__ = (
        Index("ix_schedules_channel", "team_id", "channel_id"),
        Index("ix_schedules_updated", "updated_at"),
        UniqueConstraint("team_id", "kind", "number", name="uq_schedules_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    # "prompt": a practice prompt; "digest": the channel's weekly recognition digest.
    kind: Mapped[str] = mapped_column(String(16), default="prompt", server_default="prompt")
    practice: Mapped[str] = mapped_column(String(16))  # a practice key, "rotate" or "digest"
    # A prompt schedule's number as people see and type it: 1, 2, 3... in the workspace,
    # counting prompt schedules only (never reused); None for a digest.
    number: Mapped[int | None] = mapped_column()
    cron: Mapped[str] = mapped_column(String(64))
    zone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(SlackId)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A digest: where the last digest in the channel ended (posted on schedule, or shared
    # early from a preview), so the next scheduled one says only what is new since.
    covered_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Occurrence(Base):
    """One run of a schedule, claimed before it is posted: the unique key makes every
    occurrence post at most once, whatever restarts, retries or replicas do."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("schedule_id", "occurs_at", name="uq_occurrences_claim"),
        Index(
            "ix_occurrences_due",
            "occurs_at",
            "rank",
            "id",
            postgresql_where=text("status = 'due'"),
            sqlite_where=text("status = 'due'"),
        ),
        Index(
            "ix_occurrences_claimed",
            "claimed_by",
            postgresql_where=text("status = 'claimed'"),
            sqlite_where=text("status = 'claimed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(SlackId)
    occurs_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # due (waiting for a replica), claimed, posted, failed, skipped, unknown (claimed by a
    # replica that died before it said what happened: never posted again)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(200))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Fairness within a due minute: the workspace's 1st, 2nd... occurrence; lower ranks are
    # claimed first, so one big workspace cannot hold back the others' first posts.
    rank: Mapped[int | None] = mapped_column()


class Commitment(Base):
    """Model the Way: something a person said they would do by a date. On the due date the
    bot asks them in the thread whether it was kept."""

    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_channel", "team_id", "channel_id", "created_at"),
        Index("ix_commitments_user", "team_id", "user_id", "status"),
        Index("ix_commitments_next_ask", "status", "next_ask_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    user_id: Mapped[str] = mapped_column(SlackId)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    zone: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, kept, dropped
    # When to ask next (UTC); None once answered kept or dropped.
    next_ask_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    asked_count: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Milestone(Base):
    """A milestone reached in a channel (the 10th recognition, someone's first, the first
    pilot), recorded once; celebrated at once or in the next digest."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "kind", "key", name="uq_milestones_once"),
        Index("ix_milestones_pending", "team_id", "channel_id", "celebrated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(SlackId)
    kind: Mapped[str] = mapped_column(String(32))  # recognitions, first_recognition, first_pilot
    key: Mapped[str] = mapped_column(String(64))  # the count reached, or the person's id
    user_id: Mapped[str | None] = mapped_column(SlackId)
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    celebrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PrivateHint(Base):
    """When a person was last given a private hint of a kind (how to make praise specific),
    so that it comes at most once a week. Deleted with the person (forget me)."""

    __tablename__ = "private_hints"

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    user_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
