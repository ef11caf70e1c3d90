"""A server or command never starts with a key file that is not the database's: a missing or
different key file is refused, and only a new installation gets a new key file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from chainwarden.keys import Keyring, KeysError, forget_cached
from chainwarden.keys.installation import KeyringFingerprint, check_installation_keyring
from chainwarden.settings import get_settings
from chainwarden.store import Database


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "installation.keys"
    monkeypatch.setenv("CHAINWARDEN_KEY_FILE", str(path))
    get_settings.cache_clear()
    forget_cached()
    yield path
    monkeypatch.undo()
    get_settings.cache_clear()
    forget_cached()


def _stored(db: Database) -> str | None:
    with db.session() as s:
        return s.scalar(select(KeyringFingerprint.fingerprint))


def test_a_new_installation_creates_and_records_its_keyring(db: Database, key_file: Path) -> None:
    ring = check_installation_keyring(db)
    assert key_file.exists()
    assert _stored(db) == ring.fingerprint == Keyring.open(key_file).fingerprint
    assert check_installation_keyring(db).fingerprint == ring.fingerprint  # the next start


def test_a_missing_key_file_is_refused_not_recreated(db: Database, key_file: Path) -> None:
    check_installation_keyring(db)
    key_file.unlink()
    forget_cached()
    with pytest.raises(KeysError) as caught:
        check_installation_keyring(db)
    assert caught.value.code == "key_file_missing"
    assert "不会新建密钥" in caught.value.zh and "no new keyring" in caught.value.en
    assert not key_file.exists()


def test_another_key_file_is_refused(db: Database, key_file: Path) -> None:
    recorded = check_installation_keyring(db).fingerprint
    Keyring.generate().save(key_file)
    forget_cached()
    with pytest.raises(KeysError) as caught:
        check_installation_keyring(db)
    assert caught.value.code == "key_file_mismatch"
    assert recorded[:16] in caught.value.en and recorded[:16] in caught.value.zh


def test_a_rotation_keeps_the_keyring_fingerprint(db: Database, key_file: Path) -> None:
    ring = check_installation_keyring(db)
    ring.rotate()
    ring.save(key_file)
    forget_cached()
    assert check_installation_keyring(db).current == "k2"


def test_data_from_before_the_fingerprint_still_protects_against_a_new_keyring(
    db: Database, key_file: Path
) -> None:
    """A database with encrypted data but no recorded fingerprint (made before the check
    existed) is not given a new keyring either."""
    from chainwarden.accounts import SYSTEM
    from chainwarden.registry.providers import register_provider
    from chainwarden.retention.log import open_log

    from support.world import BEIJING

    with db.session() as s:
        open_log(s, register_provider(s, SYSTEM, BEIJING).id)  # encrypts the signing key
    key_file.unlink()
    forget_cached()
    with pytest.raises(KeysError):
        check_installation_keyring(db)
    assert not key_file.exists()


def _cw(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CHAINWARDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cw.db'}",
        "CHAINWARDEN_KEY_FILE": str(tmp_path / "cw.keys"),
    }
    return subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_commands_and_the_server_refuse_to_start_without_the_key_file(tmp_path: Path) -> None:
    first = _cw(tmp_path, "identity", "report", "no-such-provider")
    assert first.returncode == 2 and (tmp_path / "cw.keys").exists()

    (tmp_path / "cw.keys").unlink()
    for args in (("identity", "report", "no-such-provider"), ("run", "--port", "8157")):
        refused = _cw(tmp_path, *args)
        assert refused.returncode == 2, refused.stderr
        message = " ".join(refused.stderr.split())
        assert "restore the file" in message and "请恢复该文件" in message
        assert "Traceback" not in refused.stderr
        assert len(refused.stderr.strip().splitlines()) <= 2  # one message (Rich may wrap it)
        assert not (tmp_path / "cw.keys").exists()


def test_a_key_file_that_cannot_be_created_is_named(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINWARDEN_KEY_FILE", str(tmp_path / "no-such-folder" / "k.keys"))
    get_settings.cache_clear()
    forget_cached()
    try:
        with pytest.raises(KeysError) as caught:
            check_installation_keyring(db)
        assert caught.value.code == "key_file_unwritable"
        assert "no-such-folder" in caught.value.en
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        forget_cached()
