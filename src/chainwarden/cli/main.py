"""``chainwarden``: serve the system, look up the registry, count working days, manage the store."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from chainwarden.cli import (
    accounts,
    calendar,
    db,
    gateway,
    identity,
    keys,
    ledger,
    registry,
    retention,
    scans,
    screening,
    supervision,
)
from chainwarden.cli.common import err_console, explain, fail


class OneLineFailures(TyperGroup):
    """The CLI's one error path: whatever a command raises reaches a person as one line in
    Chinese and English, exit code 2; never a traceback, a statement's parameters or a secret."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (Exit, Abort, TyperException, KeyboardInterrupt):
            raise
        except Exception as exc:
            fail(explain(exc))


app = typer.Typer(
    cls=OneLineFailures,
    help="chainwarden — 区块链信息服务合规系统 / blockchain information service compliance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(registry.app, name="registry")
app.add_typer(calendar.app, name="calendar")
app.add_typer(db.app, name="db")
app.add_typer(accounts.app, name="accounts")
app.add_typer(identity.app, name="identity")
app.add_typer(keys.app, name="keys")
app.add_typer(retention.app, name="retention")
app.add_typer(ledger.app, name="ledger")
app.add_typer(ledger.chain_app, name="chain")
app.command("worker")(scans.worker)
app.add_typer(gateway.app, name="gateway")
app.add_typer(screening.app, name="screening")
app.command("screen")(screening.screen)
app.add_typer(supervision.app, name="supervision")
app.add_typer(supervision.report_app, name="report")


@app.command()
def run(
    demo: bool = typer.Option(False, "--demo", help="Seed demo regulators, providers and filings."),
    host: str = typer.Option(None, help="Address to listen on [default: 127.0.0.1]."),
    port: int = typer.Option(None, min=1, max=65535, help="Port [default: 8000]."),
    workers: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Server processes; share their rate limits with CHAINWARDEN_RATE_LIMIT_URL=redis://…",
    ),
) -> None:
    """Serve the API, the public registry and the consoles (SQLite in this folder by default)."""
    import uvicorn

    from chainwarden.cli.common import open_database
    from chainwarden.settings import get_settings
    from chainwarden.web.app import create_app
    from chainwarden.web.runtime import server_options

    settings = get_settings()
    if workers > 1 and settings.database_url.startswith("sqlite"):
        # Reads scale across processes on one SQLite file; writes still go one at a time.
        err_console.print(
            "[yellow]注意:[/] SQLite 是单进程的内置数据库，多进程只提升读取；写入请使用 PostgreSQL / "
            "SQLite is the single-process embedded default: more processes help reads only, "
            "writes still go one at a time — use PostgreSQL for many writers (docs/deploy.md)",
            soft_wrap=True,
        )
    database = open_database()
    if demo:
        from chainwarden.demo import seed

        for line in seed(database):
            err_console.print(line)
    address = host or settings.host
    listen = port or settings.port
    err_console.print(f"chainwarden serving http://{address}:{listen}/ (API: /api/v1/docs)")
    options = {"host": address, "port": listen, "log_level": "info", **server_options(settings)}
    if workers > 1:
        # Each process opens the (already upgraded) database itself.
        database.dispose()
        uvicorn.run("chainwarden.web.app:served_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(database, upgrade=False), **options)


def main() -> None:
    try:
        app()
    except Exception as exc:
        # What fails before a command runs (or after it): still one line, exit 2.
        err_console.print(f"[bold red]error:[/] {explain(exc)}", soft_wrap=True, markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
