"""`chainwarden report weekly` and `chainwarden supervision rules` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHAINWARDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    return subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
    )


def test_weekly_report_writes_charts(tmp_path):
    result = run(tmp_path, "report", "weekly", "--out", "out", "--on", "2026-03-12", "--json")
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    assert set(files) == {"filings", "screening", "supervision", "summary"}
    for name in ("filings", "screening", "supervision"):
        assert (tmp_path / files[name]).read_bytes().startswith(b"\x89PNG")
    assert json.loads((tmp_path / files["summary"]).read_text())["as_of"] == "2026-03-12"


def test_fine_outside_the_range_is_refused_in_one_line(tmp_path):
    result = run(tmp_path, "supervision", "rules", "10", "--serious", "--fine", "19999")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "20,000" in message and "30,000" in message
    bad_date = run(tmp_path, "report", "weekly", "--on", "12/03/2026")
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr
