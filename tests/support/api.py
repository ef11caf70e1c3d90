"""A seeded API for web tests: a SQLite file built once per run and copied for every test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from chainwarden.accounts import service as accounts
from chainwarden.registry import checks, filings
from chainwarden.registry.models import Filing
from chainwarden.store import Database
from chainwarden.web.app import create_app
from chainwarden.workdays import WorkingCalendar

from support.world import at, make_world, new_filing

ROLES = [
    "bj_provider",
    "bj_reviewer",
    "sh_provider",
    "bj_regulator",
    "sh_regulator",
    "cac",
    "admin",
]


SERVICE = {
    "name": "新服务",
    "category": "存证",
    "form": "app",
    "address": "com.example.app",
    "application_field": "供应链",
    "chain_type": "private",
    "platform": "ChainMaker",
    "node_count": 3,
    "started_on": "2026-03-20",
    "server_addresses": ["192.0.2.1"],
}


@dataclass
class Seeded:
    path: Path
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def build_seed(path: Path) -> Seeded:
    """Beijing and Shanghai providers, each with a draft, a submitted and a filed service."""
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    cal = WorkingCalendar()
    seeded = Seeded(path)
    with db.session() as s:
        world = make_world(s)
        seeded.ids.update(beijing=world.beijing_id, shanghai=world.shanghai_id)
        for role in ROLES:
            seeded.tokens[role] = accounts.create_token(s, getattr(world, role), "tests").secret
        for prefix, provider, actor in (
            ("bj", "beijing", world.bj_provider),
            ("sh", "shanghai", world.sh_provider),
        ):
            seeded.ids[f"{prefix}_draft"] = new_filing(
                s, world, cal, provider=provider, name="草稿"
            )
            for state in ("submitted", "filed"):
                filing_id = new_filing(s, world, cal, provider=provider, name=state)
                filings.submit(s, actor, cal, filing_id, at("2026-03-03"))
                seeded.ids[f"{prefix}_{state}"] = filing_id
            filings.approve(s, world.cac, seeded.ids[f"{prefix}_filed"], at("2026-03-20"))
        seeded.ids["bj_service"] = s.get_one(Filing, seeded.ids["bj_filed"]).service_id
        seeded.ids["bj_check"] = checks.open_campaign(
            s,
            world.bj_regulator,
            title="北京查验",
            opens_on=date(2026, 3, 25),
            closes_on=date(2026, 4, 30),
        ).id
    db.dispose()
    return seeded


def client_for(template: Seeded, tmp_path: Path, now: datetime | None = None) -> TestClient:
    copy = tmp_path / "api.db"
    shutil.copyfile(template.path, copy)
    moment = now or datetime(2026, 4, 1, 3, tzinfo=UTC)
    app = create_app(Database(f"sqlite:///{copy}"), clock=lambda: moment)
    return TestClient(app)


def auth(template: Seeded, role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {template.tokens[role]}"} if role else {}
