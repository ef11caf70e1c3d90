"""Creating accounts, signing in, API tokens and web sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import AccessError, Actor, Role, denied
from chainwarden.accounts.models import Account, ApiToken, WebSession
from chainwarden.audit import record
from chainwarden.store.base import utcnow

_hasher = PasswordHasher()
TOKEN_PREFIX = "cw_"
MIN_PASSWORD = 10


def _digest(secret: str) -> str:
    # Tokens are 256-bit random values, so a plain SHA-256 suffices (no slow hash needed).
    return hashlib.sha256(secret.encode()).hexdigest()


def actor_of(account: Account) -> Actor:
    return Actor(
        id=account.id,
        name=account.username,
        role=Role(account.role),
        provider_id=account.provider_id,
        province_code=account.province_code,
    )


def _bad_credentials() -> AccessError:
    return AccessError(
        "bad_credentials", "用户名或密码错误", "Wrong username or password", kind="unauthenticated"
    )


def create_account(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    provider_id: str | None = None,
    province_code: str | None = None,
    reason: str | None = None,
) -> Account:
    """Admins create any account; a provider admin may add accounts to its own organisation."""
    if role is Role.SYSTEM:
        raise AccessError("bad_role", "不能创建系统账户", "The system role cannot be given")
    if role in (Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER):
        if not provider_id:
            raise AccessError(
                "provider_required",
                "提供者账户必须属于一个机构",
                "A provider account must belong to a provider organisation",
            )
        if actor.role is not Role.ADMIN:
            actor.require_provider_admin_of(provider_id)
    else:
        actor.require(Role.ADMIN)
        if provider_id:
            raise AccessError(
                "provider_not_allowed",
                "监管和管理员账户不属于提供者",
                "Regulator and admin accounts do not belong to a provider",
            )
    if provider_id:
        from chainwarden.registry.models import Provider

        # Said here rather than left to the foreign key, whose error would carry the new hash.
        if session.get(Provider, provider_id) is None:
            raise AccessError(
                "unknown_provider",
                f"提供者 {provider_id} 不存在",
                f"Unknown provider {provider_id}",
                kind="not_found",
            )
    if province_code and role is not Role.REGULATOR:
        raise AccessError(
            "province_not_allowed",
            "只有监管账户可以绑定省份",
            "Only regulator accounts are bound to a province",
        )
    if province_code:
        from chainwarden.regions import province  # validates the code

        province(province_code)
    if len(password) < MIN_PASSWORD:
        raise AccessError(
            "weak_password",
            f"密码至少需要{MIN_PASSWORD}个字符",
            f"The password needs at least {MIN_PASSWORD} characters",
        )
    if session.scalar(select(Account.id).where(Account.username == username)):
        raise AccessError(
            "username_taken",
            f"用户名 {username} 已被使用",
            f"Username {username} is taken",
            kind="conflict",
        )
    account = Account(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=str(role),
        provider_id=provider_id,
        province_code=province_code,
    )
    session.add(account)
    session.flush()
    record(
        session,
        actor,
        "account.create",
        "account",
        account.id,
        reason=reason,
        provider_id=provider_id,
        province_code=province_code,
        details={"username": username, "role": str(role)},
    )
    return account


def list_accounts(session: Session, actor: Actor) -> list[Account]:
    query = select(Account).order_by(Account.username)
    if actor.role is Role.PROVIDER_ADMIN:
        query = query.where(Account.provider_id == actor.provider_id)
    else:
        actor.require(Role.ADMIN)
    return list(session.scalars(query))


def authenticate(session: Session, username: str, password: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        _hasher.hash(password)
        raise _bad_credentials()
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise _bad_credentials() from None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


@dataclass(frozen=True)
class IssuedSecret:
    """A freshly created token or session: the secret is only ever available here."""

    id: str
    secret: str
    expires_at: datetime | None
    csrf_token: str | None = None


def create_token(
    session: Session, actor: Actor, name: str, *, days: int | None = None
) -> IssuedSecret:
    if actor.id is None:
        raise denied()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    token = ApiToken(
        account_id=actor.id,
        name=name,
        token_hash=_digest(secret),
        prefix=secret[:10],
        expires_at=expires,
    )
    session.add(token)
    session.flush()
    record(session, actor, "token.create", "api_token", token.id, details={"name": name})
    return IssuedSecret(token.id, secret, expires)


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.account_id == actor.id).order_by(ApiToken.created_at)
        )
    )


def revoke_token(session: Session, actor: Actor, token_id: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    # Only the owner revokes a token; anyone else is told it does not exist.
    if token is None or token.account_id != actor.id:
        raise AccessError("not_found", "令牌不存在", "Token not found", kind="not_found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, actor, "token.revoke", "api_token", token.id, details={"name": token.name})
    return token


LAST_USED_PRECISION = timedelta(minutes=1)


def actor_for_token(session: Session, secret: str) -> Actor | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    now = utcnow()
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
        return None
    account = session.get(Account, token.account_id)
    if account is None or not account.active:
        return None
    # Recorded to the minute: a read with a token must not need the database's write lock.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
    return actor_of(account)


def start_session(session: Session, account: Account, hours: int) -> IssuedSecret:
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    web_session = WebSession(
        account_id=account.id,
        session_hash=_digest(secret),
        csrf_token=csrf,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(web_session)
    session.flush()
    record(session, actor_of(account), "session.login", "account", account.id)
    return IssuedSecret(web_session.id, secret, web_session.expires_at, csrf)


def session_for_cookie(session: Session, secret: str) -> tuple[Actor, WebSession] | None:
    web_session = session.scalar(
        select(WebSession).where(WebSession.session_hash == _digest(secret))
    )
    if web_session is None or web_session.revoked_at or web_session.expires_at <= utcnow():
        return None
    account = session.get(Account, web_session.account_id)
    if account is None or not account.active:
        return None
    return actor_of(account), web_session


def end_session(session: Session, secret: str) -> None:
    found = session_for_cookie(session, secret)
    if found is not None:
        actor, web_session = found
        web_session.revoked_at = utcnow()
        record(session, actor, "session.logout", "account", web_session.account_id)
