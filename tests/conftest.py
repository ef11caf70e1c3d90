"""Shared fixtures: a migrated database on SQLite and, where reachable, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from chainwarden.store import Base, Database

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("CHAINWARDEN_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
REQUIRE_POSTGRES = os.environ.get("CHAINWARDEN_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    """A throw-away database on the PostgreSQL server, migrated once for the whole run."""
    server = make_url(POSTGRES_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"chainwarden_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        message = (
            f"PostgreSQL not reachable at {server.render_as_string()}: {exc.__class__.__name__}"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message + " (set CHAINWARDEN_TEST_POSTGRES_URL to run these on PostgreSQL)")
    database = Database(server.set(database=name).render_as_string(hide_password=False))
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A migrated, empty database: a fresh SQLite file, or the shared PostgreSQL test database."""
    import chainwarden.models  # noqa: F401  (all tables on the metadata)

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "chainwarden.db"
        database = Database(f"sqlite:///{path}")
        database.upgrade()
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("postgres_database")
        _truncate(database)
        yield database


@pytest.fixture(autouse=True, scope="session")
def _private_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or create a key file in the working folder."""
    from chainwarden.keys import forget_cached
    from chainwarden.settings import get_settings

    path = tmp_path_factory.mktemp("keys") / "chainwarden.keys"
    previous = os.environ.get("CHAINWARDEN_KEY_FILE")
    os.environ["CHAINWARDEN_KEY_FILE"] = str(path)
    get_settings.cache_clear()
    forget_cached()
    yield
    if previous is None:
        os.environ.pop("CHAINWARDEN_KEY_FILE", None)
    else:
        os.environ["CHAINWARDEN_KEY_FILE"] = previous
    get_settings.cache_clear()
    forget_cached()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no failed sign-ins or bad tokens counted (in-memory counters)."""
    from chainwarden.store.ratelimits import reset_memory

    reset_memory()
    yield


@pytest.fixture
def limits_clock(monkeypatch: pytest.MonkeyPatch):
    """The rate limits' wall clock (in-memory counters), moved forward by setting ``offset``."""
    import time
    from types import SimpleNamespace

    import limits.storage.memory

    from chainwarden.store import ratelimits

    state = SimpleNamespace(offset=0.0)
    fake = SimpleNamespace(time=lambda: time.time() + state.offset)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(ratelimits, "time", fake)
    return state
