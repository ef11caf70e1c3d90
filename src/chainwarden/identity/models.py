"""Service users (区块链信息服务使用者), their tokens, service agreements and user measures."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chainwarden.store.base import Base, new_id, utcnow


class UserKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class VerificationState(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"  # the identity service said the name and number do not match


class UserStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # 关闭账号 (Art. 16); reinstatement makes it active again


class AgreementKind(StrEnum):
    SERVICE_AGREEMENT = "service_agreement"  # 服务协议
    PLATFORM_RULES = "platform_rules"  # 管理规则和平台公约


class MeasureKind(StrEnum):
    WARNING = "warning"  # 警示
    RESTRICTION = "restriction"  # 限制功能
    CLOSURE = "closure"  # 关闭账号
    REINSTATEMENT = "reinstatement"  # 恢复


class ServiceUser(Base):
    __tablename__ = "identity_users"
    __table_args__ = (UniqueConstraint("service_id", "number_hash"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # Copied from the service so scoping queries need no join.
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The user's name on the service (shown publicly next to what they publish).
    nickname: Mapped[str] = mapped_column(String(100))
    # Real name and identity number: AES-GCM ciphertexts (chainwarden.keys), a keyed hash for
    # duplicate detection and look-up, and the masked form for display. Never the plaintext.
    real_name_ct: Mapped[str] = mapped_column(Text)
    name_masked: Mapped[str] = mapped_column(String(200))
    number_kind: Mapped[str] = mapped_column(String(8))
    number_ct: Mapped[str] = mapped_column(Text)
    number_hash: Mapped[str] = mapped_column(String(64), index=True)
    number_masked: Mapped[str] = mapped_column(String(32))
    mobile_ct: Mapped[str | None] = mapped_column(Text)
    mobile_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    mobile_masked: Mapped[str | None] = mapped_column(String(16))
    verification: Mapped[str] = mapped_column(String(16), default=VerificationState.UNVERIFIED)
    verified_at: Mapped[datetime | None]
    # Which verifier decided ("offline": format and checksum only), and what it said.
    verification_method: Mapped[str | None] = mapped_column(String(64))
    verification_note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class UserToken(Base):
    """A service user's bearer token for the user-facing API (``cwu_`` prefix). Separate from
    staff API tokens: it can never act as a staff account."""

    __tablename__ = "identity_user_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("identity_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Agreement(Base):
    """One version of a service agreement or of the platform rules (Art. 7)."""

    __tablename__ = "identity_agreements"
    __table_args__ = (UniqueConstraint("service_id", "kind", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # SHA-256 of the body: what a user accepted can be proven later.
    body_sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200))


class Acceptance(Base):
    __tablename__ = "identity_acceptances"
    __table_args__ = (UniqueConstraint("user_id", "agreement_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("identity_users.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[str] = mapped_column(ForeignKey("identity_agreements.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "user" when the user accepted through the API, otherwise the staff account that recorded
    # an acceptance collected by the provider's own application.
    recorded_by: Mapped[str] = mapped_column(String(200))


class Measure(Base):
    """A measure against a user (Art. 16): warning, restriction, closure or reinstatement."""

    __tablename__ = "identity_measures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("identity_users.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    # Restrictions: which functions (e.g. ["post", "comment"]) and until when (NULL: until
    # reinstated).
    functions: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    until: Mapped[datetime | None]
    # The content that led to the measure (e.g. "post:<id>").
    content_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    # Taken by a policy without a person: the rule that produced it, so it can be explained.
    automatic: Mapped[bool] = mapped_column(default=False)
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set on restrictions and closures when a reinstatement ends them early.
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(36))
