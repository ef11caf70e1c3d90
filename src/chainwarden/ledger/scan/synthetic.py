"""Synthetic Bitcoin block files shaped like mainnet's (segwit spends, pay-to-witness outputs, a
text in some OP_RETURN outputs and coinbases), for benchmarks, tests and trying the scanners
without a node. Deterministic for a seed."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

MAINNET = bytes.fromhex("f9beb4d9")
TEXTS = (
    "hello from the chain, 2026",
    "ICO presale 100x guaranteed, join now",
    "空气币预售 保本高收益 拉人头返佣",
    "Lightning node announcement: channel open",
    "区块链技术白皮书 第三章 共识机制",
    "永久返佣 合约交易 加微信客服",
)


def _varint(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def _push(data: bytes) -> bytes:
    return (bytes([len(data)]) if len(data) < 0x4C else b"\x4c" + bytes([len(data)])) + data


def block(rng: random.Random, height: int, txs: int, texts: Sequence[str] = TEXTS) -> bytes:
    """One block of ``txs`` transactions; about one in 40 carries a text in an OP_RETURN."""
    out = bytearray()
    out += (0x20000000).to_bytes(4, "little") + rng.randbytes(64)
    out += (1_700_000_000 + height * 600).to_bytes(4, "little") + rng.randbytes(8)
    out += _varint(txs + 1)
    pool = f"/pool {height % 7}/".encode()
    coinbase_script = _push(height.to_bytes(4, "little")) + _push(pool)
    out += b"\x01\x00\x00\x00" + _varint(1) + b"\x00" * 32 + b"\xff" * 4
    out += _varint(len(coinbase_script)) + coinbase_script + b"\xff" * 4
    out += _varint(1) + (625_000_000).to_bytes(8, "little") + b"\x16\x00\x14" + rng.randbytes(20)
    out += b"\x00" * 4
    for n in range(txs):
        inputs = 1 + (n % 3 == 0)
        outputs = [b"\x00\x14" + rng.randbytes(20), b"\x00\x14" + rng.randbytes(20)]
        if rng.random() < 0.025:
            outputs.append(b"\x6a" + _push(rng.choice(texts).encode()))
        out += b"\x02\x00\x00\x00\x00\x01" + _varint(inputs)
        for _ in range(inputs):
            out += rng.randbytes(36) + b"\x00" + b"\xfd\xff\xff\xff"
        out += _varint(len(outputs))
        for script in outputs:
            out += rng.randbytes(8) + _varint(len(script)) + script
        for _ in range(inputs):
            out += b"\x02" + _push(rng.randbytes(71)) + _push(b"\x02" + rng.randbytes(32))
        out += b"\x00" * 4
    return bytes(out)


def frames(seed: int, size_bytes: int, txs_per_block: int = 2000) -> Iterator[bytes]:
    """Framed blocks (blk*.dat layout) until ``size_bytes`` is reached."""
    rng = random.Random(seed)
    written = height = 0
    while written < size_bytes:
        raw = block(rng, height, txs_per_block)
        frame = MAINNET + len(raw).to_bytes(4, "little") + raw
        written += len(frame)
        height += 1
        yield frame


def write_blk_file(path: Path, size_bytes: int, *, seed: int = 1, txs_per_block: int = 2000) -> int:
    """Write a blk*.dat-style file of at least ``size_bytes``; returns the blocks written."""
    count = 0
    with path.open("wb") as f:
        for frame in frames(seed, size_bytes, txs_per_block):
            f.write(frame)
            count += 1
    return count
