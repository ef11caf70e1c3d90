"""Answering an authority's request: select entries, prove them, sign, bundle — and log it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts.access import Actor
from chainwarden.audit import record
from chainwarden.retention.bundle import FORMAT, manifest_message, write_bundle
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.heads import SignedTreeHead, timestamp
from chainwarden.retention.log import Entry, EntryType, append, head
from chainwarden.retention.models import LogEntry, LogPayload, block_of
from chainwarden.retention.policy import require_authority_or_manager
from chainwarden.retention.proofs import fetch_nodes, private_key, sign_tree_head
from chainwarden.store.base import utcnow

MAX_EXPORT = 100_000


@dataclass(frozen=True)
class ExportQuery:
    user_id: str | None = None
    service_id: str | None = None
    case_ref: str | None = None
    entry_types: tuple[str, ...] = field(default_factory=tuple)
    since: datetime | None = None
    until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["entry_types"] = list(self.entry_types)
        for name in ("since", "until"):
            if values[name] is not None:
                values[name] = timestamp(values[name])
        return values


@dataclass(frozen=True)
class ExportResult:
    bundle: bytes
    entries: int
    tree_head: SignedTreeHead
    logged_as: Entry


def export_bundle(
    session: Session,
    actor: Actor,
    provider_id: str,
    query: ExportQuery,
    *,
    reason: str,
    at: datetime | None = None,
) -> ExportResult:
    """Build a bundle of the matching entries (in log order) with proofs against a freshly
    signed tree head. The export is itself appended to the log first, so the head covers it."""
    provider = require_authority_or_manager(session, actor, provider_id)
    if not reason.strip():
        raise RetentionError("missing_field", "导出需要说明理由", "an export needs a reason")
    for entry_type in query.entry_types:
        if entry_type not in set(EntryType):
            raise RetentionError(
                "invalid_entry_type",
                f"未知的条目类型 {entry_type}",
                f"unknown entry type {entry_type}",
                field="entry_types",
            )
    log = head(session, provider_id)  # a provider without a log has nothing to export
    moment = at or utcnow()
    stmt = (
        select(LogEntry, LogPayload)
        .outerjoin(LogPayload, LogPayload.entry_id == LogEntry.id)
        .where(LogEntry.provider_id == provider_id)
        .order_by(LogEntry.idx)
        .limit(MAX_EXPORT + 1)
    )
    if query.user_id is not None:
        blocks = range(block_of(max(log.size - 1, 0)) + 1)
        stmt = stmt.where(LogEntry.user_id == query.user_id, LogEntry.block.in_(blocks))
    if query.service_id is not None:
        stmt = stmt.where(LogEntry.service_id == query.service_id)
    if query.case_ref is not None:
        stmt = stmt.where(LogEntry.case_ref == query.case_ref)
    if query.entry_types:
        stmt = stmt.where(LogEntry.entry_type.in_(query.entry_types))
    if query.since is not None:
        stmt = stmt.where(LogEntry.at >= query.since)
    if query.until is not None:
        stmt = stmt.where(LogEntry.at < query.until)
    rows = [(entry, payload) for entry, payload in session.execute(stmt)]
    if len(rows) > MAX_EXPORT:
        raise RetentionError(
            "export_too_large",
            f"一次导出不得超过 {MAX_EXPORT} 条，请缩小范围",
            f"an export holds at most {MAX_EXPORT} entries; narrow the query",
        )

    logged = append(
        session,
        provider_id=provider_id,
        entry_type=EntryType.EXPORT,
        actor=actor,
        payload={"query": query.to_json(), "entries": len(rows), "reason": reason},
        at=moment,
    )
    sth = sign_tree_head(session, provider_id, at=moment)

    plans = [merkle.inclusion_plan(entry.idx, sth.tree_size) for entry, _ in rows]
    nodes = fetch_nodes(session, provider_id, {n for plan in plans for n in plan.node_ids()})
    lines = []
    for (entry, payload), plan in zip(rows, plans, strict=True):
        lines.append(
            {
                "index": entry.idx,
                "id": entry.id,
                "leaf": entry.leaf,
                "leaf_sha256": entry.leaf_hash.hex(),
                "payload": payload.body if payload else None,
                "payload_salt": payload.salt.hex() if payload else None,
                "payload_purged": entry.payload_purged_at is not None,
                "inclusion_proof": [p.hex() for p in merkle.assemble(plan, nodes)],
            }
        )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "provider_id": provider_id,
        "provider_name": provider.name,
        "created_at": timestamp(moment),
        "created_by": actor.name,
        "reason": reason,
        "query": query.to_json(),
        "tree_size": sth.tree_size,
        "export_entry": logged.index,
        "entries": [
            {
                "index": line["index"],
                "id": line["id"],
                "leaf_sha256": line["leaf_sha256"],
                "payload": line["payload"] is not None,
            }
            for line in lines
        ],
    }
    manifest["signature"] = private_key(session, provider_id).sign(manifest_message(manifest)).hex()
    record(
        session,
        actor,
        "retention.export",
        "retention_log",
        provider_id,
        reason=reason,
        provider_id=provider_id,
        province_code=provider.province_code,
        details={"entries": len(lines), "tree_size": sth.tree_size, "log_index": logged.index},
        at=moment,
    )
    bundle = write_bundle(manifest, lines, sth, head(session, provider_id).public_key)
    return ExportResult(bundle, len(lines), sth, logged)
