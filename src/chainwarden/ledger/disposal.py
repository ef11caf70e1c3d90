"""Disposal (处置): an order names items, a reason and a reference; executing it deletes the
items' content and salt and appends a signed disposal record, so the chain still verifies and the
disposal itself can be proven to anyone holding the chain's public key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts.access import Actor, Role, denied, not_found
from chainwarden.audit import record as audit
from chainwarden.ledger.blocks import timestamp
from chainwarden.ledger.chains import append_block, block_dict, locked
from chainwarden.ledger.errors import LedgerError
from chainwarden.ledger.hashing import record_hash
from chainwarden.ledger.items import header_dict_valid, item_proof, seal_chain
from chainwarden.ledger.models import BlockKind, Chain, Disposal, DisposalState, Item
from chainwarden.store.base import utcnow

# Called inside the executing transaction after a disposal, e.g. to log it in retention.
DisposalListener = Callable[[Session, Disposal], None]
_listeners: list[DisposalListener] = []


def add_disposal_listener(listener: DisposalListener) -> None:
    """Have ``listener(session, disposal)`` called for every executed disposal."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_disposal_listener(listener: DisposalListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _check_scope(actor: Actor, chain: Chain) -> None:
    if not actor.can_see(chain.provider_id or "", chain.province_code or ""):
        raise not_found("处置对象", "Disposal target")


def _required(name: str, value: str) -> str:
    if not value or not value.strip():
        raise LedgerError("missing_field", f"缺少必填项 {name}", f"{name} is required", field=name)
    return value.strip()


def issue_disposal(
    session: Session,
    actor: Actor,
    *,
    item_ids: Sequence[str],
    reason: str,
    reference: str,
    now: datetime | None = None,
) -> Disposal:
    """A regulator's order or a provider's decision naming items on one provider's chain."""
    actor.require(Role.ADMIN, Role.REGULATOR, Role.PROVIDER_ADMIN)
    reason, reference = _required("reason", reason), _required("reference", reference)
    targets = list(dict.fromkeys(item_ids))
    if not targets:
        raise LedgerError(
            "no_targets", "处置令须指明至少一条内容", "name at least one item", field="item_ids"
        )
    items = list(session.scalars(select(Item).where(Item.id.in_(targets))))
    found = {i.id for i in items}
    missing = [t for t in targets if t not in found]
    if missing:
        raise LedgerError(
            "item_not_found",
            f"内容不存在：{', '.join(missing)}",
            f"Items not found: {', '.join(missing)}",
            kind="not_found",
        )
    chain_ids = {i.chain_id for i in items}
    if len(chain_ids) != 1:
        raise LedgerError(
            "several_chains",
            "一份处置令只能针对同一提供者的内容",
            "One order may only name items of one provider",
        )
    chain = session.get_one(Chain, chain_ids.pop())
    _check_scope(actor, chain)
    if actor.is_provider:
        actor.require_provider_admin_of(chain.provider_id or "")
    already = [i.id for i in items if i.disposal_id is not None]
    if already:
        raise LedgerError(
            "already_disposed",
            f"内容已被处置：{', '.join(already)}",
            f"Already disposed: {', '.join(already)}",
            kind="conflict",
        )
    moment = now or utcnow()
    disposal = Disposal(
        chain_id=chain.id,
        provider_id=chain.provider_id,
        province_code=chain.province_code,
        reference=reference,
        reason=reason,
        targets=targets,
        state=DisposalState.ISSUED,
        issued_by=actor.name,
        issued_role=str(actor.role),
        issued_at=moment,
    )
    session.add(disposal)
    session.flush()
    audit(
        session,
        actor,
        "ledger.disposal_issued",
        "disposal",
        disposal.id,
        reason=reason,
        provider_id=chain.provider_id,
        province_code=chain.province_code,
        details={"reference": reference, "targets": targets},
        at=moment,
    )
    return disposal


def get_disposal(session: Session, actor: Actor, disposal_id: str) -> Disposal:
    disposal = session.get(Disposal, disposal_id)
    if disposal is None or not actor.can_see(
        disposal.provider_id or "", disposal.province_code or ""
    ):
        raise not_found("处置令", "Disposal order")
    return disposal


def execute_disposal(
    session: Session,
    actor: Actor,
    disposal_id: str,
    *,
    now: datetime | None = None,
    on_disposed: DisposalListener | None = None,
) -> Disposal:
    """Delete the targets' content and salt and append the signed disposal record.

    Only the targets and one new block are touched, so it takes the same time on any length of
    chain. Targets still pending are sealed first, so their commitment is provably on-chain."""
    actor.require(Role.ADMIN, Role.REGULATOR, Role.PROVIDER_ADMIN)
    disposal = get_disposal(session, actor, disposal_id)
    if actor.is_provider and actor.provider_id != disposal.provider_id:
        raise denied()
    chain = locked(session, disposal.chain_id)
    session.refresh(disposal, with_for_update=True)
    if disposal.state != DisposalState.ISSUED:
        raise LedgerError(
            "already_executed",
            "该处置令已执行",
            "The order has already been executed",
            kind="conflict",
        )
    moment = now or utcnow()
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(disposal.targets)))}
    if any(i.block_height is None for i in items.values()):
        seal_chain(session, chain.id, now=moment)
    targets = []
    for item_id in disposal.targets:
        item = items[item_id]
        if item.disposal_id is not None:
            raise LedgerError(
                "already_disposed",
                f"内容已被处置：{item.id}",
                f"Already disposed: {item.id}",
                kind="conflict",
            )
        targets.append(
            {
                "item_id": item.id,
                "commitment": item.commitment,
                "block_height": item.block_height,
                "position": item.position,
            }
        )
        item.content = None
        item.salt = None
        item.disposal_id = disposal.id
        item.disposed_at = moment
    record: dict[str, Any] = {
        "type": "disposal",
        "disposal_id": disposal.id,
        "reference": disposal.reference,
        "reason": disposal.reason,
        "issued_by": disposal.issued_by,
        "issued_role": disposal.issued_role,
        "issued_at": timestamp(disposal.issued_at),
        "executed_by": actor.name,
        "executed_at": timestamp(moment),
        "targets": targets,
    }
    block = append_block(
        session,
        chain,
        kind=BlockKind.DISPOSAL,
        merkle_root=merkle.root([merkle.hash_leaf(record_hash(record))]).hex(),
        leaf_count=1,
        record=record,
        now=moment,
    )
    disposal.state = DisposalState.EXECUTED
    disposal.executed_by = actor.name
    disposal.executed_at = moment
    disposal.block_height = block.height
    session.flush()
    audit(
        session,
        actor,
        "ledger.disposal_executed",
        "disposal",
        disposal.id,
        reason=disposal.reason,
        provider_id=disposal.provider_id,
        province_code=disposal.province_code,
        details={
            "reference": disposal.reference,
            "targets": list(disposal.targets),
            "block_height": block.height,
            "block_hash": block.hash,
        },
        at=moment,
    )
    for listener in [*_listeners, *([on_disposed] if on_disposed else [])]:
        listener(session, disposal)
    return disposal


def dispose(
    session: Session,
    actor: Actor,
    *,
    item_ids: Sequence[str],
    reason: str,
    reference: str,
    now: datetime | None = None,
    on_disposed: DisposalListener | None = None,
) -> Disposal:
    """Emergency takedown: issue the disposal and execute it at once."""
    disposal = issue_disposal(
        session, actor, item_ids=item_ids, reason=reason, reference=reference, now=now
    )
    return execute_disposal(session, actor, disposal.id, now=now, on_disposed=on_disposed)


def disposal_proof(session: Session, actor: Actor, disposal_id: str) -> dict[str, Any]:
    """Everything an outsider needs, with the chain's public key, to check that the named items
    were committed in signed blocks and that a signed disposal record removed them."""
    disposal = get_disposal(session, actor, disposal_id)
    if disposal.state != DisposalState.EXECUTED or disposal.block_height is None:
        raise LedgerError(
            "not_executed", "处置令尚未执行", "The order has not been executed", kind="conflict"
        )
    from chainwarden.ledger.items import block_at

    chain = session.get_one(Chain, disposal.chain_id)
    block = block_at(session, chain.id, disposal.block_height)
    items = [session.get_one(Item, item_id) for item_id in disposal.targets]
    return {
        "format": "chainwarden-disposal-proof-v1",
        "chain_id": chain.id,
        "provider_id": chain.provider_id,
        "public_key": chain.public_key,
        "record": block.record,
        "disposal_block": block_dict(block),
        "items": [item_proof(session, i) for i in items],
    }


def check_disposal_proof(proof: dict[str, Any], public_key: str | None = None) -> list[str]:
    """Problems found in a disposal proof (empty when it holds). Needs nothing but the proof and,
    to be meaningful, the chain's public key obtained independently (else the proof's own)."""
    problems: list[str] = []
    try:
        key = public_key or str(proof["public_key"])
        record = proof["record"]
        block = proof["disposal_block"]
        problems += header_dict_valid(block, key)
        if block.get("kind") != BlockKind.DISPOSAL:
            problems.append("the disposal block is not a disposal block")
        if merkle.root([merkle.hash_leaf(record_hash(record))]).hex() != block.get("merkle_root"):
            problems.append("the disposal record is not the one the block commits to")
        targets = {t["item_id"]: t for t in record["targets"]}
        proven = set()
        for entry in proof["items"]:
            item_id = entry["item_id"]
            header = entry["block"]
            problems += header_dict_valid(header, key)
            if int(header["height"]) >= int(block["height"]):
                problems.append(f"item {item_id}: committed after the disposal")
            target = targets.get(item_id)
            if target is None or target["commitment"] != entry["commitment"]:
                problems.append(f"item {item_id}: not named in the record with this commitment")
            leaf = merkle.hash_leaf(bytes.fromhex(entry["commitment"]))
            position, size = int(entry["position"]), int(header["leaf_count"])
            path = [bytes.fromhex(h) for h in entry["inclusion"]]
            root: bytes | None
            try:
                root = merkle.root_from_inclusion(position, size, leaf, path)
            except ValueError:  # a path that cannot fit: the commitment is not proven
                root = None
            if root is None or root.hex() != header["merkle_root"]:
                problems.append(f"item {item_id}: commitment is not in block {header['height']}")
            proven.add(item_id)
        for item_id in set(targets) - proven:
            problems.append(f"item {item_id}: no inclusion proof")
    except KeyError as exc:
        problems.append(f"malformed proof: the field {exc.args[0]} is missing")
    except (TypeError, ValueError, AttributeError):
        problems.append("malformed proof: a field has the wrong type or value")
    return problems
