"""identity: service users, their tokens, agreements and acceptances, measures

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:09:49.957715
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_agreements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_identity_agreements_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_identity_agreements_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_agreements")),
        sa.UniqueConstraint(
            "service_id", "kind", "version", name=op.f("uq_identity_agreements_service_id")
        ),
    )
    with op.batch_alter_table("identity_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_agreements_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_agreements_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "identity_users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=False),
        sa.Column("real_name_ct", sa.Text(), nullable=False),
        sa.Column("name_masked", sa.String(length=200), nullable=False),
        sa.Column("number_kind", sa.String(length=8), nullable=False),
        sa.Column("number_ct", sa.Text(), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("number_masked", sa.String(length=32), nullable=False),
        sa.Column("mobile_ct", sa.Text(), nullable=True),
        sa.Column("mobile_hash", sa.String(length=64), nullable=True),
        sa.Column("mobile_masked", sa.String(length=16), nullable=True),
        sa.Column("verification", sa.String(length=16), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verification_method", sa.String(length=64), nullable=True),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_identity_users_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_identity_users_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_users")),
        sa.UniqueConstraint("service_id", "number_hash", name=op.f("uq_identity_users_service_id")),
    )
    with op.batch_alter_table("identity_users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_users_mobile_hash"), ["mobile_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_users_number_hash"), ["number_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_users_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_users_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_users_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "identity_acceptances",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["identity_agreements.id"],
            name=op.f("fk_identity_acceptances_agreement_id_identity_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_acceptances_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_acceptances")),
        sa.UniqueConstraint(
            "user_id", "agreement_id", name=op.f("uq_identity_acceptances_user_id")
        ),
    )
    with op.batch_alter_table("identity_acceptances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_acceptances_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_acceptances_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "identity_measures",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("functions", sa.JSON(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_refs", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_identity_measures_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_identity_measures_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_measures_user_id_identity_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_measures")),
    )
    with op.batch_alter_table("identity_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_measures_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_measures_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_measures_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_measures_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_identity_measures_user_id"), ["user_id"], unique=False)

    op.create_table(
        "identity_user_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_user_tokens_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_user_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_identity_user_tokens_token_hash")),
    )
    with op.batch_alter_table("identity_user_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_user_tokens_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_user_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_user_tokens_user_id"))

    op.drop_table("identity_user_tokens")
    with op.batch_alter_table("identity_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_measures_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_measures_starts_at"))
        batch_op.drop_index(batch_op.f("ix_identity_measures_service_id"))
        batch_op.drop_index(batch_op.f("ix_identity_measures_province_code"))
        batch_op.drop_index(batch_op.f("ix_identity_measures_provider_id"))

    op.drop_table("identity_measures")
    with op.batch_alter_table("identity_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_acceptances_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_acceptances_agreement_id"))

    op.drop_table("identity_acceptances")
    with op.batch_alter_table("identity_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_users_service_id"))
        batch_op.drop_index(batch_op.f("ix_identity_users_province_code"))
        batch_op.drop_index(batch_op.f("ix_identity_users_provider_id"))
        batch_op.drop_index(batch_op.f("ix_identity_users_number_hash"))
        batch_op.drop_index(batch_op.f("ix_identity_users_mobile_hash"))

    op.drop_table("identity_users")
    with op.batch_alter_table("identity_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_agreements_service_id"))
        batch_op.drop_index(batch_op.f("ix_identity_agreements_provider_id"))

    op.drop_table("identity_agreements")
