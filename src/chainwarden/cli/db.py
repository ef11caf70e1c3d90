"""Schema management."""

from __future__ import annotations

import typer

from chainwarden.cli.common import err_console, shown_url
from chainwarden.settings import get_settings
from chainwarden.store import Database

app = typer.Typer(help="Database schema / 数据库结构", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply pending migrations to CHAINWARDEN_DATABASE_URL (the server also does this on start)."""
    url = get_settings().database_url
    Database(url).upgrade()
    err_console.print(f"schema up to date: {shown_url(url)}")
