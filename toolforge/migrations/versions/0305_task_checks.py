"""Checked task edits remembered per wiki, revision and claimant (issue 19: practice checks cached).

Revision ID: 0305_task_checks
Revises: 0304_outcome_practised
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0305_task_checks"
down_revision = "0304_outcome_practised"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_checks",
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("revid", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("basis", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("timestamp", sa.String(32), nullable=False),
        sa.Column("did", sa.String(64), nullable=False),
        sa.Column("checked", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wiki", "revid", "username", name="pk_task_checks"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )
    op.create_index("ix_task_checks_wiki_user", "task_checks", ["wiki", "username"])


def downgrade() -> None:
    op.drop_index("ix_task_checks_wiki_user", table_name="task_checks")
    op.drop_table("task_checks")
