"""Anchoring: block hashes written to an Ethereum-compatible chain (web3) and checked back.

Anchoring a chain's head block anchors everything before it, since each block names the hash of
the one before. A provider running a consortium chain with a JSON-RPC endpoint anchors to it with
``EthereumAnchor(Web3(Web3.HTTPProvider(url)))``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

from chainwarden.ledger.errors import LedgerError
from chainwarden.ledger.items import block_at
from chainwarden.ledger.models import Anchor, Chain
from chainwarden.store.base import utcnow

TAG = b"chainwarden-anchor:v1:"


def payload(chain_id: str, height: int, block_hash: str) -> bytes:
    """What goes on the external chain: a tag, the chain, the height and the block hash."""
    return TAG + f"{chain_id}:{height}:".encode() + bytes.fromhex(block_hash)


class Anchorer(Protocol):
    @property
    def network(self) -> str: ...

    def write(self, data: bytes) -> str: ...

    def read(self, tx_hash: str) -> bytes | None: ...


class EthereumAnchor:
    """Writes anchors as the data of a zero-value transaction to the sender itself.

    With ``private_key`` the transaction is signed locally; otherwise the node signs for an
    unlocked ``sender`` (default: its first account), as a consortium node or eth-tester does."""

    def __init__(
        self, w3: Web3, *, sender: str | None = None, private_key: str | None = None
    ) -> None:
        self.w3 = w3
        self._key = private_key
        if private_key is not None:
            self.sender = w3.eth.account.from_key(private_key).address
        else:
            self.sender = sender or w3.eth.accounts[0]

    @property
    def network(self) -> str:
        return f"eip155:{self.w3.eth.chain_id}"

    def write(self, data: bytes) -> str:
        tx: dict[str, Any] = {"from": self.sender, "to": self.sender, "value": 0, "data": data}
        if self._key is None:
            tx_hash = self.w3.eth.send_transaction(tx)  # type: ignore[arg-type]
        else:
            tx["nonce"] = self.w3.eth.get_transaction_count(self.sender)
            tx["chainId"] = self.w3.eth.chain_id
            tx["gas"] = self.w3.eth.estimate_gas(tx)  # type: ignore[arg-type]
            tx["gasPrice"] = self.w3.eth.gas_price
            signed = self.w3.eth.account.sign_transaction(tx, self._key)
            tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise LedgerError(
                "anchor_failed", "锚定交易执行失败", "The anchoring transaction failed"
            )
        return "0x" + bytes(tx_hash).hex()

    def read(self, tx_hash: str) -> bytes | None:
        try:
            receipt = self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
            tx = self.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
        except Exception:  # unknown transaction: the node's error type varies
            return None
        if receipt["status"] != 1:
            return None
        return bytes(tx["input"])


def anchor_head(
    session: Session, chain: Chain, anchorer: Anchorer, *, now: datetime | None = None
) -> Anchor:
    """Write the chain's head block hash to the external chain and keep where it went."""
    if chain.height < 0 or chain.head_hash is None:
        raise LedgerError("chain_empty", "账本还没有区块", "The ledger has no block yet")
    tx_hash = anchorer.write(payload(chain.id, chain.height, chain.head_hash))
    anchor = Anchor(
        chain_id=chain.id,
        height=chain.height,
        block_hash=chain.head_hash,
        network=anchorer.network,
        tx_hash=tx_hash,
        anchored_at=now or utcnow(),
    )
    session.add(anchor)
    session.flush()
    return anchor


@dataclass(frozen=True)
class AnchorCheck:
    height: int
    tx_hash: str
    network: str
    problem: str | None

    @property
    def valid(self) -> bool:
        return self.problem is None


def check_anchors(session: Session, chain: Chain, anchorer: Anchorer) -> list[AnchorCheck]:
    """Each anchor of the chain on this network: the block still has the anchored hash, and the
    external chain still holds it."""
    checks = []
    anchors = session.scalars(
        select(Anchor)
        .where(Anchor.chain_id == chain.id, Anchor.network == anchorer.network)
        .order_by(Anchor.height)
    )
    for anchor in anchors:
        problem = None
        try:
            block_hash = block_at(session, chain.id, anchor.height).hash
        except LedgerError:
            block_hash = None
        if block_hash != anchor.block_hash:
            problem = "the block no longer has the anchored hash"
        elif anchorer.read(anchor.tx_hash) != payload(chain.id, anchor.height, block_hash):
            problem = "the external chain does not hold this anchor"
        checks.append(AnchorCheck(anchor.height, anchor.tx_hash, anchor.network, problem))
    return checks
