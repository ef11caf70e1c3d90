"""The publish path from the server's command line: the review queue, escalation of posts held
too long, and complaints (all, or only those past their deadline)."""

from __future__ import annotations

from datetime import date, timedelta

import typer
from rich.table import Table

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import fail, open_database, out_console, print_json
from chainwarden.gateway import complaints, review
from chainwarden.registry.deadlines import local_date
from chainwarden.store.base import utcnow
from chainwarden.workdays.provisional import marked

app = typer.Typer(help="Publish path / 发布网关：审核队列、升级、投诉", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")
PROVIDER = typer.Option(None, "--provider", help="Only this provider (id) [default: all].")


@app.command()
def queue(
    provider: str | None = PROVIDER,
    escalated: bool = typer.Option(False, "--escalated", help="Only escalated posts."),
    limit: int = typer.Option(200, "--limit", min=1, max=1000, help="At most this many."),
    json_: bool = JSON,
) -> None:
    """Posts held for review, oldest first, with the screening hits marked.
    待审核内容（最早的在前）。"""
    db = open_database()
    with db.session() as s:
        posts = review.queue(s, SYSTEM, provider_id=provider, escalated_only=escalated, limit=limit)
        rows = [
            {
                "id": p.id,
                "provider_id": p.provider_id,
                "service_id": p.service_id,
                "held_at": p.created_at.isoformat(),
                "escalated_at": p.escalated_at.isoformat() if p.escalated_at else None,
                "categories": p.categories,
                "text": p.text,
                "hits": p.hits,
            }
            for p in posts
        ]
    if json_:
        print_json(rows)
        return
    table = Table("post", "held at (UTC)", "escalated", "text (hits in [ ])")
    for row, post in zip(rows, posts, strict=True):
        marked = "".join(
            f"[bold red]\\[{seg['text']}][/]" if seg["hit"] else seg["text"].replace("[", "\\[")
            for seg in review.segments(post.text or "", post.hits)
        )
        table.add_row(
            row["id"][:8], row["held_at"][:16], "yes" if row["escalated_at"] else "", marked
        )
    out_console.print(table)
    out_console.print(f"{len(rows)} held / 条待审核")


@app.command()
def escalate(
    provider: str | None = PROVIDER,
    older_than_hours: float = typer.Option(
        None, "--older-than-hours", help="Age to escalate at [default: each provider's policy]."
    ),
    json_: bool = JSON,
) -> None:
    """Escalate posts held longer than the escalation age (run it from cron).
    升级超时未审核的内容。"""
    if older_than_hours is not None and older_than_hours <= 0:
        fail("--older-than-hours must be positive / 必须为正数")
    db = open_database()
    with db.session() as s:
        posts = review.escalate(
            s,
            SYSTEM,
            provider_id=provider,
            older_than=timedelta(hours=older_than_hours) if older_than_hours else None,
        )
        ids = [p.id for p in posts]
    if json_:
        print_json({"escalated": ids})
    else:
        out_console.print(f"{len(ids)} escalated / 条已升级")


@app.command("complaints")
def list_complaints(
    provider: str | None = PROVIDER,
    overdue: bool = typer.Option(False, "--overdue", help="Only unresolved past the deadline."),
    on: str = typer.Option(None, "--on", help="Judge overdue as of this date [default: today]."),
    json_: bool = JSON,
) -> None:
    """Complaints from the public, or only those past their deadline.
    公众投诉（或仅逾期未处理的）。"""
    try:
        today = date.fromisoformat(on) if on else local_date(utcnow())
    except ValueError:
        fail(f"--on: {on!r} 不是 YYYY-MM-DD 格式的日期 / is not a date like 2026-03-02")
    db = open_database()
    with db.session() as s:
        found = (
            complaints.overdue_complaints(s, SYSTEM, today)
            if overdue
            else complaints.list_complaints(s, SYSTEM)
        )
        rows = [
            {
                "id": c.id,
                "provider_id": c.provider_id,
                "service_id": c.service_id,
                "post_id": c.post_id,
                "state": c.state,
                "received": c.created_at.isoformat(),
                "due": c.due.isoformat(),
                "provisional": c.provisional,
                "body": c.body,
            }
            for c in found
            if provider is None or c.provider_id == provider
        ]
    if json_:
        print_json(rows)
        return
    table = Table("complaint", "state", "received (UTC)", "due", "complaint")
    for row in rows:
        due = marked(date.fromisoformat(row["due"]), row["provisional"])
        table.add_row(row["id"][:8], row["state"], row["received"][:16], due, row["body"])
    out_console.print(table)
    out_console.print(f"{len(rows)} complaints / 条投诉")
