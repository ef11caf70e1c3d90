"""Public pages: registry search, a filing's entry, and the filing-number badge (Arts. 12, 13)."""

from __future__ import annotations

import math
import unicodedata

from fastapi import APIRouter, Depends, Query, Request, Response

from chainwarden.errors import ChainwardenError
from chainwarden.registry import public
from chainwarden.registry.public import RegistryEntry
from chainwarden.supervision import public_penalties_for_number
from chainwarden.web.deps import Tx
from chainwarden.web.i18n import negotiate, translations
from chainwarden.web.pages.common import PageRoute, environment, is_htmx, message, render, visitor

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])


@router.get("/")
@router.get("/registry")
def registry_page(
    request: Request,
    session: Tx,
    q: str | None = Query(default=None, max_length=100),
    province: str | None = Query(default=None, max_length=20),
) -> Response:
    entries = public.search(session, q, province_query=province, limit=200)
    # A live search (HTMX) swaps only the results.
    template = "public/_results.html" if is_htmx(request) else "registry.html"
    return render(request, template, {"entries": entries, "q": q or "", "province": province or ""})


def _lookup(request: Request, session: Tx, number: str) -> tuple[RegistryEntry | None, str]:
    try:
        entry = public.lookup_number(session, number)
    except ChainwardenError as exc:
        return None, message(request, exc)
    return entry, ""


@router.get("/registry/{number}")
def entry_page(request: Request, number: str, session: Tx) -> Response:
    entry, error = _lookup(request, session, number)
    base = str(request.base_url).rstrip("/")
    # Final penalty decisions against the provider are part of its public entry.
    penalties = (public_penalties_for_number(session, number) or []) if entry else []
    return render(
        request,
        "entry.html",
        {"entry": entry, "number": number, "error": error, "base": base, "penalties": penalties},
        status_code=200 if entry else 404,
    )


def _width(text: str, size: int) -> int:
    """Rough rendered width of text in the badge font: wide (CJK) characters are square."""
    narrow = math.ceil(size * 0.64)
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else narrow for c in text)


@router.get("/badge/{number}.svg")
def badge(request: Request, number: str, session: Tx) -> Response:
    """An image a provider shows on its site (Art. 13); it says what the registry says now."""
    entry, _ = _lookup(request, session, number)
    language = negotiate(request)
    translate = translations(language).gettext
    label = translate("Blockchain filing")
    if entry is None:
        value, status = translate("Not in the registry"), 404
    elif entry.state == "cancelled":
        value, status = f"{entry.number} · {translate('Cancelled')}", 200
    else:
        value, status = entry.number, 200
    size = 12
    left, right = _width(label, size) + 16, _width(value, size) + 20
    svg = (
        environment(language)
        .get_template("public/badge.svg")
        .render(
            label=label,
            value=value,
            left=left,
            right=right,
            width=left + right,
            size=size,
            ok=entry is not None and entry.state == "filed",
        )
    )
    return Response(
        svg,
        status,
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=300", "Content-Language": language},
    )


@router.get("/badge/{number}")
def badge_page(request: Request, number: str, session: Tx) -> Response:
    """The HTML snippet a provider copies into its site: the badge, linking to the entry."""
    entry, error = _lookup(request, session, number)
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        "public/badge.html",
        {"entry": entry, "number": number, "error": error, "base": base},
        status_code=200 if entry else 404,
    )
