"""Issued badges (Open Badges assertions), cohorts and their members.

Revision ID: 0101_learning
Revises: 0001_event_counts
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0101_learning"
down_revision = "0001_event_counts"
branch_labels = None
depends_on = None

TABLE = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin", "mysql_engine": "InnoDB"}


def upgrade() -> None:
    op.create_table(
        "badge_assertions",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("badge", sa.String(64), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("issued_on", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("revocation_reason", sa.String(255), nullable=False, server_default=""),
        sa.Column("revoked_by", sa.String(255), nullable=False, server_default=""),
        sa.Column("revoked_on", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_badge_assertions"),
        sa.UniqueConstraint("uuid", name="uq_badge_assertions_uuid"),
        sa.UniqueConstraint("wiki", "username", "badge", name="uq_badge_assertions_recipient"),
        **TABLE,
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("join_token", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
        sa.UniqueConstraint("join_token", name="uq_cohorts_join_token"),
        **TABLE,
    )
    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("added", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(255), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], ondelete="CASCADE",
                                name="fk_cohort_members_cohort_id_cohorts"),
        sa.PrimaryKeyConstraint("cohort_id", "username", name="pk_cohort_members"),
        **TABLE,
    )


def downgrade() -> None:
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
    op.drop_table("badge_assertions")
