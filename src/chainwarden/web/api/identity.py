"""Service users, real-name verification, agreements (Art. 7) and user measures (Art. 16).

Staff routes take a staff token or session; ``/me/…`` routes take the service user's own token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from chainwarden.identity import agreements, measures, users
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.models import Agreement, Measure, ServiceUser
from chainwarden.identity.numbers import NumberRejected, check
from chainwarden.identity.verifiers import VerificationResult, Verifier, configured_verifier
from chainwarden.web.deps import Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import Moment, Out
from chainwarden.web.user_auth import CurrentServiceUser

router = APIRouter(route_class=UnitOfWorkRoute, tags=["identity"])


def verifier_for(request: Request) -> Verifier:
    """The app's verifier (tests and embedders set ``app.state.identity_verifier``), else the
    one configured by settings."""
    found: Verifier | None = getattr(request.app.state, "identity_verifier", None)
    return found or configured_verifier()


# --- schemas --------------------------------------------------------------------------------


class CheckIn(BaseModel):
    value: str = Field(max_length=64)
    kind: Literal["ric", "uscc", "mobile"] | None = None


class Message(BaseModel):
    zh: str
    en: str


class CheckOut(BaseModel):
    valid: bool
    kind: str | None
    masked: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    reason: str | None = None
    message: Message | None = None


class UserOut(Out):
    id: str
    service_id: str
    provider_id: str
    kind: str
    nickname: str
    name_masked: str
    number_kind: str
    number_masked: str
    mobile_masked: str | None
    verification: str
    verified_at: datetime | None
    verification_method: str | None
    verification_note: str | None
    status: str
    created_at: datetime


class RegisterIn(BaseModel):
    nickname: str = Field(max_length=100)
    real_name: str = Field(max_length=200)
    number: str = Field(max_length=64, description="Citizen ID, USCC or mobile number")
    number_kind: Literal["ric", "uscc", "mobile"] | None = None
    mobile: str | None = Field(default=None, max_length=32)
    verify: bool = Field(default=True, description="Run the real-name verifier at once")
    token_days: int | None = Field(default=users.DEFAULT_TOKEN_DAYS, ge=1, le=3650)


class VerificationOut(BaseModel):
    outcome: str
    method: str
    attempts: int
    reference: str | None
    message: Message

    @classmethod
    def of(cls, result: VerificationResult) -> VerificationOut:
        return cls(
            outcome=str(result.outcome),
            method=result.method,
            attempts=result.attempts,
            reference=result.reference,
            message=Message(zh=result.zh, en=result.en),
        )


class UserTokenOut(BaseModel):
    token_id: str
    token: str = Field(description="Shown once; hand it to the user's application now")
    expires_at: datetime | None


class RegisteredOut(BaseModel):
    user: UserOut
    token: UserTokenOut
    verification: VerificationOut | None


class VerifiedOut(BaseModel):
    user: UserOut
    verification: VerificationOut


class TokenRequestIn(BaseModel):
    days: int | None = Field(default=users.DEFAULT_TOKEN_DAYS, ge=1, le=3650)
    revoke_others: bool = False


class SearchIn(BaseModel):
    number: str = Field(max_length=64)
    service_id: str | None = None


class RevealIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class RevealOut(BaseModel):
    real_name: str
    number: str
    mobile: str | None


class MeasureIn(BaseModel):
    kind: Literal["warning", "restriction", "closure", "reinstatement"]
    reason: str = Field(min_length=1, max_length=4000)
    functions: list[str] | None = Field(default=None, max_length=len(measures.FUNCTIONS))
    until: Moment | None = None
    content_refs: list[str] = Field(default_factory=list, max_length=measures.MAX_CONTENT_REFS)
    automatic: bool = False
    rule: dict[str, Any] | None = None


class MeasureOut(Out):
    id: str
    user_id: str
    service_id: str
    kind: str
    reason: str
    functions: list[str]
    starts_at: datetime
    until: datetime | None
    content_refs: list[str]
    actor_name: str
    actor_role: str
    automatic: bool
    rule: dict[str, Any] | None
    lifted_at: datetime | None
    lifted_by: str | None


class MyMeasureOut(Out):
    """A measure as the user sees it: what, why, which content, until when, and whether a
    person or a rule (named) decided — not which staff member."""

    id: str
    kind: str
    reason: str
    functions: list[str]
    starts_at: datetime
    until: datetime | None
    content_refs: list[str]
    automatic: bool
    rule: dict[str, Any] | None
    lifted_at: datetime | None
    in_force: bool = False


class AgreementIn(BaseModel):
    kind: Literal["service_agreement", "platform_rules"]
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=200_000)


class AgreementOut(Out):
    id: str
    service_id: str
    kind: str
    version: int
    title: str
    body: str
    body_sha256: str
    published_at: datetime
    published_by: str


class AcceptIn(BaseModel):
    agreement_id: str


class AcceptanceOut(BaseModel):
    agreement_id: str
    kind: str
    version: int
    title: str
    accepted_at: datetime
    recorded_by: str


class MyAgreementOut(AgreementOut):
    accepted_at: datetime | None = None


class UserDetailOut(BaseModel):
    user: UserOut
    measures: list[MeasureOut]
    acceptances: list[AcceptanceOut]


class PublishStatus(BaseModel):
    allowed: bool
    code: str | None = None
    message: Message | None = None


class MeOut(BaseModel):
    user: UserOut
    can_publish: PublishStatus


# --- staff: checks, users, verification -----------------------------------------------------


@router.post("/identity/check", response_model=CheckOut)
def check_number(body: CheckIn, actor: CurrentActor) -> CheckOut:
    """Classify and validate a citizen ID, USCC or mobile number; a rejection names its reason."""
    try:
        checked = check(body.value, body.kind)
    except NumberRejected as exc:
        kind = str(exc.number_kind) if exc.number_kind else None
        return CheckOut(
            valid=False, kind=kind, reason=exc.code, message=Message(zh=exc.zh, en=exc.en)
        )
    return CheckOut(
        valid=True, kind=str(checked.kind), masked=checked.masked, details=checked.details
    )


@router.post("/services/{service_id}/users", response_model=RegisteredOut, status_code=201)
def register_user(
    service_id: str,
    body: RegisterIn,
    request: Request,
    session: Tx,
    actor: CurrentActor,
    clock: Clock,
) -> RegisteredOut:
    """Register a user of the service (provider admins and reviewers); returns the user's API
    token once, and, unless `verify` is false, the real-name verification result."""
    now = clock()
    info = users.NewUser(**body.model_dump(exclude={"verify", "token_days"}))
    user, token = users.register_user(
        session, actor, service_id, info, now=now, token_days=body.token_days
    )
    result = (
        users.verify_user(session, actor, user.id, verifier_for(request), now=now)
        if body.verify
        else None
    )
    return RegisteredOut(
        user=UserOut.model_validate(user),
        token=UserTokenOut(token_id=token.id, token=token.secret, expires_at=token.expires_at),
        verification=VerificationOut.of(result) if result else None,
    )


@router.get("/services/{service_id}/users", response_model=list[UserOut])
def list_users(
    service_id: str,
    session: Tx,
    actor: CurrentActor,
    verification: str | None = None,
    status: str | None = None,
) -> list[ServiceUser]:
    return users.list_users(session, actor, service_id, verification=verification, status=status)


@router.post("/service-users/search", response_model=list[UserOut])
def search_users(body: SearchIn, session: Tx, actor: CurrentActor) -> list[ServiceUser]:
    """Users registered with a given identity or mobile number (found by keyed hash; the number
    travels in the body so it stays out of access logs)."""
    return users.find_users(session, actor, body.number, service_id=body.service_id)


def _acceptances(session: Tx, user_id: str) -> list[AcceptanceOut]:
    return [
        AcceptanceOut(
            agreement_id=g.id,
            kind=g.kind,
            version=g.version,
            title=g.title,
            accepted_at=a.accepted_at,
            recorded_by=a.recorded_by,
        )
        for a, g in agreements.acceptances_of(session, user_id)
    ]


@router.get("/service-users/{user_id}", response_model=UserDetailOut)
def get_user(user_id: str, session: Tx, actor: CurrentActor) -> UserDetailOut:
    user = users.get_user(session, actor, user_id)
    return UserDetailOut(
        user=UserOut.model_validate(user),
        measures=[MeasureOut.model_validate(m) for m in measures.measures_of(session, user.id)],
        acceptances=_acceptances(session, user.id),
    )


@router.post("/service-users/{user_id}/verify", response_model=VerifiedOut)
def verify_user(
    user_id: str, request: Request, session: Tx, actor: CurrentActor, clock: Clock
) -> VerifiedOut:
    """Run the real-name verifier again (e.g. after the identity service was unavailable)."""
    result = users.verify_user(session, actor, user_id, verifier_for(request), now=clock())
    user = users.get_user(session, actor, user_id)
    return VerifiedOut(user=UserOut.model_validate(user), verification=VerificationOut.of(result))


@router.post("/service-users/{user_id}/tokens", response_model=UserTokenOut, status_code=201)
def issue_token(
    user_id: str, body: TokenRequestIn, session: Tx, actor: CurrentActor, clock: Clock
) -> UserTokenOut:
    """A new token for the user (e.g. after they signed in to the provider's application)."""
    issued = users.issue_token(
        session, actor, user_id, days=body.days, revoke_others=body.revoke_others, now=clock()
    )
    return UserTokenOut(token_id=issued.id, token=issued.secret, expires_at=issued.expires_at)


@router.post("/service-users/{user_id}/reveal", response_model=RevealOut)
def reveal(user_id: str, body: RevealIn, session: Tx, actor: CurrentActor) -> RevealOut:
    """The unmasked name and numbers (provider admins, with a reason kept in the audit trail)."""
    return RevealOut(**users.reveal(session, actor, user_id, body.reason))


@router.post("/service-users/{user_id}/acceptances", response_model=AcceptanceOut, status_code=201)
def record_acceptance(
    user_id: str, body: AcceptIn, session: Tx, actor: CurrentActor, clock: Clock
) -> AcceptanceOut:
    """Record an acceptance the provider's own application collected from the user."""
    user = users.get_user(session, actor, user_id)
    acceptance = agreements.accept_agreement(
        session, user, body.agreement_id, recorded_by=actor, now=clock()
    )
    agreement = session.get_one(Agreement, acceptance.agreement_id)
    return AcceptanceOut(
        agreement_id=agreement.id,
        kind=agreement.kind,
        version=agreement.version,
        title=agreement.title,
        accepted_at=acceptance.accepted_at,
        recorded_by=acceptance.recorded_by,
    )


# --- staff: measures and the report ---------------------------------------------------------


@router.post("/service-users/{user_id}/measures", response_model=MeasureOut, status_code=201)
def apply_measure(
    user_id: str, body: MeasureIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Measure:
    """Warning, restriction (functions, until), closure or reinstatement, with the reason and the
    content that led to it."""
    return measures.apply_measure(
        session,
        actor,
        user_id,
        body.kind,
        body.reason,
        functions=body.functions,
        until=body.until,
        content_refs=body.content_refs,
        automatic=body.automatic,
        rule=body.rule,
        now=clock(),
    )


@router.get("/service-users/{user_id}/measures", response_model=list[MeasureOut])
def list_measures(user_id: str, session: Tx, actor: CurrentActor) -> list[Measure]:
    return measures.measures_for_user(session, actor, user_id)


@router.get("/providers/{provider_id}/measure-report")
def measure_report(
    provider_id: str,
    session: Tx,
    actor: CurrentActor,
    clock: Clock,
    since: Moment | None = None,
    until: Moment | None = None,
) -> dict[str, Any]:
    """Every measure the provider took in [since, until), users masked: the provider's report to
    the regulator, readable by the provider and by the regulators of its province."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise IdentityError(
                "naive_time", f"{name} 必须带时区", f"{name} must carry a timezone", field=name
            )
    return measures.measure_report(
        session, actor, provider_id, since=since, until=until, now=clock()
    ).as_dict()


# --- agreements (Art. 7) --------------------------------------------------------------------


@router.post("/services/{service_id}/agreements", response_model=AgreementOut, status_code=201)
def publish_agreement(
    service_id: str, body: AgreementIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Agreement:
    """Publish the next version of the service agreement or the platform rules; every user must
    accept it before using the service again."""
    return agreements.publish_agreement(
        session, actor, service_id, body.kind, body.title, body.body, now=clock()
    )


@router.get("/services/{service_id}/agreements", response_model=list[AgreementOut])
def list_agreements(service_id: str, session: Tx, current: bool = False) -> list[Agreement]:
    """Published versions (public: rules are published to everyone). `current=true`: only the
    version in force of each kind."""
    if current:
        return agreements.current_agreements(session, service_id)
    return agreements.list_agreements(session, service_id)


# --- the service user's own view ------------------------------------------------------------


@router.get("/me", response_model=MeOut)
def me(user: CurrentServiceUser, session: Tx, clock: Clock) -> MeOut:
    """The user's own record (masked) and whether they may publish now, and if not, why."""
    try:
        users.require_can_publish(session, user, user.service_id, now=clock())
        status = PublishStatus(allowed=True)
    except IdentityError as exc:
        status = PublishStatus(allowed=False, code=exc.code, message=Message(zh=exc.zh, en=exc.en))
    return MeOut(user=UserOut.model_validate(user), can_publish=status)


@router.get("/me/measures", response_model=list[MyMeasureOut])
def my_measures(user: CurrentServiceUser, session: Tx, clock: Clock) -> list[MyMeasureOut]:
    """Every measure taken against the user, with reason, content and end."""
    now = clock()
    return [
        MyMeasureOut.model_validate(m).model_copy(update={"in_force": measures.in_force_at(m, now)})
        for m in measures.measures_of(session, user.id)
    ]


@router.get("/me/agreements", response_model=list[MyAgreementOut])
def my_agreements(user: CurrentServiceUser, session: Tx) -> list[MyAgreementOut]:
    """The versions in force for the user's service and when the user accepted them."""
    accepted = {g.id: a.accepted_at for a, g in agreements.acceptances_of(session, user.id)}
    return [
        MyAgreementOut.model_validate(a).model_copy(update={"accepted_at": accepted.get(a.id)})
        for a in agreements.current_agreements(session, user.service_id)
    ]


@router.post("/me/agreements/{agreement_id}/accept", response_model=AcceptanceOut, status_code=201)
def accept(agreement_id: str, user: CurrentServiceUser, session: Tx, clock: Clock) -> AcceptanceOut:
    acceptance = agreements.accept_agreement(session, user, agreement_id, now=clock())
    agreement = session.get_one(Agreement, acceptance.agreement_id)
    return AcceptanceOut(
        agreement_id=agreement.id,
        kind=agreement.kind,
        version=agreement.version,
        title=agreement.title,
        accepted_at=acceptance.accepted_at,
        recorded_by=acceptance.recorded_by,
    )
