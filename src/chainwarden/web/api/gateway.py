"""The publish path for service users, the provider's review queue, policies, reports to the
regulator and complaints from the public."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from chainwarden.gateway import complaints, policy, regulator_reports, review
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.batch import Publisher
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Complaint, Post, Report
from chainwarden.identity.users import USER_TOKEN_PREFIX
from chainwarden.registry.deadlines import local_date
from chainwarden.screening import Screener
from chainwarden.web.deps import Calendar, Clock, CurrentActor, Tx, UnitOfWorkRoute, client_source
from chainwarden.web.problems import problem
from chainwarden.web.schemas import Day, Out

router = APIRouter(route_class=UnitOfWorkRoute, tags=["gateway"])

# Bytes in one publish request body (the text itself is bounded in characters by the domain).
MAX_BODY = 64 * 1024
_PUBLISHER_GUARD = threading.Lock()


# --- schemas ---


class HitOut(BaseModel):
    rule: str
    category: str
    start: int
    end: int
    matched: str


class PostOut(Out):
    id: str
    service_id: str
    user_id: str
    state: str
    decision: str
    score: float
    categories: list[str]
    hits: list[HitOut]
    item_id: str | None
    entry_id: str
    created_at: datetime


class LoggedOut(BaseModel):
    id: str
    index: int
    entry_type: str


class ItemOut(BaseModel):
    id: str
    commitment: str
    media_type: str


class PublishedOut(BaseModel):
    post: PostOut
    item: ItemOut | None
    log_entry: LoggedOut
    message: dict[str, str]
    reason: dict[str, Any] | None = None  # why screening decided so: code, evidence, zh/en


# --- helpers ---


def _publisher(request: Request) -> Publisher:
    """The app's one publisher (its writer groups concurrent posts into one transaction).

    Taken from the app's state rather than through dependencies: a sync dependency costs a
    round trip through the thread pool, more than a refused request costs in all."""
    state = request.app.state
    publisher = getattr(state, "gateway_publisher", None)
    if publisher is None:
        with _PUBLISHER_GUARD:
            publisher = getattr(state, "gateway_publisher", None)
            if publisher is None:
                publisher = state.gateway_publisher = Publisher(
                    state.db,
                    screener=given_screener(request.app),
                    clock=lambda: state.clock(),  # the app's clock at each batch
                )
    assert isinstance(publisher, Publisher)
    return publisher


def given_screener(app: FastAPI) -> Screener | None:
    """The screener the app was given (``app.state.screener``), or None for the packaged one."""
    screener = getattr(app.state, "screener", None)
    return screener if isinstance(screener, Screener) else None


def close_publisher(app: FastAPI) -> None:
    """Publishes what is waiting and stops the app's publisher, if it has one."""
    publisher = getattr(app.state, "gateway_publisher", None)
    if isinstance(publisher, Publisher):
        publisher.close()


def _token(request: Request) -> str:
    """The user token sent as a Bearer token; refused at once when there is none that could be
    one (before screening and before any transaction)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(USER_TOKEN_PREFIX):
        raise gateway.token_required()
    return secret


async def _text(request: Request) -> str:
    """The text from a JSON body ``{"text": …}`` or a ``text/plain`` body, strictly UTF-8."""
    media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media not in ("application/json", "text/plain"):
        raise GatewayError(
            "unsupported_media_type",
            '请以 application/json（{"text": …}）或 text/plain 发送内容',
            'Send the post as application/json ({"text": …}) or text/plain',
            kind="unsupported_media_type",
        )
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise _too_large()
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GatewayError(
            "invalid_utf8",
            f"请求内容不是有效的 UTF-8（第 {exc.start} 字节）",
            f"The request body is not valid UTF-8 (byte {exc.start})",
            kind="bad_request",
        ) from None
    if media == "text/plain":
        return decoded
    try:
        body = json.loads(decoded)
    except ValueError:
        raise GatewayError(
            "invalid_json",
            "请求内容不是有效的 JSON",
            "The request body is not valid JSON",
            kind="bad_request",
        ) from None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise GatewayError(
            "text_required",
            "JSON 请求须为含字符串字段 text 的对象",
            'The JSON body must be an object with a string field "text"',
            field="text",
        )
    return str(body["text"])


def _too_large() -> GatewayError:
    return GatewayError(
        "body_too_large",
        f"请求内容不能超过 {MAX_BODY} 字节",
        f"The request body may be at most {MAX_BODY} bytes",
        kind="too_large",
        limit=MAX_BODY,
    )


def _post_out(post: Post) -> PostOut:
    return PostOut.model_validate(post)


def _reason(outcome: gateway.Outcome) -> dict[str, Any] | None:
    reason = outcome.result.reason
    return None if reason is None else dict(reason)


# --- the publish path ---


@router.post(
    "/services/{service_id}/posts",
    status_code=201,
    response_model=PublishedOut,
    responses={
        202: {"description": "held for the provider's review"},
        403: {"description": "the user may not post now (reason in zh and en)"},
        413: {"description": "request body too large"},
        415: {"description": "not JSON or plain text"},
        422: {"description": "blocked by screening: categories and highlighted spans"},
    },
)
async def publish_post(service_id: str, request: Request) -> Response:
    """Publish as a service user (``Authorization: Bearer cwu_…``). 201: published on the ledger
    and logged; 202: held for review; 422 ``content_blocked``: refused by screening (recorded);
    403: the user or service may not publish now."""
    text = gateway.check_text(await _text(request))
    token = _token(request)
    # Answered once the post's batch has committed (a refusal comes back as the exception).
    outcome = await _publisher(request).publish(gateway.PostRequest(service_id, token, text))
    post = _post_out(outcome.post)
    if outcome.post.state == "blocked":
        categories = ", ".join(outcome.post.categories)
        return problem(
            422,
            "content_blocked",
            f"内容含有禁止发布的信息（{categories}），未予发布",
            f"The text contains prohibited content ({categories}) and was not published",
            post_id=post.id,
            categories=post.categories,
            hits=[h.model_dump() for h in post.hits],
            reason=_reason(outcome),
            log_entry={"id": outcome.entry.id, "index": outcome.entry.index},
            measures=[
                {"id": m.id, "kind": m.kind, "reason": m.reason, "rule": m.rule}
                for m in outcome.measures
            ],
        )
    held = outcome.post.state == "held"
    body = PublishedOut(
        post=post,
        item=(
            ItemOut(
                id=outcome.item.id,
                commitment=outcome.item.commitment,
                media_type=outcome.item.media_type,
            )
            if outcome.item
            else None
        ),
        log_entry=LoggedOut(
            id=outcome.entry.id, index=outcome.entry.index, entry_type=outcome.entry.entry_type
        ),
        message=(
            {"zh": "内容待人工审核", "en": "The post is held for review"}
            if held
            else {"zh": "已发布", "en": "Published"}
        ),
        reason=_reason(outcome),
    )
    # Serialised by pydantic-core straight to bytes: the same JSON as JSONResponse, in less time.
    return Response(
        body.model_dump_json(), status_code=202 if held else 201, media_type="application/json"
    )


# --- the review queue ---


class QueuedOut(PostOut):
    text: str | None
    escalated_at: datetime | None
    segments: list[dict[str, Any]]
    highlighted_html: str


class DecisionIn(BaseModel):
    approve: bool
    reason: str | None = Field(default=None, max_length=2000)


class BulkDecisionIn(DecisionIn):
    post_ids: list[str] = Field(min_length=1, max_length=review.MAX_BULK)


class DecidedOut(BaseModel):
    post: PostOut
    measures: list[dict[str, Any]]


class EscalateIn(BaseModel):
    older_than_hours: float | None = Field(default=None, gt=0, le=24 * 90)


class PolicyIn(BaseModel):
    rules: list[dict[str, Any]] = Field(max_length=policy.MAX_RULES)
    escalate_after_hours: int = Field(default=policy.DEFAULT_ESCALATE_HOURS, ge=1, le=24 * 90)


class PolicyOut(BaseModel):
    rules: list[dict[str, Any]]
    escalate_after_hours: int


def _queued(post: Post) -> QueuedOut:
    text = post.text or ""
    return QueuedOut.model_validate(
        {
            **PostOut.model_validate(post).model_dump(),
            "text": post.text,
            "escalated_at": post.escalated_at,
            "segments": review.segments(text, post.hits),
            "highlighted_html": review.highlight_html(text, post.hits),
        }
    )


def _decided(decided: review.Decided) -> DecidedOut:
    return DecidedOut(
        post=PostOut.model_validate(decided.post),
        measures=[
            {"id": m.id, "kind": m.kind, "reason": m.reason, "rule": m.rule}
            for m in decided.measures
        ],
    )


@router.get("/gateway/queue", response_model=list[QueuedOut])
def review_queue(
    session: Tx,
    actor: CurrentActor,
    service_id: str | None = None,
    escalated: bool = False,
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[QueuedOut]:
    """Held posts of the reviewer's provider, oldest first, with the hits highlighted."""
    posts = review.queue(
        session, actor, service_id=service_id, escalated_only=escalated, limit=limit
    )
    return [_queued(p) for p in posts]


@router.post("/gateway/queue/{post_id}/decision", response_model=DecidedOut)
def decide_post(
    post_id: str, body: DecisionIn, session: Tx, actor: CurrentActor, clock: Clock
) -> DecidedOut:
    """Approve (publish) or reject (with a reason) one held post."""
    decided = review.decide(
        session, actor, post_id, approve=body.approve, reason=body.reason, now=clock()
    )
    return _decided(decided)


@router.post("/gateway/queue/decisions", response_model=list[DecidedOut])
def decide_posts(
    body: BulkDecisionIn, session: Tx, actor: CurrentActor, clock: Clock
) -> list[DecidedOut]:
    """The same decision on several held posts: all or none."""
    done = review.decide_many(
        session, actor, body.post_ids, approve=body.approve, reason=body.reason, now=clock()
    )
    return [_decided(d) for d in done]


@router.post("/gateway/queue/escalate", response_model=list[PostOut])
def escalate_posts(
    body: EscalateIn, session: Tx, actor: CurrentActor, clock: Clock
) -> list[PostOut]:
    """Escalate held posts older than the provider's escalation age (or ``older_than_hours``)."""
    older = timedelta(hours=body.older_than_hours) if body.older_than_hours else None
    posts = review.escalate(session, actor, older_than=older, now=clock())
    return [PostOut.model_validate(p) for p in posts]


@router.get("/gateway/policy", response_model=PolicyOut)
def get_policy(session: Tx, actor: CurrentActor) -> PolicyOut:
    """The repeat-offender rules and escalation age of the actor's provider."""
    review.require_reviewer(actor)
    rules, hours = policy.policy_of(session, actor.provider_id or "")
    return PolicyOut(rules=[r.as_dict() for r in rules], escalate_after_hours=hours)


@router.put("/gateway/policy", response_model=PolicyOut)
def put_policy(body: PolicyIn, session: Tx, actor: CurrentActor, clock: Clock) -> PolicyOut:
    row = policy.set_policy(
        session,
        actor,
        actor.provider_id or "",
        body.rules,
        escalate_after_hours=body.escalate_after_hours,
        now=clock(),
    )
    return PolicyOut(rules=row.rules, escalate_after_hours=row.escalate_after_hours)


# --- reports to the regulator ---


class ReportIn(BaseModel):
    period_start: Day
    period_end: Day
    summary: str = Field(min_length=1, max_length=8000)


class ReportOut(Out):
    id: str
    provider_id: str
    province_code: str
    period_start: date
    period_end: date
    summary: str
    body: dict[str, Any]
    sent_at: datetime
    sent_by: str
    read_at: datetime | None


@router.post("/gateway/reports", response_model=ReportOut, status_code=201)
def send_report(body: ReportIn, session: Tx, actor: CurrentActor, clock: Clock) -> Report:
    """A provider admin reports the illegal content handled and measures taken (Art. 16)."""
    return regulator_reports.send_report(
        session,
        actor,
        actor.provider_id or "",
        period_start=body.period_start,
        period_end=body.period_end,
        summary=body.summary,
        now=clock(),
    )


@router.get("/gateway/reports", response_model=list[ReportOut])
def list_reports(session: Tx, actor: CurrentActor, unread: bool = False) -> list[Report]:
    """Regulators: the inbox of their province. Providers: the reports they sent."""
    if actor.is_provider:
        return regulator_reports.sent_reports(session, actor)
    return regulator_reports.inbox(session, actor, unread_only=unread)


@router.get("/gateway/reports/{report_id}", response_model=ReportOut)
def get_report(report_id: str, session: Tx, actor: CurrentActor) -> Report:
    return regulator_reports.get_report(session, actor, report_id)


@router.post("/gateway/reports/{report_id}/read", response_model=ReportOut)
def read_report(report_id: str, session: Tx, actor: CurrentActor, clock: Clock) -> Report:
    return regulator_reports.mark_read(session, actor, report_id, now=clock())


# --- complaints (Art. 18) ---


class ComplaintIn(BaseModel):
    service_id: str = Field(max_length=36)
    post_id: str | None = Field(default=None, max_length=36)
    body: str = Field(min_length=1, max_length=4000)
    contact: str | None = Field(default=None, max_length=200)


class ComplaintReceipt(BaseModel):
    id: str
    due: date
    # ``due`` was counted with a provisional year (no official holiday schedule yet).
    provisional: bool
    message: dict[str, str]


class ComplaintOut(Out):
    id: str
    service_id: str
    provider_id: str
    province_code: str
    post_id: str | None
    body: str
    contact: str | None
    state: str
    created_at: datetime
    due: date
    provisional: bool
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


class ResolutionIn(BaseModel):
    resolution: str = Field(min_length=1, max_length=4000)


def receipt(complaint: Complaint) -> ComplaintReceipt:
    zh, en = ("（暂定）", " (provisional)") if complaint.provisional else ("", "")
    return ComplaintReceipt(
        id=complaint.id,
        due=complaint.due,
        provisional=complaint.provisional,
        message={
            "zh": f"已收到投诉，服务提供者应于 {complaint.due.isoformat()}{zh} 前处理",
            "en": f"Complaint received; the provider is to resolve it by "
            f"{complaint.due.isoformat()}{en}",
        },
    )


@router.post("/complaints", response_model=ComplaintReceipt, status_code=201)
def file_complaint(
    body: ComplaintIn, request: Request, session: Tx, calendar: Calendar, clock: Clock
) -> ComplaintReceipt:
    """Anyone may complain about a service or one of its posts; no account needed
    (rate-limited per client)."""
    complaint = complaints.file_complaint(
        session,
        calendar,
        service_id=body.service_id,
        post_id=body.post_id,
        body=body.body,
        contact=body.contact,
        source=client_source(request),
        now=clock(),
    )
    return receipt(complaint)


@router.get("/gateway/complaints", response_model=list[ComplaintOut])
def list_complaints(
    session: Tx, actor: CurrentActor, clock: Clock, state: str | None = None
) -> list[Complaint]:
    """Providers: their complaints. Regulators: unresolved complaints past their deadline."""
    if actor.is_regulator:
        return complaints.overdue_complaints(session, actor, local_date(clock()))
    return complaints.list_complaints(session, actor, state=state)


@router.post("/gateway/complaints/{complaint_id}/resolve", response_model=ComplaintOut)
def resolve_complaint(
    complaint_id: str, body: ResolutionIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Complaint:
    return complaints.resolve_complaint(session, actor, complaint_id, body.resolution, now=clock())
