"""The public complaint form (Art. 18): anyone may report a service or one of its posts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request, Response

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import complaints
from chainwarden.web.deps import Calendar, Clock, client_source
from chainwarden.web.pages.common import PageRoute, attempt, message, render, status_of, visitor

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])


@router.get("/complaints")
def complaint_form(
    request: Request,
    service: str = Query(default="", max_length=36),
    post: str = Query(default="", max_length=36),
) -> Response:
    return render(
        request, "public/complaint.html", {"values": {"service_id": service, "post_id": post}}
    )


@router.post("/complaints")
def file_complaint(
    request: Request,
    calendar: Calendar,
    clock: Clock,
    service_id: str = Form(default="", max_length=36),
    post_id: str = Form(default="", max_length=36),
    body: str = Form(default="", max_length=4000),
    contact: str = Form(default="", max_length=200),
) -> Response:
    result = attempt(
        request.app.state.db,
        lambda s: complaints.file_complaint(
            s,
            calendar,
            service_id=service_id.strip(),
            post_id=post_id.strip() or None,
            body=body,
            contact=contact,
            source=client_source(request),
            now=clock(),
        ),
    )
    values = {"service_id": service_id, "post_id": post_id, "body": body, "contact": contact}
    if isinstance(result, ChainwardenError):
        return render(
            request,
            "public/complaint.html",
            {"values": values, "error": message(request, result)},
            status_code=status_of(result),
        )
    return render(request, "public/complaint.html", {"values": {}, "due": result.due})
