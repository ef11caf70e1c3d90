"""gateway: posts, policies, reports, complaints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 14:58:37.910701
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_policies",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("escalate_after_hours", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_gateway_policies_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_gateway_policies")),
    )
    op.create_table(
        "gateway_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=200), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_gateway_reports_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_reports")),
    )
    with op.batch_alter_table("gateway_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gateway_reports_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_reports_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "gateway_complaints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_gateway_complaints_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_gateway_complaints_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_complaints")),
    )
    with op.batch_alter_table("gateway_complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gateway_complaints_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_complaints_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_complaints_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            "ix_gateway_complaints_source", ["source_hash", "created_at"], unique=False
        )

    op.create_table(
        "gateway_posts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("review_entry_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_gateway_posts_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_gateway_posts_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_users.id"], name=op.f("fk_gateway_posts_user_id_identity_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_posts")),
    )
    with op.batch_alter_table("gateway_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_posts_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_gateway_posts_queue", ["provider_id", "state", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_posts_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            "ix_gateway_posts_user_state", ["user_id", "state", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gateway_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_gateway_posts_user_state")
        batch_op.drop_index(batch_op.f("ix_gateway_posts_service_id"))
        batch_op.drop_index("ix_gateway_posts_queue")
        batch_op.drop_index(batch_op.f("ix_gateway_posts_item_id"))

    op.drop_table("gateway_posts")
    with op.batch_alter_table("gateway_complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_gateway_complaints_source")
        batch_op.drop_index(batch_op.f("ix_gateway_complaints_service_id"))
        batch_op.drop_index(batch_op.f("ix_gateway_complaints_province_code"))
        batch_op.drop_index(batch_op.f("ix_gateway_complaints_provider_id"))

    op.drop_table("gateway_complaints")
    with op.batch_alter_table("gateway_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_reports_province_code"))
        batch_op.drop_index(batch_op.f("ix_gateway_reports_provider_id"))

    op.drop_table("gateway_reports")
    op.drop_table("gateway_policies")
