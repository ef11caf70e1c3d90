"""Encryption at rest with the installation keyring: rotation keeps old ciphertexts readable and
re-encryption moves every field to the current key."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chainwarden.identity import protect, users
from chainwarden.identity.models import ServiceUser
from chainwarden.keys import Keyring, KeysError


def test_ciphertexts_are_bound_to_field_and_row():
    ring = Keyring.generate()
    token = protect.seal("11010519491231002X", "number_ct", "user-1", ring)
    assert protect.unseal(token, "number_ct", "user-1", ring) == "11010519491231002X"
    for field, row in (("mobile_ct", "user-1"), ("number_ct", "user-2")):
        with pytest.raises(KeysError):
            protect.unseal(token, field, row, ring)


def test_rotation_then_reencryption(db, iw, tmp_path):
    ring = Keyring.open(tmp_path / "keys.json")
    with db.session() as s:
        for i, number in enumerate(
            ["11010519491231002X", "44030419900307123X", "110101198001010010"]
        ):
            users.register_user(
                s,
                iw.bj_provider,
                iw.service_id,
                users.NewUser(
                    nickname=f"u{i}", real_name=f"用户{i}", number=number, mobile=f"1381234567{i}"
                ),
                ring=ring,
            )
    old_key = ring.current
    ring.rotate()
    with db.session() as s:
        assert protect.count_stale(s, ring) == 3
        done, after, rounds = 0, "", 0
        while after is not None:
            stats, after = protect.reencrypt_batch(s, after_id=after, limit=2, ring=ring)
            done += stats.fields
            rounds += 1
        assert done == 9 and rounds == 2
    with db.session() as s:
        assert protect.count_stale(s, ring) == 0
        rows = list(s.scalars(select(ServiceUser).order_by(ServiceUser.nickname)))
        assert all(
            ring.is_current(u.number_ct) and ring.is_current(u.mobile_ct or "") for u in rows
        )
        assert (
            protect.unseal(rows[0].number_ct, "number_ct", rows[0].id, ring) == "11010519491231002X"
        )
        # The look-up hash does not depend on the data key: look-ups still work.
        assert len(users.find_users(s, iw.bj_provider, "44030419900307123X", ring=ring)) == 1
        # A second run changes nothing.
        stats, _ = protect.reencrypt_batch(s, ring=ring)
        assert stats.fields == 0
    assert old_key in ring.key_ids


def test_a_process_reads_data_under_a_key_rotated_by_another_process(tmp_path, monkeypatch):
    from chainwarden.keys import forget_cached, keyring
    from chainwarden.settings import get_settings

    path = tmp_path / "rotated.keys"
    monkeypatch.setenv("CHAINWARDEN_KEY_FILE", str(path))
    get_settings.cache_clear()
    forget_cached()
    try:
        keyring()  # this process loads k1
        other = Keyring.open(path)  # another process rotates and re-encrypts
        other.rotate()
        other.save(path)
        token = protect.seal("13812345678", "mobile_ct", "u1", other)
        assert protect.unseal(token, "mobile_ct", "u1") == "13812345678"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        forget_cached()
