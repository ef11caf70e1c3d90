"""Accounts, from the server's own command line (e.g. the first admin)."""

from __future__ import annotations

import typer

from chainwarden.accounts import SYSTEM, Role
from chainwarden.accounts import service as accounts
from chainwarden.cli.common import err_console, open_database, print_json

app = typer.Typer(help="Accounts / 账户", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name."),
    role: Role = typer.Option(..., help="provider_admin, provider_reviewer, regulator or admin."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="CHAINWARDEN_PASSWORD",
        help="At least 10 characters; asked for when not given.",
    ),
    provider_id: str = typer.Option(None, help="Provider organisation (provider roles)."),
    province: str = typer.Option(None, help="2-digit province code (provincial regulator)."),
    reason: str = typer.Option(
        "created from the command line", help="Recorded in the audit trail."
    ),
) -> None:
    """Create an account."""
    db = open_database()
    with db.session() as session:
        account = accounts.create_account(
            session,
            SYSTEM,
            username=username,
            password=password,
            role=role,
            provider_id=provider_id,
            province_code=province,
            reason=reason,
        )
    err_console.print(f"created {account.username} ({account.role}) id={account.id}")


@app.command("list")
def list_(json_: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List accounts."""
    with open_database().session() as session:
        rows = [
            {
                "id": a.id,
                "username": a.username,
                "role": a.role,
                "provider_id": a.provider_id,
                "province_code": a.province_code,
                "active": a.active,
            }
            for a in accounts.list_accounts(session, SYSTEM)
        ]
    if json_:
        print_json(rows)
    else:
        for row in rows:
            typer.echo(f"{row['username']:<24} {row['role']:<18} {row['province_code'] or ''}")
