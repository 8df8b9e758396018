"""Badges an affiliate issues in its own name.

``badge_assertions.issuer``: the affiliate's profile id (``ISSUERS`` setting) when an assessor
who is its member awarded the badge on its behalf; empty for the app's own issuer.

Revision ID: 0303_assertion_issuer
Revises: 0302_endorsements_attestations
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0303_assertion_issuer"
down_revision = "0302_endorsements_attestations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("badge_assertions") as batch:
        batch.add_column(sa.Column("issuer", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("badge_assertions") as batch:
        batch.drop_column("issuer")
