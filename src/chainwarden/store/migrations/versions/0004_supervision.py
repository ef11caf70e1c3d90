"""supervision: security assessments, cases, rectification orders, suspensions, penalties

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-25 14:13:21.210827
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_screening_counts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("blocked", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_screening_counts_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_screening_counts")),
        sa.UniqueConstraint(
            "provider_id",
            "day",
            "category",
            name=op.f("uq_supervision_screening_counts_provider_id"),
        ),
    )
    with op.batch_alter_table("supervision_screening_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_screening_counts_day"), ["day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_screening_counts_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_screening_counts_province_code"),
            ["province_code"],
            unique=False,
        )

    op.create_table(
        "supervision_assessments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("launch_date", sa.Date(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_assessments_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_supervision_assessments_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_assessments")),
    )
    with op.batch_alter_table("supervision_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_assessments_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_assessments_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_assessments_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_assessments_state"), ["state"], unique=False
        )

    op.create_table(
        "supervision_cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_cases_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_supervision_cases_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_cases")),
    )
    with op.batch_alter_table("supervision_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_cases_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_cases_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_cases_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervision_cases_state"), ["state"], unique=False)

    op.create_table(
        "supervision_findings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("article", sa.String(length=8), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_cases.id"],
            name=op.f("fk_supervision_findings_case_id_supervision_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_findings")),
    )
    with op.batch_alter_table("supervision_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_findings_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "supervision_orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("article", sa.String(length=8), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("ordered_by", sa.String(length=200), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("suspends_service", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_late", sa.Boolean(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_cases.id"],
            name=op.f("fk_supervision_orders_case_id_supervision_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_orders_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_supervision_orders_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_orders")),
    )
    with op.batch_alter_table("supervision_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_orders_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervision_orders_due"), ["due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervision_orders_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_orders_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_orders_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervision_orders_state"), ["state"], unique=False)

    op.create_table(
        "supervision_penalties",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("breached_article", sa.String(length=8), nullable=False),
        sa.Column("penalty_article", sa.String(length=8), nullable=False),
        sa.Column("refused_to_correct", sa.Boolean(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("fine_yuan", sa.Integer(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("final_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_cases.id"],
            name=op.f("fk_supervision_penalties_case_id_supervision_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_penalties_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_penalties")),
    )
    with op.batch_alter_table("supervision_penalties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_penalties_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_penalties_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_penalties_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervision_penalties_state"), ["state"], unique=False)

    op.create_table(
        "supervision_suspensions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["supervision_orders.id"],
            name=op.f("fk_supervision_suspensions_order_id_supervision_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_supervision_suspensions_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_supervision_suspensions_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_suspensions")),
        sa.UniqueConstraint("order_id", name=op.f("uq_supervision_suspensions_order_id")),
    )
    with op.batch_alter_table("supervision_suspensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_suspensions_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_suspensions_service_id"), ["service_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supervision_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_suspensions_service_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_suspensions_provider_id"))

    op.drop_table("supervision_suspensions")
    with op.batch_alter_table("supervision_penalties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_penalties_state"))
        batch_op.drop_index(batch_op.f("ix_supervision_penalties_province_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_penalties_provider_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_penalties_case_id"))

    op.drop_table("supervision_penalties")
    with op.batch_alter_table("supervision_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_orders_state"))
        batch_op.drop_index(batch_op.f("ix_supervision_orders_service_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_orders_province_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_orders_provider_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_orders_due"))
        batch_op.drop_index(batch_op.f("ix_supervision_orders_case_id"))

    op.drop_table("supervision_orders")
    with op.batch_alter_table("supervision_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_findings_case_id"))

    op.drop_table("supervision_findings")
    with op.batch_alter_table("supervision_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_cases_state"))
        batch_op.drop_index(batch_op.f("ix_supervision_cases_service_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_cases_province_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_cases_provider_id"))

    op.drop_table("supervision_cases")
    with op.batch_alter_table("supervision_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_assessments_state"))
        batch_op.drop_index(batch_op.f("ix_supervision_assessments_service_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_assessments_province_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_assessments_provider_id"))

    op.drop_table("supervision_assessments")
    with op.batch_alter_table("supervision_screening_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_screening_counts_province_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_screening_counts_provider_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_screening_counts_day"))

    op.drop_table("supervision_screening_counts")
