"""The retention period has an upper bound, and purging never stops at one provider's log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from chainwarden.accounts import SYSTEM
from chainwarden.cli.main import app
from chainwarden.registry.providers import register_provider
from chainwarden.retention import NewEntry, RetentionError, append_many, policy
from chainwarden.retention.models import RetentionLog
from chainwarden.settings import get_settings
from chainwarden.store import Database

from support.retention import Logs
from support.world import BEIJING, SHANGHAI

OLD = datetime(2020, 1, 10, 3, tzinfo=UTC)
NOW = datetime(2026, 12, 4, 3, tzinfo=UTC)


def _seed(db: Database, *providers: str) -> None:
    with db.session() as s:
        for provider in providers:
            append_many(s, provider, [NewEntry("published_item", "user", {"n": 1}, at=OLD)])


@pytest.mark.parametrize("months", [1201, 100_000, 2**31, 2**63])
def test_a_period_beyond_a_century_is_refused(logs: Logs, months: int) -> None:
    with pytest.raises(RetentionError) as caught, logs.db.session() as s:
        policy.set_retention_period(s, logs.bj_admin, logs.beijing, months)
    assert caught.value.code == "retention_too_long"
    assert "1200" in caught.value.zh and "1200" in caught.value.en
    with logs.db.session() as s:
        assert policy.set_retention_period(s, logs.bj_admin, logs.beijing, 1200) == 1200


def test_a_stored_period_out_of_range_still_purges(logs: Logs) -> None:
    """A log whose period was stored before the bound existed is purged at the bound."""
    _seed(logs.db, logs.beijing, logs.shanghai)
    with logs.db.session() as s:
        s.execute(update(RetentionLog).values(retention_months=100_000))
    with logs.db.session() as s:
        results = policy.purge(s, SYSTEM, now=NOW)
    assert [r.failure for r in results] == [None, None]
    assert all(r.cutoff == datetime(1926, 12, 4, 3, tzinfo=UTC) for r in results)


def test_months_before_never_leaves_the_calendar() -> None:
    assert policy.months_before(NOW, 12 * 3000).year == 1
    assert policy.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC
    )


def test_one_providers_failed_purge_does_not_stop_the_others(
    logs: Logs, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(logs.db, logs.beijing, logs.shanghai)
    real = policy.purge_provider

    def failing_for_beijing(session, actor, provider_id, *, now=None):  # type: ignore[no-untyped-def]
        result = real(session, actor, provider_id, now=now)
        if provider_id == logs.beijing:
            raise RuntimeError("disk full")
        return result

    monkeypatch.setattr(policy, "purge_provider", failing_for_beijing)
    with logs.db.session() as s:
        results = {r.provider_id: r for r in policy.purge(s, SYSTEM, now=NOW)}
    assert results[logs.shanghai].purged == 1 and results[logs.shanghai].failure is None
    failed = results[logs.beijing]
    assert failed.purged == 0 and failed.failure is not None
    assert "RuntimeError" not in failed.failure and "disk full" not in failed.failure
    monkeypatch.setattr(policy, "purge_provider", real)
    with logs.db.session() as s:  # beijing's purge was undone, so it is still to do
        assert policy.purge_provider(s, SYSTEM, logs.beijing, now=NOW).purged == 1


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Database, str, str]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINWARDEN_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    with db.session() as s:
        bj = register_provider(s, SYSTEM, BEIJING).id
        sh = register_provider(s, SYSTEM, SHANGHAI).id
    _seed(db, bj, sh)
    yield db, bj, sh
    db.dispose()
    get_settings.cache_clear()


def test_cli_refuses_a_period_too_long_and_purge_reports_failures(
    cli_db: tuple[Database, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, bj, sh = cli_db
    runner = CliRunner()
    refused = runner.invoke(app, ["retention", "period", bj, "100000"])
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) <= 2 and "1200" in refused.stderr

    with db.session() as s:  # a period stored before the bound existed
        s.execute(update(RetentionLog).values(retention_months=100_000))
    purged = runner.invoke(app, ["retention", "purge", "--json"])
    assert purged.exit_code == 0, purged.output
    rows = json.loads(purged.stdout)
    assert [row["failure"] for row in rows] == [None, None]
    assert all(row["cutoff"].startswith("1926-") for row in rows)

    def failing(session, actor, provider_id, *, now=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(policy, "purge_provider", failing)
    failed = runner.invoke(app, ["retention", "purge"])
    assert failed.exit_code == 1
    assert failed.exception is None or isinstance(failed.exception, SystemExit)
    assert "RuntimeError" not in failed.output and "Traceback" not in failed.output
    assert bj in failed.stderr and sh in failed.stderr
