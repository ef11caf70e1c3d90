"""How long payloads are kept (Art. 17: no less than six months), legal holds, and purging.

Purging removes payloads only. Leaves and subtree hashes stay, so every proof issued before a
purge still verifies, and the log itself shows that the payload once existed.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, denied, not_found
from chainwarden.audit import record
from chainwarden.errors import ChainwardenError
from chainwarden.registry.models import Provider
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.log import EntryType, append, open_log
from chainwarden.retention.models import (
    MAXIMUM_RETENTION_MONTHS,
    MINIMUM_RETENTION_MONTHS,
    HoldScope,
    LegalHold,
    LogEntry,
    LogPayload,
    RetentionLog,
)
from chainwarden.store.base import utcnow

PURGE_CHUNK = 500

logger = logging.getLogger(__name__)


def visible_provider(session: Session, actor: Actor, provider_id: str) -> Provider:
    """The provider, if the actor may see it (otherwise reported as missing)."""
    provider = session.get(Provider, provider_id)
    if provider is None or not actor.can_see(provider.id, provider.province_code):
        raise not_found("服务提供者", "provider")
    return provider


def require_manager(session: Session, actor: Actor, provider_id: str) -> Provider:
    """Provider admins manage their own log; admins and the system any."""
    provider = visible_provider(session, actor, provider_id)
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return provider
    actor.require_provider_admin_of(provider_id)
    return provider


def require_authority_or_manager(session: Session, actor: Actor, provider_id: str) -> Provider:
    """Regulators who oversee the provider, and the provider's admins."""
    provider = visible_provider(session, actor, provider_id)
    if actor.is_regulator or actor.role in (Role.ADMIN, Role.SYSTEM):
        return provider
    actor.require_provider_admin_of(provider_id)
    return provider


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` earlier (the month's last day if shorter); the first
    representable day when that lies before year 1."""
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    if year < 1:
        return datetime.min.replace(tzinfo=moment.tzinfo)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _log(session: Session, provider_id: str) -> RetentionLog:
    open_log(session, provider_id)
    return session.get_one(RetentionLog, provider_id, populate_existing=True)


def retention_months(session: Session, actor: Actor, provider_id: str) -> int:
    visible_provider(session, actor, provider_id)
    return _log(session, provider_id).retention_months


def set_retention_period(
    session: Session, actor: Actor, provider_id: str, months: int, reason: str | None = None
) -> int:
    provider = require_manager(session, actor, provider_id)
    if months < MINIMUM_RETENTION_MONTHS:
        raise RetentionError(
            "retention_too_short",
            f"留存期限不得少于 {MINIMUM_RETENTION_MONTHS} 个月（《区块链信息服务管理规定》第十七条），"
            f"拒绝设置为 {months} 个月",
            f"Retention below {MINIMUM_RETENTION_MONTHS} months is not allowed (Art. 17 of the "
            f"Blockchain Information Service Regulations); refused {months} months",
            field="months",
        )
    if months > MAXIMUM_RETENTION_MONTHS:
        raise RetentionError(
            "retention_too_long",
            f"留存期限不得超过 {MAXIMUM_RETENTION_MONTHS} 个月（一百年），拒绝设置为 {months} 个月",
            f"Retention above {MAXIMUM_RETENTION_MONTHS} months (a century) is not accepted; "
            f"refused {months} months",
            field="months",
        )
    retention_log = _log(session, provider_id)
    before = retention_log.retention_months
    retention_log.retention_months = months
    session.flush()
    record(
        session,
        actor,
        "retention.period",
        "retention_log",
        provider_id,
        reason=reason,
        provider_id=provider_id,
        province_code=provider.province_code,
        details={"before": before, "after": months},
    )
    append(
        session,
        provider_id=provider_id,
        entry_type=EntryType.ADMIN_OPERATION,
        actor=actor,
        payload={"action": "retention.period", "before": before, "after": months, "reason": reason},
    )
    return months


def place_hold(
    session: Session, actor: Actor, provider_id: str, scope: str, value: str, reason: str
) -> LegalHold:
    provider = require_authority_or_manager(session, actor, provider_id)
    if scope not in set(HoldScope):
        raise RetentionError(
            "invalid_hold_scope",
            "保全范围必须是 user、service 或 case",
            "a hold covers a user, a service or a case",
            field="scope",
        )
    if not value.strip() or not reason.strip():
        raise RetentionError(
            "missing_field", "保全需要对象和理由", "a hold needs a value and a reason"
        )
    open_log(session, provider_id)
    hold = LegalHold(
        provider_id=provider_id,
        scope=scope,
        value=value.strip(),
        reason=reason.strip(),
        placed_at=utcnow(),
        placed_by=actor.name,
    )
    session.add(hold)
    session.flush()
    record(
        session,
        actor,
        "retention.hold",
        "retention_hold",
        hold.id,
        reason=reason,
        provider_id=provider_id,
        province_code=provider.province_code,
        details={"scope": scope, "value": hold.value},
    )
    return hold


def release_hold(session: Session, actor: Actor, hold_id: str, reason: str) -> LegalHold:
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise not_found("保全", "hold")
    provider = require_authority_or_manager(session, actor, hold.provider_id)
    if hold.released_at is not None:
        raise RetentionError(
            "hold_released", "该保全已解除", "this hold was already released", kind="conflict"
        )
    hold.released_at = utcnow()
    hold.released_by = actor.name
    record(
        session,
        actor,
        "retention.release",
        "retention_hold",
        hold.id,
        reason=reason,
        provider_id=hold.provider_id,
        province_code=provider.province_code,
    )
    return hold


def active_holds(session: Session, actor: Actor, provider_id: str) -> list[LegalHold]:
    visible_provider(session, actor, provider_id)
    return list(
        session.scalars(
            select(LegalHold)
            .where(LegalHold.provider_id == provider_id, LegalHold.released_at.is_(None))
            .order_by(LegalHold.placed_at)
        )
    )


@dataclass(frozen=True)
class PurgeResult:
    provider_id: str
    cutoff: datetime | None
    purged: int
    held: int
    # Why this provider's log was not purged (the others still are).
    failure: str | None = None


def _expired(provider_id: str, cutoff: datetime) -> Select[Any]:
    return select(LogEntry.id).where(
        LogEntry.provider_id == provider_id,
        LogEntry.at < cutoff,
        LogEntry.payload_purged_at.is_(None),
    )


def _not_held(query: Select[Any], holds: list[LegalHold]) -> Select[Any]:
    for scope, column in (
        (HoldScope.USER, LogEntry.user_id),
        (HoldScope.SERVICE, LogEntry.service_id),
        (HoldScope.CASE, LogEntry.case_ref),
    ):
        values = [h.value for h in holds if h.scope == scope]
        if values:
            query = query.where(or_(column.is_(None), column.not_in(values)))
    return query


def purge_provider(
    session: Session, actor: Actor, provider_id: str, *, now: datetime | None = None
) -> PurgeResult:
    """Remove payloads older than the provider's retention period, except held ones."""
    provider = require_manager(session, actor, provider_id)
    moment = now or utcnow()
    months = _log(session, provider_id).retention_months
    cutoff = months_before(
        moment, min(max(months, MINIMUM_RETENTION_MONTHS), MAXIMUM_RETENTION_MONTHS)
    )
    holds = [
        h
        for h in session.scalars(
            select(LegalHold).where(
                LegalHold.provider_id == provider_id, LegalHold.released_at.is_(None)
            )
        )
    ]
    expired = list(session.scalars(_expired(provider_id, cutoff)))
    purgeable = list(session.scalars(_not_held(_expired(provider_id, cutoff), holds)))
    for start in range(0, len(purgeable), PURGE_CHUNK):
        chunk = purgeable[start : start + PURGE_CHUNK]
        session.execute(delete(LogPayload).where(LogPayload.entry_id.in_(chunk)))
        session.execute(
            update(LogEntry).where(LogEntry.id.in_(chunk)).values(payload_purged_at=moment)
        )
    result = PurgeResult(provider_id, cutoff, len(purgeable), len(expired) - len(purgeable))
    details = {
        "action": "retention.purge",
        "cutoff": cutoff.isoformat(),
        "purged": result.purged,
        "held": result.held,
    }
    record(
        session,
        actor,
        "retention.purge",
        "retention_log",
        provider_id,
        provider_id=provider_id,
        province_code=provider.province_code,
        details=details,
        at=moment,
    )
    append(
        session,
        provider_id=provider_id,
        entry_type=EntryType.ADMIN_OPERATION,
        actor=actor,
        payload=details,
        at=moment,
    )
    return result


def purge(session: Session, actor: Actor, *, now: datetime | None = None) -> list[PurgeResult]:
    """Purge every provider log the actor manages."""
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        if actor.provider_id is None:
            raise denied()
        return [purge_provider(session, actor, actor.provider_id, now=now)]
    ids = list(session.scalars(select(RetentionLog.provider_id).order_by(RetentionLog.provider_id)))
    return [_purge_one(session, actor, provider_id, now) for provider_id in ids]


def _purge_one(
    session: Session, actor: Actor, provider_id: str, now: datetime | None
) -> PurgeResult:
    """One provider's purge in a savepoint: a failure is reported and undone, and the other
    providers' payloads are still purged."""
    try:
        with session.begin_nested():
            return purge_provider(session, actor, provider_id, now=now)
    except ChainwardenError as exc:
        failure = exc.line()
    except Exception:  # a batch over every provider must not stop at the first bad log
        logger.exception("purge of provider %s failed", provider_id)
        failure = "清理失败，详见服务日志 / the purge failed; see the server log"
    return PurgeResult(provider_id, None, 0, 0, failure)
