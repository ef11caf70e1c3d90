"""The offline verifier of export bundles against forgers and damaged files: a pinned key
catches a bundle re-signed with another key, and nothing a bundle holds makes it crash."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from chainwarden.cli.main import app
from chainwarden.retention.bundle import verify_bundle

from support.bundles import (
    EXPORTED_ENTRIES,
    Exported,
    forge,
    members,
    pack,
    rewrite,
    with_lines,
)

ENTRIES = EXPORTED_ENTRIES


def cw(*args: str) -> Result:
    return CliRunner().invoke(app, ["retention", "verify", *args])


def _write(tmp_path: Path, bundle: bytes, name: str = "b.zip") -> str:
    (tmp_path / name).write_bytes(bundle)
    return str(tmp_path / name)


# --- forged bundles and pinned keys ----------------------------------------------------------


def test_a_forged_bundle_fails_against_the_pinned_key_and_shows_its_fingerprint(
    exported: Exported, tmp_path: Path
) -> None:
    forged, forger_key = forge(exported.bundle, 3, '{"n":"篡改"}')
    path = _write(tmp_path, forged, "forged.zip")
    real = hashlib.sha256(exported.public_key).hexdigest()
    fake = hashlib.sha256(forger_key).hexdigest()

    # Unpinned, the forgery is self-consistent: the verifier says so and shows whose key it is.
    unpinned = cw(path)
    assert unpinned.exit_code == 0
    assert fake in unpinned.stdout
    assert "pin it" in unpinned.stderr and "固定" in unpinned.stderr

    for pin in (["--public-key", exported.public_key.hex()], ["--fingerprint", real.upper()]):
        pinned = cw(path, *pin, "--json")
        assert pinned.exit_code == 1, pinned.output
        report = json.loads(pinned.stdout)
        assert report["ok"] is False and report["pinned"] is True
        assert any(fake in p and real in p for p in report["problems"])

    pem = tmp_path / "provider.pem"
    pem.write_text(json.loads(cw(_write(tmp_path, exported.bundle), "--json").stdout)["public_key"])
    by_file = cw(path, "--public-key", str(pem))
    assert by_file.exit_code == 1
    assert "tree head signature does not verify with the pinned public key" in by_file.stdout

    # The genuine bundle verifies against the pinned key (hex, hex file or fingerprint).
    genuine = _write(tmp_path, exported.bundle)
    for pin in (["--public-key", str(pem)], ["--fingerprint", real]):
        ok = cw(genuine, *pin, "--json")
        assert ok.exit_code == 0, ok.output
        assert json.loads(ok.stdout)["fingerprint"] == real
        assert json.loads(ok.stdout)["warning"] is None


def test_a_malformed_pin_is_bad_input(exported: Exported, tmp_path: Path) -> None:
    path = _write(tmp_path, exported.bundle)
    for pin in (["--public-key", "zz"], ["--fingerprint", "abc"], ["--public-key", "nofile.pem"]):
        result = cw(path, *pin)
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Error" not in result.stderr


# --- damaged bundles -------------------------------------------------------------------------


def _corrupt_deflate(bundle: bytes) -> bytes:
    """Flip bytes inside entries.jsonl's compressed data, leaving the zip directory intact."""
    with zipfile.ZipFile(__import__("io").BytesIO(bundle)) as z:
        info = z.getinfo("entries.jsonl")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(bundle)
    for i in range(start + 5, start + 25):
        data[i] ^= 0x5A
    return bytes(data)


def _leaf_array(raw: bytes) -> bytes:
    lines = [json.loads(x) for x in raw.splitlines()]
    lines[2]["leaf"] = "[1, 2]"
    return b"".join(json.dumps(x).encode() + b"\n" for x in lines)


DAMAGED = {
    "invalid UTF-8": (
        lambda b: rewrite(b, "entries.jsonl", lambda raw: raw.replace(b"\n", b"\xff\xfe\n", 1)),
        "line 1 of entries.jsonl is not UTF-8 text",
    ),
    "corrupt deflate": (
        _corrupt_deflate,
        "entries.jsonl is damaged (its compressed data or checksum is corrupt)",
    ),
    "leaf is a JSON array": (
        lambda b: rewrite(b, "entries.jsonl", _leaf_array),
        "entry 2 (id {2}): leaf is not a JSON object",
    ),
    "manifest is a list": (
        lambda b: rewrite(b, "manifest.json", lambda raw: b"[]"),
        "manifest.json is not a signed list of entries",
    ),
    "tree head is a number": (
        lambda b: rewrite(b, "tree_head.json", lambda raw: b"7"),
        "tree_head.json is not a signed tree head",
    ),
    "entry is a string": (
        lambda b: rewrite(b, "entries.jsonl", lambda raw: b'"x"\n' + raw),
        "line 1 of entries.jsonl is not an entry",
    ),
    "missing member": (
        lambda b: pack({n: d for n, d in members(b).items() if n != "tree_head.json"}),
        "bundle lacks tree_head.json",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_bundle_is_reported_never_a_crash(
    exported: Exported, tmp_path: Path, damage: str
) -> None:
    make, expected = DAMAGED[damage]
    path = _write(tmp_path, make(exported.bundle))
    result = cw(path, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert expected.format(*[exported.ids.get(i) for i in range(ENTRIES)]) in report["problems"]


def test_a_member_too_large_is_not_read(
    exported: Exported, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainwarden.retention import bundle as bundle_module

    monkeypatch.setitem(bundle_module.MAX_MEMBER, "entries.jsonl", 1000)
    report = verify_bundle(exported.bundle)
    assert "entries.jsonl is larger than 1000 bytes; not read" in report.problems


@pytest.mark.parametrize("content", [b"not a zip", b"", b"PK\x05\x06" + b"\x00" * 18])
def test_what_is_not_a_bundle_exits_2_with_json_when_asked(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, content, "junk.zip")
    result = cw(path, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["ok"] is False
    assert len(result.stderr.strip().splitlines()) == 1
    other = _write(tmp_path, pack({"photo.jpg": b"\xff\xd8"}), "photos.zip")
    assert cw(other).exit_code == 2


# --- entries duplicated or moved -------------------------------------------------------------


def test_a_duplicated_line_is_named_as_such(exported: Exported) -> None:
    report = verify_bundle(with_lines(exported.bundle, lambda lines: lines[:5] + lines[4:]))
    assert report.problems == [
        f"line 6: duplicated entry 4 (id {exported.ids[4]}; the entry is at line 5)"
    ]


def test_a_moved_entry_flags_that_entry_only(exported: Exported) -> None:
    def move_first_to_end(lines: list[bytes]) -> list[bytes]:
        return lines[1:] + lines[:1]

    report = verify_bundle(with_lines(exported.bundle, move_first_to_end))
    assert report.problems == [
        f"entry 0 (id {exported.ids[0]}): out of order (found at line {ENTRIES})"
    ]

    def move_last_to_front(lines: list[bytes]) -> list[bytes]:
        return lines[-1:] + lines[:-1]

    report = verify_bundle(with_lines(exported.bundle, move_last_to_front))
    last = ENTRIES - 1
    assert report.problems == [
        f"entry {last} (id {exported.ids[last]}): out of order (found at line 1)"
    ]


def test_an_entry_line_with_another_id_or_extra_fields_fails(exported: Exported) -> None:
    def edit(lines: list[bytes]) -> list[bytes]:
        line = json.loads(lines[1])
        line["id"] = "someone-else"
        line["note"] = "x"
        return [lines[0], json.dumps(line).encode(), *lines[2:]]

    report = verify_bundle(with_lines(exported.bundle, edit))
    assert report.problems == [
        f"entry 1 (id {exported.ids[1]}): unexpected fields note",
        f"entry 1 (id {exported.ids[1]}): id differs from the signed manifest",
    ]


def test_names_from_the_bundle_cannot_drive_the_terminal(
    exported: Exported, tmp_path: Path
) -> None:
    def rename(raw: bytes) -> bytes:
        manifest = json.loads(raw)
        manifest["entries"][0]["id"] = "[/]\x1b[2J\ud800"
        return json.dumps(manifest).encode()

    path = _write(tmp_path, rewrite(exported.bundle, "manifest.json", rename))
    shown = cw(path)
    assert shown.exit_code == 1, shown.output
    assert "\x1b" not in shown.stdout and "[/]\\x1b[2J\\ud800" in shown.stdout
    as_json = cw(path, "--json")
    assert as_json.exit_code == 1, as_json.output
    assert any("[/]\\x1b[2J\\ud800" in p for p in json.loads(as_json.stdout)["problems"])
