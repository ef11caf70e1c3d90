"""Taking export bundles apart and putting them back together, as a forger would."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chainwarden import merkle
from chainwarden.merkle import canonical_json
from chainwarden.retention.bundle import manifest_message, public_key_pem
from chainwarden.retention.heads import tree_head_message
from chainwarden.retention.log import payload_digest

EXPORTED_ENTRIES = 20


@dataclass(frozen=True)
class Exported:
    bundle: bytes
    public_key: bytes  # the provider's real key, as published
    ids: dict[int, str]  # entry index -> entry id


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        return {n: z.read(n) for n in z.namelist()}


def pack(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def rewrite(bundle: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    files = members(bundle)
    files[name] = change(files[name])
    return pack(files)


def entry_lines(bundle: bytes) -> list[dict[str, Any]]:
    return [json.loads(x) for x in members(bundle)["entries.jsonl"].decode().splitlines()]


def with_lines(bundle: bytes, edit: Callable[[list[bytes]], list[bytes]]) -> bytes:
    """The bundle with entries.jsonl's raw lines edited (dropped, repeated, moved …)."""

    def change(raw: bytes) -> bytes:
        return b"".join(line + b"\n" for line in edit(raw.splitlines()))

    return rewrite(bundle, "entries.jsonl", change)


def forge(bundle: bytes, index: int, payload: str) -> tuple[bytes, bytes]:
    """A bundle whose entry ``index`` carries ``payload`` instead, with leaves, proofs, tree head
    and manifest rebuilt and signed by a fresh key — everything consistent except the key.
    Returns the forged bundle and the forger's raw public key."""
    files = members(bundle)
    lines = [json.loads(x) for x in files["entries.jsonl"].decode().splitlines()]
    manifest = json.loads(files["manifest.json"])
    head = json.loads(files["tree_head.json"])
    size = int(head["tree_size"])
    for line in lines:
        if line["index"] == index:
            leaf = json.loads(line["leaf"])
            salt = secrets.token_bytes(16)
            leaf["payload_sha256"] = payload_digest(salt, payload)
            line.update(
                payload=payload,
                payload_salt=salt.hex(),
                leaf=canonical_json(leaf),
            )
    # Leaves the forger has not seen are made up: nobody can tell without the real root.
    hashes = [secrets.token_bytes(32) for _ in range(size)]
    for line in lines:
        hashes[line["index"]] = merkle.hash_leaf(line["leaf"].encode())
        line["leaf_sha256"] = hashes[line["index"]].hex()
    for line in lines:
        line["inclusion_proof"] = [p.hex() for p in merkle.naive_inclusion(hashes, line["index"])]
    key = Ed25519PrivateKey.generate()
    root = merkle.naive_root(hashes)
    at = datetime.now(UTC)
    head.update(
        root_hash=root.hex(),
        signed_at=at.isoformat(timespec="microseconds"),
        signature=key.sign(tree_head_message(head["provider_id"], size, root, at)).hex(),
    )
    by_index = {line["index"]: line for line in lines}
    for entry in manifest["entries"]:
        entry["leaf_sha256"] = by_index[entry["index"]]["leaf_sha256"]
    manifest.pop("signature")
    manifest["signature"] = key.sign(manifest_message(manifest)).hex()
    raw = key.public_key().public_bytes_raw()
    files.update(
        {
            "entries.jsonl": "".join(
                json.dumps(x, ensure_ascii=False) + "\n" for x in lines
            ).encode(),
            "manifest.json": json.dumps(manifest, ensure_ascii=False).encode(),
            "tree_head.json": json.dumps(head).encode(),
            "public_key.pem": public_key_pem(raw),
        }
    )
    return pack(files), raw
