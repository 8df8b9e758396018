"""Experiment designs: per wiki and experiment, the design the refresh read from the wiki.

Revision ID: 0203_experiment_designs
Revises: 0202_outcome_settings
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0203_experiment_designs"
down_revision = "0202_outcome_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiment_design",
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("design", sa.Text(), nullable=False),
        sa.Column("computed", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wiki", "name", name="pk_experiment_design"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("experiment_design")
