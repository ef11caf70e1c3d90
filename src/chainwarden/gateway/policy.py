"""Repeat offenders: a provider's configurable rules (e.g. two refused posts in seven days → a
warning; three → posting restricted for seven days) that take identity's user measures
automatically. Every measure names the rule and the posts that triggered it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Policy, Post, PostState
from chainwarden.identity.measures import apply_measure
from chainwarden.identity.models import Measure, MeasureKind, ServiceUser
from chainwarden.retention import EntryType, NewEntry, append_many
from chainwarden.store.base import utcnow

# The gateway acting on its provider's behalf (the provider's own system, not a person).
GATEWAY = Actor(id=None, name="gateway-policy", role=Role.SYSTEM)

# Posts that count as offences: blocked by screening or rejected by a reviewer.
OFFENCES = (PostState.BLOCKED, PostState.REJECTED)
MAX_RULES = 20


@dataclass(frozen=True)
class Rule:
    id: str
    offences: int  # this many offences …
    days: int  # … within this many days …
    measure: str  # … lead to a warning or a restriction
    restrict_days: int | None = None  # restriction length (None: until reinstated)

    def describe(self) -> tuple[str, str]:
        if self.measure == MeasureKind.WARNING:
            zh_what, en_what = "警示", "a warning"
        elif self.restrict_days:
            zh_what = f"限制发布{self.restrict_days}天"
            en_what = f"posting restricted for {self.restrict_days} days"
        else:
            zh_what, en_what = "限制发布直至恢复", "posting restricted until reinstated"
        return (
            f"{self.days}天内{self.offences}次发布被拦截或驳回 → {zh_what}",
            f"{self.offences} posts blocked or rejected within {self.days} days → {en_what}",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "offences": self.offences,
            "days": self.days,
            "measure": self.measure,
            "restrict_days": self.restrict_days,
        }


DEFAULT_RULES = (
    Rule("repeat-warning", offences=2, days=7, measure=MeasureKind.WARNING),
    Rule(
        "repeat-restriction", offences=3, days=7, measure=MeasureKind.RESTRICTION, restrict_days=7
    ),
)
DEFAULT_ESCALATE_HOURS = 24


def _invalid(zh: str, en: str) -> GatewayError:
    return GatewayError("invalid_policy", zh, en, field="rules")


def parse_rules(raw: Sequence[dict[str, Any]]) -> list[Rule]:
    """Check rules given as plain dicts (from the API, the CLI or the database)."""
    if len(raw) > MAX_RULES:
        raise _invalid(f"最多{MAX_RULES}条规则", f"At most {MAX_RULES} rules")
    rules: list[Rule] = []
    for n, item in enumerate(raw, 1):
        try:
            rule = Rule(
                id=str(item["id"]).strip(),
                offences=int(item["offences"]),
                days=int(item["days"]),
                measure=str(item["measure"]),
                restrict_days=(
                    int(item["restrict_days"]) if item.get("restrict_days") is not None else None
                ),
            )
        except (KeyError, TypeError, ValueError):
            raise _invalid(
                f"第{n}条规则须有 id、offences、days、measure",
                f"rule {n} needs id, offences, days and measure",
            ) from None
        if not rule.id or len(rule.id) > 64:
            raise _invalid(f"第{n}条规则的 id 无效", f"rule {n}: id must be 1 to 64 characters")
        if not 1 <= rule.offences <= 1000 or not 1 <= rule.days <= 366:
            raise _invalid(
                f"第{n}条规则：次数须在1至1000之间，天数须在1至366之间",
                f"rule {n}: offences must be 1 to 1000 and days 1 to 366",
            )
        if rule.measure not in (MeasureKind.WARNING, MeasureKind.RESTRICTION):
            raise _invalid(
                f"第{n}条规则：措施须为 warning 或 restriction",
                f"rule {n}: measure must be warning or restriction",
            )
        if rule.restrict_days is not None and (
            rule.measure != MeasureKind.RESTRICTION or not 1 <= rule.restrict_days <= 3650
        ):
            raise _invalid(
                f"第{n}条规则：restrict_days 仅用于限制措施，且在1至3650之间",
                f"rule {n}: restrict_days applies to restrictions only, 1 to 3650",
            )
        rules.append(rule)
    if len({r.id for r in rules}) != len(rules):
        raise _invalid("规则 id 不能重复", "rule ids must be unique")
    return rules


def policy_of(session: Session, provider_id: str) -> tuple[list[Rule], int]:
    """The provider's rules and review escalation age in hours (defaults when unset)."""
    row = session.get(Policy, provider_id)
    if row is None:
        return list(DEFAULT_RULES), DEFAULT_ESCALATE_HOURS
    return parse_rules(row.rules), row.escalate_after_hours


def set_policy(
    session: Session,
    actor: Actor,
    provider_id: str,
    rules: Sequence[dict[str, Any]],
    *,
    escalate_after_hours: int = DEFAULT_ESCALATE_HOURS,
    now: datetime | None = None,
) -> Policy:
    from chainwarden.audit import record
    from chainwarden.registry.models import Provider

    actor.require_provider_admin_of(provider_id)
    checked = parse_rules(rules)
    if not 1 <= escalate_after_hours <= 24 * 90:
        raise GatewayError(
            "invalid_escalation",
            "升级时限须在1小时至90天之间",
            "escalate_after_hours must be 1 to 2160",
            field="escalate_after_hours",
        )
    provider = session.get_one(Provider, provider_id)
    now = now or utcnow()
    row = session.get(Policy, provider_id)
    if row is None:
        row = Policy(provider_id=provider_id)
        session.add(row)
    row.rules = [r.as_dict() for r in checked]
    row.escalate_after_hours = escalate_after_hours
    row.updated_at, row.updated_by = now, actor.name
    session.flush()
    record(
        session,
        actor,
        "gateway.policy",
        "provider",
        provider_id,
        at=now,
        provider_id=provider_id,
        province_code=provider.province_code,
        details={"rules": row.rules, "escalate_after_hours": escalate_after_hours},
    )
    return row


def apply_policy(
    session: Session, user: ServiceUser, *, now: datetime | None = None
) -> list[Measure]:
    """Take the measures the provider's rules call for after a new offence by ``user``.

    A rule fires when the user's offences within its window, counted since the rule last fired
    for them, reach its threshold; the measure lists those posts and the rule."""
    now = now or utcnow()
    rules, _ = policy_of(session, user.provider_id)
    if not rules:
        return []
    longest = max(r.days for r in rules)
    # A rejection counts from the reviewer's decision, a block from the post itself.
    offences = [
        (row.id, row.reviewed_at or row.created_at)
        for row in session.execute(
            select(Post.id, Post.created_at, Post.reviewed_at)
            .where(
                Post.user_id == user.id,
                Post.state.in_([str(s) for s in OFFENCES]),
                or_(
                    Post.created_at > now - timedelta(days=longest),
                    Post.reviewed_at > now - timedelta(days=longest),
                ),
            )
            .order_by(Post.created_at, Post.id)
        )
    ]
    offences.sort(key=lambda o: (o[1], o[0]))
    previous = list(
        session.scalars(
            select(Measure).where(
                Measure.user_id == user.id,
                Measure.automatic.is_(True),
                Measure.starts_at > now - timedelta(days=longest),
            )
        )
    )
    taken: list[Measure] = []
    for rule in rules:
        since = now - timedelta(days=rule.days)
        fired = [m.starts_at for m in previous if (m.rule or {}).get("id") == rule.id]
        if fired:
            since = max(since, max(fired))
        counted = [o for o in offences if since < o[1] <= now]
        if len(counted) < rule.offences:
            continue
        zh, en = rule.describe()
        refs = [f"post:{o[0]}" for o in counted]
        explanation = {
            **rule.as_dict(),
            "description": {"zh": zh, "en": en},
            "posts": [o[0] for o in counted],
            "window_start": since.isoformat(),
        }
        until = (
            now + timedelta(days=rule.restrict_days)
            if rule.measure == MeasureKind.RESTRICTION and rule.restrict_days
            else None
        )
        measure = apply_measure(
            session,
            GATEWAY,
            user.id,
            rule.measure,
            f"自动措施（规则 {rule.id}）：{zh} / Automatic measure (rule {rule.id}): {en}",
            functions=["post"] if rule.measure == MeasureKind.RESTRICTION else None,
            until=until,
            content_refs=refs,
            automatic=True,
            rule=explanation,
            now=now,
        )
        append_many(
            session,
            user.provider_id,
            [
                NewEntry(
                    EntryType.USER_MEASURE,
                    GATEWAY,
                    {
                        "measure_id": measure.id,
                        "kind": measure.kind,
                        "reason": measure.reason,
                        "functions": measure.functions,
                        "until": until.isoformat() if until else None,
                        "rule": explanation,
                    },
                    service_id=user.service_id,
                    user_id=user.id,
                    at=now,
                )
            ],
        )
        taken.append(measure)
        previous.append(measure)
    return taken
