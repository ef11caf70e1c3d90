"""Server-rendered pages: the public registry, sign-in, and the provider and regulator consoles.

Each module has a ``router``; a new domain's pages are one more module in ``MODULES`` plus its
entries in :mod:`chainwarden.web.nav` (see docs/web.md).
"""

from fastapi import APIRouter

from chainwarden.web.pages import (
    checks,
    complaints,
    filings,
    organisation,
    posts,
    public,
    review,
    signin,
)

MODULES = (public, signin, organisation, filings, review, checks, posts, complaints)

router = APIRouter(include_in_schema=False)
for module in MODULES:
    router.include_router(module.router)
