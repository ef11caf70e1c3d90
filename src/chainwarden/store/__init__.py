"""Persistence: one SQLAlchemy metadata, engines for SQLite (default) and PostgreSQL, migrations."""

from chainwarden.store.base import Base, new_id, utcnow
from chainwarden.store.db import Database, upgrade

__all__ = ["Base", "Database", "new_id", "upgrade", "utcnow"]
