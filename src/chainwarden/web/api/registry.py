"""The public registry: no sign-in needed, only published entries.

The busiest public read: each request makes one trip to a worker thread, where the entries are
read and turned into plain values inside their transaction; the response is built on the event
loop, holding no connection."""

from __future__ import annotations

from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Query

from chainwarden.registry import public
from chainwarden.registry.errors import RegistryError
from chainwarden.store import Database
from chainwarden.web.deps import DB, UnitOfWorkRoute
from chainwarden.web.schemas import MAX_OFFSET

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/registry", tags=["public registry"])


def _search(
    db: Database, q: str | None, province: str | None, limit: int, offset: int
) -> list[public.RegistryEntry]:
    with db.session() as session:
        return public.search(session, q, province_query=province, limit=limit, offset=offset)


def _lookup(db: Database, number: str) -> public.RegistryEntry | None:
    with db.session() as session:
        return public.lookup_number(session, number)


@router.get("", response_model=list[public.RegistryEntry])
async def search(
    db: DB,
    q: str | None = Query(default=None, max_length=100, description="name or filing number"),
    province: str | None = Query(default=None, max_length=20, description="code, name or 京/沪…"),
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=MAX_OFFSET),
) -> list[public.RegistryEntry]:
    return await anyio.to_thread.run_sync(partial(_search, db, q, province, limit, offset))


@router.get("/{number}", response_model=public.RegistryEntry)
async def lookup(number: str, db: DB) -> public.RegistryEntry:
    entry = await anyio.to_thread.run_sync(partial(_lookup, db, number))
    if entry is None:
        raise RegistryError(
            "not_registered",
            f"备案编号 {number} 未在公开名录中",
            f"{number} is not in the registry",
            kind="not_found",
        )
    return entry
