"""Digest schedules, commitments, milestones, milestone mode; forgettable schedule creators.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:32:11.335535
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_ask_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("asked_count", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_commitments_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitments_channel", ["team_id", "channel_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_commitments_next_ask", ["status", "next_ask_at"], unique=False)
        batch_op.create_index("ix_commitments_user", ["team_id", "user_id", "status"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("celebrated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_milestones_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("team_id", "channel_id", "kind", "key", name="uq_milestones_once"),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(
            "ix_milestones_pending", ["team_id", "channel_id", "celebrated_at"], unique=False
        )

    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="prompt", nullable=False)
        )
        batch_op.alter_column("created_by", existing_type=sa.VARCHAR(length=32), nullable=True)

    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "milestones_mode", sa.String(length=16), server_default="digest", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("milestones_mode")

    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.drop_column("kind")

    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index("ix_milestones_pending")

    op.drop_table("milestones")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_user")
        batch_op.drop_index("ix_commitments_next_ask")
        batch_op.drop_index("ix_commitments_channel")

    op.drop_table("commitments")
