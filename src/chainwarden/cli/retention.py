"""The retention log from the command line: status, periods, holds, purging, exports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

import typer
from rich.markup import escape
from rich.progress import Progress
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.errors import ChainwardenError
from chainwarden.keys.public import parse_fingerprint, raw_public_key
from chainwarden.registry.models import Provider
from chainwarden.retention import log as retention_log
from chainwarden.retention import policy, proofs
from chainwarden.retention.bundle import UNPINNED_WARNING, BundleUnreadable, verify_bundle
from chainwarden.retention.export import ExportQuery, export_bundle
from chainwarden.retention.log import EntryType
from chainwarden.retention.models import HoldScope
from chainwarden.settings import LOCAL_TZ

app = typer.Typer(
    help="Retention log (Art. 17) / 留存日志：保存期限、保全、清理、导出与核验",
    no_args_is_help=True,
)
JSON = typer.Option(False, "--json", help="Print JSON for machines.")
PROVIDER = typer.Argument(..., help="Provider id or unified social credit code.")


def _provider_id(session: Session, value: str) -> str:
    found = session.scalar(
        select(Provider.id).where(or_(Provider.id == value, Provider.uscc == value))
    )
    if found is None:
        fail(f"服务提供者 {value} 不存在 / provider {value} not found")
    return found


def _day(value: str | None, name: str) -> datetime | None:
    """A day in Beijing time, as the moment it starts."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} 不是 YYYY-MM-DD 格式的日期 / is not a date like 2026-03-02")
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(UTC)


@app.command()
def status(provider: str = PROVIDER, json_: bool = JSON) -> None:
    """Size, root hash, retention period, latest signed tree head and active holds."""
    try:
        with open_database().session() as session:
            pid = _provider_id(session, provider)
            head = retention_log.head(session, pid)
            sth = proofs.latest_tree_head(session, pid)
            holds = policy.active_holds(session, SYSTEM, pid)
            held = [(h.id, h.scope, h.value, h.reason) for h in holds]
    except ChainwardenError as exc:
        fail(exc.line())
    values = {
        "provider_id": pid,
        "size": head.size,
        "root_hash": head.root_hash.hex(),
        "retention_months": head.retention_months,
        "public_key": head.public_key.hex(),
        "latest_tree_head": sth.to_json() if sth else None,
        "holds": [{"id": i, "scope": s, "value": v, "reason": r} for i, s, v, r in held],
    }
    if json_:
        print_json(values)
        return
    for key in ("provider_id", "size", "root_hash", "retention_months", "public_key"):
        out_console.print(f"{key:>17}: {values[key]}")
    out_console.print(f"{'holds':>17}: {len(held)}")


@app.command()
def sign(provider: str = PROVIDER, json_: bool = JSON) -> None:
    """Sign the log's current size and root (a signed tree head) and print it."""
    try:
        with open_database().session() as session:
            sth = proofs.sign_tree_head(session, _provider_id(session, provider))
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json(sth.to_json())
    else:
        out_console.print(f"tree size {sth.tree_size}, root {sth.root_hash.hex()}")


@app.command()
def period(
    provider: str = PROVIDER,
    months: int = typer.Argument(..., help="Months to keep payloads (at least 6, Art. 17)."),
    reason: str = typer.Option(None, help="Why the period changes."),
) -> None:
    """Set how many months payloads are kept before purging (never below six)."""
    try:
        with open_database().session() as session:
            policy.set_retention_period(
                session, SYSTEM, _provider_id(session, provider), months, reason
            )
    except ChainwardenError as exc:
        fail(exc.line())
    err_console.print(f"留存期限 / retention period: {months} months")


@app.command()
def hold(
    provider: str = PROVIDER,
    user: str = typer.Option(None, help="Hold every entry of this user."),
    service: str = typer.Option(None, help="Hold every entry of this service."),
    case: str = typer.Option(None, help="Hold every entry of this case reference."),
    reason: str = typer.Option(..., help="Why (e.g. the authority's request)."),
    json_: bool = JSON,
) -> None:
    """Place a legal hold: the entries it covers are never purged while it is active."""
    chosen = [
        (s, v)
        for s, v in ((HoldScope.USER, user), (HoldScope.SERVICE, service), (HoldScope.CASE, case))
        if v
    ]
    if len(chosen) != 1:
        fail(
            "请指定 --user、--service 或 --case 之一 / give exactly one of --user, --service, --case"
        )
    scope, value = chosen[0]
    try:
        with open_database().session() as session:
            placed = policy.place_hold(
                session, SYSTEM, _provider_id(session, provider), scope, value, reason
            )
            hold_id = placed.id
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json({"id": hold_id, "scope": str(scope), "value": value})
    else:
        out_console.print(hold_id)


@app.command()
def release(
    hold_id: str = typer.Argument(..., help="The hold's id."),
    reason: str = typer.Option(..., help="Why the hold ends."),
) -> None:
    """Release a legal hold (its entries become purgeable once past the period)."""
    try:
        with open_database().session() as session:
            policy.release_hold(session, SYSTEM, hold_id, reason)
    except ChainwardenError as exc:
        fail(exc.line())
    err_console.print(f"已解除 / released {hold_id}")


@app.command()
def purge(
    provider: str = typer.Option(None, help="Only this provider (default: every log)."),
    json_: bool = JSON,
) -> None:
    """Remove payloads older than each provider's retention period, except held ones; leaf
    hashes stay, so every proof still verifies. A provider whose purge fails is reported and
    the others are still purged; the exit status is then 1."""
    try:
        with open_database().session() as session:
            if provider:
                results = [policy.purge_provider(session, SYSTEM, _provider_id(session, provider))]
            else:
                results = policy.purge(session, SYSTEM)
    except ChainwardenError as exc:
        fail(exc.line())
    rows = [
        {
            "provider_id": r.provider_id,
            "cutoff": r.cutoff.isoformat() if r.cutoff else None,
            "purged": r.purged,
            "held": r.held,
            "failure": r.failure,
        }
        for r in results
    ]
    if json_:
        print_json(rows)
    for row in [] if json_ else rows:
        if row["failure"]:
            err_console.print(f"[red]✗[/] {row['provider_id']}: {row['failure']}", soft_wrap=True)
        else:
            out_console.print(
                f"{row['provider_id']}: purged {row['purged']}, held {row['held']} "
                f"(before {row['cutoff']})"
            )
    if any(row["failure"] for row in rows):
        raise typer.Exit(1)


@app.command()
def export(
    provider: str = PROVIDER,
    output: Path = typer.Option(..., "--output", "-o", help="Where to write BUNDLE.zip."),
    reason: str = typer.Option(..., help="The request being answered (logged)."),
    user: str = typer.Option(None, help="Only this user's entries."),
    service: str = typer.Option(None, help="Only this service's entries."),
    case: str = typer.Option(None, help="Only entries of this case reference."),
    entry_type: list[str] = typer.Option(
        None, "--type", help=f"Only these entry types ({', '.join(EntryType)}); repeatable."
    ),
    since: str = typer.Option(None, help="From this day (YYYY-MM-DD, Beijing time)."),
    until: str = typer.Option(None, help="Before this day (YYYY-MM-DD, Beijing time)."),
    json_: bool = JSON,
) -> None:
    """Export entries, payloads, inclusion proofs, a signed tree head and the public key for an
    authority; the export itself is logged."""
    query = ExportQuery(
        user_id=user,
        service_id=service,
        case_ref=case,
        entry_types=tuple(entry_type or ()),
        since=_day(since, "--since"),
        until=_day(until, "--until"),
    )
    try:
        with Progress(console=err_console, transient=True) as progress:
            progress.add_task("导出 / exporting", total=None)
            with open_database().session() as session:
                result = export_bundle(
                    session, SYSTEM, _provider_id(session, provider), query, reason=reason
                )
    except ChainwardenError as exc:
        fail(exc.line())
    # Written only after the export's log entry has committed.
    try:
        output.write_bytes(result.bundle)
    except OSError as exc:
        fail(f"{output}: 无法写入 / cannot write ({exc.strerror or 'error'})")
    summary = {
        "output": str(output),
        "entries": result.entries,
        "tree_size": result.tree_head.tree_size,
        "root_hash": result.tree_head.root_hash.hex(),
        "export_logged_at_index": result.logged_as.index,
    }
    if json_:
        print_json(summary)
    else:
        err_console.print(
            f"{result.entries} entries → {output} (tree size {result.tree_head.tree_size})"
        )


@app.command()
def verify(
    bundle: Path = typer.Argument(..., help="An export bundle (.zip)."),
    public_key: str = typer.Option(
        None,
        "--public-key",
        help="The provider's published Ed25519 public key: 64 hex digits, or a file (PEM or hex).",
    ),
    fingerprint: str = typer.Option(
        None,
        "--fingerprint",
        help="The published key's fingerprint: SHA-256 of the raw public key, 64 hex digits.",
    ),
    json_: bool = JSON,
) -> None:
    """Check a bundle offline: signatures, every leaf, payload and inclusion proof, and that no
    entry was removed, added, duplicated or reordered. Pin the provider's key with --public-key
    or --fingerprint: without it the bundle is checked against the key it carries, which a
    forger can replace. Exit 0 when it verifies, 1 when it does not, 2 when the file is not a
    bundle or an option is malformed."""
    try:
        pinned_key = raw_public_key(public_key) if public_key is not None else None
        pinned_print = parse_fingerprint(fingerprint) if fingerprint is not None else None
    except ChainwardenError as exc:
        _not_verified(json_, exc.line())
    try:
        report = verify_bundle(bundle, public_key=pinned_key, fingerprint=pinned_print)
    except BundleUnreadable as exc:
        _not_verified(json_, f"{bundle}: {exc}")
    if json_:
        print_json(report.to_json())
    else:
        if report.fingerprint:
            out_console.print(
                f"公钥指纹 / key fingerprint (SHA-256): {report.fingerprint}", soft_wrap=True
            )
        if not report.pinned:
            err_console.print(f"[yellow]warning:[/] {UNPINNED_WARNING}", soft_wrap=True)
        if report.ok:
            out_console.print(
                f"核验通过 / verified: {report.entries} entries, tree size {report.tree_size}"
            )
        for problem in report.problems:
            out_console.print(f"[red]✗[/] {escape(problem)}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


def _not_verified(json_: bool, message: str) -> NoReturn:
    """Not a bundle, or a malformed option: JSON on stdout when asked, one line, exit 2."""
    if json_:
        print_json({"ok": False, "error": message, "problems": [message]})
    fail(message)


@app.command()
def check(provider: str = PROVIDER, json_: bool = JSON) -> None:
    """Recompute a provider's whole log from the database (every leaf, payload, subtree and the
    root). Exit 0 when it verifies, 1 when it does not."""
    try:
        with open_database().session() as session:
            problems = retention_log.verify_log(session, _provider_id(session, provider))
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json({"ok": not problems, "problems": problems})
    elif not problems:
        out_console.print("日志完整 / the log verifies")
    else:
        for problem in problems:
            out_console.print(f"[red]✗[/] {escape(problem)}", soft_wrap=True)
    if problems:
        raise typer.Exit(1)
