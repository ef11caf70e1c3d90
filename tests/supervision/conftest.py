from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from chainwarden.accounts import service as accounts_service
from chainwarden.store import Database

from support.supervision import build_world


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch):
    """These tests never sign in: hash the world's passwords cheaply (the machine is shared)."""
    monkeypatch.setattr(
        accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def world(db):
    """Two providers (Beijing, Shanghai), each with one filed service; ids in ``world.ids``."""
    return build_world(db)


@pytest.fixture
def sqlite_db(tmp_path):
    """For rendering tests, where the database backend makes no difference."""
    database = Database(f"sqlite:///{tmp_path / 'render.db'}")
    database.upgrade()
    yield database
    database.dispose()
