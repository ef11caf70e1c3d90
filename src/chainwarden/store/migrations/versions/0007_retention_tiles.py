"""retention: subtree hashes in tiles of 31 instead of one row each; entries by user per block

Revision ID: 0007_retention_tiles
Revises: 0006
Create Date: 2026-12-02 18:40:00.000000

Moves every stored subtree hash of ``retention_nodes`` into its tile of ``retention_tiles`` (the
layout is described in ``chainwarden.retention.tiles``; the arithmetic is repeated here so this
revision keeps working whatever later code does). No hash changes. Replaces the index on
``retention_entries.user_id`` (a page written per appended entry) by one on
``(provider_id, block, user_id)``, ``block`` being ``idx // 2^14``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_retention_tiles"
down_revision = "0006"
branch_labels = None
depends_on = None

SHIFT = 48  # a key is level·2^48 + index, for subtrees and tiles alike
MASK = (1 << SHIFT) - 1
HEIGHT = 5  # chainwarden.retention.tiles.TILE_HEIGHT when this revision was written
BLOCK_SHIFT = 14
CHUNK = 5000

NODES = sa.table(
    "retention_nodes",
    sa.column("provider_id", sa.String),
    sa.column("node", sa.BigInteger),
    sa.column("hash", sa.LargeBinary),
)
TILES = sa.table(
    "retention_tiles",
    sa.column("provider_id", sa.String),
    sa.column("tile", sa.BigInteger),
    sa.column("hashes", sa.LargeBinary),
)


def _post_order() -> list[tuple[int, int]]:
    """(height, index within the tile) of a full tile's hashes, in stored order."""
    order = []
    for covered in range(1, (1 << HEIGHT) + 1):
        height = 1
        while height <= HEIGHT and covered % (1 << height) == 0:
            order.append((height, (covered >> height) - 1))
            height += 1
    return order


def _providers(connection: sa.Connection, table: Any) -> list[str]:
    query = sa.select(table.c.provider_id).distinct()
    return [str(p) for p in connection.execute(query).scalars()]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def upgrade() -> None:
    op.create_table(
        "retention_tiles",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("tile", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "tile", name=op.f("pk_retention_tiles")),
    )
    connection = op.get_bind()
    position = {node: p for p, node in enumerate(_post_order())}
    for provider_id in _providers(connection, NODES):
        tiles: dict[int, dict[int, bytes]] = {}
        query = sa.select(NODES.c.node, NODES.c.hash).where(NODES.c.provider_id == provider_id)
        for key, digest in connection.execute(query):
            level, index = key >> SHIFT, key & MASK
            tile_level = (level - 1) // HEIGHT
            height = level - tile_level * HEIGHT
            shift = HEIGHT - height
            tile = (tile_level << SHIFT) | (index >> shift)
            spot = position[(height, index & ((1 << shift) - 1))]
            tiles.setdefault(tile, {})[spot] = bytes(digest)
        rows = []
        for tile, hashes in sorted(tiles.items()):
            # A tile is the prefix of complete subtrees; one missing (which a correct log never
            # has) ends it there, and ``verify_log`` then reports the subtrees it lacks.
            count = 0
            while count in hashes:
                count += 1
            joined = b"".join(hashes[p] for p in range(count))
            rows.append({"provider_id": provider_id, "tile": tile, "hashes": joined})
        for chunk in _chunks(rows):
            connection.execute(sa.insert(TILES), chunk)
    op.drop_table("retention_nodes")
    with op.batch_alter_table("retention_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("block", sa.BigInteger(), nullable=True))
    op.execute(f"UPDATE retention_entries SET block = idx / {1 << BLOCK_SHIFT}")
    with op.batch_alter_table("retention_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_entries_user_id")
        batch_op.create_index(
            "ix_retention_entries_provider_block_user",
            ["provider_id", "block", "user_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("retention_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_entries_provider_block_user")
        batch_op.create_index("ix_retention_entries_user_id", ["user_id"], unique=False)
        batch_op.drop_column("block")
    op.create_table(
        "retention_nodes",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("node", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "node", name=op.f("pk_retention_nodes")),
    )
    connection = op.get_bind()
    order = _post_order()
    for provider_id in _providers(connection, TILES):
        rows = []
        query = sa.select(TILES.c.tile, TILES.c.hashes).where(TILES.c.provider_id == provider_id)
        for tile, hashes in connection.execute(query):
            tile_level, tile_index = tile >> SHIFT, tile & MASK
            for spot in range(len(hashes) // 32):
                height, local = order[spot]
                level = tile_level * HEIGHT + height
                index = (tile_index << (HEIGHT - height)) | local
                digest = bytes(hashes[32 * spot : 32 * spot + 32])
                rows.append(
                    {"provider_id": provider_id, "node": (level << SHIFT) | index, "hash": digest}
                )
        for chunk in _chunks(rows):
            connection.execute(sa.insert(NODES), chunk)
    op.drop_table("retention_tiles")
