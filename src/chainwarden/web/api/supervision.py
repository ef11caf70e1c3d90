"""Supervision: security assessments, cases, rectification orders, penalties, dashboard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from chainwarden.registry.errors import RegistryError
from chainwarden.registry.providers import get_service
from chainwarden.supervision import (
    assessments,
    dashboard,
    inspections,
    penalties,
    rectification,
    reports,
)
from chainwarden.supervision.assessments import AssessmentInfo, ChecklistItem
from chainwarden.supervision.common import local_date
from chainwarden.supervision.models import (
    Assessment,
    AssessmentState,
    Case,
    CaseState,
    Finding,
    PenaltyDecision,
    RectificationOrder,
)
from chainwarden.web.deps import Calendar, Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import Count, Day, OptionalReasonIn, Out, ReasonIn

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/supervision", tags=["supervision"])
public_router = APIRouter(route_class=UnitOfWorkRoute, prefix="/registry", tags=["public registry"])


# --- schemas ---


class AllowedOut(BaseModel):
    breached_article: str
    penalty_article: str
    refused_to_correct: bool
    serious: bool
    measures: list[str]
    required: list[str]
    fine_range: tuple[int, int] | None
    legal_basis: str
    notes: list[str]


class ChecklistItemIn(BaseModel):
    met: bool
    note: str = Field(default="", max_length=2000)
    evidence: list[str] = Field(default_factory=list, max_length=50)


class AssessmentIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="product / application / function")
    description: str = Field(min_length=1, max_length=8000)
    launch_date: Day
    checklist: dict[str, ChecklistItemIn] = Field(
        description="one item per duty: " + ", ".join(assessments.DUTIES)
    )

    def info(self) -> AssessmentInfo:
        return AssessmentInfo(
            title=self.title,
            kind=self.kind,
            description=self.description,
            launch_date=self.launch_date,
            checklist={
                k: ChecklistItem(met=v.met, note=v.note, evidence=v.evidence)
                for k, v in self.checklist.items()
            },
        )


class NewAssessmentIn(AssessmentIn):
    service_id: str


class AssessmentOut(Out):
    id: str
    provider_id: str
    province_code: str
    service_id: str
    title: str
    kind: str
    description: str
    launch_date: Day
    checklist: dict[str, Any]
    state: str
    submitted_by: str
    submitted_at: datetime
    review_due: date | None
    # ``review_due`` was counted with a provisional year (no official holiday schedule yet).
    provisional: bool
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


class CaseIn(BaseModel):
    provider_id: str
    title: str = Field(min_length=1, max_length=200)
    origin: str = "inspection"
    service_id: str | None = None


class FindingIn(BaseModel):
    article: str = Field(max_length=8, description='e.g. "17", "11(1)"')
    description: str = Field(min_length=1, max_length=4000)


class FindingOut(Out):
    id: str
    article: str
    description: str
    recorded_by: str
    recorded_at: datetime


class OrderIn(BaseModel):
    article: str = Field(max_length=8)
    requirement: str = Field(min_length=1, max_length=4000)
    working_days: int = Field(ge=1, le=60)
    service_id: str | None = None


class OrderOut(Out):
    id: str
    case_id: str
    provider_id: str
    province_code: str
    service_id: str
    article: str
    requirement: str
    working_days: int
    ordered_by: str
    ordered_at: datetime
    due: date
    # ``due`` was counted with a provisional year (no official holiday schedule yet).
    provisional: bool
    suspends_service: bool
    state: str
    correction_note: str | None
    corrected_at: datetime | None
    corrected_late: bool | None
    accepted_at: datetime | None
    accepted_by: str | None


class CorrectionIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


class PenaltyIn(BaseModel):
    breached_article: str = Field(max_length=8)
    measures: list[str]
    facts: str = Field(min_length=1, max_length=8000)
    fine_yuan: Count | None = Field(default=None, description="integer yuan")
    refused_to_correct: bool = False
    serious: bool = False


class PenaltyOut(Out):
    id: str
    case_id: str
    provider_id: str
    breached_article: str
    penalty_article: str
    refused_to_correct: bool
    serious: bool
    measures: list[str]
    fine_yuan: int | None
    legal_basis: str
    facts: str
    state: str
    decided_by: str
    decided_at: datetime
    final_at: datetime | None


class CaseOut(Out):
    id: str
    provider_id: str
    province_code: str
    service_id: str | None
    title: str
    origin: str
    state: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    closing_reason: str | None
    findings: list[FindingOut]
    orders: list[OrderOut]
    penalties: list[PenaltyOut]


class SuspensionOut(BaseModel):
    service_id: str
    suspended: bool


class ScreeningCountsIn(BaseModel):
    provider_id: str
    day: Day
    counts: dict[str, Count] = Field(description="blocked items per screening category")


class PublicPenaltyOut(BaseModel):
    decided_on: date
    penalty_article: str
    breached_article: str
    measures: list[str]
    measures_zh: list[str]
    fine_yuan: int | None
    legal_basis: str
    facts: str


# --- penalty rules ---


@router.get("/penalty-rules", response_model=AllowedOut)
def penalty_rules(
    clock: Clock,
    article: str = Query(max_length=8, description='the article breached, e.g. "17", "11(1)"'),
    refused_to_correct: bool = False,
    serious: bool = False,
    on: Day | None = Query(default=None, description="day of the act [default: today]"),
) -> AllowedOut:
    """The measures and fine range Arts. 19–22 allow for a breach."""
    a = penalties.allowed(
        article,
        refused_to_correct=refused_to_correct,
        serious=serious,
        on=on or local_date(clock()),
    )
    return AllowedOut(
        breached_article=a.breached_article,
        penalty_article=a.rule.article,
        refused_to_correct=a.refused_to_correct,
        serious=a.serious,
        measures=sorted(str(m) for m in a.measures),
        required=sorted(str(m) for m in a.required),
        fine_range=a.fine_range,
        legal_basis=a.legal_basis,
        notes=list(a.notes),
    )


# --- assessments ---


@router.post("/assessments", response_model=AssessmentOut, status_code=201)
def submit_assessment(
    body: NewAssessmentIn, session: Tx, actor: CurrentActor, calendar: Calendar, clock: Clock
) -> Assessment:
    return assessments.submit(session, actor, calendar, body.service_id, body.info(), clock())


@router.get("/assessments", response_model=list[AssessmentOut])
def list_assessments(
    session: Tx, actor: CurrentActor, state: AssessmentState | None = None
) -> list[Assessment]:
    return assessments.list_assessments(session, actor, state=state)


@router.get("/assessments/overdue", response_model=list[AssessmentOut])
def overdue_assessments(
    session: Tx, actor: CurrentActor, clock: Clock, on: Day | None = None
) -> list[Assessment]:
    return assessments.overdue_reviews(session, actor, on or local_date(clock()))


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut)
def get_assessment(assessment_id: str, session: Tx, actor: CurrentActor) -> Assessment:
    return assessments.get(session, actor, assessment_id)


@router.put("/assessments/{assessment_id}", response_model=AssessmentOut)
def resubmit_assessment(
    assessment_id: str,
    body: AssessmentIn,
    session: Tx,
    actor: CurrentActor,
    calendar: Calendar,
    clock: Clock,
) -> Assessment:
    return assessments.resubmit(session, actor, calendar, assessment_id, body.info(), clock())


@router.post("/assessments/{assessment_id}/accept", response_model=AssessmentOut)
def accept_assessment(
    assessment_id: str, body: OptionalReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Assessment:
    return assessments.accept(session, actor, assessment_id, body.reason, clock())


@router.post("/assessments/{assessment_id}/request-changes", response_model=AssessmentOut)
def request_changes(
    assessment_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Assessment:
    return assessments.request_changes(session, actor, assessment_id, body.reason, clock())


@router.post("/assessments/{assessment_id}/reject", response_model=AssessmentOut)
def reject_assessment(
    assessment_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Assessment:
    return assessments.reject(session, actor, assessment_id, body.reason, clock())


@router.get("/assessments/{assessment_id}/report.html", response_class=HTMLResponse)
def assessment_report_html(assessment_id: str, session: Tx, actor: CurrentActor) -> HTMLResponse:
    a = assessments.get(session, actor, assessment_id)
    return HTMLResponse(reports.assessment_html(session, a))


@router.get(
    "/assessments/{assessment_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def assessment_report_pdf(assessment_id: str, session: Tx, actor: CurrentActor) -> Response:
    a = assessments.get(session, actor, assessment_id)
    return Response(
        reports.assessment_pdf(session, a),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="assessment-{a.id}.pdf"'},
    )


# --- cases, orders, penalties ---


@router.post("/cases", response_model=CaseOut, status_code=201)
def open_case(body: CaseIn, session: Tx, actor: CurrentActor, clock: Clock) -> Case:
    return inspections.open_case(
        session,
        actor,
        body.provider_id,
        title=body.title,
        origin=body.origin,
        service_id=body.service_id,
        now=clock(),
    )


@router.get("/cases", response_model=list[CaseOut])
def list_cases(session: Tx, actor: CurrentActor, state: CaseState | None = None) -> list[Case]:
    return inspections.list_cases(session, actor, state=state)


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: str, session: Tx, actor: CurrentActor) -> Case:
    return inspections.get_case(session, actor, case_id)


@router.post("/cases/{case_id}/findings", response_model=FindingOut, status_code=201)
def add_finding(
    case_id: str, body: FindingIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Finding:
    return inspections.add_finding(
        session, actor, case_id, article=body.article, description=body.description, now=clock()
    )


@router.post("/cases/{case_id}/orders", response_model=OrderOut, status_code=201)
def order_rectification(
    case_id: str,
    body: OrderIn,
    session: Tx,
    actor: CurrentActor,
    calendar: Calendar,
    clock: Clock,
) -> RectificationOrder:
    return rectification.order_rectification(
        session,
        actor,
        calendar,
        case_id,
        article=body.article,
        requirement=body.requirement,
        working_days=body.working_days,
        service_id=body.service_id,
        now=clock(),
    )


@router.post("/cases/{case_id}/close", response_model=CaseOut)
def close_case(
    case_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Case:
    return inspections.close_case(session, actor, case_id, body.reason, clock())


@router.post("/cases/{case_id}/penalties", response_model=PenaltyOut, status_code=201)
def decide_penalty(
    case_id: str, body: PenaltyIn, session: Tx, actor: CurrentActor, clock: Clock
) -> PenaltyDecision:
    """Record a decision; outside the statutory measures or fine range it is refused (422)."""
    return penalties.decide_penalty(
        session,
        actor,
        case_id,
        breached_article=body.breached_article,
        measures=body.measures,
        facts=body.facts,
        fine_yuan=body.fine_yuan,
        refused_to_correct=body.refused_to_correct,
        serious=body.serious,
        now=clock(),
    )


@router.post("/penalties/{penalty_id}/finalise", response_model=PenaltyOut)
def finalise_penalty(
    penalty_id: str, session: Tx, actor: CurrentActor, clock: Clock
) -> PenaltyDecision:
    return penalties.finalise_penalty(session, actor, penalty_id, clock())


@router.get("/orders", response_model=list[OrderOut])
def list_orders(
    session: Tx, actor: CurrentActor, open_only: bool = False
) -> list[RectificationOrder]:
    return rectification.list_orders(session, actor, open_only=open_only)


@router.get("/orders/overdue", response_model=list[OrderOut])
def overdue_orders(
    session: Tx, actor: CurrentActor, clock: Clock, on: Day | None = None
) -> list[RectificationOrder]:
    return rectification.overdue_orders(session, actor, on or local_date(clock()))


@router.post("/orders/{order_id}/correction", response_model=OrderOut)
def report_correction(
    order_id: str, body: CorrectionIn, session: Tx, actor: CurrentActor, clock: Clock
) -> RectificationOrder:
    return rectification.report_correction(session, actor, order_id, body.note, clock())


@router.post("/orders/{order_id}/accept", response_model=OrderOut)
def accept_correction(
    order_id: str, body: OptionalReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> RectificationOrder:
    return rectification.accept_correction(session, actor, order_id, body.reason, clock())


@router.post("/orders/{order_id}/reject", response_model=OrderOut)
def reject_correction(
    order_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> RectificationOrder:
    return rectification.reject_correction(session, actor, order_id, body.reason, clock())


@router.get("/services/{service_id}/suspension", response_model=SuspensionOut)
def suspension(service_id: str, session: Tx, actor: CurrentActor) -> SuspensionOut:
    service = get_service(session, actor, service_id)
    return SuspensionOut(
        service_id=service.id, suspended=rectification.is_service_suspended(session, service.id)
    )


# --- dashboard and provider reports ---


@router.get("/dashboard")
def get_dashboard(
    session: Tx,
    actor: CurrentActor,
    clock: Clock,
    on: Day | None = None,
    weeks: int = Query(default=8, ge=1, le=104),
) -> dict[str, Any]:
    """Filings by state and province, overdue reviews, open cases and orders, and screening
    blocks by category per week, in the caller's scope."""
    return dashboard.dashboard(session, actor, on or local_date(clock()), weeks)


@router.post("/screening-counts", status_code=204)
def screening_counts(
    body: ScreeningCountsIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Response:
    dashboard.record_screening_counts(
        session, actor, body.provider_id, body.day, body.counts, clock()
    )
    return Response(status_code=204)


# --- public ---


@public_router.get("/{number}/penalties", response_model=list[PublicPenaltyOut])
def public_penalties(number: str, session: Tx) -> list[penalties.PublicPenalty]:
    """Final penalty decisions against the provider of a published filing (no sign-in)."""
    found = penalties.public_penalties_for_number(session, number)
    if found is None:
        raise RegistryError(
            "not_registered",
            f"备案编号 {number} 未在公开名录中",
            f"{number} is not in the registry",
            kind="not_found",
        )
    return found
