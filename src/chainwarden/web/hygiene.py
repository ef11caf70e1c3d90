"""Input hygiene at the edge: no NUL, no lone surrogate, no absurd nesting reaches a route.

PostgreSQL refuses NUL in text and no encoder takes a lone surrogate, so either would fail
deep inside a unit of work. One check here covers the path, the query string, form fields and
every string (and key) of a JSON body, for the API and the pages alike: a 422 with the place
named, before any route runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from chainwarden.web.problems import problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Deeper JSON than any body of the API needs; far below what a recursive encoder survives.
MAX_DEPTH = 32
# Bodies checked here are held in memory; no route takes more.
MAX_BODY = 16 * 1024 * 1024

# Characters no text field may hold: NUL and the surrogate code points (in a ``str`` every
# surrogate is a lone one: a valid pair is decoded to one character).
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# A JSON body can only carry them as escapes; without such an escape, nothing to look at.
_ESCAPE_HINT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_CHECKED_MEDIA = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def clean_text(text: str) -> bool:
    """Whether ``text`` holds no NUL and no lone surrogate."""
    return FORBIDDEN.search(text) is None


def _refusal(where: str) -> Any:
    return problem(
        422,
        "forbidden_character",
        f"{where} 含有不允许的字符（空字符 NUL 或孤立的代理码位）",
        f"{where} contains a forbidden character (NUL or a lone surrogate code point)",
        field=where,
    )


def _too_deep() -> Any:
    return problem(
        422,
        "too_deep",
        f"JSON 嵌套超过 {MAX_DEPTH} 层",
        f"The JSON body is nested more than {MAX_DEPTH} levels deep",
    )


def _too_large() -> Any:
    return problem(
        413,
        "too_large",
        f"请求内容不能超过 {MAX_BODY} 字节",
        f"The request body may be at most {MAX_BODY} bytes",
    )


def json_problem(value: Any, path: str = "body", depth: int = 0) -> tuple[str, str] | None:
    """The first fault of a decoded JSON value, as (kind, where): a forbidden character or a
    nesting deeper than ``MAX_DEPTH``."""
    if depth > MAX_DEPTH:
        return "too_deep", path
    if isinstance(value, str):
        return None if clean_text(value) else ("forbidden_character", path)
    if isinstance(value, dict):
        for key, item in value.items():
            if not clean_text(key):
                return "forbidden_character", path
            found = json_problem(item, f"{path}.{key}", depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = json_problem(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None


def _json_fault(body: bytes) -> Any:
    # Cheap tests first: most bodies hold no such escape and too few brackets to be deep.
    if not _ESCAPE_HINT.search(body) and body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return None
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        # Not JSON (the route says so), or nested beyond the decoder's own limit.
        return _too_deep() if body.count(b"[") + body.count(b"{") > MAX_DEPTH else None
    found = json_problem(value)
    if found is None:
        return None
    kind, where = found
    return _too_deep() if kind == "too_deep" else _refusal(where)


class InputHygiene:
    """ASGI middleware: refuses a request whose text would not survive the store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", ""):
            await _refusal("path")(scope, receive, send)
            return
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await _refusal("query")(scope, receive, send)
            return
        media = b""
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                media = value.split(b";")[0].strip().lower()
        checked = media.decode("latin-1") in _CHECKED_MEDIA or media.endswith(b"+json")
        if not checked or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client left before the body arrived: nothing to answer.
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _too_large()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if media == b"application/x-www-form-urlencoded":
            fault = _refusal("form") if b"\x00" in unquote_to_bytes(body) else None
        elif media == b"multipart/form-data":
            fault = _refusal("form") if b"\x00" in body else None
        else:
            fault = _json_fault(body)
        if fault is not None:
            await fault(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
