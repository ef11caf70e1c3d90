"""Provider console: posts held for review by screening, with the hits highlighted (Arts. 5, 10)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request, Response
from markupsafe import Markup

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import review
from chainwarden.web.deps import Clock, Tx
from chainwarden.web.i18n import N_
from chainwarden.web.pages.common import (
    NOTICES,
    PageRoute,
    SignedIn,
    attempt,
    message,
    render,
    see_other,
    status_of,
    visitor,
)

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])
NOTICES.update(
    approve=N_("The selected posts are published."),
    reject=N_("The selected posts are rejected."),
)


def _page(
    request: Request,
    session: Any,
    actor: Any,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    held = review.queue(session, actor)
    rows = [
        {"post": post, "text": Markup(review.highlight_html(post.text or "", post.hits))}
        for post in held
    ]
    return render(
        request, "console/posts.html", {"rows": rows, "error": error}, status_code=status_code
    )


@router.get("/console/posts")
def held_posts(request: Request, session: Tx, actor: SignedIn) -> Response:
    return _page(request, session, actor)


@router.post("/console/posts/decide")
def decide_posts(
    request: Request,
    actor: SignedIn,
    clock: Clock,
    post_ids: list[str] = Form(default_factory=list),
    decision: str = Form(..., pattern="^(approve|reject)$"),
    reason: str = Form(default="", max_length=1000),
) -> Response:
    """Approve (publish) or reject the selected posts, all or none."""
    db = request.app.state.db
    result = attempt(
        db,
        lambda s: review.decide_many(
            s, actor, post_ids, approve=decision == "approve", reason=reason, now=clock()
        ),
    )
    if not isinstance(result, ChainwardenError):
        return see_other(f"/console/posts?done={decision}")
    with db.session() as session:
        return _page(
            request,
            session,
            actor,
            error=message(request, result),
            status_code=status_of(result),
        )
