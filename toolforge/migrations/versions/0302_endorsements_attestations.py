"""Endorsements, and badges that people award (attested skills).

``endorsements``: a trainer, an app admin or an affiliate vouches for a badge class, for one
assertion, or for a learner's candidacy to a badge (the trainer certificate needs one).
``badge_assertions.awarded_by``: the assessor (``wiki:Name``) of an attested badge.

Revision ID: 0302_endorsements_attestations
Revises: 0301_badge_evidence
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0302_endorsements_attestations"
down_revision = "0301_badge_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("wiki", sa.String(64), nullable=False),
        sa.Column("endorser", sa.String(255), nullable=False),
        sa.Column("issuer", sa.String(64), nullable=False, server_default=""),
        sa.Column("badge", sa.String(64), nullable=False),
        sa.Column("username", sa.String(255), nullable=False, server_default=""),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_endorsements"),
        sa.UniqueConstraint("uuid", name="uq_endorsements_uuid"),
        sa.UniqueConstraint("wiki", "endorser", "badge", "username",
                            name="uq_endorsements_once"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin", mysql_engine="InnoDB",
    )
    with op.batch_alter_table("badge_assertions") as batch:
        batch.add_column(sa.Column("awarded_by", sa.String(255), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("badge_assertions") as batch:
        batch.drop_column("awarded_by")
    op.drop_table("endorsements")
