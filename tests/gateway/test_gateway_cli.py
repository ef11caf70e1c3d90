"""The gateway's commands: review queue, escalation and complaints, as tables and JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from chainwarden.cli.main import app
from chainwarden.gateway import complaints
from chainwarden.gateway import publish as gateway
from chainwarden.settings import get_settings
from chainwarden.store import Database
from chainwarden.workdays import WorkingCalendar

from support.gateway import GRAY, MOBILES, NOW, make_gateway_world, ready_user

runner = CliRunner()


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINWARDEN_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    with db.session() as s:
        gw = make_gateway_world(s)
        user, _ = ready_user(s, gw, MOBILES[0])
        post = gateway.publish(s, user, gw.service_id, GRAY, now=NOW).post
        complaints.file_complaint(
            s,
            WorkingCalendar(),
            service_id=gw.service_id,
            body="涉嫌推广虚拟币",
            source="x",
            now=NOW,
        )
    db.dispose()
    yield post.id
    get_settings.cache_clear()


def test_queue_escalate_and_complaints(seeded):
    listed = runner.invoke(app, ["gateway", "queue", "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert row["id"] == seeded and row["text"] == GRAY and row["escalated_at"] is None
    table = runner.invoke(app, ["gateway", "queue"])
    assert table.exit_code == 0 and "1 held" in table.output

    escalated = runner.invoke(app, ["gateway", "escalate", "--older-than-hours", "1", "--json"])
    assert escalated.exit_code == 0 and json.loads(escalated.output) == {"escalated": [seeded]}
    only = runner.invoke(app, ["gateway", "queue", "--escalated", "--json"])
    assert [r["id"] for r in json.loads(only.output)] == [seeded]

    everything = json.loads(runner.invoke(app, ["gateway", "complaints", "--json"]).output)
    assert len(everything) == 1 and everything[0]["due"] == "2026-05-19"
    due_day = (NOW + timedelta(days=13)).date().isoformat()  # 19 May: not yet overdue
    assert (
        json.loads(
            runner.invoke(
                app, ["gateway", "complaints", "--overdue", "--on", due_day, "--json"]
            ).output
        )
        == []
    )
    late = runner.invoke(
        app, ["gateway", "complaints", "--overdue", "--on", "2026-05-20", "--json"]
    )
    assert len(json.loads(late.output)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["gateway", "complaints", "--on", "yesterday"],
        ["gateway", "escalate", "--older-than-hours", "-1"],
    ],
)
def test_bad_input_exits_2_with_one_line(seeded, args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
