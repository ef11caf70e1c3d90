"""keys: the fingerprint of the keyring the database's data was made with

Revision ID: 0009_keyring_fingerprint
Revises: 0008_provisional_deadlines
Create Date: 2026-12-04 16:00:00.000000

Empty after the upgrade: the first start of a server or a command records the key file's
fingerprint, and later starts with another key file (or none) are refused.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_keyring_fingerprint"
down_revision = "0008_provisional_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keyring_fingerprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyring_fingerprint")),
    )


def downgrade() -> None:
    op.drop_table("keyring_fingerprint")
