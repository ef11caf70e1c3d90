from __future__ import annotations

import stat

import pytest

from chainwarden.keys import Keyring, KeysError


def test_round_trip_binds_the_context():
    ring = Keyring.generate()
    token = ring.encrypt(b"11010519491231002X", context="identity.number")
    assert b"11010519491231002X" not in token.encode()
    assert ring.decrypt(token, context="identity.number") == b"11010519491231002X"
    with pytest.raises(KeysError) as caught:
        ring.decrypt(token, context="identity.other")
    assert caught.value.code == "ciphertext_invalid"


def test_altered_ciphertext_is_refused():
    ring = Keyring.generate()
    token = ring.encrypt(b"secret", context="c")
    body = token.rsplit(".", 1)[1]
    altered = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(KeysError):
        ring.decrypt(altered, context="c")
    with pytest.raises(KeysError) as caught:
        ring.decrypt("not a ciphertext", context="c")
    assert caught.value.code == "ciphertext_malformed"


def test_rotation_keeps_old_ciphertexts_readable(tmp_path):
    path = tmp_path / "keys.json"
    ring = Keyring.open(path)
    old = ring.encrypt(b"old", context="c")
    new_id = ring.rotate()
    ring.save(path)

    reloaded = Keyring.open(path)
    assert reloaded.current == new_id == "k2"
    assert not reloaded.is_current(old)
    assert reloaded.decrypt(old, context="c") == b"old"
    fresh = reloaded.reencrypt(old, context="c")
    assert reloaded.is_current(fresh)
    assert reloaded.decrypt(fresh, context="c") == b"old"


def test_lookup_hash_survives_rotation_and_separates_purposes():
    ring = Keyring.generate()
    before = ring.lookup_hash("13800138000", purpose="mobile")
    ring.rotate()
    assert ring.lookup_hash("13800138000", purpose="mobile") == before
    assert ring.lookup_hash("13800138000", purpose="ric") != before


def test_key_file_is_private_and_malformed_files_name_themselves(tmp_path):
    path = tmp_path / "keys.json"
    Keyring.open(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(KeysError) as caught:
        Keyring.open(bad)
    assert str(bad) in caught.value.en
    with pytest.raises(KeysError) as caught:
        Keyring.open(tmp_path / "absent.json", create=False)
    assert caught.value.code == "key_file_missing"
