"""Regulator console: the queue of submitted filings with their review deadlines (Art. 12)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from chainwarden.regions import find_province
from chainwarden.registry import deadlines
from chainwarden.registry import filings as rules
from chainwarden.registry.models import FilingState
from chainwarden.web.deps import Clock, Tx
from chainwarden.web.pages.common import PageRoute, SignedIn, is_htmx, render, visitor

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])


@router.get("/console/review")
def review_queue(
    request: Request,
    session: Tx,
    actor: SignedIn,
    clock: Clock,
    province: str | None = Query(default=None, max_length=20),
) -> Response:
    today = deadlines.local_date(clock())
    found = find_province(province) if province else None
    overdue = {f.id for f in rules.overdue_reviews(session, actor, today)}
    queue = rules.list_filings(
        session,
        actor,
        state=FilingState.SUBMITTED,
        province_code=found.code if found else None,
    )
    # Oldest deadline first: what is late or nearly late is reviewed first.
    queue.sort(key=lambda f: (f.review_due is None, f.review_due, f.submitted_at))
    return render(
        request,
        "console/_review_rows.html" if is_htmx(request) else "console/review.html",
        {
            "queue": queue,
            "overdue": overdue,
            "overdue_count": sum(1 for f in queue if f.id in overdue),
            "province": found.code if found else "",
            # Art. 11(3): cancellations notified less than 30 working days ahead.
            "late_cancellations": [
                f
                for f in rules.late_cancellations(session, actor)
                if found is None or f.province_code == found.code
            ],
        },
    )
