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
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, CursorResult, LargeBinary, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts.access import Actor
from chainwarden.keys import keyring
from chainwarden.merkle import canonical_json
from chainwarden.registry.models import Provider
from chainwarden.retention import tiles
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.heads import timestamp
from chainwarden.retention.models import (
    BLOCK_SHIFT,
    LogEntry,
    LogPayload,
    LogTile,
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
TILES = cast(Table, LogTile.__table__)


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


_RAND_B = (1 << 62) - 1  # the low 62 bits of a version 7 UUID, below its variant


def new_ids(count: int) -> list[str]:
    """``count`` time-ordered (version 7, RFC 9562) UUIDs in their usual text form, increasing
    within the batch: the millisecond clock, then a random 73-bit start plus a counter.

    Entries are inserted in id order, so the primary-key indexes of entries and payloads grow at
    their right edge; random (version 4) ids scatter every insert over the whole index, which
    costs a page write per entry once the index outgrows the cache."""
    millis = time.time_ns() // 1_000_000
    start = int.from_bytes(secrets.token_bytes(10)) >> 7  # 73 bits: the counter cannot overflow
    ids = []
    for counter in range(start, start + count):
        value = millis << 80 | 0x7 << 76 | (counter >> 62) << 64 | 0b10 << 62 | counter & _RAND_B
        h = f"{value:032x}"
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


def _checked(item: NewEntry, now: datetime) -> tuple[str, datetime, str]:
    if item.entry_type not in ENTRY_TYPES:
        allowed = ", ".join(EntryType)
        raise RetentionError(
            "invalid_entry_type",
            f"日志条目类型必须是 {allowed} 之一",
            f"entry type must be one of {allowed}",
            field="entry_type",
        )
    at = item.at or now
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


def _mark(dialect: Dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _insert_sql(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[tuple[int, _Processor]]]:
    """The driver-level ``INSERT`` for ``columns`` of ``table`` and the bind processors of the
    columns that need one (e.g. UTC timestamps), compiled once per dialect."""
    key = (dialect.name, table.name, columns)
    cached = _INSERTS.get(key)
    if cached is None:
        mark = _mark(dialect)
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
        )
        processors: list[tuple[int, _Processor]] = []
        for position, name in enumerate(columns):
            column_type = table.c[name].type
            if isinstance(column_type, LargeBinary):
                continue  # both drivers take ``bytes`` as they are
            processor = column_type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors.append((position, processor))
        cached = (sql, processors)
        _INSERTS[key] = cached
    return cached


def _bind_processor(column: Any, dialect: Dialect) -> _Processor:
    """What the column's type does to a value before it goes to the driver."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return cast(_Processor, processor) if processor is not None else (lambda value: value)


def _insert_rows(
    connection: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    converted: frozenset[str] = frozenset(),
) -> None:
    """Insert plain rows with one ``executemany`` straight to the driver: no per-row parameter
    compilation, which costs more than the database's own work for batches of small rows.
    ``converted`` names columns whose values already went through their bind processor."""
    sql, processors = _insert_sql(table, columns, connection.dialect)
    processors = [(p, f) for p, f in processors if columns[p] not in converted]
    if processors:
        ready = []
        for row in rows:
            values = list(row)
            for position, processor in processors:
                if values[position] is not None:
                    values[position] = processor(values[position])
            ready.append(tuple(values))
        rows = ready
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
    "block",
)
PAYLOAD_COLUMNS = ("entry_id", "salt", "body")


def _edge_tiles(connection: Connection, provider_id: str, size: int) -> dict[tiles.TileId, bytes]:
    """The stored bytes of the tiles an append may extend (the right edge of each tile level)."""
    keys = [node_key(*tile) for tile in tiles.edge_tiles(size)]
    if not keys:
        return {}
    mark = _mark(connection.dialect)
    sql = (
        f"SELECT {TILES.c.tile.name}, {TILES.c.hashes.name} FROM {TILES.name} "
        f"WHERE {TILES.c.provider_id.name} = {mark} "
        f"AND {TILES.c.tile.name} IN ({', '.join([mark] * len(keys))})"
    )
    rows = connection.exec_driver_sql(sql, (provider_id, *keys)).all()
    return {node_of_key(key): bytes(hashes) for key, hashes in rows}


def _write_tiles(connection: Connection, provider_id: str, new: dict[tiles.TileId, bytes]) -> None:
    """Store each touched tile whole: new tiles are inserted, the edge tile rewritten."""
    mark = _mark(connection.dialect)
    name, provider, tile, hashes = TILES.name, *(c.name for c in TILES.c)
    sql = (
        f"INSERT INTO {name} ({provider}, {tile}, {hashes}) VALUES ({mark}, {mark}, {mark}) "
        f"ON CONFLICT ({provider}, {tile}) DO UPDATE SET {hashes} = excluded.{hashes}"
    )
    rows = [(provider_id, node_key(*key), data) for key, data in new.items()]
    connection.exec_driver_sql(sql, rows)


_json_string = json.encoder.encode_basestring  # the C encoder behind ``ensure_ascii=False``


def _json_value(value: Any) -> str:
    return (
        "null"
        if value is None
        else _json_string(value)
        if isinstance(value, str)
        else canonical_json(value)
    )


def _leaf(
    log: str,
    index: int,
    entry_id: str,
    entry_type: str,
    at: str,
    actor: str,
    service: str,
    user: str,
    case: str,
    payload_sha256: str,
) -> str:
    """The leaf text from its values already written as JSON, keys in sorted order."""
    return (
        f'{{"actor":{actor},"at":{at},"case":{case},"id":{entry_id},"index":{index},'
        f'"log":{log},"payload_sha256":{payload_sha256},"service":{service},"type":{entry_type},'
        f'"user":{user},"v":{LEAF_VERSION}}}'
    )


def _actor_json(actor: tuple[Any, Any, Any]) -> str:
    j = _json_value
    return f'{{"id":{j(actor[0])},"name":{j(actor[1])},"role":{j(actor[2])}}}'


def leaf_text(
    provider_id: str,
    index: int,
    entry_id: str,
    entry_type: str,
    at: str,
    actor: tuple[Any, Any, Any],
    service_id: str | None,
    user_id: str | None,
    case_ref: str | None,
    payload_sha256: str,
) -> str:
    """The canonical JSON of a leaf, exactly ``canonical_json`` of it (keys sorted, no spaces),
    written out directly because it is built once per append."""
    j = _json_value
    return _leaf(
        j(provider_id),
        index,
        j(entry_id),
        j(entry_type),
        j(at),
        _actor_json(actor),
        j(service_id),
        j(user_id),
        j(case_ref),
        j(payload_sha256),
    )


def append_many(session: Session, provider_id: str, items: Sequence[NewEntry]) -> list[Entry]:
    """Append entries in order as one batch; returns them with their leaf index and hash.

    Entries without their own time get the batch's moment: the batch is appended (and
    committed) as one."""
    if not items:
        return []
    now = utcnow()
    checked = [_checked(item, now) for item in items]
    size, frontier = _lock_head(session, provider_id)
    connection = session.connection()
    writer = tiles.TileWriter(_edge_tiles(connection, provider_id, size))
    entry_rows: list[tuple[Any, ...]] = []
    payload_rows: list[tuple[Any, ...]] = []

    entry_ids = new_ids(len(items))
    salts = secrets.token_bytes(16 * len(items))
    out = []
    # Written once per batch rather than once per entry: most entries of a batch share them.
    # Generated ids, timestamps, types and hex digests need no JSON escaping.
    log_json = _json_value(provider_id)
    at_column = _bind_processor(ENTRIES.c.at, connection.dialect)
    moments: dict[datetime, tuple[str, Any]] = {}
    actors: dict[tuple[Any, Any, Any], str] = {}
    j = _json_value
    sha256 = hashlib.sha256
    append_leaf = merkle.append_leaf
    add_node = writer.add
    for number, (item, (entry_type, at, body)) in enumerate(zip(items, checked, strict=True)):
        entry_id = entry_ids[number]
        salt = salts[16 * number : 16 * number + 16]
        actor = item.actor
        who = (
            (actor.id, actor.name, str(actor.role))
            if isinstance(actor, Actor)
            else (None, str(actor), None)
        )
        actor_json = actors.get(who)
        if actor_json is None:
            actor_json = actors[who] = _actor_json(who)
        moment = moments.get(at)
        if moment is None:
            moment = moments[at] = (f'"{timestamp(at)}"', at_column(at))
        service_id, user_id, case_ref = item.service_id, item.user_id, item.case_ref
        leaf = _leaf(
            log_json,
            size,
            f'"{entry_id}"',
            f'"{entry_type}"',
            moment[0],
            actor_json,
            j(service_id),
            j(user_id),
            j(case_ref),
            f'"{sha256(salt + body.encode()).hexdigest()}"',  # payload_digest
        )
        leaf_hash = sha256(b"\x00" + leaf.encode()).digest()  # merkle.hash_leaf
        append_leaf(frontier, size, leaf_hash, add_node)
        entry_rows.append(
            (
                entry_id,
                provider_id,
                size,
                entry_type,
                moment[1],
                *who,
                service_id,
                user_id,
                case_ref,
                leaf,
                leaf_hash,
                size >> BLOCK_SHIFT,  # block_of
            )
        )
        payload_rows.append((entry_id, salt, body))
        out.append(Entry(entry_id, provider_id, size, entry_type, at, leaf_hash))
        size += 1

    _insert_rows(connection, ENTRIES, ENTRY_COLUMNS, entry_rows, converted=frozenset({"at"}))
    _insert_rows(connection, PAYLOADS, PAYLOAD_COLUMNS, payload_rows)
    touched = writer.tiles()
    if touched:
        _write_tiles(connection, provider_id, touched)
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
        select(LogTile.tile, LogTile.hashes).where(LogTile.provider_id == provider_id)
    )
    count = 0
    for tile in stored:
        data = bytes(tile.hashes)
        if len(data) % merkle.HASH_SIZE or tiles.hashes_in(data) > tiles.TILE_HASHES:
            problems.append(f"stored tile {node_of_key(tile.tile)} has a malformed length")
        for position, (level, index) in enumerate(tiles.nodes_of(node_of_key(tile.tile), data)):
            count += 1
            digest = data[position * merkle.HASH_SIZE : (position + 1) * merkle.HASH_SIZE]
            if expected_nodes.get((level, index)) != digest:
                problems.append(f"stored subtree ({level}, {index}) is wrong")
    if count != len(expected_nodes):
        problems.append(f"{len(expected_nodes)} subtrees expected, {count} stored")
    return problems
