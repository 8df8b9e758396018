"""Funnel event counters (one row per wiki, tour, version, step, action, language, skin, day).

Revision ID: 0001_event_counts
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_event_counts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_counts",
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("tour", sa.String(64), nullable=False),
        sa.Column("version", sa.SmallInteger(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(35), nullable=False),
        sa.Column("skin", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step_index", sa.SmallInteger(), nullable=False, server_default="0"),
        sa.Column("count", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint(
            "wiki", "tour", "version", "step", "action", "lang", "skin", "day",
            name="pk_event_counts",
        ),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("event_counts")
