"""Service users of a provider's service: registration, real-name verification, tokens for the
user-facing API, and the one check the publish path asks: may this user use this function now?

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, or_, select, update
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, not_found, restrict
from chainwarden.audit import record
from chainwarden.identity import protect
from chainwarden.identity.access import require_manager_of
from chainwarden.identity.agreements import pending_agreements
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.measures import restriction_in_force
from chainwarden.identity.models import (
    Acceptance,
    Agreement,
    AgreementKind,
    Measure,
    MeasureKind,
    ServiceUser,
    UserKind,
    UserStatus,
    UserToken,
    VerificationState,
)
from chainwarden.identity.numbers import NumberKind, check, check_mobile, mask_name
from chainwarden.identity.verifiers import Outcome, VerificationResult, Verifier
from chainwarden.keys import Keyring
from chainwarden.registry.models import Provider, Service
from chainwarden.store.base import new_id, utcnow

USER_TOKEN_PREFIX = "cwu_"
DEFAULT_TOKEN_DAYS = 90


@dataclass
class NewUser:
    nickname: str
    real_name: str
    # Citizen ID or mobile number for a person, unified social credit code for an organisation.
    number: str
    number_kind: str | None = None
    mobile: str | None = None


@dataclass(frozen=True)
class IssuedUserToken:
    """A fresh user token: the secret is only ever available here."""

    id: str
    secret: str
    expires_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _scope(user: ServiceUser) -> dict[str, Any]:
    return {"provider_id": user.provider_id, "province_code": user.province_code}


# --- registration ---------------------------------------------------------------------------


def _service(session: Session, actor: Actor, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise not_found("服务", "Service")
    provider = session.get_one(Provider, service.provider_id)
    if not actor.can_see(service.provider_id, provider.province_code):
        raise not_found("服务", "Service")
    return service


def register_user(
    session: Session,
    actor: Actor,
    service_id: str,
    info: NewUser,
    *,
    now: datetime | None = None,
    token_days: int | None = DEFAULT_TOKEN_DAYS,
    ring: Keyring | None = None,
) -> tuple[ServiceUser, IssuedUserToken]:
    """Register a user of the service (unverified) and issue their first API token."""
    service = _service(session, actor, service_id)
    require_manager_of(actor, service.provider_id)
    now = now or utcnow()
    nickname = (info.nickname or "").strip()
    real_name = (info.real_name or "").strip()
    if not nickname or len(nickname) > 100:
        raise IdentityError(
            "invalid_nickname",
            "昵称不能为空且不超过100个字符",
            "nickname must be 1 to 100 characters",
            field="nickname",
        )
    if not real_name or len(real_name) > 200:
        raise IdentityError(
            "invalid_real_name",
            "真实姓名（或机构名称）不能为空且不超过200个字符",
            "real_name must be 1 to 200 characters",
            field="real_name",
        )
    checked = check(info.number, info.number_kind, today=now.date())
    mobile = check_mobile(info.mobile) if info.mobile else None
    if mobile is None and checked.kind is NumberKind.MOBILE:
        mobile = checked
    hashed = protect.number_hash(checked.kind, checked.value, ring)
    if session.scalar(
        select(ServiceUser.id).where(
            ServiceUser.service_id == service.id, ServiceUser.number_hash == hashed
        )
    ):
        raise IdentityError(
            "user_exists",
            f"号码 {checked.masked} 已在本服务注册",
            f"Number {checked.masked} is already registered on this service",
            kind="conflict",
        )
    provider = session.get_one(Provider, service.provider_id)
    kind = UserKind.ORGANISATION if checked.kind is NumberKind.USCC else UserKind.PERSON
    user_id = new_id()
    user = ServiceUser(
        id=user_id,
        service_id=service.id,
        provider_id=service.provider_id,
        province_code=provider.province_code,
        kind=str(kind),
        nickname=nickname,
        real_name_ct=protect.seal(real_name, "real_name_ct", user_id, ring),
        name_masked=mask_name(real_name, person=kind is UserKind.PERSON),
        number_kind=str(checked.kind),
        number_ct=protect.seal(checked.value, "number_ct", user_id, ring),
        number_hash=hashed,
        number_masked=checked.masked,
        mobile_ct=protect.seal(mobile.value, "mobile_ct", user_id, ring) if mobile else None,
        mobile_hash=protect.number_hash(NumberKind.MOBILE, mobile.value, ring) if mobile else None,
        mobile_masked=mobile.masked if mobile else None,
        verification=str(VerificationState.UNVERIFIED),
        status=str(UserStatus.ACTIVE),
        created_at=now,
        created_by=actor.name,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor,
        "service_user.register",
        "service_user",
        user.id,
        at=now,
        details={
            "service_id": service.id,
            "nickname": nickname,
            "number_kind": str(checked.kind),
            "number": checked.masked,
        },
        **_scope(user),
    )
    token = _new_token(session, user, days=token_days, now=now)
    return user, token


# --- reading --------------------------------------------------------------------------------


def get_user(session: Session, actor: Actor, user_id: str) -> ServiceUser:
    user = session.get(ServiceUser, user_id)
    if user is None or not actor.can_see(user.provider_id, user.province_code):
        raise not_found("服务使用者", "Service user")
    return user


def get_managed_user(session: Session, actor: Actor, user_id: str) -> ServiceUser:
    user = get_user(session, actor, user_id)
    require_manager_of(actor, user.provider_id)
    return user


def _visible(actor: Actor) -> Select[Any]:
    return restrict(
        select(ServiceUser).order_by(ServiceUser.created_at, ServiceUser.id),
        actor,
        provider=ServiceUser.provider_id,
        province=ServiceUser.province_code,
    )


def list_users(
    session: Session,
    actor: Actor,
    service_id: str,
    *,
    verification: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[ServiceUser]:
    service = _service(session, actor, service_id)
    query = _visible(actor).where(ServiceUser.service_id == service.id).limit(limit)
    if verification:
        query = query.where(ServiceUser.verification == verification)
    if status:
        query = query.where(ServiceUser.status == status)
    return list(session.scalars(query))


def find_users(
    session: Session,
    actor: Actor,
    number: str,
    *,
    service_id: str | None = None,
    ring: Keyring | None = None,
) -> list[ServiceUser]:
    """Users registered with this identity number or mobile number, within the actor's scope —
    found by keyed hash, without decrypting anything."""
    checked = check(number)
    hashed = protect.number_hash(checked.kind, checked.value, ring)
    column = (
        ServiceUser.mobile_hash if checked.kind is NumberKind.MOBILE else ServiceUser.number_hash
    )
    query = _visible(actor).where(column == hashed)
    if service_id:
        query = query.where(ServiceUser.service_id == service_id)
    return list(session.scalars(query))


def reveal(
    session: Session, actor: Actor, user_id: str, reason: str, *, ring: Keyring | None = None
) -> dict[str, str | None]:
    """The plaintext name and numbers, for a provider admin with a recorded reason (e.g. a
    lawful request); every reveal is in the audit trail."""
    user = get_managed_user(session, actor, user_id)
    actor.require_provider_admin_of(user.provider_id)
    if not reason or not reason.strip():
        raise IdentityError(
            "reason_required", "请说明查看原因", "Say why the data is revealed", field="reason"
        )
    record(
        session,
        actor,
        "service_user.reveal",
        "service_user",
        user.id,
        reason=reason.strip(),
        **_scope(user),
    )
    return {
        "real_name": protect.unseal(user.real_name_ct, "real_name_ct", user.id, ring),
        "number": protect.unseal(user.number_ct, "number_ct", user.id, ring),
        "mobile": protect.unseal(user.mobile_ct, "mobile_ct", user.id, ring)
        if user.mobile_ct
        else None,
    }


# --- verification ---------------------------------------------------------------------------


def verify_user(
    session: Session,
    actor: Actor,
    user_id: str,
    verifier: Verifier,
    *,
    now: datetime | None = None,
    ring: Keyring | None = None,
) -> VerificationResult:
    """Ask the verifier whether the user's name and number belong together and record the
    answer. An unreachable service leaves the user's state unchanged (try again later)."""
    user = get_managed_user(session, actor, user_id)
    now = now or utcnow()
    result = verifier.verify(
        NumberKind(user.number_kind),
        protect.unseal(user.number_ct, "number_ct", user.id, ring),
        protect.unseal(user.real_name_ct, "real_name_ct", user.id, ring),
    )
    if result.outcome is not Outcome.ERROR:
        user.verification = str(
            VerificationState.VERIFIED if result.accepted else VerificationState.REJECTED
        )
        user.verified_at = now if result.accepted else None
        user.verification_method = f"{verifier.name}:{result.outcome}"
        user.verification_note = f"{result.zh} / {result.en}"
    record(
        session,
        actor,
        "service_user.verify",
        "service_user",
        user.id,
        at=now,
        details={
            "verifier": verifier.name,
            "outcome": str(result.outcome),
            "attempts": result.attempts,
            "reference": result.reference,
            "state": user.verification,
        },
        **_scope(user),
    )
    return result


# --- tokens ---------------------------------------------------------------------------------


def _new_token(
    session: Session, user: ServiceUser, *, days: int | None, now: datetime
) -> IssuedUserToken:
    secret = USER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = UserToken(
        user_id=user.id,
        token_hash=_digest(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    return IssuedUserToken(token.id, secret, token.expires_at)


def issue_token(
    session: Session,
    actor: Actor,
    user_id: str,
    *,
    days: int | None = DEFAULT_TOKEN_DAYS,
    revoke_others: bool = False,
    now: datetime | None = None,
) -> IssuedUserToken:
    """A new token for the user (e.g. after they signed in to the provider's application)."""
    user = get_managed_user(session, actor, user_id)
    now = now or utcnow()
    if revoke_others:
        for old in session.scalars(
            select(UserToken).where(UserToken.user_id == user.id, UserToken.revoked_at.is_(None))
        ):
            old.revoked_at = now
    issued = _new_token(session, user, days=days, now=now)
    record(
        session,
        actor,
        "service_user.token",
        "service_user",
        user.id,
        at=now,
        details={"token_id": issued.id, "revoke_others": revoke_others},
        **_scope(user),
    )
    return issued


def user_for_token(
    session: Session, secret: str, *, now: datetime | None = None
) -> ServiceUser | None:
    """The service user a bearer token belongs to, or None. Staff tokens never match."""
    if not secret.startswith(USER_TOKEN_PREFIX):
        return None
    now = now or utcnow()
    token = session.scalar(select(UserToken).where(UserToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
        return None
    token.last_used_at = now
    return session.get(ServiceUser, token.user_id)


@dataclass(frozen=True)
class Poster:
    """What the publish path reads of a user found by token (the whole ``ServiceUser`` is
    loaded only when it is needed: a refusal, a measure)."""

    id: str
    service_id: str
    provider_id: str
    status: str
    verification: str


# Built once: constructing a statement costs more than SQLite takes to run it.
_DIGESTS: BindParameter[str] = bindparam("digests", expanding=True)
_MARK_USED = (
    update(UserToken)
    .where(UserToken.token_hash.in_(_DIGESTS))
    .values(last_used_at=bindparam("now", type_=UserToken.__table__.c.last_used_at.type))
)
_POSTERS = (
    select(
        UserToken.token_hash,
        UserToken.revoked_at,
        UserToken.expires_at,
        ServiceUser.id,
        ServiceUser.service_id,
        ServiceUser.provider_id,
        ServiceUser.status,
        ServiceUser.verification,
    )
    .join(ServiceUser, ServiceUser.id == UserToken.user_id)
    .where(UserToken.token_hash.in_(_DIGESTS))
)


def posters_for_tokens(
    session: Session, secrets: Iterable[str], *, now: datetime | None = None
) -> dict[str, Poster]:
    """``user_for_token`` for many tokens in two statements: the users, by token secret (tokens
    that match no user are left out).

    The tokens are marked used first, with one ``UPDATE``: on SQLite that takes the database's
    write lock before anything is read — a transaction that reads first and writes later fails
    ("database is locked") when another writer commits in between. On PostgreSQL it locks only
    the token rows."""
    now = now or utcnow()
    digests = {_digest(s): s for s in secrets if s.startswith(USER_TOKEN_PREFIX)}
    if not digests:
        return {}
    connection = session.connection()
    connection.execute(_MARK_USED, {"digests": list(digests), "now": now})
    found = {}
    for row in connection.execute(_POSTERS, {"digests": list(digests)}):
        if row.revoked_at is None and (row.expires_at is None or row.expires_at > now):
            found[digests[row.token_hash]] = Poster(
                row.id, row.service_id, row.provider_id, row.status, row.verification
            )
    return found


# --- the publish path's question ------------------------------------------------------------


def require_can_use(
    session: Session, user: ServiceUser, function: str, *, now: datetime | None = None
) -> None:
    """Raise ``IdentityError`` (with the reason in Chinese and English) unless the user may use
    ``function`` of their service now: account open, real name verified (Art. 8), the current
    service agreement and platform rules accepted (Art. 7), no restriction of that function in
    force (Art. 16)."""
    now = now or utcnow()
    refusal = _refusal(
        user,
        function,
        lambda: pending_agreements(session, user),
        lambda: restriction_in_force(session, user.id, function, now=now),
    )
    if refusal is not None:
        raise refusal


_AGREEMENTS = (
    select(Agreement.id, Agreement.service_id, Agreement.kind)
    .where(Agreement.service_id.in_(bindparam("services", expanding=True)))
    .order_by(Agreement.kind, Agreement.version)
)
_ACCEPTED = select(Acceptance.user_id, Acceptance.agreement_id).where(
    Acceptance.user_id.in_(bindparam("users", expanding=True)),
    Acceptance.agreement_id.in_(bindparam("agreements", expanding=True)),
)
_AT = bindparam("now", type_=Measure.__table__.c.starts_at.type)
_RESTRICTIONS = select(Measure.user_id, Measure.functions).where(
    Measure.user_id.in_(bindparam("users", expanding=True)),
    Measure.kind == MeasureKind.RESTRICTION,
    Measure.lifted_at.is_(None),
    Measure.starts_at <= _AT,
    or_(Measure.until.is_(None), Measure.until > _AT),
)


def refusals_to_use(
    session: Session, posters: Sequence[Poster], function: str, *, now: datetime | None = None
) -> dict[str, IdentityError]:
    """``require_can_use`` for many users at once in three queries (agreements, acceptances,
    restrictions) whatever their number: the refusal of each user who may not use ``function``
    now, by user id. The refusals themselves come from ``require_can_use``, so they read the
    same as one by one."""
    now = now or utcnow()
    if not posters:
        return {}
    connection = session.connection()
    current: dict[tuple[str, str], str] = {}
    for row in connection.execute(_AGREEMENTS, {"services": list({p.service_id for p in posters})}):
        current[row.service_id, row.kind] = row.id
    by_service: dict[str, list[str]] = {}
    with_agreement = set()
    for (service_id, kind), agreement_id in current.items():
        by_service.setdefault(service_id, []).append(agreement_id)
        if kind == AgreementKind.SERVICE_AGREEMENT:
            with_agreement.add(service_id)
    user_ids = list({p.id for p in posters})
    accepted = {
        (row.user_id, row.agreement_id)
        for row in connection.execute(
            _ACCEPTED, {"users": user_ids, "agreements": list(current.values())}
        )
    }
    restricted = {
        row.user_id
        for row in connection.execute(_RESTRICTIONS, {"users": user_ids, "now": now})
        if function in (row.functions or [])
    }
    refusals = {}
    for poster in posters:
        if (
            poster.status != UserStatus.CLOSED
            and poster.verification == VerificationState.VERIFIED
            and poster.service_id in with_agreement
            and all((poster.id, a) in accepted for a in by_service[poster.service_id])
            and poster.id not in restricted
        ):
            continue
        try:
            require_can_use(session, session.get_one(ServiceUser, poster.id), function, now=now)
        except IdentityError as refusal:
            refusals[poster.id] = refusal
    return refusals


def _refusal(
    user: ServiceUser,
    function: str,
    pending_of: Callable[[], list[Agreement] | None],
    restriction_of: Callable[[], Measure | None],
) -> IdentityError | None:
    """Why the user may not use ``function`` (checks in order; the later ones are looked up
    only when the earlier pass)."""
    if user.status == UserStatus.CLOSED:
        return IdentityError(
            "account_closed",
            "账号已被关闭，不能使用本服务",
            "The account is closed and cannot use this service",
            kind="forbidden",
        )
    if user.verification != VerificationState.VERIFIED:
        return IdentityError(
            "not_verified",
            "尚未通过真实身份信息认证，不能使用本服务（第八条）",
            "The user's real identity is not verified; no service until it is (Art. 8)",
            kind="forbidden",
            verification=user.verification,
        )
    pending = pending_of()
    if pending is None:
        return IdentityError(
            "no_agreement",
            "本服务尚未发布服务协议（第七条）",
            "The service has published no service agreement (Art. 7)",
            kind="forbidden",
        )
    if pending:
        names = ", ".join(f"{a.title} v{a.version}" for a in pending)
        return IdentityError(
            "agreement_not_accepted",
            f"须先接受最新的服务协议和平台规则：{names}",
            f"The current service agreement and platform rules must be accepted first: {names}",
            kind="forbidden",
            pending=[a.id for a in pending],
        )
    measure = restriction_of()
    if measure is not None:
        until = measure.until.isoformat() if measure.until else None
        zh_until = f"至 {until}" if until else "直至恢复"
        en_until = f"until {until}" if until else "until reinstated"
        return IdentityError(
            "function_restricted",
            f"{function} 功能已被限制{zh_until}：{measure.reason}",
            f"The {function} function is restricted {en_until}: {measure.reason}",
            kind="forbidden",
            measure_id=measure.id,
            until=until,
        )
    return None


def require_can_publish(
    session: Session, user: ServiceUser, service_id: str, *, now: datetime | None = None
) -> None:
    """``require_can_use(…, "post")`` for a user of ``service_id``."""
    refusal = wrong_service(user, service_id)
    if refusal is not None:
        raise refusal
    require_can_use(session, user, "post", now=now)


def wrong_service(user: ServiceUser | Poster, service_id: str) -> IdentityError | None:
    """The refusal when the user is not registered on ``service_id``."""
    if user.service_id == service_id:
        return None
    return IdentityError(
        "wrong_service",
        "该使用者不是本服务的用户",
        "The user is not registered on this service",
        kind="forbidden",
    )
