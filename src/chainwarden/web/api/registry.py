"""The public registry: no sign-in needed, only published entries."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainwarden.registry import public
from chainwarden.registry.errors import RegistryError
from chainwarden.web.deps import Tx, UnitOfWorkRoute

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/registry", tags=["public registry"])


@router.get("", response_model=list[public.RegistryEntry])
def search(
    session: Tx,
    q: str | None = Query(default=None, max_length=100, description="name or filing number"),
    province: str | None = Query(default=None, max_length=20, description="code, name or 京/沪…"),
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> list[public.RegistryEntry]:
    return public.search(session, q, province_query=province, limit=limit, offset=offset)


@router.get("/{number}", response_model=public.RegistryEntry)
def lookup(number: str, session: Tx) -> public.RegistryEntry:
    entry = public.lookup_number(session, number)
    if entry is None:
        raise RegistryError(
            "not_registered",
            f"备案编号 {number} 未在公开名录中",
            f"{number} is not in the registry",
            kind="not_found",
        )
    return entry
