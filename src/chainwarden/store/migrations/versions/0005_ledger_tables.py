"""ledger: chains, blocks, items, disposals, anchors

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-25 14:12:09.559456
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "ledger_chains",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_chains")),
        sa.UniqueConstraint("provider_id", name=op.f("uq_ledger_chains_provider_id")),
    )
    op.create_table(
        "ledger_anchors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain_id", sa.String(length=36), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("block_hash", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["ledger_chains.id"],
            name=op.f("fk_ledger_anchors_chain_id_ledger_chains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_anchors")),
    )
    with op.batch_alter_table("ledger_anchors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_anchors_chain_id"), ["chain_id"], unique=False)

    op.create_table(
        "ledger_blocks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain_id", sa.String(length=36), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("merkle_root", sa.String(length=64), nullable=False),
        sa.Column("leaf_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signer_key", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["ledger_chains.id"], name=op.f("fk_ledger_blocks_chain_id_ledger_chains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_blocks")),
        sa.UniqueConstraint("chain_id", "height", name=op.f("uq_ledger_blocks_chain_id")),
        sa.UniqueConstraint("hash", name=op.f("uq_ledger_blocks_hash")),
    )
    with op.batch_alter_table("ledger_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_blocks_chain_id"), ["chain_id"], unique=False)

    op.create_table(
        "ledger_disposals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_role", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("executed_by", sa.String(length=200), nullable=True),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("block_height", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["ledger_chains.id"],
            name=op.f("fk_ledger_disposals_chain_id_ledger_chains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_disposals")),
    )
    with op.batch_alter_table("ledger_disposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_disposals_chain_id"), ["chain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_disposals_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "ledger_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=True),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("author_ref", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("salt", sa.LargeBinary(), nullable=True),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("block_height", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("disposal_id", sa.String(length=36), nullable=True),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["ledger_chains.id"], name=op.f("fk_ledger_items_chain_id_ledger_chains")
        ),
        sa.ForeignKeyConstraint(
            ["disposal_id"],
            ["ledger_disposals.id"],
            name=op.f("fk_ledger_items_disposal_id_ledger_disposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_items")),
        sa.UniqueConstraint(
            "chain_id", "block_height", "position", name=op.f("uq_ledger_items_chain_id")
        ),
    )
    with op.batch_alter_table("ledger_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_items_chain_block", ["chain_id", "block_height"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_items_disposal_id"), ["disposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_items_provider_id"), ["provider_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("ledger_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_items_provider_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_items_disposal_id"))
        batch_op.drop_index("ix_ledger_items_chain_block")

    op.drop_table("ledger_items")
    with op.batch_alter_table("ledger_disposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_disposals_provider_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_disposals_chain_id"))

    op.drop_table("ledger_disposals")
    with op.batch_alter_table("ledger_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_blocks_chain_id"))

    op.drop_table("ledger_blocks")
    with op.batch_alter_table("ledger_anchors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_anchors_chain_id"))

    op.drop_table("ledger_anchors")
    op.drop_table("ledger_chains")
