"""The identity and key commands as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from chainwarden.identity import users
from chainwarden.keys import Keyring
from chainwarden.store import Database

from support.identity_world import make_identity_world


@pytest.fixture
def cw(tmp_path):
    env = {
        **os.environ,
        "CHAINWARDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "CHAINWARDEN_KEY_FILE": str(tmp_path / "cli.keys"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "chainwarden.cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    return run


def test_check_prints_details_or_the_reason(cw):
    ok = cw("identity", "check", "11010519491231002X", "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["masked"] == "110105********002X"
    bad = cw("identity", "check", "91350100M000100Y44")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "uscc_checksum" in bad.stderr and "check character" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_rotate_then_reencrypt(cw, tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    db.upgrade()
    ring = Keyring.open(tmp_path / "cli.keys")
    with db.session() as s:
        world = make_identity_world(s)
        for i, number in enumerate(["11010519491231002X", "44030419900307123X"]):
            users.register_user(
                s,
                world.bj_provider,
                world.service_id,
                users.NewUser(nickname=f"u{i}", real_name="张三", number=number),
                ring=ring,
            )
    db.dispose()

    rotated = cw("keys", "rotate", "--json")
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["current"] == "k2"
    status = json.loads(cw("keys", "status", "--json").stdout)
    assert status["keys"] == ["k1", "k2"] and status["stale_users"] == 2

    done = cw("identity", "reencrypt", "--batch", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"key": "k2", "users": 2, "fields": 4}

    listed = json.loads(cw("identity", "users", world.service_id, "--json").stdout)
    assert {u["number"] for u in listed} == {"110105********002X", "440304********123X"}
    user_id = listed[0]["id"]
    taken = cw(
        "identity",
        "measure",
        user_id,
        "--kind",
        "restriction",
        "--reason",
        "刷屏",
        "--function",
        "post",
        "--function",
        "comment",
        "--until",
        "2099-01-01",
        "--json",
    )
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["until"] == "2098-12-31T16:00:00+00:00"  # Beijing midnight
    report = cw("identity", "report", world.beijing_id, "--since", "2026-01-01", "--json")
    assert report.returncode == 0 and json.loads(report.stdout)["counts"]["restriction"] == 1


def test_missing_key_file_and_unknown_ids_are_one_line_errors(cw):
    missing = cw("keys", "rotate")
    assert missing.returncode == 2 and "key file" in missing.stderr
    assert "Traceback" not in missing.stderr
    unknown = cw("identity", "report", "no-such-provider")
    assert unknown.returncode == 2 and "Provider not found" in " ".join(unknown.stderr.split())
