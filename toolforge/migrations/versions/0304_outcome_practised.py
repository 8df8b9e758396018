"""The outcome "practised": a task edit on a real article within 7 days (issue 19).

Revision ID: 0304_outcome_practised
Revises: 0303_assertion_issuer
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0304_outcome_practised"
down_revision = "0303_assertion_issuer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outcome_cache") as batch:
        batch.add_column(sa.Column("practised", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outcome_cache") as batch:
        batch.drop_column("practised")
