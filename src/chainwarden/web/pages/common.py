"""What every page shares: templates in the visitor's language, who is signed in, CSRF tokens on
forms, and domain errors shown as pages rather than problem+json.

A page handler stays thin: it parses the request, calls a domain service with the ``Actor`` and
returns :func:`render`. Rules (who may see what, deadlines, state changes) stay in the domain.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from chainwarden.accounts import service as accounts
from chainwarden.accounts.access import AccessError, Actor, Role
from chainwarden.errors import ChainwardenError
from chainwarden.regions import PROVINCES
from chainwarden.registry.deadlines import local_date
from chainwarden.settings import LOCAL_TZ, get_settings
from chainwarden.store import Database
from chainwarden.web import nav
from chainwarden.web.deps import (
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    UnitOfWorkRoute,
    get_db,
    release_connections,
)
from chainwarden.web.i18n import (
    HTML_LANG,
    LANG_COOKIE,
    LANGUAGES,
    N_,
    NAMES,
    negotiate,
    requested_language,
    translations,
)
from chainwarden.web.problems import STATUS
from chainwarden.workdays import WorkingCalendar
from chainwarden.workdays.store import load_calendar

TEMPLATES = Path(__file__).parent.parent / "templates"
# Anonymous forms (sign-in, later the complaint form) are protected by a double-submit token: the
# same random value in an HttpOnly cookie and in the form.
ANON_CSRF_COOKIE = "cw_csrf"
CSRF_FIELD = "csrf_token"

T = TypeVar("T")

# Names of stored values, as English msgids (translated in the templates with ``_()``).
LABELS: dict[str, dict[str, str]] = {
    "state": {
        "draft": N_("Draft"),
        "submitted": N_("Awaiting review"),
        "returned": N_("Returned for completion"),
        "filed": N_("Filed"),
        "refused": N_("Refused"),
        "cancelled": N_("Cancelled"),
    },
    "form": {
        "website": N_("Website"),
        "app": N_("App"),
        "mini_program": N_("Mini program"),
        "public_account": N_("Public account"),
        "other": N_("Other"),
    },
    "chain_type": {
        "public": N_("Public chain"),
        "consortium": N_("Consortium chain"),
        "private": N_("Private chain"),
    },
    "kind": {
        "entity": N_("Service entity"),
        "node": N_("Node"),
        "technical_support": N_("Technical support"),
    },
    "action": {
        "service.create": N_("Service registered"),
        "filing.edit": N_("Filing information edited"),
        "filing.submit": N_("Filing submitted"),
        "filing.approve": N_("Filed, number issued"),
        "filing.return": N_("Returned for completion"),
        "filing.refuse": N_("Refused"),
        "filing.change": N_("Change filed"),
        "filing.cancel": N_("Cancellation filed"),
        "deadline.recompute": N_("Deadline recomputed with the official holiday schedule"),
    },
    "role": {
        "provider_admin": N_("Provider administrator"),
        "provider_reviewer": N_("Provider reviewer"),
        "regulator": N_("Regulator"),
        "admin": N_("Administrator"),
        "system": N_("System"),
    },
}


# Messages shown after a successful form post, keyed by the ``?done=`` of the redirect.
NOTICES: dict[str, str] = {}


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page: a signed-in actor or nobody, and the CSRF token for forms."""

    actor: Actor | None
    csrf_token: str
    # A new anonymous token was made for this request; the response sets its cookie.
    new_anonymous_token: bool = False


class SignInRequired(Exception):
    pass


def _csrf_failure() -> AccessError:
    return AccessError(
        "csrf",
        "表单已过期或来源不明，请刷新页面后重试",
        "The form has expired or did not come from this site; reload the page and try again",
        kind="forbidden",
    )


async def visitor(request: Request, db: Annotated[Database, Depends(get_db)]) -> Visitor:
    """The signed-in actor (session cookie only: pages never take API tokens) and the CSRF check
    of every form post."""
    actor: Actor | None = None
    token: str | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with db.session() as session:
            found = accounts.session_for_cookie(session, cookie)
        if found is not None:
            actor, token = found[0], found[1].csrf_token
    fresh = False
    if token is None:
        token = request.cookies.get(ANON_CSRF_COOKIE)
        if not token:
            token, fresh = secrets.token_urlsafe(24), True
    if request.method not in SAFE_METHODS:
        form = await request.form()
        sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if fresh or not isinstance(sent, str) or not secrets.compare_digest(sent, token):
            raise _csrf_failure()
    found_visitor = Visitor(actor, token, fresh)
    request.state.visitor = found_visitor
    return found_visitor


def signed_in(found: Annotated[Visitor, Depends(visitor)]) -> Actor:
    if found.actor is None:
        raise SignInRequired()
    return found.actor


PageVisitor = Annotated[Visitor, Depends(visitor)]
SignedIn = Annotated[Actor, Depends(signed_in)]


# --- rendering ------------------------------------------------------------------------------


PROVISIONAL_BADGE = N_("provisional")
PROVISIONAL_NOTE = N_(
    "Provisional: no official holiday schedule has been published for that year yet, so the date "
    "is counted with the statutory holidays and their make-up days off (without 调休 swaps); it "
    "is recomputed when the schedule is loaded."
)


class ProvisionalDays:
    """Which deadlines a page shows fall in a year counted provisionally; the calendar is read on
    the first date asked about, and ``shown`` tells the page to explain the badge once."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._calendar: WorkingCalendar | None = None
        self.shown = False

    def __call__(self, day: date) -> bool:
        if self._calendar is None:
            with self._db.session() as session:
                self._calendar = load_calendar(session)
        found = self._calendar.is_provisional(day.year)
        self.shown |= found
        return found


def local_time(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


@cache
def environment(language: str) -> Environment:
    """One template environment per language, each with its catalogue installed."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = local_time
    gettext = translations(language).gettext

    @pass_context
    def deadline(context: Context, value: date | None) -> Markup:
        """A computed deadline, with the provisional badge when its year has no official
        schedule yet (the one place pages mark such dates)."""
        text = escape(local_time(value))
        provisional: ProvisionalDays | None = context.get("provisional_days")
        if value is None or provisional is None or not provisional(value):
            return Markup(text)
        note = escape(gettext(PROVISIONAL_NOTE))
        badge = escape(gettext(PROVISIONAL_BADGE))
        return Markup(f'{text} <span class="tag provisional" title="{note}">{badge}</span>')

    env.filters["deadline"] = deadline
    env.globals.update(labels=LABELS, provinces=PROVINCES, sections=nav.SECTIONS)
    return env


def _language_links(request: Request, language: str) -> list[dict[str, str]]:
    links = []
    for other in LANGUAGES:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        params.append(("lang", other))
        links.append(
            {
                "code": other,
                "name": NAMES[other],
                "html_lang": HTML_LANG[other],
                "href": f"{request.url.path}?{urlencode(params)}",
                "current": "true" if other == language else "",
            }
        )
    return links


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    language = negotiate(request)
    found: Visitor | None = getattr(request.state, "visitor", None)
    actor = found.actor if found else None

    def pick(zh: str | None, en: str | None) -> str | None:
        """The Chinese or English form of a value the domain stores in both."""
        return zh if language == "zh" else en

    entries = nav.entries_for(actor)
    path = "/registry" if request.url.path == "/" else request.url.path
    # The menu entry of this page: the longest entry path that the page's path starts with.
    current = max(
        (e.path for e in entries if path == e.path or path.startswith(e.path + "/")),
        key=len,
        default=None,
    )
    values: dict[str, Any] = {
        "request": request,
        "lang": language,
        "html_lang": HTML_LANG[language],
        "language_links": _language_links(request, language),
        "actor": actor,
        "csrf_token": found.csrf_token if found else "",
        "csrf_field": CSRF_FIELD,
        "nav": entries,
        "current_nav": current,
        "path": request.url.path,
        "pick": pick,
        "today": local_date(request.app.state.clock()),
        "provisional_days": ProvisionalDays(request.app.state.db),
        "htmx": is_htmx(request),
        "notice": NOTICES.get(request.query_params.get("done", "")),
    }
    values.update(context or {})
    # The page's data is read: its connection goes back to the pool before the (slower)
    # rendering, so a crowd of page views cannot hold every connection while they render.
    release_connections()
    html = environment(language).get_template(template).render(values)
    response = HTMLResponse(html, status_code)
    finish(request, response, language, found)
    return response


def finish(
    request: Request, response: Response, language: str, found: Visitor | None = None
) -> None:
    """Cookies and headers every page response carries."""
    settings = get_settings()
    if requested_language(request):
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/")
    if found is not None and found.new_anonymous_token:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            found.csrf_token,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )
    response.headers["Content-Language"] = HTML_LANG[language]
    response.headers["Vary"] = "Accept-Language, Cookie, HX-Request"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


def message(request: Request, exc: ChainwardenError) -> str:
    return exc.zh if negotiate(request) == "zh" else exc.en


def see_other(url: str) -> RedirectResponse:
    """After a successful form post, load the result with GET (post/redirect/get)."""
    return RedirectResponse(url, status_code=303)


def status_of(exc: ChainwardenError) -> int:
    return STATUS.get(exc.kind, 422)


def attempt(db: Database, action: Callable[[Session], T]) -> T | ChainwardenError:
    """Run a domain action in its own transaction; a refused action leaves nothing behind and
    its error is returned so the page can show it next to the form."""
    try:
        with db.session() as session:
            return action(session)
    except ChainwardenError as exc:
        return exc


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after signing in (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def home_for(actor: Actor) -> str:
    if actor.is_provider:
        return "/console/organisation"
    if actor.role in (Role.REGULATOR, Role.ADMIN):
        return "/console/review"
    return "/registry"


# --- errors as pages ------------------------------------------------------------------------


def error_page(request: Request, exc: ChainwardenError) -> HTMLResponse:
    return render(
        request, "error.html", {"error": message(request, exc)}, status_code=status_of(exc)
    )


class PageRoute(UnitOfWorkRoute):
    """A route whose errors are pages: sign-in required → the sign-in page; a domain error → an
    error page in the visitor's language with the status the API would use."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = request.url.path
                if request.method in SAFE_METHODS and request.url.query:
                    target += "?" + request.url.query
                url = "/signin?next=" + quote(target, safe="/")
                if is_htmx(request):
                    # A partial update cannot show the sign-in page: load it as a whole page.
                    return Response(status_code=204, headers={"HX-Redirect": url})
                return see_other(url)
            except ChainwardenError as exc:
                return error_page(request, exc)
            except RequestValidationError as exc:
                fields = ", ".join(str(e.get("loc", ("", ""))[-1]) for e in exc.errors()[:5])
                return error_page(
                    request,
                    ChainwardenError(
                        "invalid_request",
                        f"表单内容无效：{fields}",
                        f"The form is invalid: {fields}",
                    ),
                )

        return handle
