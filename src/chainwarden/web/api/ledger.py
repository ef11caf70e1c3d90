"""The built-in ledger: published items (451 once disposed), disposal orders and their proofs,
and chain verification."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from chainwarden.ledger import disposal as disposals
from chainwarden.ledger import items
from chainwarden.ledger.models import Chain, Disposal
from chainwarden.ledger.verification import verify
from chainwarden.web.deps import Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import Out

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/ledger", tags=["ledger"])


class ItemOut(BaseModel):
    id: str
    provider_id: str | None
    service_id: str | None
    author_ref: str | None
    media_type: str
    text: str | None = Field(description="The content, for text items.")
    content_base64: str | None = Field(description="The content, for other items.")
    commitment: str
    created_at: datetime
    block_height: int | None


class DisposalIn(BaseModel):
    item_ids: list[str] = Field(min_length=1, max_length=10_000)
    reason: str = Field(min_length=1, max_length=4000)
    reference: str = Field(min_length=1, max_length=200, description="Order reference (文号).")
    execute: bool = Field(True, description="Execute at once (emergency takedown).")


class DisposalOut(Out):
    id: str
    provider_id: str | None
    reference: str
    reason: str
    targets: list[str]
    state: str
    issued_by: str
    issued_at: datetime
    executed_by: str | None
    executed_at: datetime | None
    block_height: int | None


class ChainOut(Out):
    id: str
    provider_id: str | None
    public_key: str = Field(description="Ed25519 key that signs every block (hex).")
    height: int
    head_hash: str | None
    created_at: datetime


@router.get("/chains", response_model=list[ChainOut])
def list_chains(session: Tx, actor: CurrentActor) -> list[Chain]:
    """The chains the caller may see, with the public keys that check their blocks and proofs."""
    return items.visible_chains(session, actor)


@router.get("/items/{item_id}", response_model=ItemOut)
def get_item(item_id: str, session: Tx) -> ItemOut:
    """A published item; a disposed one answers 451 naming the disposal order."""
    found = items.read_item(session, item_id)
    text = found.text
    return ItemOut(
        id=found.id,
        provider_id=found.provider_id,
        service_id=found.service_id,
        author_ref=found.author_ref,
        media_type=found.media_type,
        text=text,
        content_base64=None if text is not None else base64.b64encode(found.content).decode(),
        commitment=found.commitment,
        created_at=found.created_at,
        block_height=found.block_height,
    )


@router.get("/items/{item_id}/proof")
def item_proof(item_id: str, session: Tx) -> dict[str, Any]:
    """The item's commitment, its signed block header and its Merkle inclusion path."""
    return items.item_proof(session, items.get_item(session, item_id))


@router.post("/disposals", response_model=DisposalOut, status_code=201)
def create_disposal(body: DisposalIn, session: Tx, actor: CurrentActor, clock: Clock) -> Disposal:
    disposal = disposals.issue_disposal(
        session,
        actor,
        item_ids=body.item_ids,
        reason=body.reason,
        reference=body.reference,
        now=clock(),
    )
    if body.execute:
        disposal = disposals.execute_disposal(session, actor, disposal.id, now=clock())
    return disposal


@router.get("/disposals/{disposal_id}", response_model=DisposalOut)
def get_disposal(disposal_id: str, session: Tx, actor: CurrentActor) -> Disposal:
    return disposals.get_disposal(session, actor, disposal_id)


@router.post("/disposals/{disposal_id}/execute", response_model=DisposalOut)
def execute_disposal(disposal_id: str, session: Tx, actor: CurrentActor, clock: Clock) -> Disposal:
    return disposals.execute_disposal(session, actor, disposal_id, now=clock())


@router.get("/disposals/{disposal_id}/proof")
def disposal_proof(disposal_id: str, session: Tx, actor: CurrentActor) -> dict[str, Any]:
    """Signed disposal record and inclusion proofs of the removed items' commitments; check it
    offline with ``chainwarden ledger check-proof``."""
    return disposals.disposal_proof(session, actor, disposal_id)


@router.get("/verify")
def verify_chains(
    session: Tx, actor: CurrentActor, provider_id: str | None = None
) -> list[dict[str, Any]]:
    """Walk every chain the caller may see: links, Merkle roots, hashes, signatures, items."""
    return [r.to_dict() for r in verify(session, actor, provider_id=provider_id)]
