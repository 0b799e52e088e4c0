"""The practice pulse: rounds, invitations, answerers' keyed hashes, anonymous ratings and
comments, leaders' own ratings, and who said "Not for me".

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
ID = sa.String(32)


def _round(table: str) -> sa.Column:
    return sa.Column(
        "round_id",
        sa.Integer(),
        sa.ForeignKey(
            "pulse_rounds.id", ondelete="CASCADE", name=f"fk_{table}_round_id_pulse_rounds"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "pulse_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id",
            ID,
            sa.ForeignKey("workspaces.team_id", name="fk_pulse_rounds_team_id_workspaces"),
            nullable=False,
        ),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "schedule_id",
            sa.Integer(),
            sa.ForeignKey(
                "schedules.id", ondelete="SET NULL", name="fk_pulse_rounds_schedule_id_schedules"
            ),
            nullable=True,
        ),
        sa.Column("opened_by", ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("remind_at", WHEN, nullable=False),
        sa.Column("closes_at", WHEN, nullable=False),
        sa.Column("reminded_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("secret", sa.String(64), nullable=True),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("min_group", sa.Integer(), nullable=False),
        sa.Column("result_ts", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pulse_rounds"),
        sa.UniqueConstraint("team_id", "channel_id", "number", name="uq_pulse_rounds_number"),
    )
    op.create_index("ix_pulse_rounds_due", "pulse_rounds", ["status", "closes_at"])
    op.create_table(
        "pulse_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        _round("pulse_invites"),
        sa.Column("team_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dm_channel", ID, nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pulse_invites"),
        sa.UniqueConstraint("round_id", "user_id", name="uq_pulse_invites_once"),
    )
    op.create_index("ix_pulse_invites_status", "pulse_invites", ["status", "round_id"])
    op.create_table(
        "pulse_voters",
        _round("pulse_voters"),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "voter", name="pk_pulse_voters"),
    )
    op.create_table(
        "pulse_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        _round("pulse_ratings"),
        sa.Column("team_id", ID, nullable=False),
        sa.Column("practice", sa.String(16), nullable=False),
        sa.Column("commitment", sa.String(32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pulse_ratings"),
    )
    op.create_index("ix_pulse_ratings_round", "pulse_ratings", ["round_id", "practice"])
    op.create_table(
        "pulse_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        _round("pulse_comments"),
        sa.Column("team_id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pulse_comments"),
    )
    op.create_index("ix_pulse_comments_round", "pulse_comments", ["round_id"])
    op.create_table(
        "pulse_leader_ratings",
        _round("pulse_leader_ratings"),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("commitment", sa.String(32), nullable=False),
        sa.Column("team_id", ID, nullable=False),
        sa.Column("practice", sa.String(16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "round_id", "user_id", "commitment", name="pk_pulse_leader_ratings"
        ),
    )
    op.create_table(
        "pulse_optouts",
        sa.Column("team_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "user_id", name="pk_pulse_optouts"),
    )


def downgrade() -> None:
    op.drop_table("pulse_optouts")
    op.drop_table("pulse_leader_ratings")
    op.drop_index("ix_pulse_comments_round", table_name="pulse_comments")
    op.drop_table("pulse_comments")
    op.drop_index("ix_pulse_ratings_round", table_name="pulse_ratings")
    op.drop_table("pulse_ratings")
    op.drop_table("pulse_voters")
    op.drop_index("ix_pulse_invites_status", table_name="pulse_invites")
    op.drop_table("pulse_invites")
    op.drop_index("ix_pulse_rounds_due", table_name="pulse_rounds")
    op.drop_table("pulse_rounds")
