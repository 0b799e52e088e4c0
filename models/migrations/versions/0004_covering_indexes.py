"""Widen the channel indexes so progress and digests read only the index on busy channels.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = {
    "recognitions": ["team_id", "channel_id", "created_at", "practice", "giver_id"],
    "responses": ["team_id", "channel_id", "created_at", "practice", "user_id"],
}


def upgrade() -> None:
    for table, columns in WIDE.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_channel")
            batch_op.create_index(f"ix_{table}_channel", columns, unique=False)


def downgrade() -> None:
    for table, columns in WIDE.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_channel")
            batch_op.create_index(f"ix_{table}_channel", columns[:3], unique=False)
