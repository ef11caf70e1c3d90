"""Provider organisations, their services, filings, changes and regular checks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chainwarden.store.base import Base, new_id, utcnow


class ProviderKind(StrEnum):
    ENTITY = "entity"  # 主体: serves the public through the service
    NODE = "node"  # 节点
    TECHNICAL_SUPPORT = "technical_support"  # 技术支持: supports the above


class ServiceForm(StrEnum):
    WEBSITE = "website"
    APP = "app"
    MINI_PROGRAM = "mini_program"
    PUBLIC_ACCOUNT = "public_account"
    OTHER = "other"


class ChainType(StrEnum):
    PUBLIC = "public"
    CONSORTIUM = "consortium"
    PRIVATE = "private"


class FilingState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = (
        "returned"  # returned for completion (材料不全); the provider completes and resubmits
    )
    FILED = "filed"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    legal_representative: Mapped[str] = mapped_column(String(100))
    responsible_person: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    # Assigned by the filing system on the provider's first filing; part of every filing number.
    filing_serial: Mapped[int | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    services: Mapped[list[Service]] = relationship(back_populates="provider")


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("provider_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    # The service's number within its provider; the last part of its filing number.
    sequence: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    form: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))  # URL or app identifier
    application_field: Mapped[str] = mapped_column(String(200))
    chain_type: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(200))
    node_count: Mapped[int]
    server_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    issues_or_trades_tokens: Mapped[bool] = mapped_column(default=False)
    started_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="services")
    filing: Mapped[Filing | None] = relationship(back_populates="service")


class Filing(Base):
    __tablename__ = "filings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), unique=True)
    # Copied from the provider so scoping queries need no join.
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    state: Mapped[str] = mapped_column(String(16), default=FilingState.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Art. 11 / Art. 23: the last day on which filing was on time, and whether it was missed.
    filing_due: Mapped[date]
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    # Art. 12: the regulator decides within 20 working days of a complete submission.
    review_due: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    filed_on: Mapped[date | None]
    # Art. 11: termination announced at least 30 working days ahead.
    termination_date: Mapped[date | None]
    cancellation_arrangements: Mapped[str | None] = mapped_column(Text)
    # The day the cancellation was notified, the earliest termination date 30 wd later, and
    # whether the notice came late (Art. 11(3) is a duty: late notice is accepted and flagged).
    cancellation_notified_on: Mapped[date | None]
    termination_earliest: Mapped[date | None]
    termination_notice_late: Mapped[bool] = mapped_column(default=False)
    # A deadline above was counted with a provisional year (no official schedule yet); it is
    # recomputed when the official schedule arrives.
    provisional: Mapped[bool] = mapped_column(default=False, index=True)

    service: Mapped[Service] = relationship(back_populates="filing")
    changes: Mapped[list[FilingChange]] = relationship(
        back_populates="filing", order_by="FilingChange.submitted_at"
    )


class FilingChange(Base):
    """A change of filed information (Art. 11: due within 5 working days of the change)."""

    __tablename__ = "filing_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    filing_id: Mapped[str] = mapped_column(ForeignKey("filings.id"), index=True)
    change_date: Mapped[date]
    due: Mapped[date]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    # {field: [old, new]}
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(200))
    # ``due`` was counted with a provisional year.
    provisional: Mapped[bool] = mapped_column(default=False, index=True)

    filing: Mapped[Filing] = relationship(back_populates="changes")


class CheckCampaign(Base):
    """A regular check (定期查验, Art. 14): filed providers confirm or update within a window."""

    __tablename__ = "check_campaigns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    # NULL: national campaign; otherwise one province's.
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckResponse(Base):
    __tablename__ = "check_responses"
    __table_args__ = (UniqueConstraint("campaign_id", "filing_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("check_campaigns.id"), index=True)
    filing_id: Mapped[str] = mapped_column(ForeignKey("filings.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    in_time: Mapped[bool]
    # Fields changed through this response (applied as a filing change), or empty: confirmed.
    updates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(200))
