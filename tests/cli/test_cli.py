"""The command line as an operator uses it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from chainwarden.cli.main import app
from chainwarden.store import Database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_2027 = ROOT / "docs" / "examples" / "calendar-2027.yaml"


@pytest.fixture
def cw(tmp_path):
    env = {**os.environ, "CHAINWARDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "chainwarden.cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            input=input,
            timeout=120,
        )

    return run


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in message


def _command_paths(command, prefix: tuple[str, ...] = ()):
    yield prefix
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _command_paths(sub, (*prefix, name))


COMMANDS = list(_command_paths(typer.main.get_command(app)))


def test_every_command_has_help():
    from typer.testing import CliRunner

    runner = CliRunner()
    assert len(COMMANDS) > 10
    for path in COMMANDS:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output


def test_deadline_across_national_day(cw):
    result = cw("calendar", "add", "2025-09-30", "1", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["due"] == "2025-10-09"


def test_provisional_year_then_import(cw, tmp_path):
    before = cw("calendar", "add", "2026-12-28", "10")
    assert before.returncode == 0, before.stderr
    assert "（暂定）" in before.stdout and "(provisional)" in before.stdout
    assert json.loads(cw("calendar", "add", "2026-12-28", "10", "--json").stdout)["provisional"]
    imported = cw("calendar", "import", str(EXAMPLE_2027))
    assert imported.returncode == 0, imported.stderr
    result = cw("calendar", "add", "2026-12-28", "10", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["due"].startswith("2027-01")
    assert json.loads(result.stdout)["provisional"] is False
    assert "暂定" not in cw("calendar", "add", "2026-12-28", "10").stdout
    assert "2027" in cw("calendar", "years").stdout


def test_bad_calendar_input(cw, tmp_path):
    assert_one_line_error(cw("calendar", "add", "30/09/2025", "1"), "2026-10-09")
    assert_one_line_error(cw("calendar", "add", "2025-09-30", "0"), "at least 1")
    assert_one_line_error(cw("calendar", "import", "missing.yaml"), "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nholidays: [{date: '2026-01-01'}]\n", encoding="utf-8")
    assert_one_line_error(cw("calendar", "import", str(bad)), "bad.yaml", "holidays[0]")


def test_filing_number_check(cw):
    ok = cw("registry", "number", "京网信备11010826000000010016号", "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["province"] == "北京市"
    assert_one_line_error(cw("registry", "number", "京网信备11010826000000010017号"), "should be 6")


def test_lookup_and_overdue_on_demo_data(cw, tmp_path):
    from chainwarden.demo import seed
    from chainwarden.store import Database

    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    db.upgrade()
    list(seed(db))
    db.dispose()
    found = json.loads(cw("registry", "lookup", "链信", "--json").stdout)
    assert [e["service_name"] for e in found] == ["链信电子合同"]
    assert json.loads(cw("registry", "lookup", "链信", "--province", "沪", "--json").stdout) == []

    # 沪链数字藏品溯源 was submitted on Fri 2026-11-20: its review is due Fri 2026-12-18.
    def overdue(on):
        return {
            r["service"] for r in json.loads(cw("registry", "overdue", "--on", on, "--json").stdout)
        }

    assert overdue("2026-12-18") == {"浙链BaaS平台", "浙链跨链网关"}
    assert overdue("2026-12-21") == {"浙链BaaS平台", "浙链跨链网关", "沪链数字藏品溯源"}
    assert_one_line_error(cw("registry", "overdue", "--on", "tomorrow"), "2026-03-02")
    assert_one_line_error(cw("registry", "filings", "--state", "bogus"), "bogus")


def test_accounts_create_refuses_a_short_password(cw):
    env_password = cw("accounts", "create", "root", "--role", "admin", "--password", "short")
    assert_one_line_error(env_password, "10")
    created = cw("accounts", "create", "root", "--role", "admin", "--password", "long enough pw")
    assert created.returncode == 0, created.stderr
    assert "root" in cw("accounts", "list").stdout


def test_unreachable_database_is_one_line(cw, tmp_path):
    env = {**os.environ, "CHAINWARDEN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert_one_line_error(result, "cannot use the database", "Connection refused")


OFFICIAL_2027 = ROOT / "tests" / "workdays" / "data" / "official-2027.yaml"
# The official 2026 schedule with one make-up Saturday (10 October) left out.
SCHEDULE_2026_WITHOUT_10_OCTOBER = """
year: 2026
holidays:
  - {from: "2026-01-01", to: "2026-01-03"}
  - {from: "2026-02-15", to: "2026-02-23"}
  - {from: "2026-04-04", to: "2026-04-06"}
  - {from: "2026-05-01", to: "2026-05-05"}
  - {from: "2026-06-19", to: "2026-06-21"}
  - {date: "2026-09-25"}
  - {from: "2026-10-01", to: "2026-10-07"}
workdays:
  - {date: "2026-01-04"}
  - {date: "2026-02-14"}
  - {date: "2026-02-28"}
  - {date: "2026-05-09"}
  - {date: "2026-09-20"}
"""


def test_import_recomputes_provisional_deadlines_and_prints_what_moved(cw, tmp_path):
    from sqlalchemy import select

    from chainwarden.audit.models import AuditEvent
    from chainwarden.supervision import inspections, rectification
    from chainwarden.workdays.store import load_calendar

    from support.supervision import build_world
    from support.world import at

    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    db.upgrade()
    world = build_world(db)
    with db.session() as s:
        case = inspections.open_case(s, world.bj_regulator, world.beijing_id, title="检查")
        order = rectification.order_rectification(
            s,
            world.bj_regulator,
            load_calendar(s),
            case.id,
            article="17",
            requirement="补齐日志",
            working_days=60,
            service_id=world.ids["bj_service"],
            now=at("2026-12-04"),
        )
        assert (order.due.isoformat(), order.provisional) == ("2027-03-05", True)
        order_id = order.id

    no_eve = tmp_path / "no-eve.yaml"
    no_eve.write_text(
        OFFICIAL_2027.read_text("utf-8").replace('"2027-02-05"', '"2027-02-06"'), "utf-8"
    )
    assert_one_line_error(cw("calendar", "import", str(no_eve)), "除夕", "2027-02-05")

    imported = cw("calendar", "import", str(OFFICIAL_2027))
    assert imported.returncode == 0, imported.stderr
    assert "recomputed: 1, deadlines moved: 1" in imported.stdout
    assert f"rectification_order {order_id} due: 2027-03-05 → 2027-03-08" in imported.stdout
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "deadline.recompute"))
        assert [e.object_id for e in events] == [order_id]

    again = cw("calendar", "import", str(OFFICIAL_2027))
    assert_one_line_error(again, "--replace")
    assert "0 天与现有官方安排不同" in again.stderr
    replaced = cw("calendar", "import", str(OFFICIAL_2027), "--replace", "--json")
    assert replaced.returncode == 0
    assert json.loads(replaced.stdout) == {"recomputed": 0, "moved": []}
    # Replacing chinese-calendar's own year lists the days whose status would change first.
    (tmp_path / "2026.yaml").write_text(SCHEDULE_2026_WITHOUT_10_OCTOBER, "utf-8")
    refused = cw("calendar", "import", str(tmp_path / "2026.yaml"))
    assert_one_line_error(refused, "chinese-calendar", "--replace")
    assert "2026-10-10: 工作日 working day → 休息日 day off" in " ".join(refused.stderr.split())
    db.dispose()
