"""Appending to a provider's log: typed entries, their payloads, and the tree kept in step.

``append`` and ``append_many`` work inside the caller's transaction and never commit: an item and
its log entry are written together or not at all, and an entry counts as acknowledged only once
the caller's transaction has committed. Appends to one provider's log are serialised by a write
lock on its head row (``UPDATE … `` first, so SQLite takes its write lock before reading and
PostgreSQL holds a row lock), so two processes can never interleave their leaves.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, CursorResult, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor
from chainwarden.keys import keyring
from chainwarden.registry.models import Provider
from chainwarden.retention import merkle
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.heads import timestamp
from chainwarden.retention.models import (
    LogEntry,
    LogNode,
    LogPayload,
    RetentionLog,
    node_key,
    node_of_key,
)
from chainwarden.store.base import utcnow

LEAF_VERSION = 1

# Core tables: appends write plain rows in bulk, without building ORM objects.
LOGS = cast(Table, RetentionLog.__table__)
ENTRIES = cast(Table, LogEntry.__table__)
PAYLOADS = cast(Table, LogPayload.__table__)
NODES = cast(Table, LogNode.__table__)


class EntryType(StrEnum):
    PUBLISHED_ITEM = "published_item"  # content a user published
    SCREENING_DECISION = "screening_decision"
    REVIEWER_DECISION = "reviewer_decision"
    USER_MEASURE = "user_measure"  # warning, restriction, closure … of a user
    LOGIN = "login"
    ADMIN_OPERATION = "admin_operation"
    EXPORT = "export"  # an export for an authority (every export is itself logged)


ENTRY_TYPES = frozenset(str(t) for t in EntryType)


@dataclass(frozen=True)
class NewEntry:
    entry_type: str
    actor: Actor | str
    payload: dict[str, Any]
    service_id: str | None = None
    user_id: str | None = None
    case_ref: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    provider_id: str
    index: int
    entry_type: str
    at: datetime
    leaf_hash: bytes


# One encoder for every canonical text (``json.dumps`` with options builds a new one per call).
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def canonical_json(value: Any) -> str:
    """One spelling for a JSON value, so the same data always hashes the same."""
    return _CANONICAL.encode(value)


def new_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs in their usual text form, from one read of the
    system's random source instead of one ``uuid.uuid4()`` object each."""
    raw = bytearray(secrets.token_bytes(16 * count))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    text = raw.hex()
    ids = []
    for start in range(0, 32 * count, 32):
        h = text[start : start + 32]
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


def payload_digest(salt: bytes, body: str) -> str:
    """Salted, so a short payload cannot be guessed back from its digest once purged."""
    return hashlib.sha256(salt + body.encode()).hexdigest()


def signing_key_context(provider_id: str) -> str:
    return f"retention.signing-key:{provider_id}"


def _frontier(raw: bytes) -> list[bytes]:
    return [raw[i : i + merkle.HASH_SIZE] for i in range(0, len(raw), merkle.HASH_SIZE)]


def _create_log(session: Session, provider_id: str) -> None:
    if session.get(Provider, provider_id) is None:
        raise RetentionError(
            "provider_not_found",
            f"服务提供者 {provider_id} 不存在",
            f"provider {provider_id} not found",
            kind="not_found",
        )
    key = Ed25519PrivateKey.generate()
    values = {
        "provider_id": provider_id,
        "size": 0,
        "root_hash": merkle.EMPTY_ROOT,
        "frontier": b"",
        "retention_months": 6,
        "signing_key": keyring().encrypt(
            key.private_bytes_raw(), context=signing_key_context(provider_id)
        ),
        "public_key": key.public_key().public_bytes_raw(),
        "created_at": utcnow(),
    }
    # Two first appends may race to create the log: the loser's key is simply dropped.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(pg_insert(RetentionLog).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite_insert(RetentionLog).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - other databases are not supported
        session.execute(insert(RetentionLog).values(values))


def open_log(session: Session, provider_id: str) -> None:
    """Make sure the provider has a log (and a signing key); creates them on first use."""
    exists = session.scalar(
        select(RetentionLog.provider_id).where(RetentionLog.provider_id == provider_id)
    )
    if exists is None:
        _create_log(session, provider_id)


def _lock_head(session: Session, provider_id: str) -> tuple[int, list[bytes]]:
    table = LOGS
    touch = update(table).where(table.c.provider_id == provider_id).values(size=table.c.size)
    result = cast(CursorResult[Any], session.execute(touch))
    if result.rowcount == 0:
        _create_log(session, provider_id)
    row = session.execute(
        select(table.c.size, table.c.frontier)
        .where(table.c.provider_id == provider_id)
        .with_for_update()
    ).one()
    return int(row.size), _frontier(row.frontier)


def _checked(item: NewEntry) -> tuple[str, datetime, str]:
    if item.entry_type not in ENTRY_TYPES:
        allowed = ", ".join(EntryType)
        raise RetentionError(
            "invalid_entry_type",
            f"日志条目类型必须是 {allowed} 之一",
            f"entry type must be one of {allowed}",
            field="entry_type",
        )
    at = item.at or utcnow()
    if at.tzinfo is None:
        raise RetentionError(
            "naive_time", "日志时间必须带时区", "entry time must carry a timezone", field="at"
        )
    if not isinstance(item.payload, dict):
        raise RetentionError(
            "invalid_payload", "日志内容必须是 JSON 对象", "payload must be a JSON object"
        )
    try:
        body = canonical_json(item.payload)
    except (TypeError, ValueError) as exc:
        raise RetentionError(
            "invalid_payload",
            f"日志内容无法写成 JSON：{exc}",
            f"payload is not JSON-serialisable: {exc}",
            field="payload",
        ) from None
    for name in ("service_id", "user_id", "case_ref"):
        value = getattr(item, name)
        if value is not None and not isinstance(value, str):
            raise RetentionError(
                "invalid_value", f"{name} 必须是字符串", f"{name} must be a string", field=name
            )
    return str(item.entry_type), at, body


_Processor = Callable[[Any], Any]
_INSERTS: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[tuple[int, _Processor]]]] = {}


def _insert_sql(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[tuple[int, _Processor]]]:
    """The driver-level ``INSERT`` for ``columns`` of ``table`` and the bind processors of the
    columns that need one (e.g. UTC timestamps), compiled once per dialect."""
    key = (dialect.name, table.name, columns)
    cached = _INSERTS.get(key)
    if cached is None:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
        )
        processors: list[tuple[int, _Processor]] = []
        for position, name in enumerate(columns):
            column_type = table.c[name].type
            processor = column_type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors.append((position, processor))
        cached = (sql, processors)
        _INSERTS[key] = cached
    return cached


def _insert_rows(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain rows with one ``executemany`` straight to the driver: no per-row parameter
    compilation, which costs more than the database's own work for batches of small rows."""
    sql, processors = _insert_sql(table, columns, connection.dialect)
    if processors:
        converted = []
        for row in rows:
            values = list(row)
            for position, processor in processors:
                if values[position] is not None:
                    values[position] = processor(values[position])
            converted.append(tuple(values))
        rows = converted
    connection.exec_driver_sql(sql, rows)


ENTRY_COLUMNS = (
    "id",
    "provider_id",
    "idx",
    "entry_type",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "service_id",
    "user_id",
    "case_ref",
    "leaf",
    "leaf_hash",
)
PAYLOAD_COLUMNS = ("entry_id", "salt", "body")
NODE_COLUMNS = ("provider_id", "node", "hash")


def append_many(session: Session, provider_id: str, items: Sequence[NewEntry]) -> list[Entry]:
    """Append entries in order as one batch; returns them with their leaf index and hash."""
    if not items:
        return []
    checked = [_checked(item) for item in items]
    size, frontier = _lock_head(session, provider_id)
    entry_rows: list[tuple[Any, ...]] = []
    payload_rows: list[tuple[Any, ...]] = []
    node_rows: list[tuple[Any, ...]] = []

    def new_node(level: int, index: int, digest: bytes) -> None:
        node_rows.append((provider_id, node_key(level, index), digest))

    entry_ids = new_ids(len(items))
    salts = secrets.token_bytes(16 * len(items))
    out = []
    for number, (item, (entry_type, at, body)) in enumerate(zip(items, checked, strict=True)):
        entry_id = entry_ids[number]
        salt = salts[16 * number : 16 * number + 16]
        actor = item.actor
        actor_id, actor_name, actor_role = (
            (actor.id, actor.name, str(actor.role))
            if isinstance(actor, Actor)
            else (None, str(actor), None)
        )
        leaf = canonical_json(
            {
                "v": LEAF_VERSION,
                "log": provider_id,
                "index": size,
                "id": entry_id,
                "type": entry_type,
                "at": timestamp(at),
                "actor": {"id": actor_id, "name": actor_name, "role": actor_role},
                "service": item.service_id,
                "user": item.user_id,
                "case": item.case_ref,
                "payload_sha256": payload_digest(salt, body),
            }
        )
        leaf_hash = merkle.hash_leaf(leaf.encode())
        merkle.append_leaf(frontier, size, leaf_hash, new_node)
        entry_rows.append(
            (
                entry_id,
                provider_id,
                size,
                entry_type,
                at,
                actor_id,
                actor_name,
                actor_role,
                item.service_id,
                item.user_id,
                item.case_ref,
                leaf,
                leaf_hash,
            )
        )
        payload_rows.append((entry_id, salt, body))
        out.append(Entry(entry_id, provider_id, size, entry_type, at, leaf_hash))
        size += 1

    connection = session.connection()
    _insert_rows(connection, ENTRIES, ENTRY_COLUMNS, entry_rows)
    _insert_rows(connection, PAYLOADS, PAYLOAD_COLUMNS, payload_rows)
    if node_rows:
        _insert_rows(connection, NODES, NODE_COLUMNS, node_rows)
    table = LOGS
    connection.execute(
        update(table)
        .where(table.c.provider_id == provider_id)
        .values(size=size, root_hash=merkle.root_of_frontier(frontier), frontier=b"".join(frontier))
    )
    return out


def append(
    session: Session,
    *,
    provider_id: str,
    entry_type: str,
    actor: Actor | str,
    payload: dict[str, Any],
    service_id: str | None = None,
    user_id: str | None = None,
    case_ref: str | None = None,
    at: datetime | None = None,
) -> Entry:
    """Append one entry to the provider's log inside the caller's transaction (no commit)."""
    item = NewEntry(entry_type, actor, payload, service_id, user_id, case_ref, at)
    return append_many(session, provider_id, [item])[0]


@dataclass(frozen=True)
class LogHead:
    provider_id: str
    size: int
    root_hash: bytes
    retention_months: int
    public_key: bytes


def head(session: Session, provider_id: str) -> LogHead:
    row = session.execute(
        select(
            RetentionLog.size,
            RetentionLog.root_hash,
            RetentionLog.retention_months,
            RetentionLog.public_key,
        ).where(RetentionLog.provider_id == provider_id)
    ).one_or_none()
    if row is None:
        raise RetentionError(
            "log_not_found",
            f"服务提供者 {provider_id} 尚无留存日志",
            f"provider {provider_id} has no retention log",
            kind="not_found",
        )
    return LogHead(provider_id, int(row.size), row.root_hash, row.retention_months, row.public_key)


def _entries_in_order(session: Session, provider_id: str) -> Iterator[Any]:
    query = (
        select(LogEntry.idx, LogEntry.leaf, LogEntry.leaf_hash, LogPayload.salt, LogPayload.body)
        .outerjoin(LogPayload, LogPayload.entry_id == LogEntry.id)
        .where(LogEntry.provider_id == provider_id)
        .order_by(LogEntry.idx)
        .execution_options(yield_per=5000)
    )
    yield from session.execute(query)


def verify_log(session: Session, provider_id: str) -> list[str]:
    """Recompute the whole log from its stored leaves: every leaf hash, every payload digest,
    every stored subtree and the root. Returns the problems found (empty when it verifies)."""
    log = head(session, provider_id)
    problems: list[str] = []
    frontier: list[bytes] = []
    expected_nodes: dict[tuple[int, int], bytes] = {}
    size = 0
    for row in _entries_in_order(session, provider_id):
        where = f"entry {row.idx}"
        if row.idx != size:
            problems.append(f"{where}: expected index {size} (an entry is missing or moved)")
            size = row.idx
        if merkle.hash_leaf(row.leaf.encode()) != row.leaf_hash:
            problems.append(f"{where}: leaf text does not match its hash")
        leaf = json.loads(row.leaf)
        if leaf.get("index") != row.idx or leaf.get("log") != provider_id:
            problems.append(f"{where}: leaf names another position or log")
        if row.body is not None and payload_digest(row.salt, row.body) != leaf.get(
            "payload_sha256"
        ):
            problems.append(f"{where}: payload does not match the digest in its leaf")
        merkle.append_leaf(
            frontier, size, row.leaf_hash, lambda lv, ix, h: expected_nodes.__setitem__((lv, ix), h)
        )
        size += 1
    if size != log.size:
        problems.append(f"log head says {log.size} entries, {size} stored")
    if merkle.root_of_frontier(frontier) != log.root_hash:
        problems.append("root hash of the stored leaves differs from the log head")
    stored = session.execute(
        select(LogNode.node, LogNode.hash).where(LogNode.provider_id == provider_id)
    )
    count = 0
    for node in stored:
        count += 1
        level, index = node_of_key(node.node)
        if expected_nodes.get((level, index)) != node.hash:
            problems.append(f"stored subtree ({level}, {index}) is wrong")
    if count != len(expected_nodes):
        problems.append(f"{len(expected_nodes)} subtrees expected, {count} stored")
    return problems
