"""Text in Ethereum transactions' input data and event logs' data, over a JSON-RPC block range
(web3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from web3 import Web3

from chainwarden.ledger.scan.text import DEFAULT_MIN_BYTES, Extract, ScanError, printable_runs


def _hex(value: Any) -> str:
    raw = bytes(value) if not isinstance(value, str) else bytes.fromhex(value.removeprefix("0x"))
    return "0x" + raw.hex()


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return bytes(value)


def scan_block(w3: Web3, number: int, *, min_bytes: int = DEFAULT_MIN_BYTES) -> list[Extract]:
    block = w3.eth.get_block(number, full_transactions=True)
    found = []
    for tx in block["transactions"]:
        if isinstance(tx, bytes | str):  # a node that ignored full_transactions
            tx = w3.eth.get_transaction(tx)
        # JSON-RPC calls it "input"; some in-process providers still say "data".
        data = tx["input"] if "input" in tx else tx.get("data", b"")
        for text in printable_runs(_bytes(data), min_bytes=min_bytes):
            found.append(Extract(str(number), _hex(tx["hash"]), "input", text))
    for log in w3.eth.get_logs({"fromBlock": number, "toBlock": number}):
        for text in printable_runs(_bytes(log["data"]), min_bytes=min_bytes):
            where = f"log:{int(log['logIndex'])}"
            found.append(Extract(str(number), _hex(log["transactionHash"]), where, text))
    return found


def scan_range(
    w3: Web3, start: int, end: int, *, min_bytes: int = DEFAULT_MIN_BYTES
) -> Iterator[list[Extract] | ScanError]:
    """Per block from ``start`` to ``end`` inclusive: what it holds, or why it was skipped."""
    for number in range(start, end + 1):
        try:
            yield scan_block(w3, number, min_bytes=min_bytes)
        except Exception as exc:  # a node's error or a malformed answer for this block
            detail = " ".join(str(exc).split())[:160]
            reason = "the node returned no usable block" + (f" ({detail})" if detail else "")
            yield ScanError(f"block {number}", reason)
