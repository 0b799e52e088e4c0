"""Worries keep no dedupe key: a view id or a message's timestamp leads back to its author.
Clears the keys earlier versions stored on worries, then makes it a database rule.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE = "kind <> 'fear' OR dedupe_key IS NULL"


def upgrade() -> None:
    op.execute(sa.text("UPDATE responses SET dedupe_key = NULL WHERE kind = 'fear'"))
    with op.batch_alter_table("responses") as batch_op:
        batch_op.create_check_constraint(op.f("ck_responses_fear_keeps_no_key"), RULE)


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_constraint(op.f("ck_responses_fear_keeps_no_key"), type_="check")
