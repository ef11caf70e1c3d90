"""retention log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:11:09.941982
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "retention_nodes",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("node", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "node", name=op.f("pk_retention_nodes")),
    )
    op.create_table(
        "retention_logs",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("signing_key", sa.Text(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_retention_logs_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_retention_logs")),
    )
    op.create_table(
        "retention_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("entry_type", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("case_ref", sa.String(length=100), nullable=True),
        sa.Column("leaf", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("payload_purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["retention_logs.provider_id"],
            name=op.f("fk_retention_entries_provider_id_retention_logs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_entries")),
        sa.UniqueConstraint("provider_id", "idx", name="uq_retention_entries_provider_idx"),
    )
    with op.batch_alter_table("retention_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_entries_provider_at", ["provider_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_retention_entries_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_retention_entries_user_id"), ["user_id"], unique=False)

    op.create_table(
        "retention_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["retention_logs.provider_id"],
            name=op.f("fk_retention_holds_provider_id_retention_logs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_holds")),
    )
    with op.batch_alter_table("retention_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_holds_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "retention_tree_heads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["retention_logs.provider_id"],
            name=op.f("fk_retention_tree_heads_provider_id_retention_logs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_tree_heads")),
    )
    with op.batch_alter_table("retention_tree_heads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_tree_heads_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "retention_payloads",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["retention_entries.id"],
            name=op.f("fk_retention_payloads_entry_id_retention_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_retention_payloads")),
    )


def downgrade() -> None:

    op.drop_table("retention_payloads")
    with op.batch_alter_table("retention_tree_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_tree_heads_provider_id"))

    op.drop_table("retention_tree_heads")
    with op.batch_alter_table("retention_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_holds_provider_id"))

    op.drop_table("retention_holds")
    with op.batch_alter_table("retention_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_entries_user_id"))
        batch_op.drop_index(batch_op.f("ix_retention_entries_service_id"))
        batch_op.drop_index("ix_retention_entries_provider_at")

    op.drop_table("retention_entries")
    op.drop_table("retention_logs")
    op.drop_table("retention_nodes")
