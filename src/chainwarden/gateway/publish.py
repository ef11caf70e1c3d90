"""The publish path: may this user post on this service now? → screen → publish to the ledger,
hold for review, or refuse. Every outcome is logged in the provider's retention log, in the same
transaction as the post and its ledger item, so neither exists without the other.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from chainwarden.errors import ChainwardenError
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Post, PostState
from chainwarden.gateway.policy import apply_policy
from chainwarden.identity.models import Measure, ServiceUser, UserToken
from chainwarden.identity.users import (
    Poster,
    posters_for_tokens,
    refusals_to_use,
    require_can_publish,
    user_for_token,
    wrong_service,
)
from chainwarden.ledger import record_item
from chainwarden.ledger.items import insert_items, new_item
from chainwarden.ledger.models import Item
from chainwarden.registry.models import Provider, Service
from chainwarden.retention import Entry, EntryType, NewEntry, append_many
from chainwarden.screening import Decision, Screener, ScreeningResult
from chainwarden.store.base import new_id, utcnow
from chainwarden.supervision import is_service_suspended
from chainwarden.supervision.models import Suspension

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


def user_author(user: ServiceUser | Poster) -> str:
    """How a service user is named in retention entries and ledger items."""
    return f"service_user:{user.id}"


# No store takes NUL in text, no encoder a lone surrogate.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


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
    if _FORBIDDEN.search(text):
        raise GatewayError(
            "invalid_text",
            "发布内容含有空字符或孤立的代理码位",
            "The text contains a NUL character or a lone surrogate code point",
            field="text",
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
        "reason": None if result.reason is None else dict(result.reason),
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


def token_required() -> GatewayError:
    return GatewayError(
        "user_token_required",
        "请提供有效的服务使用者令牌（cwu_…）",
        "Send a valid service user token (cwu_…) as a Bearer token",
        kind="unauthenticated",
    )


@dataclass(frozen=True)
class Place:
    """Where a post goes: the service, its provider and the provider's province."""

    id: str
    provider_id: str
    province_code: str


_PLACES = (
    select(
        Service.id,
        Service.provider_id,
        Provider.province_code,
        exists()
        .where(Suspension.service_id == Service.id, Suspension.lifted_at.is_(None))
        .label("suspended"),
    )
    .join(Provider, Provider.id == Service.provider_id)
    .where(Service.id.in_(bindparam("services", expanding=True)))
)


def open_services(session: Session, service_ids: Iterable[str]) -> dict[str, Place | GatewayError]:
    """``open_service`` for many services in one query: where each post goes, or its refusal."""
    wanted = set(service_ids)
    found: dict[str, Place | GatewayError] = {}
    for row in session.connection().execute(_PLACES, {"services": list(wanted)}):
        if not row.suspended:
            found[row.id] = Place(row.id, row.provider_id, row.province_code)
    for service_id in wanted - set(found):
        try:  # the refusal, worded as for one post
            service, provider = open_service(session, service_id)
            found[service_id] = Place(service.id, provider.id, provider.province_code)
        except GatewayError as refused:
            found[service_id] = refused
    return found


def _prepare(
    session: Session,
    user: ServiceUser | Poster,
    place: Place,
    text: str,
    result: ScreeningResult,
    now: datetime,
    *,
    batched: bool = False,
) -> tuple[Post, Item | None, NewEntry]:
    """The post, its ledger item (when it passed) and its log entry, not logged yet. The item
    is recorded in the session, or only made when ``batched`` (stored with its batch)."""
    payload = screening_payload(result)
    post = Post(
        id=new_id(),
        service_id=place.id,
        provider_id=place.provider_id,
        province_code=place.province_code,
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
        item = (new_item if batched else record_item)(
            session,
            provider_id=place.provider_id,
            service_id=place.id,
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
            service_id=place.id,
            user_id=user.id,
            at=now,
        )
    return post, item, entry


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
    place = Place(service.id, provider.id, provider.province_code)
    post, item, entry = _prepare(session, user, place, text, result, now)
    (logged,) = append_many(session, provider.id, [entry])
    post.entry_id = logged.id
    session.add(post)
    measures: list[Measure] = []
    if post.state == PostState.BLOCKED:
        session.flush()
        measures = apply_policy(session, user, now=now)
    return Outcome(post, result, logged, item, measures)


@dataclass(frozen=True)
class PostRequest:
    """A post as a service user sends it: the service, their bearer token and the text, with
    its screening result when screened already."""

    service_id: str
    token: str
    text: str
    screened: ScreeningResult | None = None


def publish_with_token(
    session: Session, request: PostRequest, *, screener: Screener | None = None, now: datetime
) -> Outcome:
    """``publish`` for the user the request's token names (``user_token_required`` if none)."""
    claim_writer(session, request.token, now)
    user = user_for_token(session, request.token, now=now)
    if user is None:
        raise token_required()
    return publish(
        session,
        user,
        request.service_id,
        request.text,
        screener=screener,
        screened=request.screened,
        now=now,
    )


def publish_many(
    session: Session,
    requests: Sequence[PostRequest],
    *,
    screener: Screener | None = None,
    now: datetime | None = None,
) -> list[Outcome | ChainwardenError]:
    """``publish_with_token`` for many posts in one transaction, in order, with the same outcome
    for each as one by one: an ``Outcome``, or the refusal (``ChainwardenError``) for a post
    that may not be published — a refusal writes nothing and does not stop the others.

    The reads are shared: the tokens, users, services, agreements, acceptances and restrictions
    of all the posts take a handful of queries, and the items, log entries and posts are written
    together. After a block the repeat-offender rules run at once (so a restriction they impose
    refuses the user's later posts in the batch). Raises, leaving the caller to roll back, when
    a write fails."""
    now = now or utcnow()
    bad_text: dict[int, GatewayError] = {}
    for n, request in enumerate(requests):
        try:
            check_text(request.text)
        except GatewayError as refused:
            bad_text[n] = refused
    unscreened = [n for n, r in enumerate(requests) if r.screened is None and n not in bad_text]
    screening = dict(
        zip(
            unscreened,
            (screener or Screener.default()).screen_many([requests[n].text for n in unscreened]),
            strict=True,
        )
    )
    users = posters_for_tokens(session, [r.token for r in requests], now=now)
    opened = open_services(session, {r.service_id for r in requests})
    distinct = list({u.id: u for u in users.values()}.values())
    refusals = refusals_to_use(session, distinct, "post", now=now)
    results: list[Outcome | ChainwardenError | None] = [None] * len(requests)
    batch = _Batch(session, results)
    # Users who drew a measure in this batch: their later posts are checked against it.
    offenders: set[str] = set()
    for n, request in enumerate(requests):
        user = users.get(request.token)
        service = opened[request.service_id]
        refusal: ChainwardenError | None
        if user is None:
            refusal = token_required()
        elif n in bad_text:
            refusal = bad_text[n]
        elif isinstance(service, GatewayError):
            refusal = service
        elif user.id in offenders:
            batch.write()
            try:
                require_can_publish(
                    session, session.get_one(ServiceUser, user.id), service.id, now=now
                )
                refusal = None
            except ChainwardenError as refused:
                refusal = refused
        else:
            refusal = wrong_service(user, service.id) or refusals.get(user.id)
        if refusal is not None:
            results[n] = refusal
            continue
        assert user is not None and not isinstance(service, GatewayError)
        result = request.screened or screening[n]
        post, item, entry = _prepare(
            session, user, service, request.text, result, now, batched=True
        )
        batch.add(n, post, item, result, entry)
        if post.state == PostState.BLOCKED:
            batch.write()
            measures = apply_policy(session, session.get_one(ServiceUser, user.id), now=now)
            outcome = results[n]
            assert isinstance(outcome, Outcome)
            outcome.measures = measures
            if measures:
                offenders.add(user.id)
    batch.write()
    answered = [r for r in results if r is not None]
    if len(answered) != len(requests):  # every post is refused or written above: never dropped
        raise RuntimeError("a post of the batch was left without an answer")
    return answered


_POST_COLUMNS = tuple(c.key for c in Post.__table__.columns)


class _Batch:
    """Posts prepared but not written yet: their log entries are appended together, per
    provider and in order, then the posts are added."""

    def __init__(self, session: Session, results: list[Outcome | ChainwardenError | None]):
        self.session = session
        self.results = results
        self.pending: list[tuple[int, Post, Item | None, ScreeningResult, NewEntry]] = []

    def add(
        self, n: int, post: Post, item: Item | None, result: ScreeningResult, entry: NewEntry
    ) -> None:
        self.pending.append((n, post, item, result, entry))

    def write(self) -> None:
        providers: dict[str, list[int]] = {}
        for position, (_, post, *_rest) in enumerate(self.pending):
            providers.setdefault(post.provider_id, []).append(position)
        for provider_id, positions in providers.items():
            logged = append_many(self.session, provider_id, [self.pending[p][4] for p in positions])
            for position, entry in zip(positions, logged, strict=True):
                n, post, item, result, _ = self.pending[position]
                post.entry_id = entry.id
                self.results[n] = Outcome(post, result, entry, item)
        insert_items(self.session, [item for _, _, item, *_rest in self.pending if item])
        if self.pending:
            # Outside the unit of work: one multi-row INSERT (the posts stay outside the session).
            self.session.connection().execute(
                insert(Post),
                [
                    {name: getattr(post, name) for name in _POST_COLUMNS}
                    for _, post, *_ in self.pending
                ],
            )
        self.pending.clear()
