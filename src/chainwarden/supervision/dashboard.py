"""The regulator's dashboard: filings by state and province, overdue reviews, open cases and
orders, and screening blocks by category over time (from the counts providers report)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.regions import province
from chainwarden.registry import filings
from chainwarden.registry.models import Filing, Provider
from chainwarden.store.base import utcnow
from chainwarden.supervision import assessments, rectification
from chainwarden.supervision.common import audit
from chainwarden.supervision.errors import SupervisionError
from chainwarden.supervision.models import (
    Assessment,
    Case,
    RectificationOrder,
    ScreeningCount,
)

# The screening taxonomy (DESIGN.md): categories of prohibited content.
CATEGORIES = ("ico", "trading", "speculation", "fundraising", "pyramid", "fraud")
CATEGORY_NAMES = {
    "ico": "代币发行",
    "trading": "虚拟货币交易",
    "speculation": "炒作",
    "fundraising": "非法集资",
    "pyramid": "传销",
    "fraud": "诈骗",
}


def record_screening_counts(
    session: Session,
    actor: Actor,
    provider_id: str,
    day: date,
    counts: dict[str, int],
    now: datetime | None = None,
) -> list[ScreeningCount]:
    """Store what a provider's report says its screening blocked on one day, per category. A
    later report for the same day replaces the earlier counts."""
    actor.require_provider_admin_of(provider_id)
    unknown = set(counts) - set(CATEGORIES)
    if unknown:
        raise SupervisionError(
            "unknown_category",
            f"未知的审核类别：{', '.join(sorted(unknown))}；可选：{', '.join(CATEGORIES)}",
            f"Unknown screening categories: {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(CATEGORIES)}",
            field="counts",
        )
    if any(n < 0 for n in counts.values()):
        raise SupervisionError(
            "negative_count", "拦截数量不能为负", "Counts cannot be negative", field="counts"
        )
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise not_found("提供者", "Provider")
    now = now or utcnow()
    existing = {
        row.category: row
        for row in session.scalars(
            select(ScreeningCount).where(
                ScreeningCount.provider_id == provider_id, ScreeningCount.day == day
            )
        )
    }
    rows = []
    for category, blocked in sorted(counts.items()):
        row = existing.get(category)
        if row is None:
            row = ScreeningCount(
                provider_id=provider_id,
                province_code=provider.province_code,
                day=day,
                category=category,
                blocked=blocked,
                reported_at=now,
            )
            session.add(row)
        else:
            row.blocked, row.reported_at = blocked, now
        rows.append(row)
    session.flush()
    audit(
        session,
        actor,
        "screening.report",
        "provider",
        provider_id,
        provider_id=provider_id,
        province_code=provider.province_code,
        at=now,
        details={"day": day.isoformat(), "counts": dict(sorted(counts.items()))},
    )
    return rows


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def screening_by_week(
    session: Session, actor: Actor, today: date, weeks: int = 8
) -> dict[str, Any]:
    """Blocked items per category for each of the last ``weeks`` weeks (Monday to Sunday),
    the last being the week of ``today``."""
    last = week_start(today)
    starts = [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    # Several columns: typed loosely for the one-entity scoping helper.
    query = cast(
        "Select[Any]",
        select(ScreeningCount.day, ScreeningCount.category, ScreeningCount.blocked),
    ).where(ScreeningCount.day >= starts[0], ScreeningCount.day <= today)
    query = restrict(
        query, actor, provider=ScreeningCount.provider_id, province=ScreeningCount.province_code
    )
    totals: dict[str, Counter[date]] = defaultdict(Counter)
    for day, category, blocked in session.execute(query):
        totals[category][week_start(day)] += blocked
    return {
        "weeks": [s.isoformat() for s in starts],
        "categories": {c: [totals[c][s] for s in starts] for c in CATEGORIES},
    }


def _count_by(session: Session, actor: Actor, model: Any, column: Any) -> dict[str, int]:
    query = select(column, func.count()).group_by(column)
    query = restrict(query, actor, provider=model.provider_id, province=model.province_code)
    return {str(k): int(n) for k, n in session.execute(query)}


def dashboard(session: Session, actor: Actor, today: date, weeks: int = 8) -> dict[str, Any]:
    """Everything the regulator's portal shows, as plain JSON-ready values, for the actor's
    scope (a provincial regulator: its province)."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    by_province: dict[str, dict[str, int]] = defaultdict(dict)
    counts = cast(
        "Select[Any]",
        select(Filing.province_code, Filing.state, func.count()).group_by(
            Filing.province_code, Filing.state
        ),
    )
    query = filings.scoped(counts, actor)
    for code, state, n in session.execute(query):
        by_province[code][state] = int(n)
    by_state: Counter[str] = Counter()
    for states in by_province.values():
        by_state.update(states)
    overdue_filings = filings.overdue_reviews(session, actor, today)
    overdue_assessments = assessments.overdue_reviews(session, actor, today)
    overdue_orders = rectification.overdue_orders(session, actor, today)
    return {
        "as_of": today.isoformat(),
        "scope": actor.province_code or "national",
        "filings": {
            "by_state": dict(sorted(by_state.items())),
            "by_province": {
                code: {"name": province(code).name_zh, "states": dict(sorted(states.items()))}
                for code, states in sorted(by_province.items())
            },
        },
        "overdue_filing_reviews": [
            {
                "filing_id": f.id,
                "service": f.service.name,
                "province_code": f.province_code,
                "review_due": f.review_due.isoformat() if f.review_due else None,
            }
            for f in overdue_filings
        ],
        "assessments": {
            "by_state": _count_by(session, actor, Assessment, Assessment.state),
            "overdue_reviews": [
                {"assessment_id": a.id, "title": a.title, "review_due": str(a.review_due)}
                for a in overdue_assessments
            ],
        },
        "cases": {"by_state": _count_by(session, actor, Case, Case.state)},
        "orders": {
            "by_state": _count_by(session, actor, RectificationOrder, RectificationOrder.state),
            "overdue": [
                {
                    "order_id": o.id,
                    "case_id": o.case_id,
                    "provider_id": o.provider_id,
                    "article": o.article,
                    "due": o.due.isoformat(),
                }
                for o in overdue_orders
            ],
            "suspended_services": len(rectification.active_suspensions(session, actor)),
        },
        "screening_blocks": screening_by_week(session, actor, today, weeks),
    }
