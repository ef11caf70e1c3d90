"""ledger: whole-chain scans, their segments and findings

Revision ID: 0013_chain_scans
Revises: 0009_keyring_fingerprint
Create Date: 2026-12-04 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from chainwarden.store.base import UTCDateTime

revision = "0013_chain_scans"
down_revision = "0009_keyring_fingerprint"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_scans",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("chain", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("screening_version", sa.String(200), nullable=False),
        sa.Column("min_bytes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_scans")),
    )
    op.create_table(
        "chain_scan_segments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("end", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["chain_scans.id"], name=op.f("fk_chain_scan_segments_scan_id_chain_scans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_scan_segments")),
        sa.UniqueConstraint("scan_id", "seq", name=op.f("uq_chain_scan_segments_scan_id")),
    )
    op.create_index(
        op.f("ix_chain_scan_segments_scan_id"), "chain_scan_segments", ["scan_id"], unique=False
    )
    op.create_index(
        op.f("ix_chain_scan_segments_state"), "chain_scan_segments", ["state"], unique=False
    )
    op.create_table(
        "chain_scan_findings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("segment_id", sa.String(36), nullable=False),
        sa.Column("block", sa.String(80), nullable=False),
        sa.Column("tx", sa.String(80), nullable=False),
        sa.Column("location", sa.String(80), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["chain_scans.id"], name=op.f("fk_chain_scan_findings_scan_id_chain_scans")
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["chain_scan_segments.id"],
            name=op.f("fk_chain_scan_findings_segment_id_chain_scan_segments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_scan_findings")),
        sa.UniqueConstraint("scan_id", "block", "tx", "location", "text_hash", name="uq_finding"),
    )
    for column in ("scan_id", "segment_id", "decision"):
        op.create_index(
            op.f(f"ix_chain_scan_findings_{column}"), "chain_scan_findings", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("chain_scan_findings")
    op.drop_table("chain_scan_segments")
    op.drop_table("chain_scans")
