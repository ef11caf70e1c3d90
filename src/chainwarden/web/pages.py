"""Server-rendered public pages: the registry of filed services."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from chainwarden.errors import ChainwardenError
from chainwarden.registry import public
from chainwarden.registry.regions import PROVINCES
from chainwarden.supervision import PublicPenalty, public_penalties_for_number
from chainwarden.web.deps import Tx

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

STATE_LABELS = {"filed": "已备案 Filed", "cancelled": "已注销 Cancelled"}


@router.get("/", response_class=HTMLResponse)
@router.get("/registry", response_class=HTMLResponse)
def registry_page(
    request: Request,
    session: Tx,
    q: str | None = Query(default=None, max_length=100),
    province: str | None = Query(default=None, max_length=20),
) -> HTMLResponse:
    entries = public.search(session, q, province_query=province, limit=200)
    return templates.TemplateResponse(
        request,
        "registry.html",
        {
            "entries": entries,
            "q": q or "",
            "province": province or "",
            "provinces": PROVINCES,
            "states": STATE_LABELS,
        },
    )


@router.get("/registry/{number}", response_class=HTMLResponse)
def entry_page(request: Request, number: str, session: Tx) -> HTMLResponse:
    penalties: list[PublicPenalty] = []
    try:
        entry = public.lookup_number(session, number)
        error = None if entry else "未在公开名录中 / Not in the public registry"
        if entry:
            # Final penalty decisions against the provider are part of its public entry.
            penalties = public_penalties_for_number(session, number) or []
    except ChainwardenError as exc:
        entry, error = None, exc.line()
    return templates.TemplateResponse(
        request,
        "entry.html",
        {
            "entry": entry,
            "number": number,
            "error": error,
            "states": STATE_LABELS,
            "penalties": penalties,
        },
        status_code=200 if entry else 404,
    )


@router.get("/complaints", response_class=HTMLResponse)
def complaint_page(
    request: Request,
    service: str = Query(default="", max_length=36),
    post: str = Query(default="", max_length=36),
) -> HTMLResponse:
    """The public complaint form (Art. 18); it posts to ``POST /api/v1/complaints``."""
    return templates.TemplateResponse(
        request, "complaint.html", {"service_id": service, "post_id": post}
    )
