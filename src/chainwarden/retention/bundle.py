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
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chainwarden import merkle
from chainwarden.keys.public import fingerprint as key_fingerprint
from chainwarden.merkle import canonical_json
from chainwarden.retention.heads import SignedTreeHead, verify_signature, verify_tree_head
from chainwarden.retention.log import payload_digest

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


# Upper bounds on what is read from a bundle, so a crafted zip (a "zip bomb", a member claiming
# gigabytes) fails cleanly instead of exhausting memory. An export holds at most 100 000 entries.
MAX_MEMBER = {
    "manifest.json": 64 * 1024 * 1024,
    "entries.jsonl": 1024 * 1024 * 1024,
    "tree_head.json": 64 * 1024,
    "public_key.pem": 64 * 1024,
}
LINE_FIELDS = frozenset(
    {"index", "id", "leaf", "leaf_sha256", "payload", "payload_salt", "payload_purged"}
    | {"inclusion_proof"}
)
HEAD_FIELDS = frozenset({"provider_id", "tree_size", "root_hash", "signed_at", "signature"})

UNPINNED_WARNING = (
    "仅用包内附带的公钥核验——请用 --public-key 或 --fingerprint 固定服务提供者公布的公钥 / "
    "verified against the key in the bundle — pin it with --public-key or --fingerprint "
    "(the provider's published key)"
)


@dataclass
class BundleReport:
    provider_id: str | None = None
    tree_size: int | None = None
    entries: int = 0
    public_key: str | None = None
    fingerprint: str | None = None
    pinned: bool = False
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
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "fingerprint_algorithm": "sha256(raw Ed25519 public key)",
            "pinned": self.pinned,
            "warning": None if self.pinned else UNPINNED_WARNING,
            "problems": self.problems,
        }


class BundleUnreadable(ValueError):
    """Not a bundle at all (as opposed to a bundle that fails verification)."""


# What reading a damaged zip member can raise: a bad header or CRC, a corrupt deflate stream, a
# truncated file, an unsupported compression method or an encrypted member.
_ZIP_FAILURES = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def _read(source: Path | bytes) -> tuple[dict[str, bytes], list[str]]:
    """The bundle's members (each bounded in size), and the problems met reading them."""
    if isinstance(source, Path) and not source.is_file():
        raise BundleUnreadable("文件不存在或不是文件 / no such file")
    try:
        # A file is read member by member, never whole: it may be large or not a bundle at all.
        bundle = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        names = set(bundle.namelist())
    except PermissionError:
        raise BundleUnreadable("无权读取 / permission denied") from None
    except (*_ZIP_FAILURES, ValueError, OSError):
        raise BundleUnreadable("不是 zip 格式的导出包 / not a zip export bundle") from None
    files: dict[str, bytes] = {}
    problems: list[str] = []
    with bundle:
        if not names & set(FILES):
            raise BundleUnreadable(
                "zip 中没有导出包的文件（manifest.json 等）/ the zip holds no export bundle files "
                "(manifest.json …)"
            )
        for name in FILES:
            if name not in names:
                continue
            limit = MAX_MEMBER[name]
            try:
                with bundle.open(name) as member:
                    data = member.read(limit + 1)
            except (*_ZIP_FAILURES, ValueError, OSError):
                problems.append(f"{name} is damaged (its compressed data or checksum is corrupt)")
                continue
            if len(data) > limit:
                problems.append(f"{name} is larger than {limit} bytes; not read")
                continue
            files[name] = data
    return files, problems


def _hex_bytes(value: object, size: int) -> bytes | None:
    if not isinstance(value, str) or len(value) != 2 * size:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str) -> object:
    """Strict JSON: NaN and Infinity (which Python would accept) are refused."""
    return json.loads(text, parse_constant=_no_constant)


def _json(data: bytes) -> object:
    """JSON from bytes; ``None`` stands for "not JSON" (a bundle never stores a bare null)."""
    try:
        return _loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _public_key(pem: bytes) -> bytes | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        return None
    return key.public_bytes_raw() if isinstance(key, Ed25519PublicKey) else None


def _tree_head(value: object) -> SignedTreeHead | None:
    if not isinstance(value, dict) or set(value) != HEAD_FIELDS:
        return None
    root, signature = _hex_bytes(value["root_hash"], 32), _hex_bytes(value["signature"], 64)
    size, provider, signed_at = value["tree_size"], value["provider_id"], value["signed_at"]
    if root is None or signature is None or not isinstance(provider, str):
        return None
    if not _is_int(size) or size < 0 or not isinstance(signed_at, str):
        return None
    try:
        at = datetime.fromisoformat(signed_at)
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return SignedTreeHead(provider, size, root, at, signature)


@dataclass(frozen=True)
class _Listed:
    index: int
    id: str
    leaf_sha256: str
    payload: bool


def _manifest_entries(manifest: dict[str, Any]) -> list[_Listed] | None:
    """The signed list of entries, in log order; ``None`` when it is not such a list."""
    entries = manifest.get("entries")
    if not isinstance(entries, list):
        return None
    listed = []
    for e in entries:
        if not isinstance(e, dict) or not _is_int(e.get("index")) or e["index"] < 0:
            return None
        if not isinstance(e.get("id"), str) or _hex_bytes(e.get("leaf_sha256"), 32) is None:
            return None
        listed.append(_Listed(e["index"], e["id"], e["leaf_sha256"], e.get("payload") is True))
    if any(a.index >= b.index for a, b in pairwise(listed)):
        return None
    return listed


def _entry_name(index: object, entry_id: object) -> str:
    return f"entry {index} (id {entry_id})"


def _in_order(positions: list[int]) -> set[int]:
    """Which items of ``positions`` (indexes into it) form a longest strictly increasing run —
    the entries still in their signed order; the others were moved. Of equal values the first
    is kept, so a duplicated line is the later copy."""
    tails: list[int] = []  # indexes into positions, of the smallest tail of each length
    before: list[int | None] = [None] * len(positions)
    for i, value in enumerate(positions):
        low, high = 0, len(tails)
        while low < high:
            mid = (low + high) // 2
            if positions[tails[mid]] < value:
                low = mid + 1
            else:
                high = mid
        if low < len(tails) and positions[tails[low]] == value:
            continue
        before[i] = tails[low - 1] if low else None
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    kept: set[int] = set()
    at = tails[-1] if tails else None
    while at is not None:
        kept.add(at)
        at = before[at]
    return kept


def verify_bundle(
    source: Path | bytes,
    *,
    public_key: bytes | None = None,
    fingerprint: str | None = None,
) -> BundleReport:
    """Check everything a bundle claims; each problem names the entry it concerns.

    The signatures are checked with ``public_key`` when given (the provider's published key,
    obtained independently), else with the key inside the bundle — which proves only that the
    bundle is self-consistent, since a forger can sign with a key of their own. ``fingerprint``
    pins the key by its SHA-256 instead. Raises ``BundleUnreadable`` when the file is not a
    bundle at all."""
    files, problems = _read(source)
    report = BundleReport(problems=problems)
    missing = [name for name in FILES if name not in files and not any(name in p for p in problems)]
    if missing:
        report.problems.append(f"bundle lacks {', '.join(missing)}")

    bundled = _public_key(files["public_key.pem"]) if "public_key.pem" in files else None
    if "public_key.pem" in files and bundled is None:
        report.problems.append("public_key.pem is not an Ed25519 public key")
    key = bundled
    if bundled is not None:
        report.public_key, report.fingerprint = bundled.hex(), key_fingerprint(bundled)
    if public_key is not None:
        report.pinned = True
        if bundled is not None and bundled != public_key:
            report.problems.append(
                f"the bundle's public key (fingerprint {key_fingerprint(bundled)}) is not the "
                f"pinned key (fingerprint {key_fingerprint(public_key)})"
            )
        key = public_key
        report.public_key, report.fingerprint = public_key.hex(), key_fingerprint(public_key)
    if fingerprint is not None:
        report.pinned = True
        if report.fingerprint is not None and report.fingerprint != fingerprint:
            report.problems.append(
                f"the key's fingerprint {report.fingerprint} is not the pinned fingerprint "
                f"{fingerprint}"
            )
    if not {"tree_head.json", "manifest.json", "entries.jsonl"} <= set(files) or key is None:
        return report

    head = _tree_head(_json(files["tree_head.json"]))
    if head is None:
        report.problems.append("tree_head.json is not a signed tree head")
        return report
    report.provider_id, report.tree_size = head.provider_id, head.tree_size
    manifest = _json(files["manifest.json"])
    listed = _manifest_entries(manifest) if isinstance(manifest, dict) else None
    signature = _hex_bytes(manifest.get("signature"), 64) if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or listed is None or signature is None:
        report.problems.append("manifest.json is not a signed list of entries")
        return report

    source_of_key = "the pinned public key" if public_key is not None else "the public key"
    if not _signed(lambda: verify_tree_head(head, key)):
        report.problems.append(f"tree head signature does not verify with {source_of_key}")
    if not _signed(lambda: verify_signature(key, manifest_message(manifest), signature)):
        report.problems.append("manifest signature does not verify (the list of entries changed)")
    if manifest.get("tree_size") != head.tree_size or manifest.get("provider_id") != (
        head.provider_id
    ):
        report.problems.append("manifest and tree head describe different logs or sizes")

    lines = _lines(files["entries.jsonl"], report)
    report.entries = len(lines)
    _check_entries(lines, listed, head, report)
    # Ids and names come from the bundle: nothing in them may drive the reader's terminal.
    report.problems = [printable(p) for p in report.problems]
    report.provider_id = printable(head.provider_id)
    return report


def printable(text: str) -> str:
    """Control characters and lone surrogates escaped (\\x1b, \\ud800)."""
    return "".join(
        ch if unicodedata.category(ch) not in ("Cc", "Cs") else ascii(ch)[1:-1] for ch in text
    )


def _signed(check: Callable[[], bool]) -> bool:
    """A signature check; a text that cannot even be encoded (a lone surrogate) is not signed."""
    try:
        return check()
    except ValueError:
        return False


def _lines(data: bytes, report: BundleReport) -> list[tuple[int, dict[str, Any]]]:
    """The entries of entries.jsonl with their line numbers; what is not an entry is reported."""
    found = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            report.problems.append(f"line {number} of entries.jsonl is not UTF-8 text")
            continue
        try:
            line = _loads(text)
        except (ValueError, RecursionError):
            line = None
        if not isinstance(line, dict) or not _is_int(line.get("index")):
            report.problems.append(f"line {number} of entries.jsonl is not an entry")
            continue
        found.append((number, line))
    return found


def _check_entries(
    lines: list[tuple[int, dict[str, Any]]],
    listed: list[_Listed],
    head: SignedTreeHead,
    report: BundleReport,
) -> None:
    position = {entry.index: p for p, entry in enumerate(listed)}
    # Lines of listed entries, in file order; the longest run in signed order stays in place.
    known = [(number, line) for number, line in lines if line["index"] in position]
    kept = _in_order([position[line["index"]] for _, line in known])
    first: dict[int, int] = {}  # entry index -> the line taken as the entry
    for k, (number, line) in enumerate(known):
        if k in kept:
            first[line["index"]] = number
    for k, (number, line) in enumerate(known):
        index = line["index"]
        if index not in first:
            first[index] = number
            if k not in kept:
                entry = listed[position[index]]
                report.problems.append(
                    f"{_entry_name(index, entry.id)}: out of order (found at line {number})"
                )
    present = set(first)
    for entry in listed:
        if entry.index not in present:
            report.problems.append(f"{_entry_name(entry.index, entry.id)}: removed from the bundle")
    for number, line in lines:
        index = line["index"]
        if index not in position:
            report.problems.append(
                f"line {number}: entry {index} is not in the signed manifest (added)"
            )
            continue
        entry = listed[position[index]]
        name = _entry_name(index, entry.id)
        if first[index] != number:
            report.problems.append(
                f"line {number}: duplicated entry {index} (id {entry.id}; "
                f"the entry is at line {first[index]})"
            )
            continue
        if entry.payload and line.get("payload") is None:
            report.problems.append(f"{name}: payload removed from the bundle")
        report.problems.extend(f"{name}: {problem}" for problem in _check_line(line, entry, head))


def _check_line(line: dict[str, Any], entry: _Listed, head: SignedTreeHead) -> list[str]:
    problems = []
    index = entry.index
    extra = sorted(set(line) - LINE_FIELDS)
    if extra:
        problems.append(f"unexpected fields {', '.join(map(str, extra))[:200]}")
    if line.get("id") != entry.id:
        problems.append("id differs from the signed manifest")
    leaf_text = line.get("leaf")
    if not isinstance(leaf_text, str):
        return [*problems, "leaf is missing or not text"]
    try:
        leaf_hash = merkle.hash_leaf(leaf_text.encode())
    except UnicodeEncodeError:
        return [*problems, "leaf is not valid Unicode text"]
    if leaf_hash.hex() != entry.leaf_sha256 or line.get("leaf_sha256") != entry.leaf_sha256:
        problems.append("leaf altered (its hash differs from the signed manifest)")
    try:
        leaf = _loads(leaf_text)
    except (ValueError, RecursionError):
        return [*problems, "leaf is not JSON"]
    if not isinstance(leaf, dict):
        return [*problems, "leaf is not a JSON object"]
    if leaf.get("index") != index or leaf.get("log") != head.provider_id:
        problems.append(
            f"leaf names position {str(leaf.get('index'))[:40]} of log {str(leaf.get('log'))[:80]}"
        )
    raw_proof = line.get("inclusion_proof")
    proof = [_hex_bytes(p, 32) for p in raw_proof] if isinstance(raw_proof, list) else [None]
    if None in proof or not merkle.verify_inclusion(
        leaf_hash, index, head.tree_size, [p for p in proof if p is not None], head.root_hash
    ):
        problems.append("inclusion proof does not lead to the signed root")
    payload, salt, purged = (
        line.get("payload"),
        line.get("payload_salt"),
        line.get("payload_purged"),
    )
    if payload is None:
        if purged is not True:
            problems.append("payload missing although not purged")
    elif purged is not False:
        problems.append("payload present although marked purged")
    elif _payload_digest(payload, salt) != leaf.get("payload_sha256"):
        problems.append("payload altered (its digest differs from the leaf)")
    return problems


def _payload_digest(payload: object, salt: object) -> str | None:
    if not isinstance(payload, str) or not isinstance(salt, str):
        return None
    try:
        return payload_digest(bytes.fromhex(salt), payload)
    except ValueError:  # salt not hex, or a payload with a lone surrogate
        return None
