"""REST API routers, mounted under /api/v1."""

from fastapi import APIRouter

from chainwarden.web.api import accounts, audit, checks, filings, ledger, providers, registry

router = APIRouter()
for module in (accounts, providers, filings, checks, registry, audit, ledger):
    router.include_router(module.router)
