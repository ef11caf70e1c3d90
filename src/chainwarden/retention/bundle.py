"""Export bundles for authorities, and their offline verification (no database, no network).

A bundle is a zip file:

- ``manifest.json``: the provider, the query, the tree size and the list of exported entries
  (index, id, leaf hash) in order, signed with the log's key — so an entry removed, added or
  moved is named even when every remaining line is intact.
- ``entries.jsonl``: one line per entry: the leaf text, its hash, the payload and salt (or
  ``null`` once purged) and the inclusion proof against the signed tree head.
- ``tree_head.json``: the signed tree head; ``public_key.pem``: the Ed25519 public key.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chainwarden.retention import merkle
from chainwarden.retention.heads import SignedTreeHead, verify_signature, verify_tree_head
from chainwarden.retention.log import canonical_json, payload_digest

FORMAT = "chainwarden.retention.export/v1"
MANIFEST_CONTEXT = "chainwarden.retention.export-manifest/v1\n"
FILES = ("manifest.json", "entries.jsonl", "tree_head.json", "public_key.pem")

README = """chainwarden 留存日志导出 / retention log export

核验 / verify offline:  chainwarden retention verify THIS.zip

manifest.json   导出清单（签名）/ signed list of exported entries
entries.jsonl   条目、内容、包含证明 / entries, payloads, inclusion proofs (RFC 9162)
tree_head.json  签名树头 / signed tree head (Ed25519)
public_key.pem  公钥 / public key
"""


def manifest_message(manifest: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    return (MANIFEST_CONTEXT + canonical_json(unsigned)).encode()


def public_key_pem(raw: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def write_bundle(
    manifest: dict[str, Any], lines: list[dict[str, Any]], head: SignedTreeHead, public_key: bytes
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", README)
        bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        bundle.writestr(
            "entries.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        )
        bundle.writestr("tree_head.json", json.dumps(head.to_json(), indent=2))
        bundle.writestr("public_key.pem", public_key_pem(public_key))
    return out.getvalue()


@dataclass
class BundleReport:
    provider_id: str | None = None
    tree_size: int | None = None
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "provider_id": self.provider_id,
            "tree_size": self.tree_size,
            "entries": self.entries,
            "problems": self.problems,
        }


class BundleUnreadable(ValueError):
    """Not a bundle at all (as opposed to a bundle that fails verification)."""


def _read(source: Path | bytes) -> dict[str, bytes]:
    try:
        raw = source if isinstance(source, bytes) else source.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as bundle:
            names = set(bundle.namelist())
            return {name: bundle.read(name) for name in FILES if name in names}
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleUnreadable(f"not a readable zip bundle: {exc}") from None


def _public_key(pem: bytes) -> bytes:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("public key is not Ed25519")
    return key.public_bytes_raw()


def _entry_name(index: object, entry_id: object) -> str:
    return f"entry {index} (id {entry_id})"


def verify_bundle(source: Path | bytes) -> BundleReport:
    """Check everything a bundle claims; each problem names the entry it concerns."""
    files = _read(source)
    report = BundleReport()
    missing = [name for name in FILES if name not in files]
    if missing:
        report.problems.append(f"bundle lacks {', '.join(missing)}")
        return report
    try:
        key = _public_key(files["public_key.pem"])
        head = SignedTreeHead.from_json(json.loads(files["tree_head.json"]))
        manifest = json.loads(files["manifest.json"])
        listed = [
            (int(e["index"]), str(e["id"]), str(e["leaf_sha256"])) for e in manifest["entries"]
        ]
        with_payload = {int(e["index"]) for e in manifest["entries"] if e.get("payload")}
        signature = bytes.fromhex(manifest["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        report.problems.append(f"bundle metadata is malformed: {exc}")
        return report
    report.provider_id, report.tree_size = head.provider_id, head.tree_size
    if not verify_tree_head(head, key):
        report.problems.append("tree head signature does not verify with the public key")
    if not verify_signature(key, manifest_message(manifest), signature):
        report.problems.append("manifest signature does not verify (the list of entries changed)")
    if manifest.get("tree_size") != head.tree_size or manifest.get("provider_id") != (
        head.provider_id
    ):
        report.problems.append("manifest and tree head describe different logs or sizes")

    lines: list[dict[str, Any]] = []
    for number, text in enumerate(files["entries.jsonl"].decode().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            int(line["index"])
        except (ValueError, KeyError, TypeError):
            report.problems.append(f"line {number} of entries.jsonl is not an entry")
            continue
        line["_line"] = number
        lines.append(line)
    report.entries = len(lines)

    position = {index: p for p, (index, _, _) in enumerate(listed)}
    present = {int(line["index"]) for line in lines}
    for index, entry_id, _ in listed:
        if index not in present:
            report.problems.append(f"{_entry_name(index, entry_id)}: removed from the bundle")
    # Compare the order of the listed entries that are present with the signed order.
    found_order = [int(line["index"]) for line in lines if int(line["index"]) in position]
    signed_order = [i for i, _, _ in listed if i in present]
    misplaced = {f for f, s in zip(found_order, signed_order, strict=False) if f != s}
    for line in lines:
        index = int(line["index"])
        if index not in position:
            report.problems.append(
                f"line {line['_line']}: entry {index} is not in the signed manifest (added)"
            )
            continue
        _, entry_id, leaf_sha = listed[position[index]]
        name = _entry_name(index, entry_id)
        if index in misplaced:
            report.problems.append(f"{name}: out of order (found at line {line['_line']})")
        if index in with_payload and line.get("payload") is None:
            report.problems.append(f"{name}: payload removed from the bundle")
        report.problems.extend(
            f"{name}: {problem}" for problem in _check_line(line, leaf_sha, head)
        )
    return report


def _check_line(line: dict[str, Any], leaf_sha: str, head: SignedTreeHead) -> list[str]:
    problems = []
    index = int(line["index"])
    leaf_text = str(line.get("leaf", ""))
    leaf_hash = merkle.hash_leaf(leaf_text.encode())
    if leaf_hash.hex() != leaf_sha or line.get("leaf_sha256") != leaf_sha:
        problems.append("leaf altered (its hash differs from the signed manifest)")
    try:
        leaf = json.loads(leaf_text)
    except ValueError:
        return [*problems, "leaf is not JSON"]
    if leaf.get("index") != index or leaf.get("log") != head.provider_id:
        problems.append(f"leaf names position {leaf.get('index')} of log {leaf.get('log')}")
    try:
        proof = [bytes.fromhex(p) for p in line.get("inclusion_proof", [])]
    except (ValueError, TypeError):
        proof = []
    if not merkle.verify_inclusion(leaf_hash, index, head.tree_size, proof, head.root_hash):
        problems.append("inclusion proof does not lead to the signed root")
    payload, salt = line.get("payload"), line.get("payload_salt")
    if payload is None:
        if not line.get("payload_purged"):
            problems.append("payload missing although not purged")
    else:
        try:
            digest = payload_digest(bytes.fromhex(str(salt)), str(payload))
        except ValueError:
            digest = ""
        if digest != leaf.get("payload_sha256"):
            problems.append("payload altered (its digest differs from the leaf)")
    return problems
