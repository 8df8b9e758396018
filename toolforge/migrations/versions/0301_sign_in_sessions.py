"""Sign-in sessions kept on the server (logout and expiry end them for every copy of a cookie).

Revision ID: 0301_sign_in_sessions
Revises: 0203_experiment_designs
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0301_sign_in_sessions"
down_revision = "0203_experiment_designs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_sessions"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )
    op.create_index("ix_sign_in_sessions_expires", "sign_in_sessions", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_sessions_expires", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
