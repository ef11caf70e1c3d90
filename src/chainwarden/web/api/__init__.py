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
# Requests are matched against the routes in order, one by one: the public registry (two
# routes, open to anyone and the likeliest to be crowded) and the publish path, by far the
# busiest, go first (no other route overlaps their paths).
for module in (
    registry,
    gateway,
    accounts,
    providers,
    filings,
    checks,
    audit,
    identity,
    retention,
    ledger,
    supervision,
):
    router.include_router(module.router)
router.include_router(supervision.public_router)
