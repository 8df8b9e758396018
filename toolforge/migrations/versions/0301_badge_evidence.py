"""Badge evidence: what kind of claim an assertion makes, and the edits that back it.

``kind`` is ``evidence`` (edits checked on the wiki) or ``completion`` (the tour was completed,
as the learner's own progress record says); rows issued before this revision made no check,
so they are ``completion``. ``evidence`` holds the checked edits as JSON.

Revision ID: 0301_badge_evidence
Revises: 0301_sign_in_sessions
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0301_badge_evidence"
down_revision = "0301_sign_in_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("badge_assertions") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False,
                                   server_default="completion"))
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("badge_assertions") as batch:
        batch.drop_column("evidence")
        batch.drop_column("kind")
