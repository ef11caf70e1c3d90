"""Signed tree heads: Ed25519 over a fixed text naming the log, its size, root and time.

Pure functions only — an authority checks a head with the published public key and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TREE_HEAD_CONTEXT = "chainwarden.retention.tree-head/v1"


@dataclass(frozen=True)
class SignedTreeHead:
    provider_id: str
    tree_size: int
    root_hash: bytes
    signed_at: datetime
    signature: bytes

    def message(self) -> bytes:
        return tree_head_message(self.provider_id, self.tree_size, self.root_hash, self.signed_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "provider_id": self.provider_id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "signed_at": timestamp(self.signed_at),
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedTreeHead:
        return cls(
            provider_id=str(data["provider_id"]),
            tree_size=int(data["tree_size"]),
            root_hash=bytes.fromhex(data["root_hash"]),
            signed_at=datetime.fromisoformat(data["signed_at"]),
            signature=bytes.fromhex(data["signature"]),
        )


def timestamp(at: datetime) -> str:
    """UTC, microseconds, always the same spelling (it is part of signed and hashed texts)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def tree_head_message(provider_id: str, tree_size: int, root_hash: bytes, at: datetime) -> bytes:
    return (
        f"{TREE_HEAD_CONTEXT}\n{provider_id}\n{tree_size}\n{root_hash.hex()}\n{timestamp(at)}\n"
    ).encode()


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_tree_head(head: SignedTreeHead, public_key: bytes) -> bool:
    return verify_signature(public_key, head.message(), head.signature)
