"""REST API routers, mounted under /api/v1."""

from fastapi import APIRouter

from chainwarden.web.api import (
    accounts,
    audit,
    checks,
    filings,
    gateway,
    identity,
    ledger,
    providers,
    registry,
    retention,
    supervision,
)

router = APIRouter()
# Requests are matched against the routes in order, one by one: the publish path, by far the
# busiest, goes first (no other route overlaps the gateway's paths).
for module in (
    gateway,
    accounts,
    providers,
    filings,
    checks,
    registry,
    audit,
    identity,
    retention,
    ledger,
    supervision,
):
    router.include_router(module.router)
router.include_router(supervision.public_router)
