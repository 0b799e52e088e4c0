"""Prompt schedules are numbered as people see them: schedules.number, 1, 2, 3... per
workspace, counting prompt schedules only (a digest no longer takes #1). Existing prompt
schedules, removed ones included, are numbered in the order they were made.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER = sa.text(
    "UPDATE schedules SET number = ("
    " SELECT COUNT(*) FROM schedules AS earlier"
    " WHERE earlier.team_id = schedules.team_id AND earlier.kind = 'prompt'"
    " AND earlier.id <= schedules.id"
    ") WHERE kind = 'prompt'"
)


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
    op.execute(NUMBER)
    with op.batch_alter_table("schedules") as batch_op:
        batch_op.create_unique_constraint("uq_schedules_number", ["team_id", "kind", "number"])


def downgrade() -> None:
    with op.batch_alter_table("schedules") as batch_op:
        batch_op.drop_constraint("uq_schedules_number", type_="unique")
        batch_op.drop_column("number")
