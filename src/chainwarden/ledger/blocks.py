"""Block headers: what is hashed, how it is signed (Ed25519), and how a header is checked."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "chainwarden-ledger-v1"


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Header:
    chain_id: str
    height: int
    kind: str
    prev_hash: str
    merkle_root: str
    leaf_count: int
    time: str  # ISO 8601 UTC with microseconds
    signer_key: str  # Ed25519 public key, hex

    def encode(self) -> bytes:
        fields = (
            FORMAT,
            self.chain_id,
            str(self.height),
            self.kind,
            self.prev_hash,
            self.merkle_root,
            str(self.leaf_count),
            self.time,
            self.signer_key,
        )
        return "\n".join(fields).encode()

    def hash(self) -> str:
        return hashlib.sha256(self.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Header:
        return cls(
            chain_id=str(data["chain_id"]),
            height=int(data["height"]),
            kind=str(data["kind"]),
            prev_hash=str(data["prev_hash"]),
            merkle_root=str(data["merkle_root"]),
            leaf_count=int(data["leaf_count"]),
            time=str(data["time"]),
            signer_key=str(data["signer_key"]),
        )


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def sign(key: Ed25519PrivateKey, block_hash: str) -> str:
    return key.sign(bytes.fromhex(block_hash)).hex()


def signature_valid(public_key: str, block_hash: str, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), bytes.fromhex(block_hash)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
