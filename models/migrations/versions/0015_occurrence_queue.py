"""Occurrences as a queue that every scheduler replica takes its posts from: the leader
writes each due occurrence as a "due" row with a fairness rank (a workspace's first post
comes before any workspace's second), a replica claims "due" rows in batches
(FOR UPDATE SKIP LOCKED), and a dead replica's claims are found by claimed_by.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = sa.text("status = 'due'")
CLAIMED = sa.text("status = 'claimed'")


def upgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.add_column(sa.Column("rank", sa.Integer(), nullable=True))
    # what is waiting, in the order it is claimed
    op.create_index(
        "ix_occurrences_due",
        "occurrences",
        ["occurs_at", "rank", "id"],
        postgresql_where=DUE,
        sqlite_where=DUE,
    )
    # who holds claims not yet done (to find those of a replica that died)
    op.create_index(
        "ix_occurrences_claimed",
        "occurrences",
        ["claimed_by"],
        postgresql_where=CLAIMED,
        sqlite_where=CLAIMED,
    )


def downgrade() -> None:
    op.drop_index("ix_occurrences_claimed", table_name="occurrences")
    op.drop_index("ix_occurrences_due", table_name="occurrences")
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("rank")
