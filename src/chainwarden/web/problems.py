"""Errors as RFC 9457 problem+json, each with a Chinese and an English message."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from chainwarden.errors import ChainwardenError

log = logging.getLogger(__name__)

STATUS = {
    "invalid": 422,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    # Content taken down under a disposal order (RFC 7725).
    "removed": 451,
    "unavailable": 503,
    "bad_request": 400,
    "too_large": 413,
    "unsupported_media_type": 415,
    "too_many_requests": 429,
}
TITLES = {
    400: ("请求无效", "Bad request"),
    401: ("需要登录", "Authentication required"),
    403: ("无权访问", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("不支持的方法", "Method not allowed"),
    409: ("状态冲突", "Conflict"),
    413: ("请求过大", "Content too large"),
    415: ("不支持的内容类型", "Unsupported media type"),
    422: ("输入无效", "Invalid input"),
    429: ("请求过多", "Too many requests"),
    451: ("因法律原因不可用", "Unavailable for legal reasons"),
    500: ("服务器内部错误", "Internal server error"),
    503: ("暂不可用", "Service unavailable"),
}


def problem(
    status: int,
    code: str,
    zh: str,
    en: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    title_zh, title_en = TITLES.get(status, ("错误", "Error"))
    body = {
        "type": f"urn:chainwarden:problem:{code}",
        "title": title_en,
        "status": status,
        "detail": en,
        "code": code,
        "message": {"zh": zh, "en": en},
        "title_zh": title_zh,
        **extra,
    }
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


# The handlers are coroutines: a plain function would cost each refusal a trip through the
# thread pool.
async def _domain(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChainwardenError)
    status = STATUS.get(exc.kind, 422)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429 and "retry_after" in exc.extra:
        headers = {"Retry-After": str(exc.extra["retry_after"])}
    return problem(status, exc.code, exc.zh, exc.en, headers, **exc.extra)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "location": [str(p) for p in e.get("loc", ())],
            # pydantic names the Python exception a validator raised; a person needs only why.
            "message": e.get("msg", "").removeprefix("Value error, "),
        }
        for e in exc.errors()
    ]
    where = "; ".join(f"{'.'.join(e['location'])}: {e['message']}" for e in errors[:5])
    return problem(
        422,
        "invalid_request",
        f"请求内容无效：{where}",
        f"The request is invalid: {where}",
        errors=errors,
    )


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    zh, en = TITLES.get(exc.status_code, ("错误", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else en
    headers = dict(exc.headers) if exc.headers else None
    return problem(exc.status_code, f"http_{exc.status_code}", zh, detail, headers)


async def _integrity(_request: Request, exc: Exception) -> JSONResponse:
    # Two requests raced for the same unique value (a serial number, a username); nothing was
    # written, and repeating the request resolves it.
    assert isinstance(exc, DBAPIError)
    log.warning("integrity conflict: %s", _cause(exc))
    return problem(
        409,
        "concurrent_change",
        "数据刚被其他请求修改，请重试",
        "A concurrent change collided; retry",
    )


def _cause(exc: DBAPIError) -> str:
    """The driver's own first line: never the statement, never its parameters."""
    lines = str(exc.orig).strip().splitlines()
    return f"{type(exc.orig).__name__}: {lines[0] if lines else ''}"


async def _database(_request: Request, exc: Exception) -> JSONResponse:
    # The store refused to work (read-only, unreachable, out of space): nothing was written.
    assert isinstance(exc, DBAPIError)
    log.error("database unavailable: %s", _cause(exc))
    return problem(
        503,
        "database_unavailable",
        "数据库暂不可用（只读、无法连接或空间不足），未做任何更改，请稍后重试",
        "The database is unavailable (read-only, unreachable or full); nothing was changed, "
        "retry later",
        headers={"Retry-After": "30"},
    )


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    # The last guard behind the declared bounds: a number or a day the store or the calendar
    # cannot hold is the sender's input, not a fault of the server. Nothing was written.
    log.warning("value out of range: %s", _cause(exc) if isinstance(exc, DBAPIError) else exc)
    return problem(
        422,
        "out_of_range",
        "数值或日期超出可存储的范围，未做任何更改",
        "A number or a date is out of the range that can be stored; nothing was changed",
    )


async def _pool_exhausted(_request: Request, exc: Exception) -> JSONResponse:
    # Every database connection stayed busy for the pool's timeout: overload, not a fault.
    log.warning("database pool exhausted: %s", exc)
    return problem(
        503,
        "busy",
        "服务器繁忙，请稍后重试",
        "The server is busy; retry shortly",
        {"Retry-After": "1"},
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "internal", "服务器内部错误，已记录", "Internal error; it has been logged")


def install(app: FastAPI) -> None:
    from chainwarden.web.hygiene import InputHygiene

    # Text that no store would take is refused before any route sees it.
    app.add_middleware(InputHygiene)
    app.add_exception_handler(ChainwardenError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected)
