"""Keys that protect data at rest: AES-GCM data keys (rotatable) and a keyed hash for look-ups.

One key file per installation (``CHAINWARDEN_KEY_FILE``, default ``chainwarden.keys`` in the
working folder), created on first use with owner-only permissions. Every ciphertext names the key
that made it, so a rotation adds a key and makes it current while old ciphertexts stay readable
until they are re-encrypted. The look-up key never rotates: changing it would orphan every stored
hash.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chainwarden.errors import ChainwardenError

PREFIX = "cw1"


class KeysError(ChainwardenError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keyring:
    def __init__(self, keys: dict[str, bytes], current: str, lookup: bytes) -> None:
        if current not in keys:
            raise KeysError(
                "key_missing", f"当前密钥 {current} 不存在", f"current key {current} is missing"
            )
        self._keys = dict(keys)
        self.current = current
        self._lookup = lookup

    @classmethod
    def generate(cls) -> Keyring:
        return cls({"k1": AESGCM.generate_key(bit_length=256)}, "k1", secrets.token_bytes(32))

    @property
    def fingerprint(self) -> str:
        """Names this keyring without revealing it: HMAC-SHA256 of a fixed label under the
        look-up key (which never rotates, so a rotation keeps the fingerprint), hex."""
        mac = hmac.HMAC(self._lookup, hashes.SHA256())
        mac.update(b"chainwarden.keyring-fingerprint/v1")
        return mac.finalize().hex()

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    # -- encryption ----------------------------------------------------------------------------
    def encrypt(self, plaintext: bytes, *, context: str) -> str:
        """AES-256-GCM under the current key; ``context`` is bound as associated data, so a
        ciphertext copied into another field or row fails to decrypt."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self._keys[self.current]).encrypt(nonce, plaintext, context.encode())
        return f"{PREFIX}.{self.current}.{_b64(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> bytes:
        try:
            prefix, key_id, body = token.split(".")
            raw = _unb64(body)
        except ValueError as exc:
            raise KeysError("ciphertext_malformed", "密文格式错误", "malformed ciphertext") from exc
        if prefix != PREFIX or key_id not in self._keys:
            raise KeysError(
                "key_unknown",
                f"密文使用未知密钥 {key_id}",
                f"ciphertext made with unknown key {key_id}",
            )
        try:
            return AESGCM(self._keys[key_id]).decrypt(raw[:12], raw[12:], context.encode())
        except InvalidTag as exc:
            raise KeysError(
                "ciphertext_invalid",
                "密文校验失败（被篡改或上下文不符）",
                "ciphertext fails authentication (altered, or wrong context)",
            ) from exc

    def is_current(self, token: str) -> bool:
        return token.startswith(f"{PREFIX}.{self.current}.")

    def reencrypt(self, token: str, *, context: str) -> str:
        """The same plaintext under the current key (unchanged if already current)."""
        if self.is_current(token):
            return token
        return self.encrypt(self.decrypt(token, context=context), context=context)

    def rotate(self) -> str:
        """Add a fresh key and make it current; returns its id."""
        number = 1 + max(int(k[1:]) for k in self._keys if k[1:].isdigit())
        key_id = f"k{number}"
        self._keys[key_id] = AESGCM.generate_key(bit_length=256)
        self.current = key_id
        return key_id

    # -- look-up -------------------------------------------------------------------------------
    def lookup_hash(self, value: str, *, purpose: str) -> str:
        """HMAC-SHA256 of ``value`` for equality look-ups without storing the value."""
        mac = hmac.HMAC(self._lookup, hashes.SHA256())
        mac.update(purpose.encode() + b"\x00" + value.encode())
        return mac.finalize().hex()

    # -- files ---------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keys": {k: _b64(v) for k, v in self._keys.items()},
                "lookup": _b64(self._lookup),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, *, source: str = "key file") -> Keyring:
        try:
            data = json.loads(text)
            keys = {str(k): _unb64(v) for k, v in data["keys"].items()}
            ring = cls(keys, str(data["current"]), _unb64(data["lookup"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeysError(
                "key_file_malformed",
                f"密钥文件 {source} 格式错误（应含 current、keys、lookup）",
                f"key file {source} is malformed (it should hold current, keys and lookup)",
            ) from None
        if any(len(k) != 32 for k in keys.values()) or len(ring._lookup) < 32:
            raise KeysError(
                "key_file_malformed",
                f"密钥文件 {source} 中的密钥长度错误",
                f"key file {source} holds a key of the wrong length",
            )
        return ring

    def save(self, path: Path) -> None:
        """Write atomically with owner-only permissions."""
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Keyring:
        """Load the key file, creating it on first use."""
        if not path.exists():
            if not create:
                raise KeysError(
                    "key_file_missing", f"密钥文件 {path} 不存在", f"key file {path} does not exist"
                )
            ring = cls.generate()
            if ring._create(path):
                return ring
            # Another process created it first: use theirs, so both use one keyring.
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise KeysError(
                "key_file_unreadable",
                f"无法读取密钥文件 {path}",
                f"key file {path} cannot be read",
            ) from None
        return cls.from_json(text, source=str(path))

    def _create(self, path: Path) -> bool:
        """Write a new key file unless one exists (atomically: a hard link never replaces)."""
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.new")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(self.to_json())
                    out.flush()
                    os.fsync(out.fileno())
                os.link(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
        except FileExistsError:
            return False
        except OSError as exc:
            raise KeysError(
                "key_file_unwritable",
                f"无法创建密钥文件 {path}（{exc.strerror or '错误'}）",
                f"cannot create key file {path} ({exc.strerror or 'error'})",
            ) from None
        return True


_cache: dict[str, Keyring] = {}


def keyring(path: str | None = None) -> Keyring:
    """The installation's keyring (``CHAINWARDEN_KEY_FILE``), loaded once per process."""
    if path is None:
        from chainwarden.settings import get_settings

        path = get_settings().key_file
    if path not in _cache:
        _cache[path] = Keyring.open(Path(path))
    return _cache[path]


def remember(path: Path, ring: Keyring) -> None:
    """Use ``ring`` for ``path`` from now on in this process (after the start-up check)."""
    _cache[str(path)] = ring


def forget_cached() -> None:
    """Drop loaded keyrings (after a rotation by another process, and in tests)."""
    _cache.clear()
