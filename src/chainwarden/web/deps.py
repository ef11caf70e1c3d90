"""Request dependencies: the database, the clock, and who is asking."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from chainwarden.accounts import service as accounts
from chainwarden.accounts import throttle
from chainwarden.accounts.access import AccessError, Actor
from chainwarden.store import Base, Database
from chainwarden.workdays import WorkingCalendar
from chainwarden.workdays.store import load_calendar

SESSION_COOKIE = "cw_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


# These two are coroutines only so that FastAPI calls them on the event loop: a plain function
# would cost every request a trip through the worker threads.
async def get_db(request: Request) -> Database:
    return database(request)


async def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


# The transactions a request has open. Its dependencies and its endpoint run in worker threads,
# each in a copy of the request's context; the copies share this one list.
_open_transactions: ContextVar[list[Session] | None] = ContextVar(
    "chainwarden_open_transactions", default=None
)


def transaction(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    """One transaction per request, ended by :func:`end_transactions` in the endpoint's thread
    as soon as the endpoint returns; closing here only covers requests that fail before."""
    session = db.new_session()
    found = _open_transactions.get()
    if found is not None:
        found.append(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def end_transactions(*, commit: bool = True) -> None:
    """Commit (or roll back) the request's transactions and give their connections back to the
    pool. A request that kept its connection while waiting for a worker thread to validate or
    render its response could wedge the server: the threads were all waiting for connections."""
    found = _open_transactions.get()
    while found:
        session = found.pop()
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()


def release_connections() -> None:
    """Commit the request's transactions, keeping their sessions: the connections go back to
    the pool, and an attribute a page template loads later takes one only for that query."""
    for session in _open_transactions.get() or ():
        session.commit()


def _holds_rows(result: Any) -> bool:
    """Whether an endpoint returned database rows, which may still load attributes lazily."""
    if isinstance(result, Base):
        return True
    return isinstance(result, list | tuple) and any(isinstance(item, Base) for item in result)


class UnitOfWorkRoute(APIRoute):
    """A route whose transaction commits and whose connection returns to the pool inside the
    endpoint's own thread, before the response is validated or sent. Every route uses it.

    Rows an endpoint returns are turned into its response model while their session is still
    open (relationships load lazily), so nothing reads the database after the commit."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        plain = not (
            inspect.iscoroutinefunction(endpoint)
            or inspect.isgeneratorfunction(endpoint)
            or inspect.isasyncgenfunction(endpoint)
        )
        super().__init__(path, self._ending_transactions(endpoint) if plain else endpoint, **kwargs)

    def _ending_transactions(self, endpoint: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(endpoint)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                result = endpoint(*args, **kwargs)
                if self.response_field is not None and _holds_rows(result):
                    result, errors = self.response_field.validate(result, loc=("response",))
                    if errors:
                        raise ResponseValidationError(errors, body=result)
            except BaseException:
                end_transactions(commit=False)
                raise
            end_transactions()
            return result

        return run

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            token = _open_transactions.set([])
            try:
                return await handler(request)
            finally:
                _open_transactions.reset(token)

        return handle


def _authenticate(request: Request, db: Database) -> Actor | None:
    header = request.headers.get("Authorization", "")
    if header:
        throttle.refuse_locked_address(client_source(request))
    with db.session() as session:
        if header:
            scheme, _, secret = header.partition(" ")
            actor = (
                accounts.actor_for_token(session, secret.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if actor is None:
                throttle.bad_token(db, client_source(request))
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
    found = load_calendar(session)
    # Nothing is written yet: the connection goes back to the pool while the request waits for
    # the worker thread that runs its endpoint.
    session.commit()
    return found


CurrentActor = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
Clock = Annotated[Callable[[], datetime], Depends(get_clock)]
Calendar = Annotated[WorkingCalendar, Depends(calendar)]


def client_source(request: Request) -> str:
    """Where a request came from, for rate limits on anonymous forms and endpoints."""
    return request.client.host if request.client else "unknown"
