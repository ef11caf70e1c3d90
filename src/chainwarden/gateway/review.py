"""The provider's review queue: posts screening held (decision ``review``) wait for a
``provider_reviewer`` (or admin) to approve or reject them, with a reason. Approval publishes the
post (ledger and retention, as a pass would); rejection counts as an offence for the
repeat-offender rules. Every decision is logged in retention and the audit trail. Posts waiting
longer than the provider's escalation age are escalated.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import PROVIDER_ROLES, Actor, Role, denied, not_found, restrict
from chainwarden.audit import record
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Post, PostState
from chainwarden.gateway.policy import apply_policy, policy_of
from chainwarden.gateway.publish import publish_entry
from chainwarden.identity.models import Measure, ServiceUser
from chainwarden.ledger import record_item
from chainwarden.ledger.models import Item
from chainwarden.retention import EntryType, NewEntry, append_many
from chainwarden.store.base import utcnow

MAX_BULK = 500


def require_reviewer(actor: Actor, provider_id: str | None = None) -> None:
    """Reviewing is for the provider's own reviewers and admins (and the server's CLI)."""
    if actor.role is Role.SYSTEM:
        return
    if actor.role not in PROVIDER_ROLES or (
        provider_id is not None and actor.provider_id != provider_id
    ):
        raise denied()


def segments(text: str, hits: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into plain and highlighted runs (overlapping hits merged), for a reviewer."""
    spans = sorted(
        (int(h["start"]), int(h["end"]), str(h["category"]))
        for h in hits
        if 0 <= int(h["start"]) < int(h["end"]) <= len(text)
    )
    merged: list[list[Any]] = []
    for start, end, category in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if category not in merged[-1][2]:
                merged[-1][2].append(category)
        else:
            merged.append([start, end, [category]])
    out: list[dict[str, Any]] = []
    at = 0
    for start, end, categories in merged:
        if start > at:
            out.append({"text": text[at:start], "hit": False, "categories": []})
        out.append({"text": text[start:end], "hit": True, "categories": categories})
        at = end
    if at < len(text):
        out.append({"text": text[at:], "hit": False, "categories": []})
    return out


def highlight_html(text: str, hits: Sequence[dict[str, Any]]) -> str:
    """The text, HTML-escaped, with every hit in ``<mark data-category="…">``."""
    parts = []
    for seg in segments(text, hits):
        escaped = html.escape(seg["text"])
        if seg["hit"]:
            cats = html.escape(" ".join(seg["categories"]))
            parts.append(f'<mark data-category="{cats}">{escaped}</mark>')
        else:
            parts.append(escaped)
    return "".join(parts)


def queue(
    session: Session,
    actor: Actor,
    *,
    service_id: str | None = None,
    provider_id: str | None = None,
    escalated_only: bool = False,
    limit: int = 200,
) -> list[Post]:
    """Held posts of the actor's provider (``provider_id``: narrow further), oldest first."""
    require_reviewer(actor)
    query = (
        select(Post)
        .where(Post.state == PostState.HELD)
        .order_by(Post.created_at, Post.id)
        .limit(max(1, min(limit, 1000)))
    )
    query = restrict(query, actor, provider=Post.provider_id, province=Post.province_code)
    if service_id:
        query = query.where(Post.service_id == service_id)
    if provider_id:
        query = query.where(Post.provider_id == provider_id)
    if escalated_only:
        query = query.where(Post.escalated_at.is_not(None))
    return list(session.scalars(query))


def get_post(session: Session, actor: Actor, post_id: str) -> Post:
    post = session.get(Post, post_id)
    if post is None or not actor.can_see(post.provider_id, post.province_code):
        raise not_found("发布内容", "Post")
    return post


@dataclass
class Decided:
    post: Post
    item: Item | None
    measures: list[Measure] = field(default_factory=list)


def _reason(reason: str | None, approve: bool) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and not approve:
        raise GatewayError(
            "reason_required",
            "驳回须说明理由",
            "A rejection needs a reason",
            field="reason",
        )
    if reason is not None and len(reason) > 2000:
        raise GatewayError(
            "reason_too_long",
            "理由不能超过2000字",
            "reason: at most 2000 characters",
            field="reason",
        )
    return reason


def _held(session: Session, actor: Actor, post_id: str) -> Post:
    post = get_post(session, actor, post_id)
    require_reviewer(actor, post.provider_id)
    if post.state != PostState.HELD:
        raise GatewayError(
            "not_held",
            f"该内容不在待审核状态（当前：{post.state}）",
            f"The post is not waiting for review (it is {post.state})",
            kind="conflict",
            state=post.state,
        )
    return post


def _decide(
    session: Session, actor: Actor, post: Post, approve: bool, reason: str | None, now: datetime
) -> Decided:
    assert post.text is not None
    decision = {
        "post_id": post.id,
        "approved": approve,
        "reason": reason,
        "held_at": post.created_at.isoformat(),
        "escalated": post.escalated_at is not None,
    }
    item = None
    entries = [
        NewEntry(
            EntryType.REVIEWER_DECISION,
            actor,
            decision,
            service_id=post.service_id,
            user_id=post.user_id,
            at=now,
        )
    ]
    user = session.get_one(ServiceUser, post.user_id)
    if approve:
        item = record_item(
            session,
            provider_id=post.provider_id,
            service_id=post.service_id,
            content=post.text,
            author_ref=f"service_user:{user.id}",
            now=now,
        )
        entries.append(
            publish_entry(
                post,
                item,
                post.text,
                f"service_user:{user.id}",
                at=now,
                extra={"approved_by": actor.name},
            )
        )
        post.state, post.item_id, post.text = str(PostState.PUBLISHED), item.id, None
    else:
        post.state = str(PostState.REJECTED)
    logged = append_many(session, post.provider_id, entries)
    post.review_entry_id = logged[0].id
    post.reviewed_at, post.reviewed_by, post.review_reason = now, actor.name, reason
    record(
        session,
        actor,
        "post.approve" if approve else "post.reject",
        "post",
        post.id,
        reason=reason,
        at=now,
        provider_id=post.provider_id,
        province_code=post.province_code,
        details={"item_id": post.item_id, "log_entry": logged[0].id},
    )
    measures: list[Measure] = []
    if not approve:
        session.flush()
        measures = apply_policy(session, user, now=now)
    return Decided(post, item, measures)


def decide(
    session: Session,
    actor: Actor,
    post_id: str,
    *,
    approve: bool,
    reason: str | None = None,
    now: datetime | None = None,
) -> Decided:
    """Approve (publish) or reject one held post."""
    return decide_many(session, actor, [post_id], approve=approve, reason=reason, now=now)[0]


def decide_many(
    session: Session,
    actor: Actor,
    post_ids: Sequence[str],
    *,
    approve: bool,
    reason: str | None = None,
    now: datetime | None = None,
) -> list[Decided]:
    """The same decision on several held posts: all of them or none (every post is checked
    before any is decided)."""
    ids = list(dict.fromkeys(post_ids))
    if not ids or len(ids) > MAX_BULK:
        raise GatewayError(
            "invalid_selection",
            f"请选择1至{MAX_BULK}条内容",
            f"Choose 1 to {MAX_BULK} posts",
            field="post_ids",
        )
    checked_reason = _reason(reason, approve)
    now = now or utcnow()
    posts = [_held(session, actor, post_id) for post_id in ids]
    return [_decide(session, actor, post, approve, checked_reason, now) for post in posts]


def escalate(
    session: Session,
    actor: Actor,
    *,
    provider_id: str | None = None,
    older_than: timedelta | None = None,
    now: datetime | None = None,
) -> list[Post]:
    """Mark held posts waiting longer than the escalation age (the provider's policy unless
    ``older_than`` is given) as escalated; returns the newly escalated posts."""
    if actor.role is not Role.SYSTEM:
        actor.require_provider_admin_of(provider_id or actor.provider_id or "")
        provider_id = provider_id or actor.provider_id
    now = now or utcnow()
    query = select(Post).where(Post.state == PostState.HELD, Post.escalated_at.is_(None))
    if provider_id:
        query = query.where(Post.provider_id == provider_id)
    ages: dict[str, timedelta] = {}
    escalated = []
    for post in session.scalars(query.order_by(Post.created_at, Post.id)):
        if older_than is not None:
            age = older_than
        else:
            if post.provider_id not in ages:
                ages[post.provider_id] = timedelta(hours=policy_of(session, post.provider_id)[1])
            age = ages[post.provider_id]
        if post.created_at > now - age:
            continue
        post.escalated_at = now
        escalated.append(post)
        record(
            session,
            actor,
            "post.escalate",
            "post",
            post.id,
            at=now,
            provider_id=post.provider_id,
            province_code=post.province_code,
            details={
                "held_since": post.created_at.isoformat(),
                "age_hours": age / timedelta(hours=1),
            },
        )
    return escalated
