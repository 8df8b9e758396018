"""Outcome cache: per welcomed newcomer, the outcomes last computed from the wiki (issue 9).

Revision ID: 0201_outcome_cache
Revises: 0101_learning
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0201_outcome_cache"
down_revision = "0101_learning"
branch_labels = None
depends_on = None

FLAGS = ("activated_24h", "activated_7d", "constructive", "retained", "started_tour",
         "completed_tour", "earned_badge", "wrote_to_mentor")


def upgrade() -> None:
    op.create_table(
        "outcome_cache",
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("registration", sa.DateTime(), nullable=True),
        sa.Column("week", sa.String(10), nullable=False, server_default=""),
        sa.Column("mentor", sa.String(255), nullable=False, server_default=""),
        sa.Column("experiment", sa.String(64), nullable=False, server_default=""),
        sa.Column("variant", sa.String(64), nullable=False, server_default=""),
        sa.Column("first_tour", sa.String(64), nullable=False, server_default=""),
        sa.Column("edits", sa.Integer(), nullable=False, server_default="0"),
        *[sa.Column(flag, sa.Boolean(), nullable=True) for flag in FLAGS],
        sa.Column("tours_started", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("tours_completed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("badges", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("computed", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wiki", "username", name="pk_outcome_cache"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("outcome_cache")
