"""Outcome settings: per wiki, the report threshold the wiki sets on its configuration page.

Revision ID: 0202_outcome_settings
Revises: 0201_outcome_cache
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0202_outcome_settings"
down_revision = "0201_outcome_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome_settings",
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("report_threshold", sa.Integer(), nullable=True),
        sa.Column("computed", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wiki", name="pk_outcome_settings"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("outcome_settings")
