"""Identity numbers, service users and measures from the server's command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.identity import measures, protect, users
from chainwarden.identity.numbers import NumberKind, NumberRejected, check
from chainwarden.settings import LOCAL_TZ

app = typer.Typer(
    help="Real-name identity, service users and measures / 实名认证与用户处置", no_args_is_help=True
)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")


@app.command("check")
def check_command(
    value: str = typer.Argument(
        ..., help="Citizen ID, unified social credit code or mobile number."
    ),
    kind: NumberKind = typer.Option(None, help="Force the kind: ric, uscc or mobile."),
    json_: bool = JSON,
) -> None:
    """Classify and validate an identity number (exit 2 with the reason when invalid)."""
    try:
        checked = check(value, kind)
    except NumberRejected as exc:
        if json_:
            print_json(
                {
                    "valid": False,
                    "kind": str(exc.number_kind) if exc.number_kind else None,
                    "reason": exc.code,
                    "message": {"zh": exc.zh, "en": exc.en},
                }
            )
        fail(f"{exc.line()} (reason: {exc.code})")
    result = {
        "valid": True,
        "kind": str(checked.kind),
        "masked": checked.masked,
        "details": checked.details,
    }
    if json_:
        print_json(result)
        return
    out_console.print(f"valid {checked.kind}: {checked.masked}")
    for name, detail in checked.details.items():
        out_console.print(f"  {name}: {detail}")


@app.command()
def reencrypt(
    batch: int = typer.Option(200, min=1, max=10_000, help="Users per transaction."),
    json_: bool = JSON,
) -> None:
    """Re-encrypt every service user's identity data under the current key (after
    `chainwarden keys rotate`). Safe to interrupt and run again."""
    from chainwarden.keys import forget_cached, keyring

    forget_cached()
    db = open_database()  # checks the key file before it is used
    ring = keyring()
    with db.session() as session:
        stale = protect.count_stale(session, ring)
    users_changed = fields = 0
    after: str | None = ""
    with Progress(
        TextColumn("re-encrypting / 重新加密"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=json_ or stale == 0,
    ) as progress:
        task = progress.add_task("users", total=stale)
        while after is not None:
            with db.session() as session:
                stats, after = protect.reencrypt_batch(
                    session, after_id=after, limit=batch, ring=ring
                )
            users_changed += stats.users
            fields += stats.fields
            progress.update(task, advance=stats.users)
    result = {"key": ring.current, "users": users_changed, "fields": fields}
    if json_:
        print_json(result)
    else:
        err_console.print(
            f"{users_changed} users ({fields} fields) now under key {ring.current} / "
            f"已用密钥 {ring.current} 重新加密 {users_changed} 个用户"
        )


@app.command("users")
def list_users(
    service_id: str = typer.Argument(..., help="Service id."),
    json_: bool = JSON,
) -> None:
    """List a service's users (masked)."""
    with open_database().session() as session:
        rows = [
            {
                "id": u.id,
                "nickname": u.nickname,
                "name": u.name_masked,
                "number": u.number_masked,
                "mobile": u.mobile_masked,
                "verification": u.verification,
                "status": u.status,
            }
            for u in users.list_users(session, SYSTEM, service_id)
        ]
    if json_:
        print_json(rows)
        return
    table = Table("id", "昵称 Nickname", "姓名 Name", "号码 Number", "认证 Verified", "状态 Status")
    for r in rows:
        table.add_row(
            r["id"], r["nickname"], r["name"], r["number"], r["verification"], r["status"]
        )
    out_console.print(table)


def _moment(day: date | None) -> datetime | None:
    """Midnight in Beijing at the start of ``day``."""
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(UTC)


@app.command()
def report(
    provider_id: str = typer.Argument(..., help="Provider id."),
    since: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="First day (Beijing time)."),
    until: datetime = typer.Option(
        None, formats=["%Y-%m-%d"], help="Day after the last (Beijing time)."
    ),
    json_: bool = JSON,
) -> None:
    """The provider's user-measure report for the regulator (Art. 16), users masked."""
    with open_database().session() as session:
        data = measures.measure_report(
            session,
            SYSTEM,
            provider_id,
            since=_moment(since.date() if since else None),
            until=_moment(until.date() if until else None),
        ).as_dict()
    if json_:
        print_json(data)
        return
    out_console.print(f"{data['provider']['name']} ({data['provider']['uscc']})")
    out_console.print("  ".join(f"{k}: {v}" for k, v in data["counts"].items()))
    table = Table("时间 At", "措施 Kind", "用户 User", "号码 Number", "理由 Reason", "至 Until")
    for m in data["measures"]:
        table.add_row(
            m["at"][:16], m["kind"], m["user"], m["number"], m["reason"], m["until"] or ""
        )
    out_console.print(table)


@app.command()
def register(
    service_id: str = typer.Argument(..., help="Service id."),
    nickname: str = typer.Option(..., help="The user's name on the service."),
    real_name: str = typer.Option(..., help="Real name, or the organisation's name."),
    number: str = typer.Option(
        ..., envvar="CHAINWARDEN_IDENTITY_NUMBER", help="Citizen ID, USCC or mobile number."
    ),
    mobile: str = typer.Option(None, help="Mobile number (optional)."),
    verify: bool = typer.Option(True, help="Verify at once with the configured verifier."),
    json_: bool = JSON,
) -> None:
    """Register a service user; prints the user's API token once."""
    from chainwarden.identity.verifiers import configured_verifier

    with open_database().session() as session:
        user, token = users.register_user(
            session,
            SYSTEM,
            service_id,
            users.NewUser(nickname=nickname, real_name=real_name, number=number, mobile=mobile),
        )
        result = (
            users.verify_user(session, SYSTEM, user.id, configured_verifier()) if verify else None
        )
        row = {
            "id": user.id,
            "number": user.number_masked,
            "verification": user.verification,
            "verification_outcome": str(result.outcome) if result else None,
            "token": token.secret,
        }
    if json_:
        print_json(row)
        return
    out_console.print(f"registered {row['id']} {row['number']} ({row['verification']})")
    out_console.print(f"user token (shown once): {row['token']}")


@app.command()
def measure(
    user_id: str = typer.Argument(..., help="Service user id."),
    kind: str = typer.Option(..., help="warning, restriction, closure or reinstatement."),
    reason: str = typer.Option(..., help="Why (shown to the user and in the report)."),
    function: list[str] = typer.Option(
        None, "--function", help=f"Restricted function (repeat): {', '.join(measures.FUNCTIONS)}."
    ),
    until: datetime = typer.Option(
        None, formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"], help="End of a restriction (Beijing time)."
    ),
    content: list[str] = typer.Option(None, "--content", help="Linked content (repeat)."),
    json_: bool = JSON,
) -> None:
    """Take a measure against a service user (Art. 16)."""
    end = until.replace(tzinfo=LOCAL_TZ).astimezone(UTC) if until else None
    with open_database().session() as session:
        taken = measures.apply_measure(
            session,
            SYSTEM,
            user_id,
            kind,
            reason,
            functions=function or None,
            until=end,
            content_refs=content or (),
        )
        row = {
            "id": taken.id,
            "kind": taken.kind,
            "functions": taken.functions,
            "until": taken.until.isoformat() if taken.until else None,
        }
    if json_:
        print_json(row)
    else:
        out_console.print(
            f"{row['kind']} {row['id']} {' '.join(row['functions'])} {row['until'] or ''}"
        )


@app.command("measures")
def list_measures(
    user_id: str = typer.Argument(..., help="Service user id."),
    json_: bool = JSON,
) -> None:
    """Every measure taken against a service user."""
    with open_database().session() as session:
        rows = [
            {
                "id": m.id,
                "kind": m.kind,
                "at": m.starts_at.isoformat(),
                "reason": m.reason,
                "functions": m.functions,
                "until": m.until.isoformat() if m.until else None,
                "content_refs": m.content_refs,
                "actor": m.actor_name,
                "automatic": m.automatic,
                "rule": m.rule,
                "lifted_at": m.lifted_at.isoformat() if m.lifted_at else None,
            }
            for m in measures.measures_for_user(session, SYSTEM, user_id)
        ]
    if json_:
        print_json(rows)
        return
    for r in rows:
        out_console.print(f"{r['at'][:16]} {r['kind']:<13} {r['reason']} {r['until'] or ''}")


@app.command()
def agreement(
    service_id: str = typer.Argument(..., help="Service id."),
    kind: str = typer.Option(..., help="service_agreement or platform_rules."),
    title: str = typer.Option(..., help="Title."),
    body_file: typer.FileText = typer.Option(..., "--file", help="The text (UTF-8); - for stdin."),
    json_: bool = JSON,
) -> None:
    """Publish the next version of a service agreement or the platform rules (Art. 7)."""
    from chainwarden.identity import agreements

    with open_database().session() as session:
        published = agreements.publish_agreement(
            session, SYSTEM, service_id, kind, title, body_file.read()
        )
        row = {"id": published.id, "kind": published.kind, "version": published.version}
    if json_:
        print_json(row)
    else:
        out_console.print(f"published {row['kind']} v{row['version']} ({row['id']})")
