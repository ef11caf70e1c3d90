"""Posts through the publish path, the provider's review queue, repeat-offender policies,
reports to the regulator (Art. 16) and complaints (Art. 18)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chainwarden.store.base import Base, new_id, utcnow


class PostState(StrEnum):
    PUBLISHED = "published"  # screening passed, or a reviewer approved: on the ledger
    HELD = "held"  # screening said review: waiting in the provider's review queue
    BLOCKED = "blocked"  # screening blocked it: refused, kept as evidence
    REJECTED = "rejected"  # a reviewer refused a held post


class ComplaintState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Post(Base):
    """One attempt by a service user to publish through the gateway, whatever the outcome."""

    __tablename__ = "gateway_posts"
    __table_args__ = (
        Index("ix_gateway_posts_queue", "provider_id", "state", "created_at"),
        Index("ix_gateway_posts_user_state", "user_id", "state", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    province_code: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(ForeignKey("identity_users.id"))
    state: Mapped[str] = mapped_column(String(16))
    # The text while it is held, blocked or rejected. Once published the content lives only on
    # the ledger (so a disposal there removes it everywhere).
    text: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(8))  # the screening decision
    score: Mapped[float] = mapped_column(Float)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    item_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The retention entry that logged the outcome (and the reviewer's decision, if any).
    entry_id: Mapped[str] = mapped_column(String(36))
    review_entry_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]


class Policy(Base):
    """A provider's gateway settings: the repeat-offender rules and the review escalation age."""

    __tablename__ = "gateway_policies"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    escalate_after_hours: Mapped[int] = mapped_column(Integer, default=24)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))


class Report(Base):
    """A provider's report to the regulator of illegal content handled and measures taken."""

    __tablename__ = "gateway_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]  # inclusive
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by: Mapped[str] = mapped_column(String(200))
    read_at: Mapped[datetime | None]
    read_by: Mapped[str | None] = mapped_column(String(200))


class Complaint(Base):
    """A complaint or report from the public about a service or one of its posts (Art. 18)."""

    __tablename__ = "gateway_complaints"
    __table_args__ = (Index("ix_gateway_complaints_source", "source_hash", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    post_id: Mapped[str | None] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    # A keyed hash of where it came from (rate limiting without keeping addresses).
    source_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=ComplaintState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due: Mapped[date]
    # The deadline was counted with a provisional year (no official schedule yet); it is
    # recomputed when the official schedule arrives.
    provisional: Mapped[bool] = mapped_column(default=False, index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution: Mapped[str | None] = mapped_column(Text)
