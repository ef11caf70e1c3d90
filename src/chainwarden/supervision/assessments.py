"""Security assessments (安全评估, Art. 9): before launching a new product, application or
function a provider files a self-assessment of its Art. 5–8 and 16–17 duties with evidence;
the national or provincial regulator accepts it, asks for changes, or rejects it with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.errors import required_text
from chainwarden.registry.providers import get_service
from chainwarden.store.base import utcnow
from chainwarden.supervision import errors
from chainwarden.supervision.common import (
    ASSESSMENT_REVIEW_DAYS,
    audit,
    due_after,
    local_date,
    scoped,
    visible,
)
from chainwarden.supervision.models import Assessment, AssessmentState
from chainwarden.workdays import WorkingCalendar

KINDS = {"product": "新产品", "application": "新应用", "function": "新功能"}

# The duties a self-assessment covers: key → (article, 中文, English).
DUTIES: dict[str, tuple[str, str, str]] = {
    "user_registration": ("5", "用户注册制度", "User registration"),
    "information_review": ("5", "信息审核制度", "Information review"),
    "emergency_response": ("5", "应急处置制度", "Emergency response"),
    "security_protection": ("5", "安全防护制度", "Security protection"),
    "technical_conditions": (
        "6",
        "即时和应急处置的技术条件",
        "Technical means to deal with prohibited content at once",
    ),
    "rules_and_agreements": (
        "7",
        "管理规则、平台公约与服务协议",
        "Management rules, conventions and user agreements",
    ),
    "real_name_verification": ("8", "用户真实身份信息认证", "Real-identity verification of users"),
    "disposal_capability": (
        "16",
        "违法违规处置能力",
        "Measures against violations and illegal content",
    ),
    "log_retention": (
        "17",
        "信息与日志留存不少于六个月",
        "Content and logs kept at least six months",
    ),
}

STATE_NAMES = {
    AssessmentState.SUBMITTED: "待审核",
    AssessmentState.CHANGES_REQUESTED: "要求修改",
    AssessmentState.ACCEPTED: "通过",
    AssessmentState.REJECTED: "不予通过",
}


@dataclass
class ChecklistItem:
    met: bool
    note: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class AssessmentInfo:
    title: str
    kind: str
    description: str
    launch_date: date
    checklist: dict[str, ChecklistItem]


def _checked_checklist(checklist: dict[str, ChecklistItem]) -> dict[str, Any]:
    unknown = set(checklist) - set(DUTIES)
    if unknown:
        raise errors.unknown_duty(unknown=", ".join(sorted(unknown)))
    missing = [k for k in DUTIES if k not in checklist]
    if missing:
        raise errors.checklist_incomplete(
            names_zh="、".join(DUTIES[k][1] for k in missing),
            names_en=", ".join(DUTIES[k][2] for k in missing),
            missing=missing,
        )
    result: dict[str, Any] = {}
    for key in DUTIES:
        item = checklist[key]
        evidence = [e.strip() for e in item.evidence if e and e.strip()]
        note = item.note.strip()
        if item.met and not evidence:
            raise errors.evidence_required(
                duty_zh=DUTIES[key][1], duty_en=DUTIES[key][2], field=f"checklist.{key}"
            )
        if not item.met and not note:
            raise errors.explanation_required(
                duty_zh=DUTIES[key][1], duty_en=DUTIES[key][2], field=f"checklist.{key}"
            )
        result[key] = {"met": item.met, "note": note, "evidence": evidence}
    return result


def _values(info: AssessmentInfo, today: date) -> dict[str, Any]:
    if info.kind not in KINDS:
        raise errors.invalid_choice(name_zh="评估对象类型", field="kind", choices=", ".join(KINDS))
    if info.launch_date <= today:
        raise errors.launch_not_ahead()
    return {
        "title": required_text(info.title, errors.assessment_title_missing),
        "kind": info.kind,
        "description": required_text(info.description, errors.assessment_description_missing),
        "launch_date": info.launch_date,
        "checklist": _checked_checklist(info.checklist),
    }


def _audit(session: Session, actor: Actor, action: str, a: Assessment, **kwargs: Any) -> None:
    audit(
        session,
        actor,
        action,
        "assessment",
        a.id,
        provider_id=a.provider_id,
        province_code=a.province_code,
        **kwargs,
    )


def submit(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    service_id: str,
    info: AssessmentInfo,
    now: datetime | None = None,
) -> Assessment:
    service = get_service(session, actor, service_id)
    actor.require_provider_admin_of(service.provider_id)
    now = now or utcnow()
    today = local_date(now)
    review_due = due_after(calendar, today, ASSESSMENT_REVIEW_DAYS)
    assessment = Assessment(
        provider_id=service.provider_id,
        province_code=service.provider.province_code,
        service_id=service.id,
        state=AssessmentState.SUBMITTED,
        submitted_by=actor.name,
        submitted_at=now,
        review_due=review_due,
        provisional=calendar.depends_on_provisional(today, review_due),
        **_values(info, today),
    )
    session.add(assessment)
    session.flush()
    _audit(
        session,
        actor,
        "assessment.submit",
        assessment,
        at=now,
        details={"title": assessment.title, "review_due": str(assessment.review_due)},
    )
    return assessment


def get(session: Session, actor: Actor, assessment_id: str) -> Assessment:
    return visible(session, actor, Assessment, assessment_id, "安全评估", "Security assessment")


def list_assessments(
    session: Session, actor: Actor, *, state: AssessmentState | None = None
) -> list[Assessment]:
    query = select(Assessment).order_by(Assessment.submitted_at.desc())
    if state:
        query = query.where(Assessment.state == state)
    return list(session.scalars(scoped(query, actor, Assessment)))


def _wrong_state(a: Assessment, doing_zh: str, doing_en: str) -> errors.SupervisionError:
    return errors.assessment_wrong_state(
        state=a.state,
        state_zh=STATE_NAMES[AssessmentState(a.state)],
        doing_zh=doing_zh,
        doing_en=doing_en,
    )


def resubmit(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    assessment_id: str,
    info: AssessmentInfo,
    now: datetime | None = None,
) -> Assessment:
    """Answer a request for changes; the review period starts again."""
    a = get(session, actor, assessment_id)
    actor.require_provider_admin_of(a.provider_id)
    if a.state != AssessmentState.CHANGES_REQUESTED:
        raise _wrong_state(a, "重新提交", "resubmitted")
    now = now or utcnow()
    today = local_date(now)
    for name, value in _values(info, today).items():
        setattr(a, name, value)
    a.state = AssessmentState.SUBMITTED
    a.submitted_at = now
    a.review_due = due_after(calendar, today, ASSESSMENT_REVIEW_DAYS)
    a.provisional = calendar.depends_on_provisional(today, a.review_due)
    a.decided_at = None
    a.decided_by = None
    _audit(
        session,
        actor,
        "assessment.resubmit",
        a,
        at=now,
        details={"review_due": str(a.review_due)},
    )
    return a


def _decide(
    session: Session,
    actor: Actor,
    assessment_id: str,
    state: AssessmentState,
    reason: str | None,
    now: datetime | None,
) -> Assessment:
    a = get(session, actor, assessment_id)
    actor.require(Role.REGULATOR)
    if a.state != AssessmentState.SUBMITTED:
        raise _wrong_state(a, "审核", "decided")
    if state is not AssessmentState.ACCEPTED:
        reason = required_text(reason, errors.decision_reason_missing)
    now = now or utcnow()
    a.state = state
    a.decided_at = now
    a.decided_by = actor.name
    a.decision_reason = reason.strip() if reason else None
    a.review_due = None  # the regulator has answered; a resubmission starts a new period
    _audit(session, actor, f"assessment.{state}", a, at=now, reason=a.decision_reason)
    return a


def accept(
    session: Session,
    actor: Actor,
    assessment_id: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> Assessment:
    return _decide(session, actor, assessment_id, AssessmentState.ACCEPTED, reason, now)


def request_changes(
    session: Session, actor: Actor, assessment_id: str, reason: str, now: datetime | None = None
) -> Assessment:
    return _decide(session, actor, assessment_id, AssessmentState.CHANGES_REQUESTED, reason, now)


def reject(
    session: Session, actor: Actor, assessment_id: str, reason: str, now: datetime | None = None
) -> Assessment:
    return _decide(session, actor, assessment_id, AssessmentState.REJECTED, reason, now)


def overdue_reviews(session: Session, actor: Actor, today: date) -> list[Assessment]:
    """Submitted assessments whose review period has passed."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = (
        select(Assessment)
        .where(Assessment.state == AssessmentState.SUBMITTED, Assessment.review_due < today)
        .order_by(Assessment.review_due)
    )
    return list(session.scalars(scoped(query, actor, Assessment)))
