"""Text in raw Bitcoin blocks (python-bitcoinlib): coinbase scripts, OP_RETURN outputs and data
pushes in other output scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bitcoin.core import CBlock, b2lx
from bitcoin.core.script import OP_RETURN, CScript, CScriptInvalidError
from bitcoin.core.serialize import DeserializationExtraDataError, SerializationTruncationError

from chainwarden.ledger.scan.text import DEFAULT_MIN_BYTES, Extract, ScanError, printable_runs

# Network magics that frame blocks in Bitcoin Core's blk*.dat files.
MAGICS = {
    bytes.fromhex("f9beb4d9"),  # mainnet
    bytes.fromhex("0b110907"),  # testnet3
    bytes.fromhex("0a03cf40"),  # signet
    bytes.fromhex("fabfb5da"),  # regtest
}


def _pushes(script: CScript) -> bytes:
    """The data of every push in the script, joined (text may span several pushes); a script
    that does not parse is taken whole."""
    data = bytearray()
    try:
        for _op, push, _index in script.raw_iter():
            if push is not None:
                data += push
    except CScriptInvalidError:
        return bytes(script)
    return bytes(data)


def extract_block(
    block: CBlock, *, min_bytes: int = DEFAULT_MIN_BYTES, label: str | None = None
) -> Iterator[Extract]:
    block_id = label or b2lx(block.GetHash())
    for tx in block.vtx:
        txid = b2lx(tx.GetTxid())
        if tx.is_coinbase():
            for text in printable_runs(_pushes(tx.vin[0].scriptSig), min_bytes=min_bytes):
                yield Extract(block_id, txid, "coinbase", text)
        for index, out in enumerate(tx.vout):
            script = out.scriptPubKey
            kind = "op_return" if len(script) and script[0] == OP_RETURN else "push"
            for text in printable_runs(_pushes(script), min_bytes=min_bytes):
                yield Extract(block_id, txid, f"output:{index}:{kind}", text)


def _is_hex(data: bytes) -> bool:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return False
    compact = "".join(text.split())
    return bool(compact) and all(c in "0123456789abcdefABCDEF" for c in compact)


def raw_blocks(data: bytes, source: str) -> Iterator[tuple[str, bytes] | ScanError]:
    """Split a file into raw blocks: blk*.dat framing, hex (one block per line), or one binary
    block."""
    if data[:4] in MAGICS:
        offset, number = 0, 0
        while offset < len(data):
            if data[offset : offset + 4] not in MAGICS or offset + 8 > len(data):
                if data[offset:].strip(b"\x00"):
                    yield ScanError(f"{source}@{offset}", "no block magic here; rest skipped")
                return
            size = int.from_bytes(data[offset + 4 : offset + 8], "little")
            yield f"{source}#{number}", data[offset + 8 : offset + 8 + size]
            offset += 8 + size
            number += 1
    elif _is_hex(data):
        lines = [line.strip() for line in data.decode("ascii").splitlines() if line.strip()]
        for number, line in enumerate(lines):
            if len(line) % 2:
                yield ScanError(f"{source}#{number}", "odd number of hex digits")
                continue
            yield f"{source}#{number}", bytes.fromhex(line)
    else:
        yield f"{source}#0", data


def parse_block(raw: bytes) -> CBlock:
    return CBlock.deserialize(raw)


def malformed_reason(exc: Exception) -> str:
    """Why a block did not parse, in words (no library or exception names)."""
    if isinstance(exc, SerializationTruncationError):
        return "truncated: the data ends inside the block"
    if isinstance(exc, DeserializationExtraDataError):
        return "extra data after the block"
    return "not a valid block (a field is out of range or malformed)"


def scan_file(
    path: Path, *, min_bytes: int = DEFAULT_MIN_BYTES
) -> Iterator[list[Extract] | ScanError]:
    """Per block of the file: what it holds, or why it was skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ScanError(str(path), exc.strerror or "cannot be read")
        return
    yield from scan_bytes(data, str(path), min_bytes=min_bytes)


def scan_bytes(
    data: bytes, source: str, *, min_bytes: int = DEFAULT_MIN_BYTES
) -> Iterator[list[Extract] | ScanError]:
    """Per block in ``data``: what it holds, or why it was skipped (never an exception: the
    bytes come from anyone's chain)."""
    for entry in raw_blocks(data, source):
        if isinstance(entry, ScanError):
            yield entry
            continue
        where, raw = entry
        try:
            block = parse_block(raw)
            extracts = list(extract_block(block, min_bytes=min_bytes))
        except Exception as exc:  # any deserialisation failure: truncated, extra data …
            yield ScanError(where, malformed_reason(exc))
            continue
        yield extracts
