"""Indexes for the team measures: each reads a busy channel's rows from an index alone,
and only the rows it counts (bot.measures).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED = sa.text("team_value IS NOT NULL")

# name: (table, columns, only the rows where)
INDEXES: dict[str, tuple[str, list[str], sa.TextClause | None]] = {
    # reach, concentration, who was not recognised: a channel's kudos (with their ids, so
    # PostgreSQL reads no row for them) and the people each named
    "ix_recognitions_named": ("recognitions", ["team_id", "channel_id", "created_at", "id"], None),
    "ix_recognition_recipients_named": (
        "recognition_recipients",
        ["recognition_id", "user_id"],
        None,
    ),
    # answers per prompt: a prompt's answers, found from the prompt
    "ix_recognitions_prompt": (
        "recognitions",
        ["prompt_id", "team_id", "channel_id", "created_at"],
        None,
    ),
    "ix_responses_prompt": (
        "responses",
        ["prompt_id", "team_id", "channel_id", "created_at"],
        None,
    ),
    # values named: only the kudos and answers that named one
    "ix_recognitions_value": (
        "recognitions",
        ["team_id", "channel_id", "created_at", "team_value"],
        NAMED,
    ),
    "ix_responses_value": (
        "responses",
        ["team_id", "channel_id", "created_at", "team_value"],
        NAMED,
    ),
    # experiments closed and voice answered: a channel's pilots, ideas and hopes by kind
    "ix_responses_kind": (
        "responses",
        ["team_id", "channel_id", "kind", "created_at", "message_ts", "answered_at", "id"],
        None,
    ),
    # the learnings of a pilot
    "ix_responses_learning": ("responses", ["parent_id", "kind", "team_id", "created_at"], None),
    # follow-through: commitments by the day they are due
    "ix_commitments_due": (
        "commitments",
        ["team_id", "channel_id", "due_on", "status", "answered_at", "zone"],
        None,
    ),
    # people touching three practices: commitments made, and kept, with who made them
    "ix_commitments_made": (
        "commitments",
        ["team_id", "channel_id", "created_at", "user_id"],
        None,
    ),
    "ix_commitments_kept": (
        "commitments",
        ["team_id", "channel_id", "status", "answered_at", "created_at", "user_id"],
        None,
    ),
}


def upgrade() -> None:
    for name, (table, columns, where) in INDEXES.items():
        op.create_index(
            name, table, columns, unique=False, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for name, (table, _columns, _where) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
