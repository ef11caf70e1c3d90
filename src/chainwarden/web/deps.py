"""Request dependencies: the database, the clock, and who is asking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from chainwarden.accounts import service as accounts
from chainwarden.accounts.access import AccessError, Actor
from chainwarden.store import Database
from chainwarden.workdays import WorkingCalendar
from chainwarden.workdays.store import load_calendar

SESSION_COOKIE = "cw_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


def transaction(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    """One transaction per request; committed before the response is sent."""
    with db.session() as session:
        yield session


def _authenticate(request: Request, db: Database) -> Actor | None:
    header = request.headers.get("Authorization", "")
    with db.session() as session:
        if header:
            scheme, _, secret = header.partition(" ")
            actor = (
                accounts.actor_for_token(session, secret.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if actor is None:
                raise AccessError(
                    "bad_token",
                    "API 令牌无效、已过期或已撤销",
                    "The API token is invalid, expired or revoked",
                    kind="unauthenticated",
                )
            return actor
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        found = accounts.session_for_cookie(session, cookie)
        if found is None:
            return None
        actor, web_session = found
        # Cookies are sent by browsers automatically, so state changes must prove they come from
        # our own pages: they echo the session's CSRF token in a header.
        if request.method not in SAFE_METHODS and (
            request.headers.get(CSRF_HEADER) != web_session.csrf_token
        ):
            raise AccessError(
                "csrf", "缺少或错误的 CSRF 令牌", "Missing or wrong CSRF token", kind="forbidden"
            )
        return actor


def optional_actor(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor | None:
    return _authenticate(request, db)


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise AccessError(
            "unauthenticated",
            "请先登录或提供 API 令牌",
            "Sign in or send an API token",
            kind="unauthenticated",
        )
    return actor


DB = Annotated[Database, Depends(get_db)]
# "function" scope: the transaction commits before the response leaves, so a client never sees
# success for a change that then fails to commit.
Tx = Annotated[Session, Depends(transaction, scope="function")]


def calendar(session: Tx) -> WorkingCalendar:
    return load_calendar(session)


CurrentActor = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
Clock = Annotated[Callable[[], datetime], Depends(get_clock)]
Calendar = Annotated[WorkingCalendar, Depends(calendar)]


def client_source(request: Request) -> str:
    """Where a request came from, for rate limits on anonymous forms and endpoints."""
    return request.client.host if request.client else "unknown"
