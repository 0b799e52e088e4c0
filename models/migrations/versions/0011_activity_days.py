"""Daily rollups of what was done in each channel (models.rollups), counted from the rows
that exist already.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.rollups import rebuild

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_days",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("practice", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "team_id", "channel_id", "day", "practice", "kind", name="pk_activity_days"
        ),
    )
    op.create_index(
        "ix_activity_days_counts",
        "activity_days",
        ["team_id", "channel_id", "day", "practice", "kind", "count"],
    )
    op.create_index(
        "ix_activity_days_practice",
        "activity_days",
        ["team_id", "channel_id", "practice", "day"],
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_activity_days_practice", table_name="activity_days")
    op.drop_index("ix_activity_days_counts", table_name="activity_days")
    op.drop_table("activity_days")
