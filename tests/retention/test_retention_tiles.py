"""The tile layout of the stored tree, the directly written leaf text, and the migration that
moved the one-row-per-subtree store into tiles."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from chainwarden import merkle
from chainwarden.accounts import Actor, Role
from chainwarden.merkle import canonical_json
from chainwarden.retention import EntryType, NewEntry, append_many, tiles
from chainwarden.retention import log as retention_log
from chainwarden.retention.log import leaf_text
from chainwarden.retention.models import LogEntry, node_key, node_of_key
from chainwarden.store import Database
from chainwarden.store.db import alembic_config, upgrade

from support.retention import Logs


def _leaf(i: int) -> bytes:
    return merkle.hash_leaf(i.to_bytes(8, "big"))


def _tree(size: int, batch: int) -> tuple[dict[tiles.TileId, bytes], dict[merkle.NodeId, bytes]]:
    """Tiles written the way appends write them (batch by batch, edge tiles extended), and
    every subtree the tree has."""
    stored: dict[tiles.TileId, bytes] = {}
    nodes: dict[merkle.NodeId, bytes] = {}
    frontier: list[bytes] = []
    done = 0
    while done < size:
        edge = {t: stored[t] for t in tiles.edge_tiles(done) if t in stored}
        writer = tiles.TileWriter(edge)

        def add(level: int, index: int, digest: bytes, writer: tiles.TileWriter = writer) -> None:
            nodes[(level, index)] = digest
            writer.add(level, index, digest)

        for i in range(done, min(done + batch, size)):
            merkle.append_leaf(frontier, i, _leaf(i), add)
        done = min(done + batch, size)
        stored.update(writer.tiles())
    return stored, nodes


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 70_000), st.integers(1, 3000))
def test_every_subtree_is_found_where_tile_of_says(size: int, batch: int) -> None:
    stored, nodes = _tree(size, batch)
    assert sum(tiles.hashes_in(t) for t in stored.values()) == size - size.bit_count()
    for node, digest in nodes.items():
        tile, position = tiles.tile_of(node)
        assert tiles.node_in(stored[tile], position) == digest
    for tile, data in stored.items():
        assert tiles.hashes_in(data) <= tiles.TILE_HASHES
        assert [nodes[n] for n in tiles.nodes_of(tile, data)] == [
            data[i : i + 32] for i in range(0, len(data), 32)
        ]


def test_a_full_tile_holds_its_31_subtrees_and_the_next_level_starts_above_it() -> None:
    assert tiles.TILE_HEIGHT == 5  # the migration that created the tiles repeats this
    stored, _ = _tree(32 * 32 + 5, 100)
    assert tiles.hashes_in(stored[(0, 0)]) == 31
    assert tiles.tile_of((5, 0)) == ((0, 0), 30)  # a tile's top hash is its last
    assert tiles.tile_of((6, 0)) == ((1, 0), 0)
    assert tiles.hashes_in(stored[(1, 0)]) == 31
    assert tiles.hashes_in(stored[(0, 32)]) == 5 - 2  # 5 = 0b101 leaves on the edge
    assert tiles.edge_tiles(32 * 32 + 5) == [(0, 32), (1, 1)]


texts = st.one_of(st.none(), st.text(max_size=30))


@settings(max_examples=200)
@given(texts, st.text(max_size=30), texts, texts, texts, texts, st.text(max_size=30))
def test_leaf_text_is_the_canonical_json_of_the_leaf(
    actor_id: str | None,
    actor_name: str,
    actor_role: str | None,
    service: str | None,
    user: str | None,
    case: str | None,
    provider: str,
) -> None:
    digest = hashlib.sha256(provider.encode("utf-8", "replace")).hexdigest()
    at = "2026-03-02T03:00:00.123456+00:00"
    expected = canonical_json(
        {
            "v": 1,
            "log": provider,
            "index": 12345,
            "id": "0193e0b8-9c1e-7d2a-8f00-000000000001",
            "type": "published_item",
            "at": at,
            "actor": {"id": actor_id, "name": actor_name, "role": actor_role},
            "service": service,
            "user": user,
            "case": case,
            "payload_sha256": digest,
        }
    )
    got = leaf_text(
        provider,
        12345,
        "0193e0b8-9c1e-7d2a-8f00-000000000001",
        "published_item",
        at,
        (actor_id, actor_name, actor_role),
        service,
        user,
        case,
        digest,
    )
    assert got == expected


def test_migration_moves_stored_subtrees_into_tiles_and_back(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(database.engine, "0006")
    _, nodes = _tree(70_000, 70_000)
    rows = [("p-1", node_key(*node), digest) for node, digest in nodes.items()]
    rows += [("p-2", node_key(1, 0), b"\x07" * 32)]
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO retention_nodes (provider_id, node, hash) VALUES (?, ?, ?)", rows
        )
    raw = sqlite3.connect(tmp_path / "old.db")  # foreign keys off: entries without a provider
    with raw:
        raw.executemany(
            "INSERT INTO retention_entries (id, provider_id, idx, entry_type, at, actor_name, "
            "leaf, leaf_hash) VALUES (?, 'p-1', ?, 'login', '2026-01-01', 'x', '{}', x'00')",
            [(f"e-{i}", i) for i in (0, 16383, 16384, 40000)],
        )
    raw.close()

    upgrade(database.engine, "head")
    with database.engine.connect() as conn:
        stored = conn.execute(text("SELECT provider_id, tile, hashes FROM retention_tiles")).all()
    by_provider: dict[str, dict[tiles.TileId, bytes]] = {}
    for provider, tile, data in stored:
        by_provider.setdefault(provider, {})[node_of_key(tile)] = data
    expected, _ = _tree(70_000, 1000)
    assert by_provider["p-1"] == expected
    assert by_provider["p-2"] == {(0, 0): b"\x07" * 32}
    with database.engine.connect() as conn:
        blocks = conn.execute(text("SELECT idx, block FROM retention_entries ORDER BY idx")).all()
    assert [tuple(b) for b in blocks] == [(0, 0), (16383, 0), (16384, 1), (40000, 2)]

    with database.engine.begin() as conn:  # a downgrade on SQLite copies the table, checking keys
        conn.execute(text("DELETE FROM retention_entries"))

    command.downgrade(alembic_config(database.engine), "0006")
    with database.engine.connect() as conn:
        back = conn.execute(text("SELECT provider_id, node, hash FROM retention_nodes")).all()
    assert sorted(back) == sorted(rows)
    database.dispose()


def test_stored_leaves_are_canonical_json_whatever_the_strings(logs: Logs) -> None:
    odd = ['引号"与\\反斜杠', "控制\x01\x1f字符\n", "emoji 🧾 and \u2028", ""]
    items = [
        NewEntry(
            EntryType.ADMIN_OPERATION,
            Actor(f"id-{text}", text, Role.PROVIDER_ADMIN, provider_id=logs.beijing),
            {"text": text},
            service_id=text,
            user_id=text,
            case_ref=text,
        )
        for text in odd
    ] + [NewEntry(EntryType.LOGIN, odd[0], {})]
    with logs.db.session() as s:
        entries = append_many(s, logs.beijing, items)
        leaves = [
            s.scalars(select(LogEntry.leaf).where(LogEntry.id == e.id)).one() for e in entries
        ]
        assert retention_log.verify_log(s, logs.beijing) == []
    for entry, leaf in zip(entries, leaves, strict=True):
        assert leaf == canonical_json(json.loads(leaf))
        assert merkle.hash_leaf(leaf.encode()) == entry.leaf_hash
    assert json.loads(leaves[1])["actor"]["name"] == odd[1]
    assert json.loads(leaves[-1])["actor"] == {"id": None, "name": odd[0], "role": None}
