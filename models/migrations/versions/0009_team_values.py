"""The team value a kudos or a win shows, and when a person last got a private hint.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recognitions") as batch_op:
        batch_op.add_column(sa.Column("team_value", sa.String(64), nullable=True))
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("team_value", sa.String(64), nullable=True))
    op.create_table(
        "private_hints",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", "kind", name="pk_private_hints"),
    )


def downgrade() -> None:
    op.drop_table("private_hints")
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("team_value")
    with op.batch_alter_table("recognitions") as batch_op:
        batch_op.drop_column("team_value")
