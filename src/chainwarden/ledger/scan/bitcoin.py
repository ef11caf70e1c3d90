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


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """CompactSize at ``pos``: (value, next position); a non-canonical encoding never occurs in
    a valid block."""
    first = data[pos]
    if first < 0xFD:
        return first, pos + 1
    width = 2 if first == 0xFD else 4 if first == 0xFE else 8
    end = pos + 1 + width
    if end > len(data):
        raise Malformed(TRUNCATED)
    value = int.from_bytes(data[pos + 1 : end], "little")
    if value < (0xFD if width == 2 else 1 << (4 * width)):
        raise Malformed(INVALID)
    return value, end


TRUNCATED = "truncated: the data ends inside the block"
INVALID = "not a valid block (a field is out of range or malformed)"


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
    try:
        count, pos = _varint(raw, 80)
    except IndexError:
        raise Malformed(TRUNCATED) from None
    if count == 0:
        raise Malformed(INVALID)
    block_id = label or block_hash(raw)
    found: list[Extract] = []
    for index in range(count):
        try:
            pos = _transaction(raw, pos, index == 0, block_id, min_bytes, found)
        except IndexError:  # a read past the end (``data[pos]``)
            raise Malformed(TRUNCATED) from None
    if pos != len(raw):
        raise Malformed("extra data after the block")
    return found


def _transaction(
    data: bytes, pos: int, first: bool, block_id: str, min_bytes: int, found: list[Extract]
) -> int:
    """Walk one transaction from ``pos``, append its texts to ``found``, return where it ends.
    Written flat, without a reader object: this loop is the scanner's cost."""
    size = len(data)
    start = pos
    pos += 4  # version
    segwit = data[pos] == 0 and data[pos + 1] == 1
    if segwit:
        pos += 2
    body_start = pos
    texts: list[tuple[str, str]] = []
    n_in, pos = _varint(data, pos)
    for i in range(n_in):
        prevout_at = pos
        pos += 36
        length, pos = _varint(data, pos)
        script_at = pos
        pos += length + 4  # script, sequence
        if pos > size:
            raise Malformed(TRUNCATED)
        if first and i == 0 and data[prevout_at : prevout_at + 36] == _NULL_PREVOUT:
            script = data[script_at : script_at + length]
            texts.extend(
                ("coinbase", t) for t in printable_runs(pushes(script), min_bytes=min_bytes)
            )
    n_out, pos = _varint(data, pos)
    for i in range(n_out):
        length, pos = _varint(data, pos + 8)  # after the value
        script = data[pos : pos + length]
        pos += length
        if pos > size:
            raise Malformed(TRUNCATED)
        runs = printable_runs(pushes(script), min_bytes=min_bytes)
        if runs:
            kind = "op_return" if script[:1] == b"\x6a" else "push"
            texts.extend((f"output:{i}:{kind}", t) for t in runs)
    body_end = pos
    if segwit:
        for _ in range(n_in):
            items, pos = _varint(data, pos)
            for _ in range(items):
                length, pos = _varint(data, pos)
                pos += length
    pos += 4  # lock time
    if pos > size:
        raise Malformed(TRUNCATED)
    if texts:
        # The txid covers the transaction without its witness (BIP 141).
        legacy = data[start : start + 4] + data[body_start:body_end] + data[pos - 4 : pos]
        txid = _hash256(legacy)[::-1].hex()
        found.extend(Extract(block_id, txid, where, text) for where, text in texts)
    return pos


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
