"""What every CLI command shares: the database, the acting person, and one-line failures."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer
from rich.console import Console

from chainwarden.settings import get_settings
from chainwarden.store import Database

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


def open_database() -> Database:
    from chainwarden.keys.installation import check_installation_keyring

    db = Database(get_settings().database_url)
    db.upgrade()
    check_installation_keyring(db)  # refuses a key file that is not this database's
    return db


def fail(message: str) -> NoReturn:
    """Bad input: one line on stderr, exit code 2."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(2)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
