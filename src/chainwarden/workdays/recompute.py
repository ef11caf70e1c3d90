"""Recomputing the stored deadlines that were counted with a provisional year.

When a year's official schedule arrives (``chainwarden calendar import`` or a chinese-calendar
release that covers it), every record marked ``provisional`` has its deadlines counted again.
Each date that moves is written to the audit trail and reported; a date that moves earlier and
is already past is flagged for a person to judge, never acted on (lateness already recorded, such
as a filing's ``late``, is left as it was decided).

This is the one place that knows every stored working-day deadline, so it imports the models of
the domains that keep them; those domains never import it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts import SYSTEM
from chainwarden.accounts.access import Actor, Role
from chainwarden.audit import record
from chainwarden.gateway.complaints import DEADLINE_WORKING_DAYS
from chainwarden.gateway.models import Complaint
from chainwarden.registry import deadlines
from chainwarden.registry.deadlines import local_date
from chainwarden.registry.models import Filing, FilingChange
from chainwarden.store import Database
from chainwarden.store.base import utcnow
from chainwarden.supervision.common import ASSESSMENT_REVIEW_DAYS
from chainwarden.supervision.models import Assessment, RectificationOrder
from chainwarden.workdays.calendar import WorkingCalendar
from chainwarden.workdays.store import load_calendar

log = logging.getLogger(__name__)

Periods = dict[str, tuple[date, int]]


def _change(c: FilingChange) -> Periods:
    return {"due": (c.change_date, deadlines.CHANGE_DAYS)}


def _complaint(c: Complaint) -> Periods:
    return {"due": (local_date(c.created_at), DEADLINE_WORKING_DAYS)}


def _assessment(a: Assessment) -> Periods:
    if a.review_due is None:
        return {}
    return {"review_due": (local_date(a.submitted_at), ASSESSMENT_REVIEW_DAYS)}


def _order(o: RectificationOrder) -> Periods:
    return {"due": (local_date(o.ordered_at), o.working_days)}


@dataclass(frozen=True)
class Kept:
    """A table whose rows keep working-day deadlines: each deadline's start and length."""

    object_type: str
    model: Any
    periods: Callable[[Any], Periods]


KEPT = (
    Kept("filing", Filing, deadlines.filing_periods),
    Kept("filing_change", FilingChange, _change),
    Kept("complaint", Complaint, _complaint),
    Kept("assessment", Assessment, _assessment),
    Kept("rectification_order", RectificationOrder, _order),
)


@dataclass(frozen=True)
class Moved:
    object_type: str
    object_id: str
    field: str
    old: date
    new: date
    # Moved earlier and already past on the day of the recomputation: a person must look.
    past: bool
    provider_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "field": self.field,
            "old": self.old.isoformat(),
            "new": self.new.isoformat(),
            "past": self.past,
            "provider_id": self.provider_id,
        }


def _provider(row: Any) -> str | None:
    if isinstance(row, FilingChange):
        return row.filing.provider_id
    provider: str | None = row.provider_id
    return provider


def _province(row: Any) -> str | None:
    if isinstance(row, FilingChange):
        return row.filing.province_code
    province: str | None = row.province_code
    return province


def count_provisional(session: Session) -> int:
    """How many records keep a deadline counted with a provisional year."""
    return sum(
        len(session.scalars(select(k.model.id).where(k.model.provisional.is_(True))).all())
        for k in KEPT
    )


def recompute_provisional(
    session: Session, calendar: WorkingCalendar, actor: Actor, now: datetime | None = None
) -> list[Moved]:
    """Count every provisional deadline again with ``calendar``; returns the dates that moved."""
    actor.require(Role.ADMIN)
    now = now or utcnow()
    today = local_date(now)
    moved: list[Moved] = []
    for kept in KEPT:
        rows = session.scalars(
            select(kept.model).where(kept.model.provisional.is_(True)).order_by(kept.model.id)
        )
        for row in rows:
            periods = kept.periods(row)
            still_provisional = False
            for name, (start, days) in periods.items():
                old = getattr(row, name)
                new = calendar.add_working_days(start, days)
                still_provisional |= calendar.depends_on_provisional(start, new)
                if new == old:
                    continue
                setattr(row, name, new)
                change = Moved(
                    kept.object_type,
                    row.id,
                    name,
                    old,
                    new,
                    past=new < old and new < today,
                    provider_id=_provider(row),
                )
                moved.append(change)
                record(
                    session,
                    actor,
                    "deadline.recompute",
                    kept.object_type,
                    row.id,
                    reason="官方节假日安排已导入 / official holiday schedule loaded",
                    provider_id=change.provider_id,
                    province_code=_province(row),
                    details=change.to_dict(),
                    at=now,
                )
            row.provisional = still_provisional
    session.flush()
    return moved


def refresh(db: Database, now: datetime | None = None) -> list[Moved]:
    """At start: recompute what a newer chinese-calendar release now covers officially."""
    with db.session() as session:
        moved = recompute_provisional(session, load_calendar(session), SYSTEM, now)
    if moved:
        log.warning(
            "%d provisional deadlines recomputed with the official schedule (%d now past)",
            len(moved),
            sum(m.past for m in moved),
        )
    return moved
