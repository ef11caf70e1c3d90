"""Reports to the regulator (Art. 16): a provider reports the illegal content it handled and the
measures it took over a period. The figures come from the gateway's own records; the report lands
in the inbox of the regulators of the provider's province, and its blocks per category feed the
supervision dashboard.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.audit import record
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Post, PostState, Report
from chainwarden.identity.measures import measure_report
from chainwarden.registry.models import Provider
from chainwarden.settings import LOCAL_TZ
from chainwarden.store.base import utcnow
from chainwarden.supervision import record_screening_counts
from chainwarden.supervision.dashboard import CATEGORIES

MAX_PERIOD_DAYS = 366


def local_start(day: date) -> datetime:
    """Midnight in Beijing at the start of ``day``."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ)


def figures(
    session: Session, actor: Actor, provider_id: str, period_start: date, period_end: date
) -> dict[str, Any]:
    """What the provider's gateway handled in the period (Beijing days, both ends included)."""
    since, until = local_start(period_start), local_start(period_end + timedelta(days=1))
    rows = session.execute(
        select(Post.state, Post.categories, Post.created_at, Post.reviewed_at).where(
            Post.provider_id == provider_id, Post.created_at >= since, Post.created_at < until
        )
    )
    by_state: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    for state, categories, created_at, _reviewed in rows:
        by_state[state] += 1
        if state in (PostState.BLOCKED, PostState.REJECTED):
            for category in categories or ["unclassified"]:
                by_category[category] += 1
                if state == PostState.BLOCKED and category in CATEGORIES:
                    per_day[created_at.astimezone(LOCAL_TZ).date()][category] += 1
    measures = measure_report(session, actor, provider_id, since=since, until=until).as_dict()
    return {
        "posts": {str(s): by_state.get(str(s), 0) for s in PostState},
        "handled_by_category": dict(sorted(by_category.items())),
        "blocked_per_day": {
            day.isoformat(): dict(sorted(counts.items())) for day, counts in sorted(per_day.items())
        },
        "measures": {"counts": measures["counts"], "items": measures["measures"]},
    }


def send_report(
    session: Session,
    actor: Actor,
    provider_id: str,
    *,
    period_start: date,
    period_end: date,
    summary: str,
    now: datetime | None = None,
) -> Report:
    """A provider admin sends the report; the figures are computed, not typed in."""
    actor.require_provider_admin_of(provider_id)
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise not_found("提供者", "Provider")
    summary = (summary or "").strip()
    if not summary or len(summary) > 8000:
        raise GatewayError(
            "invalid_summary",
            "报告须有说明（不超过8000字）",
            "A report needs a summary of up to 8000 characters",
            field="summary",
        )
    if period_end < period_start or (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise GatewayError(
            "invalid_period",
            f"报告期须从开始日到结束日，且不超过{MAX_PERIOD_DAYS}天",
            f"The period must run forward and last at most {MAX_PERIOD_DAYS} days",
            field="period_end",
        )
    now = now or utcnow()
    body = figures(session, actor, provider_id, period_start, period_end)
    report = Report(
        provider_id=provider.id,
        province_code=provider.province_code,
        period_start=period_start,
        period_end=period_end,
        summary=summary,
        body=body,
        sent_at=now,
        sent_by=actor.name,
    )
    session.add(report)
    session.flush()
    for day, counts in body["blocked_per_day"].items():
        record_screening_counts(session, actor, provider.id, date.fromisoformat(day), counts, now)
    record(
        session,
        actor,
        "report.send",
        "report",
        report.id,
        at=now,
        provider_id=provider.id,
        province_code=provider.province_code,
        details={
            "period": [period_start.isoformat(), period_end.isoformat()],
            "posts": body["posts"],
            "measures": body["measures"]["counts"],
        },
    )
    return report


def _visible(actor: Actor) -> Any:
    return restrict(
        select(Report).order_by(Report.sent_at.desc(), Report.id),
        actor,
        provider=Report.provider_id,
        province=Report.province_code,
    )


def inbox(
    session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 200
) -> list[Report]:
    """Reports sent to the actor: a provincial regulator sees its province's, a national
    regulator and admins every province's."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = _visible(actor).limit(limit)
    if unread_only:
        query = query.where(Report.read_at.is_(None))
    return list(session.scalars(query))


def sent_reports(session: Session, actor: Actor, *, limit: int = 200) -> list[Report]:
    """The reports the actor's provider sent."""
    actor.require(Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER)
    return list(session.scalars(_visible(actor).limit(limit)))


def get_report(session: Session, actor: Actor, report_id: str) -> Report:
    report = session.get(Report, report_id)
    if report is None or not actor.can_see(report.provider_id, report.province_code):
        raise not_found("报告", "Report")
    return report


def mark_read(
    session: Session, actor: Actor, report_id: str, *, now: datetime | None = None
) -> Report:
    actor.require(Role.REGULATOR)
    report = get_report(session, actor, report_id)
    if report.read_at is None:
        report.read_at, report.read_by = now or utcnow(), actor.name
        record(
            session,
            actor,
            "report.read",
            "report",
            report.id,
            at=report.read_at,
            provider_id=report.provider_id,
            province_code=report.province_code,
        )
    return report
