"""deadlines counted with a provisional year are marked; cancellation notice is recorded

Revision ID: 0008_provisional_deadlines
Revises: 0007_retention_tiles
Create Date: 2026-12-04 16:00:00.000000

A ``provisional`` flag on every table with a stored working-day deadline (filings, filing
changes, complaints, assessments, rectification orders), so that importing a year's official
schedule finds and recomputes the deadlines that were counted without it. Filings also keep the
day a cancellation was notified, the earliest termination date 30 working days later and whether
the notice came late (Art. 11(3)).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_provisional_deadlines"
down_revision = "0007_retention_tiles"
branch_labels = None
depends_on = None

TABLES = (
    "filings",
    "filing_changes",
    "gateway_complaints",
    "supervision_assessments",
    "supervision_orders",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false())
            )
            batch.create_index(f"ix_{table}_provisional", ["provisional"])
    with op.batch_alter_table("filings") as batch:
        batch.add_column(sa.Column("cancellation_notified_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("termination_earliest", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column(
                "termination_notice_late", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch:
        batch.drop_column("termination_notice_late")
        batch.drop_column("termination_earliest")
        batch.drop_column("cancellation_notified_on")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_provisional")
            batch.drop_column("provisional")
