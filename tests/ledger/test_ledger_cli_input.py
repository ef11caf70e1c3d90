"""Bad input to the ledger and chain commands is one line and exit 2, and no message names a
Python exception; a disposal proof is checked against a pinned key, whose fingerprint is shown."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner, Result

from chainwarden.accounts import SYSTEM
from chainwarden.cli import ledger as ledger_cli
from chainwarden.cli.main import app
from chainwarden.ledger import record_item
from chainwarden.ledger.disposal import disposal_proof, dispose
from chainwarden.ledger.items import seal_pending
from chainwarden.registry.providers import register_provider
from chainwarden.store import Database

from support.world import BEIJING

PYTHON_NAMES = ("Error", "Exception", "Traceback", "KeyError", "ValueError")


def cw(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not any(name in result.stderr for name in PYTHON_NAMES), result.stderr
    return result.stderr


@pytest.fixture
def proof_file(db: Database, tmp_path: Path) -> tuple[Path, str]:
    with db.session() as s:
        provider = register_provider(s, SYSTEM, BEIJING)
        ids = [record_item(s, provider_id=provider.id, content=f"post {n}").id for n in range(3)]
        seal_pending(s, provider_id=provider.id, block_size=10)
        order = dispose(s, SYSTEM, item_ids=[ids[1]], reason="违规", reference="京处-9")
        proof = disposal_proof(s, SYSTEM, order.id)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof))
    return path, proof["public_key"]


def test_scan_btc_of_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    stderr = _one_line(cw("chain", "scan-btc", str(tmp_path / "missing.dat")))
    assert "missing.dat" in stderr


def test_malformed_blocks_are_reported_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_cli, "SCREEN_MANY", lambda texts: [{} for _ in texts])
    broken = tmp_path / "broken.bin"
    broken.write_bytes(b"\x01\x00\x00")
    result = cw("chain", "scan-btc", str(broken))
    assert result.exit_code == 0
    assert "truncated" in result.stderr
    assert not any(name in result.stderr for name in PYTHON_NAMES), result.stderr


def test_check_proof_pins_the_key_and_shows_its_fingerprint(proof_file: tuple[Path, str]) -> None:
    path, key = proof_file
    real = hashlib.sha256(bytes.fromhex(key)).hexdigest()

    unpinned = cw("ledger", "check-proof", str(path))
    assert unpinned.exit_code == 0, unpinned.output
    assert real in unpinned.stdout and "pin it" in unpinned.stderr

    pinned = cw("ledger", "check-proof", str(path), "--public-key", key)
    assert pinned.exit_code == 0 and real in pinned.stdout and "pin it" not in pinned.stderr

    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex()
    refused = cw("ledger", "check-proof", str(path), "--public-key", other)
    assert refused.exit_code == 1 and "signed by another key" in refused.stderr

    for malformed in ("zz", "abcd", "0" * 63):
        stderr = _one_line(cw("ledger", "check-proof", str(path), "--public-key", malformed))
        assert "signed by another key" not in stderr and "64" in stderr


def test_a_proof_without_its_key_names_the_missing_field(
    proof_file: tuple[Path, str], tmp_path: Path
) -> None:
    path, _key = proof_file
    proof = json.loads(path.read_text())
    del proof["public_key"]
    path.write_text(json.dumps(proof))
    result = cw("ledger", "check-proof", str(path))
    assert result.exit_code == 1
    assert "the field public_key is missing" in result.stderr
    assert not any(name in result.stderr for name in PYTHON_NAMES), result.stderr

    (tmp_path / "bad.json").write_bytes(b"\xff\xfe not json")
    _one_line(cw("ledger", "check-proof", str(tmp_path / "bad.json")))
