"""The application factory: API, pages, schema upgrade on start."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from chainwarden import __version__
from chainwarden.collector import long_lived
from chainwarden.keys.installation import check_installation_keyring
from chainwarden.screening import Screener
from chainwarden.settings import get_settings
from chainwarden.store import Database
from chainwarden.store.base import utcnow
from chainwarden.web import pages, problems, runtime
from chainwarden.web.api import router as api_router
from chainwarden.web.api.gateway import close_publisher, given_screener
from chainwarden.workdays import recompute

STATIC = Path(__file__).parent / "static"


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runtime.size_worker_threads(get_settings())
    # The screener is built before the first post arrives, not while it waits.
    if given_screener(app) is None:
        await asyncio.to_thread(Screener.default)
    # The cycle collector's pauses were the tail of the publish path's latency.
    with long_lived():
        try:
            yield
        finally:
            # On stop, the posts still waiting for the publisher are written before the end.
            await asyncio.to_thread(close_publisher, app)


def create_app(
    db: Database | None = None, *, clock: Callable[[], datetime] = utcnow, upgrade: bool = True
) -> FastAPI:
    db = db or Database(get_settings().database_url)
    if upgrade:
        db.upgrade()
        check_installation_keyring(db)  # refuses a key file that is not this database's
        # Deadlines counted provisionally for a year that a newer chinese-calendar now covers.
        recompute.refresh(db, clock())
    app = FastAPI(
        lifespan=_lifespan,
        title="chainwarden",
        version=__version__,
        description="区块链信息服务备案与合规 / Blockchain information service filing and compliance",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.db = db
    app.state.clock = clock
    problems.install(app)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages.router)
    # Styles and the vendored htmx (no CDN, no build step).
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    settings = get_settings()
    app.add_middleware(runtime.SecurityHeaders, secure_cookies=settings.secure_cookies)
    app.add_middleware(
        runtime.Admission,
        limit=settings.max_concurrent_requests,
        queue=settings.max_queued_requests,
        wait=settings.request_queue_seconds,
    )
    return app


def served_app() -> FastAPI:
    """The app of one server process among several (``chainwarden run --workers N``)."""
    return create_app(upgrade=False)
