"""Security assessments, inspection cases, rectification orders, service suspensions, penalty
decisions and the screening counts providers report."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chainwarden.store.base import Base, new_id, utcnow


class AssessmentState(StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CaseState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class OrderState(StrEnum):
    OPEN = "open"  # correction due; the service is suspended meanwhile (Arts. 15, 19, 21)
    CORRECTED = "corrected"  # the provider reports the correction; awaiting the regulator
    ACCEPTED = "accepted"  # correction accepted; suspension lifted


class PenaltyState(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class Assessment(Base):
    """A security assessment filed before a new product, application or function (Art. 9)."""

    __tablename__ = "supervision_assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # product / application / function
    description: Mapped[str] = mapped_column(Text)
    launch_date: Mapped[date]
    # {duty: {"met": bool, "note": str, "evidence": [str, ...]}}
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=AssessmentState.SUBMITTED, index=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime]
    review_due: Mapped[date | None]
    # The deadline was counted with a provisional year (no official schedule yet); it is
    # recomputed when the official schedule arrives.
    provisional: Mapped[bool] = mapped_column(default=False, index=True)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    """An inspection (Art. 18) of one provider, possibly about one of its services."""

    __tablename__ = "supervision_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(32))  # inspection / complaint / check / report
    state: Mapped[str] = mapped_column(String(16), default=CaseState.OPEN, index=True)
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closing_reason: Mapped[str | None] = mapped_column(Text)

    findings: Mapped[list[Finding]] = relationship(
        back_populates="case", order_by="Finding.recorded_at"
    )
    orders: Mapped[list[RectificationOrder]] = relationship(
        back_populates="case", order_by="RectificationOrder.ordered_at"
    )
    penalties: Mapped[list[PenaltyDecision]] = relationship(
        back_populates="case", order_by="PenaltyDecision.decided_at"
    )


class Finding(Base):
    __tablename__ = "supervision_findings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("supervision_cases.id"), index=True)
    article: Mapped[str] = mapped_column(String(8))  # the article breached, e.g. "17", "11(1)"
    description: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="findings")


class RectificationOrder(Base):
    """责令限期改正: correct by a deadline in working days."""

    __tablename__ = "supervision_orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("supervision_cases.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    article: Mapped[str] = mapped_column(String(8))
    requirement: Mapped[str] = mapped_column(Text)
    working_days: Mapped[int]
    ordered_by: Mapped[str] = mapped_column(String(200))
    ordered_at: Mapped[datetime]
    due: Mapped[date] = mapped_column(index=True)
    # The deadline was counted with a provisional year (no official schedule yet); it is
    # recomputed when the official schedule arrives.
    provisional: Mapped[bool] = mapped_column(default=False, index=True)
    # Arts. 19, 21: "改正前应当暂停相关业务"; Art. 22 orders correction without suspension.
    suspends_service: Mapped[bool]
    state: Mapped[str] = mapped_column(String(16), default=OrderState.OPEN, index=True)
    correction_note: Mapped[str | None] = mapped_column(Text)
    corrected_at: Mapped[datetime | None]
    corrected_late: Mapped[bool | None]
    accepted_at: Mapped[datetime | None]
    accepted_by: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="orders")


class Suspension(Base):
    """A service suspended until a rectification order's correction is accepted. The publish
    path asks ``is_service_suspended`` before it lets content through."""

    __tablename__ = "supervision_suspensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("supervision_orders.id"), unique=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]


class PenaltyDecision(Base):
    """A penalty decided under Arts. 19–22, within the statutory range; public once final."""

    __tablename__ = "supervision_penalties"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("supervision_cases.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    breached_article: Mapped[str] = mapped_column(String(8))
    penalty_article: Mapped[str] = mapped_column(String(8))
    refused_to_correct: Mapped[bool]
    serious: Mapped[bool]
    measures: Mapped[list[str]] = mapped_column(JSON)
    fine_yuan: Mapped[int | None]
    legal_basis: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=PenaltyState.DRAFT, index=True)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    final_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="penalties")


class ScreeningCount(Base):
    """How many items a provider's screening blocked, per day and category, as its reports say.
    The dashboard charts these over time."""

    __tablename__ = "supervision_screening_counts"
    __table_args__ = (UniqueConstraint("provider_id", "day", "category"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    day: Mapped[date] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(32))
    blocked: Mapped[int]
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
