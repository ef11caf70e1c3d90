"""Signing in and out of the consoles with the accounts and web sessions of the foundation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from chainwarden.accounts import service as accounts
from chainwarden.accounts import throttle
from chainwarden.errors import ChainwardenError
from chainwarden.settings import get_settings
from chainwarden.web.deps import DB, SESSION_COOKIE, client_source
from chainwarden.web.pages.common import (
    PageRoute,
    PageVisitor,
    SignedIn,
    attempt,
    home_for,
    message,
    render,
    safe_next,
    see_other,
    status_of,
    visitor,
)

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])


@router.get("/signin")
def signin_page(request: Request, found: PageVisitor, next: str | None = None) -> Response:
    if found.actor is not None:
        return see_other(safe_next(next) or home_for(found.actor))
    return render(request, "signin.html", {"next": safe_next(next) or "", "username": ""})


@router.post("/signin")
def signin(
    request: Request,
    db: DB,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    hours = get_settings().session_hours

    def start(session: Session) -> tuple[accounts.IssuedSecret, str]:
        account = throttle.authenticate(
            db, session, username, password, address=client_source(request)
        )
        return accounts.start_session(session, account, hours), home_for(accounts.actor_of(account))

    result = attempt(db, start)
    if isinstance(result, ChainwardenError):
        return render(
            request,
            "signin.html",
            {
                "next": safe_next(next) or "",
                "username": username,
                "error": message(request, result),
            },
            status_code=status_of(result),
        )
    issued, home = result
    response = see_other(safe_next(next) or home)
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
        path="/",
    )
    return response


@router.post("/signout")
def signout(request: Request, db: DB, actor: SignedIn) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with db.session() as session:
            accounts.end_session(session, cookie)
    response = see_other("/registry")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/console")
def console(actor: SignedIn) -> Response:
    return see_other(home_for(actor))
