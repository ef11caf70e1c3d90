"""Every failure of the command line reaches a person as one line in Chinese and English, exit
code 2: no traceback, no statement parameters, no password hash, no Python names."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CHAINWARDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        input="",
        timeout=120,
    )


def assert_one_bilingual_line(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert CJK.search(lines[0]) and " / " in lines[0]
    for fragment in fragments:
        assert fragment in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"CHAINWARDEN_DATABASE_URL": "nosuchdb://somewhere/x"}, "database URL is not valid"),
        ({"CHAINWARDEN_DATABASE_URL": "not a url"}, "database URL is not valid"),
        ({"CHAINWARDEN_DATABASE_URL": "sqlite:////no/such/folder/cw.db"}, "unable to open"),
        (
            {"CHAINWARDEN_DATABASE_URL": "postgresql+psycopg://u:s3cret@127.0.0.1:1/x"},
            "Connection refused",
        ),
        ({"CHAINWARDEN_SESSION_HOURS": "abc"}, "CHAINWARDEN_SESSION_HOURS"),
    ],
)
def test_a_bad_setting_or_database_is_one_line(tmp_path, env, fragment):
    result = run(tmp_path, "accounts", "list", **env)
    assert_one_bilingual_line(result, fragment)
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize("port", ["abc", "0", "70000"])
def test_a_bad_port_is_one_line_before_serving(tmp_path, port):
    assert_one_bilingual_line(run(tmp_path, "run", CHAINWARDEN_PORT=port), "CHAINWARDEN_PORT")


def test_a_read_only_database_is_refused_at_start(tmp_path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    url = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
    result = run(tmp_path, "run", CHAINWARDEN_DATABASE_URL=url, CHAINWARDEN_PORT="8199")
    assert_one_bilingual_line(result, "cannot be written")


def test_an_unknown_provider_is_said_without_the_password_hash(tmp_path):
    result = run(
        tmp_path,
        "accounts",
        "create",
        "someone",
        "--role",
        "provider_admin",
        "--provider-id",
        "no-such-provider",
        CHAINWARDEN_PASSWORD="correct horse battery",
    )
    assert_one_bilingual_line(result, "Unknown provider no-such-provider")
    assert "argon2" not in result.stderr and "Integrity" not in result.stderr
