"""Schema management."""

from __future__ import annotations

import typer

from chainwarden.cli.common import err_console, fail
from chainwarden.settings import get_settings
from chainwarden.store import Database

app = typer.Typer(help="Database schema / 数据库结构", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply pending migrations to CHAINWARDEN_DATABASE_URL (the server also does this on start)."""
    url = get_settings().database_url
    try:
        Database(url).upgrade()
    except Exception as exc:  # a bad URL or an unreachable server: say so in one line
        fail(f"cannot upgrade {url}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    err_console.print(f"schema up to date: {url}")
