"""Text in raw Bitcoin blocks: coinbase scripts, OP_RETURN outputs and data pushes in other output
scripts.

The scanner reads only what it reports from. A block is walked field by field (BIP 144 witness
layout included) without building transaction objects, and a transaction id is hashed only for a
transaction that holds text; python-bitcoinlib stays the reference the tests compare against.
Files are streamed frame by frame, so memory stays bounded whatever the file's size, and a scan
can be split at frame boundaries (``frame_offsets``) and resumed from a byte offset."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from chainwarden.ledger.scan.text import DEFAULT_MIN_BYTES, Extract, ScanError, printable_runs

# Network magics that frame blocks in Bitcoin Core's blk*.dat files.
MAGICS = {
    bytes.fromhex("f9beb4d9"),  # mainnet
    bytes.fromhex("0b110907"),  # testnet3
    bytes.fromhex("0a03cf40"),  # signet
    bytes.fromhex("fabfb5da"),  # regtest
}
# Consensus caps a block at 4 MB of weight; a frame claiming more is damage, not a block.
MAX_BLOCK_BYTES = 4_000_000
OP_RETURN = 0x6A
_PUSHDATA1, _PUSHDATA2, _PUSHDATA4 = 0x4C, 0x4D, 0x4E


class Malformed(ValueError):
    """Why the bytes are not a block, in words."""


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise Malformed("truncated: the data ends inside the block")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def skip(self, n: int) -> None:
        self.pos += n
        if self.pos > len(self.data):
            raise Malformed("truncated: the data ends inside the block")

    def varint(self) -> int:
        """CompactSize; a non-canonical encoding never occurs in a valid block."""
        data, pos = self.data, self.pos
        if pos >= len(data):
            raise Malformed("truncated: the data ends inside the block")
        first = data[pos]
        if first < 0xFD:
            self.pos = pos + 1
            return first
        width = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
        self.pos = pos + 1
        value = int.from_bytes(self.take(width), "little")
        if value < (0xFD if width == 2 else 1 << (8 * width // 2)):
            raise Malformed("not a valid block (a field is out of range or malformed)")
        return value


def pushes(script: bytes) -> bytes:
    """The data of every push in the script, joined (text may span several pushes); a script
    that does not parse is taken whole."""
    data = bytearray()
    i, end = 0, len(script)
    while i < end:
        op = script[i]
        i += 1
        if op > _PUSHDATA4:
            continue
        if op < _PUSHDATA1:
            size = op
        else:
            width = 1 if op == _PUSHDATA1 else 2 if op == _PUSHDATA2 else 4
            if i + width > end:
                return script
            size = int.from_bytes(script[i : i + width], "little")
            i += width
        if i + size > end:
            return script
        data += script[i : i + size]
        i += size
    return bytes(data)


def _hash256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def block_hash(raw: bytes) -> str:
    """The block's id as explorers show it (double SHA-256 of the header, byte-reversed)."""
    return _hash256(raw[:80])[::-1].hex()


def extract_raw(
    raw: bytes, *, min_bytes: int = DEFAULT_MIN_BYTES, label: str | None = None
) -> list[Extract]:
    """Every text run in one serialised block; raises ``Malformed`` when it is not one."""
    reader = _Reader(raw)
    reader.skip(80)
    count = reader.varint()
    if count == 0:
        raise Malformed("not a valid block (a field is out of range or malformed)")
    block_id = label or block_hash(raw)
    found: list[Extract] = []
    for index in range(count):
        found.extend(_transaction(reader, index == 0, block_id, min_bytes))
    if reader.pos != len(raw):
        raise Malformed("extra data after the block")
    return found


def _transaction(reader: _Reader, first: bool, block_id: str, min_bytes: int) -> list[Extract]:
    data = reader.data
    start = reader.pos
    reader.skip(4)  # version
    segwit = reader.pos + 1 < len(data) and data[reader.pos] == 0 and data[reader.pos + 1] == 1
    if segwit:
        reader.skip(2)
    body_start = reader.pos
    texts: list[tuple[str, str]] = []
    n_in = reader.varint()
    for i in range(n_in):
        prevout = reader.take(36)
        script = reader.take(reader.varint())
        reader.skip(4)  # sequence
        if first and i == 0 and prevout == _NULL_PREVOUT:
            texts.extend(
                ("coinbase", t) for t in printable_runs(pushes(script), min_bytes=min_bytes)
            )
    n_out = reader.varint()
    for i in range(n_out):
        reader.skip(8)  # value
        script = reader.take(reader.varint())
        kind = "op_return" if script[:1] == b"\x6a" else "push"
        texts.extend(
            (f"output:{i}:{kind}", t) for t in printable_runs(pushes(script), min_bytes=min_bytes)
        )
    body_end = reader.pos
    if segwit:
        for _ in range(n_in):
            for _ in range(reader.varint()):
                reader.skip(reader.varint())
    reader.skip(4)  # lock time
    if not texts:
        return []
    # The txid covers the transaction without its witness (BIP 141).
    legacy = data[start : start + 4] + data[body_start:body_end] + data[reader.pos - 4 : reader.pos]
    txid = _hash256(legacy)[::-1].hex()
    return [Extract(block_id, txid, where, text) for where, text in texts]


_NULL_PREVOUT = b"\x00" * 32 + b"\xff" * 4


@dataclass(frozen=True)
class Frame:
    """One raw block of a file and where it starts (the offset of its magic, or its line)."""

    where: str
    offset: int
    raw: bytes


def frame_offsets(path: Path, chunk_bytes: int) -> list[tuple[int, int]]:
    """Split a blk*.dat file into byte ranges of about ``chunk_bytes`` that start and end on
    frame boundaries, reading only the 8-byte frame headers. A file that is not framed is one
    range."""
    size = path.stat().st_size
    ranges: list[tuple[int, int]] = []
    with path.open("rb") as f:
        if f.read(4) not in MAGICS:
            return [(0, size)]
        start = offset = 0
        while offset + 8 <= size:
            f.seek(offset)
            head = f.read(8)
            if head[:4] not in MAGICS:
                break
            offset += 8 + int.from_bytes(head[4:], "little")
            if offset - start >= chunk_bytes:
                ranges.append((start, min(offset, size)))
                start = offset
        if start < size:
            ranges.append((start, size))
    return ranges


def _framed(f: BinaryIO, source: str, start: int, end: int) -> Iterator[Frame | ScanError]:
    offset = start
    f.seek(offset)
    while offset < end:
        head = f.read(8)
        if len(head) < 8 or head[:4] not in MAGICS:
            rest = head + f.read(min(end - offset - len(head), 1 << 20))
            if rest.strip(b"\x00"):
                yield ScanError(f"{source}@{offset}", "no block magic here; rest skipped")
            return
        size = int.from_bytes(head[4:], "little")
        where = f"{source}@{offset}"
        if size > MAX_BLOCK_BYTES:
            yield ScanError(where, "frame larger than any block; rest skipped")
            return
        raw = f.read(size)
        yield Frame(where, offset, raw)
        offset += 8 + size


def _hex_lines(f: BinaryIO, source: str) -> Iterator[Frame | ScanError]:
    offset = 0
    for number, line in enumerate(f):
        offset += len(line)
        text = line.strip()
        if not text:
            continue
        where = f"{source}#{number}"
        if len(text) % 2:
            yield ScanError(where, "odd number of hex digits")
            continue
        try:
            yield Frame(where, offset - len(line), bytes.fromhex(text.decode("ascii")))
        except (ValueError, UnicodeDecodeError):
            yield ScanError(where, "not hexadecimal")


def _is_hex(head: bytes) -> bool:
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        return False
    compact = "".join(text.split())
    return bool(compact) and all(c in "0123456789abcdefABCDEF" for c in compact)


def read_frames(
    path: Path, *, start: int = 0, end: int | None = None
) -> Iterator[Frame | ScanError]:
    """The raw blocks of a file, one at a time: blk*.dat framing (from byte ``start`` to ``end``),
    hex (one block per line), or one binary block."""
    try:
        f = path.open("rb")
    except OSError as exc:
        yield ScanError(str(path), exc.strerror or "cannot be read")
        return
    with f:
        yield from stream_frames(f, str(path), os.fstat(f.fileno()).st_size, start=start, end=end)


def stream_frames(
    f: BinaryIO, source: str, size: int, *, start: int = 0, end: int | None = None
) -> Iterator[Frame | ScanError]:
    """The raw blocks of a seekable stream of ``size`` bytes (see ``read_frames``)."""
    end = size if end is None else min(end, size)
    f.seek(start)
    head = f.read(4096)
    if head[:4] in MAGICS:
        yield from _framed(f, source, start, end)
    elif _is_hex(head):
        f.seek(0)
        yield from _hex_lines(f, source)
    elif size > MAX_BLOCK_BYTES:
        yield ScanError(source, "neither framed blocks nor one block; skipped")
    else:
        f.seek(0)
        yield Frame(f"{source}#0", 0, f.read())


def raw_blocks(data: bytes, source: str) -> Iterator[tuple[str, bytes] | ScanError]:
    """The blocks of bytes already in memory (the file reader's rules)."""
    for frame in stream_frames(io.BytesIO(data), source, len(data)):
        yield frame if isinstance(frame, ScanError) else (frame.where, frame.raw)


def scan_frames(
    frames: Iterator[Frame | ScanError], *, min_bytes: int = DEFAULT_MIN_BYTES
) -> Iterator[list[Extract] | ScanError]:
    """Per block: what it holds, or why it was skipped (never an exception: the bytes come from
    anyone's chain)."""
    for frame in frames:
        if isinstance(frame, ScanError):
            yield frame
            continue
        try:
            yield extract_raw(frame.raw, min_bytes=min_bytes)
        except Malformed as exc:
            yield ScanError(frame.where, str(exc))
        except (KeyError, IndexError, ValueError):
            yield ScanError(frame.where, "not a valid block (a field is out of range or malformed)")


def scan_file(
    path: Path, *, min_bytes: int = DEFAULT_MIN_BYTES, start: int = 0, end: int | None = None
) -> Iterator[list[Extract] | ScanError]:
    """Per block of the file (or of the byte range): what it holds, or why it was skipped."""
    yield from scan_frames(read_frames(path, start=start, end=end), min_bytes=min_bytes)


def scan_bytes(
    data: bytes, source: str, *, min_bytes: int = DEFAULT_MIN_BYTES
) -> Iterator[list[Extract] | ScanError]:
    """Per block in ``data``: what it holds, or why it was skipped."""
    for entry in raw_blocks(data, source):
        if isinstance(entry, ScanError):
            yield entry
            continue
        where, raw = entry
        yield from scan_frames(iter([Frame(where, 0, raw)]), min_bytes=min_bytes)
