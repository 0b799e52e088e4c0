"""Personal nudges (a person's habit, a leader's weekly reflection) and their days; the
message that showed an idea, hope or pilot, when it was first answered in its thread, and
the pilot a learning belongs to.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "personal_nudges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", name="fk_personal_nudges_team_id_workspaces"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("practice", sa.String(16), nullable=True),
        sa.Column("commitment", sa.String(32), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("cue", sa.Text(), nullable=True),
        sa.Column("days", sa.String(16), nullable=False),
        sa.Column("at_minute", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("zone_from_slack", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paused_until", WHEN, nullable=True),
        sa.Column("stopped_reason", sa.String(64), nullable=True),
        sa.Column("next_at", WHEN, nullable=True),
        sa.Column("done_since_offer", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_personal_nudges"),
        sa.UniqueConstraint("team_id", "user_id", "kind", name="uq_personal_nudges_person"),
    )
    op.create_index("ix_personal_nudges_due", "personal_nudges", ["next_at"])
    op.create_table(
        "nudge_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "nudge_id",
            sa.Integer(),
            sa.ForeignKey(
                "personal_nudges.id",
                ondelete="CASCADE",
                name="fk_nudge_days_nudge_id_personal_nudges",
            ),
            nullable=False,
        ),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nudge_days"),
        sa.UniqueConstraint("nudge_id", "day", name="uq_nudge_days_once"),
    )
    op.create_index("ix_nudge_days_team", "nudge_days", ["team_id", "day"])
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("message_ts", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("answered_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_responses_parent_id_responses",
            "responses",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_responses_parent_id", ["parent_id"])
        batch_op.create_index("ix_responses_message", ["team_id", "channel_id", "message_ts"])


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_index("ix_responses_message")
        batch_op.drop_index("ix_responses_parent_id")
        batch_op.drop_constraint("fk_responses_parent_id_responses", type_="foreignkey")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("message_ts")
    op.drop_index("ix_nudge_days_team", table_name="nudge_days")
    op.drop_table("nudge_days")
    op.drop_index("ix_personal_nudges_due", table_name="personal_nudges")
    op.drop_table("personal_nudges")
