from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from chainwarden.store import Base


def test_migrations_match_the_models(db):
    """A model changed without a migration fails here (on SQLite and PostgreSQL)."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db):
    db.upgrade()  # the server runs this on every start


def test_sqlite_uses_wal(tmp_path):
    from chainwarden.store import Database

    database = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    database.upgrade()
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
