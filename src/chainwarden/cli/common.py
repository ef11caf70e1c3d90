"""What every CLI command shares: the database, the acting person, and one-line failures."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from chainwarden.errors import ChainwardenError
from chainwarden.settings import get_settings
from chainwarden.store import Database

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


class StoreUnusable(ChainwardenError):
    """The database opened but cannot be written (a read-only file or server)."""

    kind = "unavailable"


def shown_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def open_database() -> Database:
    """The configured database, its schema brought up to date, checked writable and keyed."""
    from chainwarden.keys.installation import check_installation_keyring

    db = Database(get_settings().database_url)
    db.upgrade()
    require_writable(db)
    check_installation_keyring(db)  # refuses a key file that is not this database's
    return db


def require_writable(db: Database) -> None:
    """Refuse at start a store that would fail every write later: a write that changes nothing,
    rolled back."""
    try:
        with db.engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    except DBAPIError as exc:
        raise StoreUnusable(
            "database_read_only",
            f"数据库 {shown_url(db.url)} 不可写入（{_first_line(exc.orig)}）",
            f"The database {shown_url(db.url)} cannot be written ({_first_line(exc.orig)})",
        ) from None


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def explain(exc: BaseException) -> str:
    """One line, in Chinese and English, for a failure that reached the top of a command.

    Never the statement or its parameters, never a password, never a traceback."""
    if isinstance(exc, ChainwardenError):
        return exc.line()
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        # Settings from the environment: name the variable a person sets.
        where = "; ".join(
            f"CHAINWARDEN_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()[:3]
        )
        return f"设置无效 / invalid setting: {where}"
    if isinstance(exc, ArgumentError):
        return (
            "数据库地址无效，请检查 CHAINWARDEN_DATABASE_URL / the database URL is not valid, "
            f"check CHAINWARDEN_DATABASE_URL ({_first_line(exc)})"
        )
    if isinstance(exc, DBAPIError):
        url = shown_url(get_settings().database_url)
        return (
            f"无法使用数据库 {url}（不存在、无法连接或不可写） / cannot use the database {url} "
            f"(missing, unreachable or not writable): {_first_line(exc.orig)}"
        )
    if isinstance(exc, SQLAlchemyError):
        return f"数据库错误 / database error: {_first_line(exc).split('[SQL')[0].strip()}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}无法读写 / cannot read or write ({exc.strerror or _first_line(exc)})"
    if isinstance(exc, UnicodeError):
        return "输入含有无法编码的字符 / the input holds characters that cannot be encoded"
    return "意外错误，操作未完成 / unexpected error, the command did not complete"


def fail(message: str) -> NoReturn:
    """Bad input: one line on stderr, exit code 2."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(2)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
