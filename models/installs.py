"""The tables of "Add to Slack": each workspace's (or Enterprise Grid org's) installation,
the OAuth states handed out for installs in progress, and which org a workspace belongs to.

`slack_installations` and `slack_bots` have the columns of slack_sdk's SQLAlchemy
installation store (`SQLAlchemyInstallationStore` reads and writes them through these
tables), with the token columns widened to text: tokens are stored sealed
(bot/slack/tokens.py), which makes them longer. Their timestamps are naive UTC, as that
store writes them. Every token column holds a sealed value, never a token as Slack gave it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

Id = String(32)
Name = String(200)
Scopes = String(1000)


class SlackInstallation(Base):
    """One installation: who installed the app where, with the bot (and any user) token."""

    __tablename__ = "slack_installations"
    __table_args__ = (
        Index(
            "slack_installations_idx",
            "client_id",
            "enterprise_id",
            "team_id",
            "user_id",
            "installed_at",
        ),
        Index("slack_installations_team_idx", "client_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(Id)
    app_id: Mapped[str] = mapped_column(Id)
    enterprise_id: Mapped[str | None] = mapped_column(Id)
    enterprise_name: Mapped[str | None] = mapped_column(Name)
    enterprise_url: Mapped[str | None] = mapped_column(Name)
    team_id: Mapped[str | None] = mapped_column(Id)
    team_name: Mapped[str | None] = mapped_column(Name)
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(Id)
    bot_user_id: Mapped[str | None] = mapped_column(Id)
    bot_scopes: Mapped[str | None] = mapped_column(Scopes)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    user_id: Mapped[str] = mapped_column(Id)
    user_token: Mapped[str | None] = mapped_column(Text)
    user_scopes: Mapped[str | None] = mapped_column(Scopes)
    user_refresh_token: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    incoming_webhook_url: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_channel: Mapped[str | None] = mapped_column(Name)
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(Name)
    incoming_webhook_configuration_url: Mapped[str | None] = mapped_column(Name)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    token_type: Mapped[str | None] = mapped_column(Id)
    installed_at: Mapped[datetime] = mapped_column(DateTime, default=func.now())


class SlackBot(Base):
    """The bot of an installation (the latest one per workspace or org is the one used)."""

    __tablename__ = "slack_bots"
    __table_args__ = (
        Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
        Index("slack_bots_team_idx", "client_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(Id)
    app_id: Mapped[str] = mapped_column(Id)
    enterprise_id: Mapped[str | None] = mapped_column(Id)
    enterprise_name: Mapped[str | None] = mapped_column(Name)
    team_id: Mapped[str | None] = mapped_column(Id)
    team_name: Mapped[str | None] = mapped_column(Name)
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(Id)
    bot_user_id: Mapped[str | None] = mapped_column(Id)
    bot_scopes: Mapped[str | None] = mapped_column(Scopes)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_at: Mapped[datetime] = mapped_column(DateTime, default=func.now())


class SlackOAuthState(Base):
    """An install in progress: the state handed to Slack, good once, until `expire_at`."""

    __tablename__ = "slack_oauth_states"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(200), unique=True)
    expire_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SlackOrgTeam(Base):
    """A workspace of an Enterprise Grid org, seen in a request or an install: how a
    workspace's work finds its org-wide installation."""

    __tablename__ = "slack_org_teams"

    team_id: Mapped[str] = mapped_column(Id, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(Id)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
