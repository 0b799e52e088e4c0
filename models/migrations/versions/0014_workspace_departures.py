"""When a workspace uninstalled the app or had its tokens revoked (models.retention): its
data is purged once the retention period has passed since then. A workspace already
stopped by an uninstall or a revoked token is counted as leaving now, so its data is kept
for the whole period from this upgrade.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_departures",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name="fk_workspace_departures_team_id_workspaces",
        ),
        sa.PrimaryKeyConstraint("team_id", name="pk_workspace_departures"),
    )
    op.create_index("ix_workspace_departures_left_at", "workspace_departures", ["left_at"])
    op.execute(
        sa.text(
            "INSERT INTO workspace_departures (team_id, left_at, reason) "
            "SELECT team_id, :now, inactive_reason FROM workspaces "
            "WHERE inactive_reason IN ('app_uninstalled', 'token_revoked', 'tokens_revoked')"
        ).bindparams(sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True)))
    )


def downgrade() -> None:
    op.drop_index("ix_workspace_departures_left_at", table_name="workspace_departures")
    op.drop_table("workspace_departures")
