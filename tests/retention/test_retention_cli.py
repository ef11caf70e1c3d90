"""``chainwarden retention …`` as an operator runs it: exit codes, one line on stderr for bad
input, and the offline verifier in a separate process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from chainwarden.accounts import SYSTEM
from chainwarden.cli.main import app
from chainwarden.registry.providers import register_provider
from chainwarden.retention import NewEntry, append_many
from chainwarden.settings import get_settings
from chainwarden.store import Database

from support.world import BEIJING

OLD = datetime(2020, 1, 1, 3, tzinfo=UTC)
Run = Callable[..., Result]


@pytest.fixture
def provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINWARDEN_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    with db.session() as s:
        provider_id = register_provider(s, SYSTEM, BEIJING).id
        items = [
            NewEntry(
                "published_item", "user", {"n": i}, user_id="alice" if i % 2 else "bob", at=OLD
            )
            for i in range(6)
        ]
        append_many(s, provider_id, items)
    db.dispose()
    yield provider_id
    get_settings.cache_clear()


def cw(*args: str) -> Result:
    return CliRunner().invoke(app, ["retention", *args])


def _one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = " ".join(result.stderr.split())
    assert len(result.stderr.strip().splitlines()) <= 2  # one message (Rich may wrap it)
    for fragment in fragments:
        assert fragment in message


def _tamper(bundle: Path, out: Path) -> dict[str, object]:
    with zipfile.ZipFile(bundle) as z:
        files = {n: z.read(n) for n in z.namelist()}
    lines = [json.loads(x) for x in files["entries.jsonl"].decode().splitlines()]
    lines[1]["payload"] = '{"n":42}'
    files["entries.jsonl"] = "".join(json.dumps(x) + "\n" for x in lines).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    out.write_bytes(buffer.getvalue())
    return lines[1]


def test_period_hold_export_verify_purge(provider: str, tmp_path: Path) -> None:
    _one_line_error(cw("period", provider, "5"), "第十七条", "Art. 17")
    assert cw("period", provider, "6", "--reason", "default").exit_code == 0
    _one_line_error(cw("status", "91110000000000000X"), "not found")

    hold = cw("hold", provider, "--user", "alice", "--reason", "协查", "--json")
    assert hold.exit_code == 0, hold.output
    _one_line_error(cw("hold", provider, "--reason", "x"), "--user")

    bundle = tmp_path / "bundle.zip"
    exported = cw(
        "export",
        provider,
        "--user",
        "alice",
        "--reason",
        "协查函",
        "--output",
        str(bundle),
        "--json",
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["entries"] == 3
    _one_line_error(
        cw("export", provider, "--since", "yesterday", "--reason", "x", "-o", "b.zip"), "2026-03-02"
    )
    _one_line_error(
        cw("export", provider, "--type", "gossip", "--reason", "x", "-o", "b.zip"), "gossip"
    )

    # The authority's side: a separate process with no database at all.
    verified = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainwarden.cli.main",
            "retention",
            "verify",
            str(bundle),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CHAINWARDEN_DATABASE_URL": "sqlite:////nonexistent/x.db"},
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["ok"] is True

    changed = _tamper(bundle, tmp_path / "tampered.zip")
    failed = cw("verify", str(tmp_path / "tampered.zip"))
    assert failed.exit_code == 1
    assert f"entry {changed['index']} (id {changed['id']}): payload altered" in failed.stdout

    (tmp_path / "junk.zip").write_text("not a zip")
    _one_line_error(cw("verify", str(tmp_path / "junk.zip")), "junk.zip")

    purged = cw("purge", "--json")
    assert purged.exit_code == 0, purged.output
    [row] = json.loads(purged.stdout)
    assert (row["purged"], row["held"]) == (3, 3)  # bob's payloads go; alice is on hold

    checked = cw("check", provider, "--json")
    assert checked.exit_code == 0
    assert json.loads(checked.stdout) == {"ok": True, "problems": []}
    status = json.loads(cw("status", provider, "--json").stdout)
    # 6 entries, the period change, the export and the purge are all in the log.
    assert status["size"] == 9
    assert status["latest_tree_head"]["tree_size"] == 8
    assert len(status["holds"]) == 1
