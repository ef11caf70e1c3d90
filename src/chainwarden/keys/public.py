"""Ed25519 public keys given by a person (to pin the key a signature must verify with) and their
fingerprints.

Fingerprint: SHA-256 of the raw 32-byte Ed25519 public key, as 64 lower-case hex digits. A
fingerprint is read aloud or printed in a letter, so it is accepted with spaces, colons or
upper-case letters.
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chainwarden.errors import ChainwardenError

RAW_KEY_BYTES = 32
# A PEM or hex key file is a few hundred bytes; anything far larger is not a key file.
MAX_KEY_FILE = 64 * 1024


class PublicKeyError(ChainwardenError):
    pass


def fingerprint(raw_key: bytes) -> str:
    """SHA-256 of the raw Ed25519 public key, hex."""
    return hashlib.sha256(raw_key).hexdigest()


def _compact_hex(text: str) -> str | None:
    compact = "".join(ch for ch in text.strip().lower() if ch not in " :\t\r\n")
    if compact.startswith("0x"):
        compact = compact[2:]
    if compact and all(ch in string.hexdigits for ch in compact):
        return compact
    return None


def parse_fingerprint(text: str) -> str:
    compact = _compact_hex(text)
    if compact is None or len(compact) != 64:
        raise PublicKeyError(
            "fingerprint_malformed",
            "指纹应为 64 位十六进制数字（公钥原始字节的 SHA-256）",
            "a fingerprint is 64 hex digits (SHA-256 of the raw public key)",
            field="fingerprint",
        )
    return compact


def _raw_from_pem(data: bytes) -> bytes:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise PublicKeyError(
            "public_key_malformed",
            "不是 Ed25519 公钥（PEM）",
            "not an Ed25519 public key (PEM)",
            field="public_key",
        )
    return key.public_bytes_raw()


def raw_public_key(text: str) -> bytes:
    """A raw Ed25519 public key from 64 hex digits, or from a file holding a PEM public key or
    the hex digits."""
    compact = _compact_hex(text)
    if compact is not None and len(compact) == 2 * RAW_KEY_BYTES:
        raw = bytes.fromhex(compact)
    else:
        path = Path(text)
        try:
            if not path.is_file():
                raise FileNotFoundError
            if path.stat().st_size > MAX_KEY_FILE:
                raise PublicKeyError(
                    "public_key_malformed",
                    f"{text} 过大，不是公钥文件",
                    f"{text} is too large to be a public key file",
                    field="public_key",
                )
            content = path.read_bytes()
        except OSError:
            raise PublicKeyError(
                "public_key_malformed",
                f"{text} 既不是 64 位十六进制公钥，也不是可读取的公钥文件",
                f"{text} is neither a 64-hex-digit public key nor a readable key file",
                field="public_key",
            ) from None
        if b"-----BEGIN" in content:
            return _raw_from_pem(content)
        compact = _compact_hex(content.decode("ascii", errors="replace"))
        if compact is None or len(compact) != 2 * RAW_KEY_BYTES:
            raise PublicKeyError(
                "public_key_malformed",
                f"{text} 中没有 Ed25519 公钥（PEM 或 64 位十六进制）",
                f"{text} holds no Ed25519 public key (PEM or 64 hex digits)",
                field="public_key",
            )
        raw = bytes.fromhex(compact)
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise PublicKeyError(
            "public_key_malformed", "不是 Ed25519 公钥", "not an Ed25519 public key"
        ) from None
    return raw
