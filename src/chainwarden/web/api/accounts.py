"""Sign-in, web sessions, API tokens and accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from chainwarden.accounts import service as accounts
from chainwarden.accounts import throttle
from chainwarden.accounts.models import Account, ApiToken
from chainwarden.settings import get_settings
from chainwarden.web.deps import (
    DB,
    SESSION_COOKIE,
    CurrentActor,
    Tx,
    UnitOfWorkRoute,
    client_source,
)
from chainwarden.web.schemas import (
    AccountIn,
    AccountOut,
    LoginIn,
    LoginOut,
    TokenCreated,
    TokenIn,
    TokenOut,
)

router = APIRouter(route_class=UnitOfWorkRoute, tags=["accounts"])


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, session: Tx, db: DB) -> LoginOut:
    """Sign in with username and password; sets the session cookie and returns the CSRF token
    that state-changing requests made with the cookie must send as `X-CSRF-Token`."""
    settings = get_settings()
    account = throttle.authenticate(
        db, session, body.username, body.password, address=client_source(request)
    )
    issued = accounts.start_session(session, account, settings.session_hours)
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
        path="/",
    )
    assert issued.csrf_token is not None and issued.expires_at is not None
    return LoginOut(
        account=AccountOut.model_validate(account),
        csrf_token=issued.csrf_token,
        expires_at=issued.expires_at,
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, session: Tx, actor: CurrentActor) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.end_session(session, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me", response_model=AccountOut)
def me(session: Tx, actor: CurrentActor) -> Account:
    return session.get_one(Account, actor.id)


@router.get("/auth/tokens", response_model=list[TokenOut])
def my_tokens(session: Tx, actor: CurrentActor) -> list[object]:
    return list(accounts.list_tokens(session, actor))


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenIn, session: Tx, actor: CurrentActor) -> TokenCreated:
    issued = accounts.create_token(session, actor, body.name, days=body.days)
    token = TokenOut.model_validate(session.get_one(ApiToken, issued.id))
    return TokenCreated(**token.model_dump(), token=issued.secret)


@router.delete("/auth/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: str, session: Tx, actor: CurrentActor) -> object:
    return accounts.revoke_token(session, actor, token_id)


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(session: Tx, actor: CurrentActor) -> list[Account]:
    return accounts.list_accounts(session, actor)


@router.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(body: AccountIn, session: Tx, actor: CurrentActor) -> Account:
    return accounts.create_account(
        session,
        actor,
        username=body.username,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
        provider_id=body.provider_id,
        province_code=body.province_code,
        reason=body.reason,
    )
