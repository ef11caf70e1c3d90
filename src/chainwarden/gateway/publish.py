"""The publish path: may this user post on this service now? → screen → publish to the ledger,
hold for review, or refuse. Every outcome is logged in the provider's retention log, in the same
transaction as the post and its ledger item, so neither exists without the other.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Post, PostState
from chainwarden.gateway.policy import apply_policy
from chainwarden.identity.models import Measure, ServiceUser, UserToken
from chainwarden.identity.users import require_can_publish
from chainwarden.ledger import record_item
from chainwarden.ledger.models import Item
from chainwarden.registry.models import Provider, Service
from chainwarden.retention import Entry, EntryType, NewEntry, append_many
from chainwarden.screening import Decision, Screener, ScreeningResult
from chainwarden.store.base import new_id, utcnow
from chainwarden.supervision import is_service_suspended

# Characters of text in one post (the web layer also bounds the request body in bytes).
MAX_TEXT = 10_000


@dataclass
class Outcome:
    """What happened to one post: published (with its ledger item), held, or blocked."""

    post: Post
    result: ScreeningResult
    entry: Entry
    item: Item | None = None
    measures: list[Measure] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return str(self.result.decision)


def claim_writer(session: Session, token_secret: str, now: datetime) -> None:
    """Start the publish transaction with a write: mark the user token used.

    On SQLite this takes the database's write lock before anything is read — a transaction that
    reads first and writes later fails ("database is locked") when another writer commits in
    between, which is exactly what concurrent posts do. On PostgreSQL it locks only the token
    row. A token that matches nothing updates nothing; ``user_for_token`` then refuses it."""
    digest = hashlib.sha256(token_secret.encode()).hexdigest()
    session.execute(
        update(UserToken).where(UserToken.token_hash == digest).values(last_used_at=now)
    )


def user_author(user: ServiceUser) -> str:
    """How a service user is named in retention entries and ledger items."""
    return f"service_user:{user.id}"


def check_text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise GatewayError(
            "empty_text", "发布内容不能为空", "The text to publish is empty", field="text"
        )
    if len(text) > MAX_TEXT:
        raise GatewayError(
            "text_too_long",
            f"发布内容不能超过{MAX_TEXT}个字符（现为{len(text)}个）",
            f"The text may have at most {MAX_TEXT} characters ({len(text)} given)",
            kind="invalid",
            field="text",
            limit=MAX_TEXT,
        )
    if "\x00" in text:
        raise GatewayError(
            "invalid_text", "发布内容含有空字符", "The text contains NUL characters", field="text"
        )
    return text


def open_service(session: Session, service_id: str) -> tuple[Service, Provider]:
    """The service a post goes to, refused while a rectification order suspends it."""
    service = session.get(Service, service_id)
    if service is None:
        raise GatewayError("service_not_found", "服务不存在", "Service not found", kind="not_found")
    if is_service_suspended(session, service.id):
        raise GatewayError(
            "service_suspended",
            "该服务因责令限期改正暂停，整改验收前不能发布信息",
            "The service is suspended under a rectification order; no publishing until the "
            "correction is accepted",
            kind="forbidden",
        )
    return service, session.get_one(Provider, service.provider_id)


def screening_payload(result: ScreeningResult) -> dict[str, Any]:
    return {
        "decision": str(result.decision),
        "score": round(float(result.score), 6),
        "categories": list(result.categories),
        "hits": [h.to_dict() for h in result.hits],
    }


def publish_entry(
    post: Post, item: Item, text: str, actor: str, *, at: datetime, extra: dict[str, Any]
) -> NewEntry:
    return NewEntry(
        EntryType.PUBLISHED_ITEM,
        actor,
        {
            "post_id": post.id,
            "item_id": item.id,
            "commitment": item.commitment,
            "text": text,
            **extra,
        },
        service_id=post.service_id,
        user_id=post.user_id,
        at=at,
    )


def publish(
    session: Session,
    user: ServiceUser,
    service_id: str,
    text: str,
    *,
    screener: Screener | None = None,
    screened: ScreeningResult | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Publish ``text`` for ``user`` on ``service_id``.

    Refuses (``IdentityError`` / ``GatewayError``, nothing written) when the service is unknown
    or suspended, or the user may not post now. Otherwise screens the text and returns the
    outcome — a block is an outcome too (recorded, logged, maybe a measure), not an exception,
    so the caller commits it before refusing the user. ``screened``: the text's screening result
    when the caller screened it already (e.g. outside the database transaction)."""
    now = now or utcnow()
    text = check_text(text)
    service, provider = open_service(session, service_id)
    require_can_publish(session, user, service.id, now=now)
    result = screened or (screener or Screener.default()).screen(text)
    payload = screening_payload(result)
    post = Post(
        id=new_id(),
        service_id=service.id,
        provider_id=provider.id,
        province_code=provider.province_code,
        user_id=user.id,
        decision=str(result.decision),
        score=payload["score"],
        categories=payload["categories"],
        hits=payload["hits"],
        created_at=now,
    )
    author = user_author(user)
    item = None
    if result.decision is Decision.PASS:
        item = record_item(
            session,
            provider_id=provider.id,
            service_id=service.id,
            content=text,
            author_ref=author,
            now=now,
        )
        post.state, post.item_id = str(PostState.PUBLISHED), item.id
        entry = publish_entry(post, item, text, author, at=now, extra={"screening": payload})
    else:
        post.state = str(
            PostState.HELD if result.decision is Decision.REVIEW else PostState.BLOCKED
        )
        post.text = text
        entry = NewEntry(
            EntryType.SCREENING_DECISION,
            author,
            {"post_id": post.id, "state": post.state, "text": text, "screening": payload},
            service_id=service.id,
            user_id=user.id,
            at=now,
        )
    (logged,) = append_many(session, provider.id, [entry])
    post.entry_id = logged.id
    session.add(post)
    measures: list[Measure] = []
    if post.state == PostState.BLOCKED:
        session.flush()
        measures = apply_policy(session, user, now=now)
    return Outcome(post, result, logged, item, measures)
