"""REST API routers, mounted under /api/v1."""

from fastapi import APIRouter

from chainwarden.web.api import (
    accounts,
    audit,
    checks,
    filings,
    gateway,
    identity,
    providers,
    registry,
    supervision,
)

router = APIRouter()
for module in (
    accounts,
    providers,
    filings,
    checks,
    registry,
    audit,
    supervision,
    identity,
    gateway,
):
    router.include_router(module.router)
router.include_router(supervision.public_router)
