"""The retention log (Art. 17): published keys and tree heads, proofs, periods, holds, purging
and exports for authorities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from chainwarden.bounds import MAX_COUNT
from chainwarden.keys.public import fingerprint
from chainwarden.retention import policy, service
from chainwarden.retention.bundle import public_key_pem
from chainwarden.retention.export import ExportQuery, export_bundle
from chainwarden.retention.heads import SignedTreeHead
from chainwarden.retention.log import EntryType
from chainwarden.retention.models import (
    MAXIMUM_RETENTION_MONTHS,
    MINIMUM_RETENTION_MONTHS,
    HoldScope,
    LegalHold,
)
from chainwarden.web.deps import Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import Moment

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/retention", tags=["retention"])


class TreeHeadOut(BaseModel):
    provider_id: str
    tree_size: int
    root_hash: str
    signed_at: datetime
    signature: str

    @classmethod
    def of(cls, sth: SignedTreeHead) -> TreeHeadOut:
        return cls(
            provider_id=sth.provider_id,
            tree_size=sth.tree_size,
            root_hash=sth.root_hash.hex(),
            signed_at=sth.signed_at,
            signature=sth.signature.hex(),
        )


class PublicKeyOut(BaseModel):
    provider_id: str
    algorithm: str = "Ed25519"
    public_key: str = Field(description="raw 32-byte key, hex")
    fingerprint: str = Field(
        description="SHA-256 of the raw 32-byte key, hex; give it to `chainwarden retention "
        "verify --fingerprint` to pin the key"
    )
    pem: str


class PublishedHeadOut(BaseModel):
    tree_head: TreeHeadOut
    public_key: str


class StatusOut(BaseModel):
    provider_id: str
    size: int
    root_hash: str
    retention_months: int
    public_key: str
    latest_tree_head: TreeHeadOut | None


class InclusionOut(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    proof: list[str]


class ConsistencyOut(BaseModel):
    old_size: int
    tree_size: int
    old_root: str
    root_hash: str
    proof: list[str]


class PeriodIn(BaseModel):
    # The bounds are declared for OpenAPI and checked by the domain, which explains a refusal
    # in both languages and cites Art. 17.
    months: int = Field(
        description=f"at least {MINIMUM_RETENTION_MONTHS} (Art. 17), at most "
        f"{MAXIMUM_RETENTION_MONTHS}",
        json_schema_extra={
            "minimum": MINIMUM_RETENTION_MONTHS,
            "maximum": MAXIMUM_RETENTION_MONTHS,
        },
    )
    reason: str | None = Field(default=None, max_length=2000)


class PeriodOut(BaseModel):
    provider_id: str
    retention_months: int


class HoldIn(BaseModel):
    scope: HoldScope
    value: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class HoldOut(BaseModel):
    id: str
    provider_id: str
    scope: str
    value: str
    reason: str
    placed_at: datetime
    placed_by: str
    released_at: datetime | None
    released_by: str | None

    @classmethod
    def of(cls, hold: LegalHold) -> HoldOut:
        return cls(
            id=hold.id,
            provider_id=hold.provider_id,
            scope=hold.scope,
            value=hold.value,
            reason=hold.reason,
            placed_at=hold.placed_at,
            placed_by=hold.placed_by,
            released_at=hold.released_at,
            released_by=hold.released_by,
        )


class PurgeOut(BaseModel):
    provider_id: str
    cutoff: datetime | None
    purged: int
    held: int


class ExportIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="the request being answered")
    user_id: str | None = None
    service_id: str | None = None
    case_ref: str | None = None
    entry_types: list[EntryType] = Field(default_factory=list)
    since: Moment | None = None
    until: Moment | None = None


def _hex(values: list[bytes]) -> list[str]:
    return [v.hex() for v in values]


@router.get("/providers/{provider_id}/public-key", response_model=PublicKeyOut)
def public_key(provider_id: str, session: Tx) -> PublicKeyOut:
    """The key that verifies this provider's signed tree heads and export bundles (public)."""
    raw = service.public_key(session, provider_id)
    return PublicKeyOut(
        provider_id=provider_id,
        public_key=raw.hex(),
        fingerprint=fingerprint(raw),
        pem=public_key_pem(raw).decode(),
    )


@router.get("/providers/{provider_id}/tree-head", response_model=PublishedHeadOut)
def published_tree_head(provider_id: str, session: Tx) -> PublishedHeadOut:
    """The latest signed tree head (public, so anyone can later check consistency)."""
    sth, key = service.published_tree_head(session, provider_id)
    return PublishedHeadOut(tree_head=TreeHeadOut.of(sth), public_key=key.hex())


@router.post("/providers/{provider_id}/tree-heads", response_model=TreeHeadOut, status_code=201)
def sign_tree_head(provider_id: str, session: Tx, actor: CurrentActor, clock: Clock) -> TreeHeadOut:
    return TreeHeadOut.of(service.sign(session, actor, provider_id, clock()))


@router.get("/providers/{provider_id}", response_model=StatusOut)
def log_status(provider_id: str, session: Tx, actor: CurrentActor) -> StatusOut:
    found = service.status(session, actor, provider_id)
    sth = found.latest_tree_head
    return StatusOut(
        provider_id=provider_id,
        size=found.head.size,
        root_hash=found.head.root_hash.hex(),
        retention_months=found.head.retention_months,
        public_key=found.head.public_key.hex(),
        latest_tree_head=TreeHeadOut.of(sth) if sth else None,
    )


@router.get("/providers/{provider_id}/proofs/inclusion", response_model=InclusionOut)
def inclusion_proof(
    provider_id: str,
    session: Tx,
    actor: CurrentActor,
    index: int = Query(ge=0, le=MAX_COUNT),
    tree_size: int | None = Query(default=None, ge=1, le=MAX_COUNT),
) -> InclusionOut:
    answer = service.inclusion(session, actor, provider_id, index, tree_size)
    return InclusionOut(
        index=answer.index,
        tree_size=answer.tree_size,
        leaf_hash=answer.leaf_hash.hex(),
        root_hash=answer.root_hash.hex(),
        proof=_hex(answer.proof),
    )


@router.get("/providers/{provider_id}/proofs/consistency", response_model=ConsistencyOut)
def consistency_proof(
    provider_id: str,
    session: Tx,
    actor: CurrentActor,
    old_size: int = Query(ge=0, le=MAX_COUNT),
    tree_size: int | None = Query(default=None, ge=0, le=MAX_COUNT),
) -> ConsistencyOut:
    answer = service.consistency(session, actor, provider_id, old_size, tree_size)
    return ConsistencyOut(
        old_size=answer.old_size,
        tree_size=answer.tree_size,
        old_root=answer.old_root.hex(),
        root_hash=answer.root_hash.hex(),
        proof=_hex(answer.proof),
    )


@router.put("/providers/{provider_id}/period", response_model=PeriodOut)
def set_period(provider_id: str, body: PeriodIn, session: Tx, actor: CurrentActor) -> PeriodOut:
    months = policy.set_retention_period(session, actor, provider_id, body.months, body.reason)
    return PeriodOut(provider_id=provider_id, retention_months=months)


@router.get("/providers/{provider_id}/holds", response_model=list[HoldOut])
def list_holds(provider_id: str, session: Tx, actor: CurrentActor) -> list[HoldOut]:
    return [HoldOut.of(h) for h in policy.active_holds(session, actor, provider_id)]


@router.post("/providers/{provider_id}/holds", response_model=HoldOut, status_code=201)
def place_hold(provider_id: str, body: HoldIn, session: Tx, actor: CurrentActor) -> HoldOut:
    hold = policy.place_hold(session, actor, provider_id, body.scope, body.value, body.reason)
    return HoldOut.of(hold)


@router.post("/holds/{hold_id}/release", response_model=HoldOut)
def release_hold(hold_id: str, body: ReasonIn, session: Tx, actor: CurrentActor) -> HoldOut:
    return HoldOut.of(policy.release_hold(session, actor, hold_id, body.reason))


@router.post("/providers/{provider_id}/purge", response_model=PurgeOut)
def purge(provider_id: str, session: Tx, actor: CurrentActor, clock: Clock) -> PurgeOut:
    result = policy.purge_provider(session, actor, provider_id, now=clock())
    return PurgeOut(
        provider_id=result.provider_id, cutoff=result.cutoff, purged=result.purged, held=result.held
    )


@router.post(
    "/providers/{provider_id}/exports",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "the export bundle"}},
)
def export(
    provider_id: str, body: ExportIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Response:
    """An export bundle for an authority; verify it offline with `chainwarden retention verify`.
    The export is logged before the bundle is returned."""
    query = ExportQuery(
        user_id=body.user_id,
        service_id=body.service_id,
        case_ref=body.case_ref,
        entry_types=tuple(str(t) for t in body.entry_types),
        since=body.since,
        until=body.until,
    )
    result = export_bundle(session, actor, provider_id, query, reason=body.reason, at=clock())
    headers: dict[str, Any] = {
        "Content-Disposition": f'attachment; filename="retention-{provider_id}-{result.tree_head.tree_size}.zip"'
    }
    return Response(result.bundle, media_type="application/zip", headers=headers)
