"""Measures against service users (Art. 16): warning, function restriction, account closure and
reinstatement — each with its reason, who took it, the content that led to it, and, for
automatic measures, the rule that produced it. Users see their own measures; providers report
them to the regulator.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, denied, not_found
from chainwarden.audit import record
from chainwarden.identity.access import require_manager_of, require_reader_of
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.models import Measure, MeasureKind, ServiceUser, UserStatus
from chainwarden.registry.models import Provider
from chainwarden.store.base import utcnow

# The functions of a service a restriction can name. "post" is publishing (the gateway).
FUNCTIONS = ("post", "comment", "message", "transfer", "profile")
MAX_CONTENT_REFS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _invalid(code: str, zh: str, en: str, **extra: Any) -> IdentityError:
    return IdentityError(code, zh, en, **extra)


def _in_force(now: datetime) -> Any:
    return (
        Measure.kind.in_([MeasureKind.RESTRICTION, MeasureKind.CLOSURE]),
        Measure.lifted_at.is_(None),
        Measure.starts_at <= now,
        or_(Measure.until.is_(None), Measure.until > now),
    )


def active_measures(
    session: Session, user_id: str, *, now: datetime | None = None
) -> list[Measure]:
    """Restrictions and closures in force at ``now``."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Measure)
            .where(Measure.user_id == user_id, *_in_force(now))
            .order_by(Measure.starts_at)
        )
    )


def restriction_in_force(
    session: Session, user_id: str, function: str, *, now: datetime | None = None
) -> Measure | None:
    """The restriction of ``function`` in force that ends last (None: not restricted)."""
    found = [
        m
        for m in active_measures(session, user_id, now=now)
        if m.kind == MeasureKind.RESTRICTION and function in m.functions
    ]
    if not found:
        return None
    # An open-ended restriction outlasts any dated one.
    return max(found, key=lambda m: (m.until is None, m.until or _EPOCH))


def _check_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise _invalid(
            "reason_required", "处置措施必须说明理由", "A measure needs a reason", field="reason"
        )
    return reason.strip()


def _check_refs(content_refs: Iterable[str]) -> list[str]:
    refs = [str(r).strip() for r in content_refs if str(r).strip()]
    if len(refs) > MAX_CONTENT_REFS or any(len(r) > 200 for r in refs):
        raise _invalid(
            "invalid_content_refs",
            f"关联内容最多{MAX_CONTENT_REFS}项，每项不超过200个字符",
            f"At most {MAX_CONTENT_REFS} content references of up to 200 characters each",
            field="content_refs",
        )
    return refs


def apply_measure(
    session: Session,
    actor: Actor,
    user_id: str,
    kind: MeasureKind | str,
    reason: str,
    *,
    functions: Iterable[str] | None = None,
    until: datetime | None = None,
    content_refs: Iterable[str] = (),
    automatic: bool = False,
    rule: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Measure:
    """Take a measure against a user of the actor's provider.

    - warning: no functions, no end;
    - restriction: one or more of ``FUNCTIONS``, optionally ``until`` (else until reinstated);
    - closure: the account is closed until reinstated;
    - reinstatement: lifts every restriction and closure in force and reopens the account.

    ``automatic`` measures (taken by a policy, e.g. the publish path) must give the ``rule`` that
    produced them (at least ``{"id": …}``), so they can be explained to the user and regulator."""
    now = now or utcnow()
    user = session.get(ServiceUser, user_id)
    if user is None or not actor.can_see(user.provider_id, user.province_code):
        raise not_found("服务使用者", "Service user")
    require_manager_of(actor, user.provider_id)
    try:
        kind = MeasureKind(kind)
    except ValueError:
        raise _invalid(
            "invalid_measure_kind",
            f"措施类型必须是 {', '.join(MeasureKind)} 之一",
            f"kind must be one of {', '.join(MeasureKind)}",
            field="kind",
        ) from None
    reason = _check_reason(reason)
    refs = _check_refs(content_refs)
    chosen = sorted(set(functions or ()))
    if automatic and (not rule or not str(rule.get("id", "")).strip()):
        raise _invalid(
            "rule_required",
            "自动措施必须记录产生它的规则",
            "An automatic measure must record the rule that produced it",
            field="rule",
        )
    if until is not None and until.tzinfo is None:
        raise _invalid("naive_time", "时间必须带时区", "until must carry a timezone", field="until")
    if kind is MeasureKind.RESTRICTION:
        unknown = [f for f in chosen if f not in FUNCTIONS]
        if not chosen or unknown:
            raise _invalid(
                "invalid_functions",
                f"限制功能须从 {', '.join(FUNCTIONS)} 中选择"
                + (f"（未知：{', '.join(unknown)}）" if unknown else ""),
                f"A restriction names one or more of {', '.join(FUNCTIONS)}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
                field="functions",
            )
        if until is not None and until <= now:
            raise _invalid(
                "until_in_past",
                "限制的结束时间必须晚于现在",
                "until must be in the future",
                field="until",
            )
    elif chosen or until is not None:
        raise _invalid(
            "not_a_restriction",
            "只有功能限制可以指定功能和结束时间",
            "Only a restriction names functions and an end time",
            field="functions" if chosen else "until",
        )
    in_force = active_measures(session, user.id, now=now)
    if kind is MeasureKind.CLOSURE and user.status == UserStatus.CLOSED:
        raise IdentityError(
            "already_closed", "账号已关闭", "The account is already closed", kind="conflict"
        )
    if kind is MeasureKind.REINSTATEMENT and not in_force and user.status != UserStatus.CLOSED:
        raise IdentityError(
            "nothing_to_reinstate",
            "该用户没有生效中的限制或关闭措施",
            "The user has no restriction or closure in force",
            kind="conflict",
        )
    measure = Measure(
        user_id=user.id,
        service_id=user.service_id,
        provider_id=user.provider_id,
        province_code=user.province_code,
        kind=str(kind),
        reason=reason,
        functions=chosen,
        starts_at=now,
        until=until,
        content_refs=refs,
        actor_id=actor.id,
        actor_name=actor.name,
        actor_role=str(actor.role),
        automatic=automatic,
        rule=dict(rule) if rule else None,
    )
    session.add(measure)
    session.flush()
    lifted: list[str] = []
    if kind is MeasureKind.CLOSURE:
        user.status = str(UserStatus.CLOSED)
    elif kind is MeasureKind.REINSTATEMENT:
        for old in in_force:
            old.lifted_at = now
            old.lifted_by = measure.id
            lifted.append(old.id)
        user.status = str(UserStatus.ACTIVE)
    record(
        session,
        actor,
        f"measure.{kind}",
        "service_user",
        user.id,
        reason=reason,
        at=now,
        provider_id=user.provider_id,
        province_code=user.province_code,
        details={
            "measure_id": measure.id,
            "functions": chosen,
            "until": until.isoformat() if until else None,
            "content_refs": refs,
            "automatic": automatic,
            "rule": dict(rule) if rule else None,
            "lifted": lifted,
        },
    )
    return measure


def measures_of(session: Session, user_id: str) -> list[Measure]:
    return list(
        session.scalars(
            select(Measure)
            .where(Measure.user_id == user_id)
            .order_by(Measure.starts_at, Measure.id)
        )
    )


def measures_for_user(session: Session, actor: Actor, user_id: str) -> list[Measure]:
    user = session.get(ServiceUser, user_id)
    if user is None or not actor.can_see(user.provider_id, user.province_code):
        raise not_found("服务使用者", "Service user")
    return measures_of(session, user.id)


def in_force_at(measure: Measure, now: datetime) -> bool:
    return (
        measure.kind in (MeasureKind.RESTRICTION, MeasureKind.CLOSURE)
        and measure.lifted_at is None
        and measure.starts_at <= now
        and (measure.until is None or measure.until > now)
    )


# --- the report for the regulator -----------------------------------------------------------


@dataclass
class ReportRow:
    measure: Measure
    nickname: str
    name_masked: str
    number_masked: str


@dataclass
class MeasureReport:
    provider_id: str
    provider_name: str
    provider_uscc: str
    province_code: str
    since: datetime | None
    until: datetime | None
    generated_at: datetime
    generated_by: str
    counts: dict[str, int] = field(default_factory=dict)
    rows: list[ReportRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": {
                "id": self.provider_id,
                "name": self.provider_name,
                "uscc": self.provider_uscc,
                "province_code": self.province_code,
            },
            "period": {
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
            },
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "counts": self.counts,
            "measures": [
                {
                    "id": r.measure.id,
                    "kind": r.measure.kind,
                    "at": r.measure.starts_at.isoformat(),
                    "service_id": r.measure.service_id,
                    "user_id": r.measure.user_id,
                    "user": r.nickname,
                    "name": r.name_masked,
                    "number": r.number_masked,
                    "reason": r.measure.reason,
                    "functions": r.measure.functions,
                    "until": r.measure.until.isoformat() if r.measure.until else None,
                    "content_refs": r.measure.content_refs,
                    "actor": r.measure.actor_name,
                    "actor_role": r.measure.actor_role,
                    "automatic": r.measure.automatic,
                    "rule": r.measure.rule,
                    "lifted_at": r.measure.lifted_at.isoformat() if r.measure.lifted_at else None,
                }
                for r in self.rows
            ],
        }


def measure_report(
    session: Session,
    actor: Actor,
    provider_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> MeasureReport:
    """Every measure the provider took in ``[since, until)``, users shown masked. Readable by the
    provider's own staff, the regulators of its province, national regulators and admins."""
    provider = session.get(Provider, provider_id)
    if provider is None or not actor.can_see(provider.id, provider.province_code):
        raise not_found("提供者", "Provider")
    if actor.role not in (
        Role.PROVIDER_ADMIN,
        Role.PROVIDER_REVIEWER,
        Role.REGULATOR,
        Role.ADMIN,
        Role.SYSTEM,
    ):
        raise denied()
    require_reader_of(actor, provider.id, provider.province_code)
    query = (
        select(Measure, ServiceUser)
        .join(ServiceUser, Measure.user_id == ServiceUser.id)
        .where(Measure.provider_id == provider.id)
        .order_by(Measure.starts_at, Measure.id)
    )
    if since is not None:
        query = query.where(Measure.starts_at >= since)
    if until is not None:
        query = query.where(Measure.starts_at < until)
    rows = [
        ReportRow(m, u.nickname, u.name_masked, u.number_masked) for m, u in session.execute(query)
    ]
    counts = Counter(r.measure.kind for r in rows)
    return MeasureReport(
        provider_id=provider.id,
        provider_name=provider.name,
        provider_uscc=provider.uscc,
        province_code=provider.province_code,
        since=since,
        until=until,
        generated_at=now or utcnow(),
        generated_by=actor.name,
        counts={str(k): counts.get(str(k), 0) for k in MeasureKind},
        rows=rows,
    )
