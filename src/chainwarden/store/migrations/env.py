"""Alembic environment: runs against the engine handed over by ``chainwarden.store.upgrade``."""

from __future__ import annotations

from alembic import context

import chainwarden.models  # noqa: F401  (registers every table on the metadata)
from chainwarden.settings import get_settings
from chainwarden.store.base import Base
from chainwarden.store.db import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(get_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
