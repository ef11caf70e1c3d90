"""Commitments to published content and the hash of a disposal record; the Merkle tree over
them is the RFC 9162 one of ``chainwarden.merkle``."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from chainwarden.merkle import canonical_json

SALT_BYTES = 32
ZERO_HASH = "00" * 32


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def commit(salt: bytes, content: bytes) -> str:
    """``SHA-256(salt‖content)`` in hex: hides the content, yet opens to it with the salt."""
    return hashlib.sha256(salt + content).hexdigest()


def record_hash(record: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonical_json(record).encode()).digest()
