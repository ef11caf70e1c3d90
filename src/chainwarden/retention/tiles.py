"""The stored tree as tiles (after transparency-dev's tlog tiles): pure arithmetic, no database.

A tile ``(tile_level, tile_index)`` of height h = ``TILE_HEIGHT`` covers 2^h consecutive nodes
of tree level ``h·tile_level`` and holds every complete subtree hash *above* them inside its
block: tree levels ``h·tile_level + 1`` … ``h·tile_level + h``, 2^h − 1 hashes when the tile is
full. Leaf hashes (level 0) live on the entries, and a tile's top hash is the bottom of the tile
above, so every hash of the tree is stored exactly once.

Height 5 (31 hashes, 992 bytes): a tile stays inside its row, both in an SQLite page and below
PostgreSQL's TOAST threshold, so reading one is a single index look-up. Taller tiles (height 8,
8 KB) append no faster and made proofs on PostgreSQL twice as slow, reading TOAST chunks.

Inside a tile the hashes are kept in the order their subtrees complete (post-order: children
before parents, left before right). Appending leaves therefore only ever *extends* a tile's
bytes, the partial tile on the right edge is a prefix of the full one, and one row per tile
replaces one row per subtree.
"""

from __future__ import annotations

from chainwarden.merkle import HASH_SIZE, NodeId

TILE_HEIGHT = 5
TILE_WIDTH = 1 << TILE_HEIGHT  # nodes of the tile's bottom level it covers
TILE_HASHES = TILE_WIDTH - 1  # hashes a full tile holds

TileId = tuple[int, int]  # (tile_level, tile_index)


def tile_of(node: NodeId) -> tuple[TileId, int]:
    """The tile that stores subtree ``(level, index)`` (level ≥ 1) and its position in it."""
    level, index = node
    if level < 1:
        raise ValueError("leaf hashes are not stored in tiles")
    tile_level = (level - 1) // TILE_HEIGHT
    height = level - tile_level * TILE_HEIGHT  # 1 … TILE_HEIGHT within the tile
    shift = TILE_HEIGHT - height
    local = index & ((1 << shift) - 1)
    # Bottom nodes covered once this subtree completes; the tile then holds ``w - popcount(w)``
    # hashes, of which the subtrees above this one that complete at the same moment come last.
    covered = (local + 1) << height
    trailing = (covered & -covered).bit_length() - 1
    position = covered - covered.bit_count() - (trailing - height) - 1
    return (tile_level, index >> shift), position


def hashes_in(tile: bytes) -> int:
    return len(tile) // HASH_SIZE


def node_in(tile: bytes, position: int) -> bytes | None:
    """The hash at ``position`` of a stored tile, or None if the tile does not reach it yet."""
    start = position * HASH_SIZE
    end = start + HASH_SIZE
    return tile[start:end] if end <= len(tile) else None


def _post_order() -> list[tuple[int, int]]:
    """(height, index within the tile) of a full tile's hashes, in stored order."""
    order = []
    for covered in range(1, TILE_WIDTH + 1):
        height = 1
        while height <= TILE_HEIGHT and covered % (1 << height) == 0:
            order.append((height, (covered >> height) - 1))
            height += 1
    return order


POST_ORDER = tuple(_post_order())


def nodes_of(tile: TileId, data: bytes) -> list[NodeId]:
    """The subtrees whose hashes a stored tile holds, in its order (a trailing partial hash,
    which a correct tile never has, names nothing)."""
    tile_level, tile_index = tile
    base = tile_level * TILE_HEIGHT
    return [
        (base + height, (tile_index << (TILE_HEIGHT - height)) | local)
        for height, local in POST_ORDER[: hashes_in(data)]
    ]


class TileWriter:
    """Collects the subtrees an append closes, tile by tile, in the order they complete.

    ``add`` takes exactly what ``merkle.append_leaf`` reports; ``tiles`` gives each touched tile's
    new bytes, to be written over the stored ones (the edge tile's old bytes come first)."""

    def __init__(self, edge: dict[TileId, bytes] | None = None) -> None:
        self._tiles: dict[TileId, bytearray] = {}
        self._edge = edge or {}

    def add(self, level: int, index: int, digest: bytes) -> None:
        tile_level = (level - 1) // TILE_HEIGHT
        tile = (tile_level, index >> (TILE_HEIGHT * (tile_level + 1) - level))
        buffer = self._tiles.get(tile)
        if buffer is None:
            buffer = self._tiles[tile] = bytearray(self._edge.get(tile, b""))
        buffer += digest

    def tiles(self) -> dict[TileId, bytes]:
        return {tile: bytes(buffer) for tile, buffer in self._tiles.items()}


def edge_tiles(size: int) -> list[TileId]:
    """The tiles that may be partial in a tree of ``size`` leaves: the rightmost tile of each
    tile level that has one started. Appends extend these (and start new ones)."""
    tiles = []
    tile_level = 0
    bottom = size  # nodes of level TILE_HEIGHT·tile_level
    while bottom >= 2:
        tiles.append((tile_level, bottom // TILE_WIDTH))
        tile_level += 1
        bottom //= TILE_WIDTH
    return tiles
