"""Group commit: posts sent together are published in one transaction, each with the answer it
would have had alone; one post's refusal or failure never costs the others theirs."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.batch import Publisher
from chainwarden.gateway.models import Post
from chainwarden.gateway.publish import Outcome, PostRequest
from chainwarden.identity.models import UserToken
from chainwarden.ledger.models import Item
from chainwarden.retention import proofs
from chainwarden.retention.models import LogEntry, LogPayload
from chainwarden.supervision import inspections, rectification
from chainwarden.web.app import create_app
from chainwarden.workdays import WorkingCalendar

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED, ready_user


def tokens(db, gw, count: int, **kwargs) -> list[str]:
    with db.session() as s:
        return [ready_user(s, gw, number, **kwargs)[1] for number in MOBILES[:count]]


def consistent(db, gw) -> tuple[int, int, int]:
    """Every post has its log entry, every item its post and the other way round; the log's
    size is its number of entries. Returns (posts, items, log entries)."""
    with db.session() as s:
        posts = list(s.scalars(select(Post)))
        for post in posts:
            assert s.get(LogEntry, post.entry_id) is not None
            assert post.item_id is None or s.get(Item, post.item_id) is not None
        items = set(s.scalars(select(Item.id)))
        assert items == {p.item_id for p in posts if p.item_id}
        entries = s.scalar(select(func.count()).select_from(LogEntry))
        if entries:
            assert proofs.head(s, gw.beijing_id).size == entries
        return len(posts), len(items), entries


def hold_writer(publisher: Publisher, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Keeps the publisher's writer from starting until the returned event is set."""
    gate = threading.Event()
    drain = publisher._drain

    def held() -> None:
        gate.wait(10)
        drain()

    monkeypatch.setattr(publisher, "_drain", held)
    return gate


def test_each_post_in_a_batch_gets_its_own_answer(db, gw):
    good, other = tokens(db, gw, 2)
    with db.session() as s:
        _, unverified = ready_user(s, gw, MOBILES[2], verify=False)
    requests = [
        PostRequest(gw.service_id, good, ALLOWED),
        PostRequest(gw.service_id, "cwu_nobody", ALLOWED),
        PostRequest(gw.service_id, unverified, ALLOWED),
        PostRequest(gw.service_id, other, PROHIBITED),
        PostRequest(gw.other_service_id, good, ALLOWED),  # not this user's service
        PostRequest("nope", good, ALLOWED),
        PostRequest(gw.service_id, other, GRAY),
        PostRequest(gw.service_id, good, ""),
        PostRequest(gw.service_id, good, ALLOWED + "！"),
    ]
    with db.session() as s:
        results = gateway.publish_many(s, requests, now=NOW)
    answers = [r.post.state if isinstance(r, Outcome) else r.code for r in results]
    assert answers == [
        "published",
        "user_token_required",
        "not_verified",
        "blocked",
        "wrong_service",
        "service_not_found",
        "held",
        "empty_text",
        "published",
    ]
    assert all(r.zh and r.en for r in results if isinstance(r, ChainwardenError))
    # Only the outcomes were written, each with its own log entry, in the order sent.
    assert consistent(db, gw) == (4, 2, 4)
    outcomes = [r for r in results if isinstance(r, Outcome)]
    assert [o.entry.index for o in outcomes] == [0, 1, 2, 3]
    with db.session() as s:
        for outcome in outcomes:
            post = s.get_one(Post, outcome.post.id)
            assert post.state == outcome.post.state and post.entry_id == outcome.entry.id
            body = s.get_one(LogPayload, outcome.entry.id).body
            assert f'"post_id":"{post.id}"' in body


def test_a_batch_answers_as_one_by_one(db, gw):
    """The same posts published together and alone: the same states, texts and ledger items."""
    (token,) = tokens(db, gw, 1)
    texts = [ALLOWED, GRAY, PROHIBITED, ALLOWED + "。"]
    with db.session() as s:
        together = gateway.publish_many(
            s, [PostRequest(gw.service_id, token, t) for t in texts], now=NOW
        )
    with db.session() as s:
        alone = [
            gateway.publish_with_token(s, PostRequest(gw.service_id, token, t), now=NOW)
            for t in texts
        ]
    for a, b in zip(together, alone, strict=True):
        assert isinstance(a, Outcome)
        assert (a.post.state, a.post.decision, a.post.categories, a.post.hits) == (
            b.post.state,
            b.post.decision,
            b.post.categories,
            b.post.hits,
        )
        assert (a.item is None) == (b.item is None)


def test_a_restriction_drawn_in_a_batch_refuses_the_users_later_posts(db, gw):
    token, other = tokens(db, gw, 2)
    requests = [PostRequest(gw.service_id, token, PROHIBITED + "!" * n) for n in range(3)]
    requests += [
        PostRequest(gw.service_id, token, ALLOWED),
        PostRequest(gw.service_id, other, ALLOWED),
    ]
    with db.session() as s:
        results = gateway.publish_many(s, requests, now=NOW)
    _, second, third, later, others = results
    assert isinstance(third, Outcome) and isinstance(second, Outcome)
    assert [m.kind for m in second.measures] == ["warning"]
    assert [m.kind for m in third.measures] == ["restriction"]
    assert isinstance(later, ChainwardenError) and later.code == "function_restricted"
    assert isinstance(others, Outcome) and others.post.state == "published"
    with db.session() as s:
        types = list(s.scalars(select(LogEntry.entry_type).order_by(LogEntry.idx)))
    # Each measure is logged right after the post that drew it.
    assert types == [
        "screening_decision",
        "screening_decision",
        "user_measure",
        "screening_decision",
        "user_measure",
        "published_item",
    ]


def test_a_suspended_service_refuses_its_posts_and_the_others_go_on(db, gw):
    (token,) = tokens(db, gw, 1)
    with db.session() as s:
        case = inspections.open_case(
            s, gw.bj_regulator, gw.beijing_id, title="检查", service_id=gw.service_id, now=NOW
        )
        rectification.order_rectification(
            s,
            gw.bj_regulator,
            WorkingCalendar(),
            case.id,
            article="17",
            requirement="日志留存不少于六个月",
            working_days=10,
            service_id=gw.service_id,
            now=NOW,
        )
    requests = [PostRequest(gw.service_id, token, ALLOWED), PostRequest("nope", token, ALLOWED)]
    with db.session() as s:
        results = gateway.publish_many(s, requests, now=NOW)
    assert [r.code for r in results if isinstance(r, ChainwardenError)] == [
        "service_suspended",
        "service_not_found",
    ]
    assert consistent(db, gw) == (0, 0, 0)


def test_tokens_are_marked_used(db, gw):
    (token,) = tokens(db, gw, 1)
    with db.session() as s:
        gateway.publish_many(s, [PostRequest(gw.service_id, token, ALLOWED)], now=NOW)
    with db.session() as s:
        assert s.scalar(select(UserToken.last_used_at)) == NOW


def test_concurrent_posts_from_several_users_are_all_answered_and_stored(db, gw):
    user_tokens = tokens(db, gw, 4)
    publisher = Publisher(db, clock=lambda: NOW, max_batch=8)
    texts = [ALLOWED, GRAY, ALLOWED + "。", PROHIBITED]
    futures: list[tuple[int, Future[Outcome]]] = []
    guard = threading.Lock()

    def send(user: int) -> None:
        for n in range(8):
            text = texts[n % 4]
            future = publisher.submit(PostRequest(gw.service_id, user_tokens[user], text))
            with guard:
                futures.append((n % 4, future))

    threads = [threading.Thread(target=send, args=(u,)) for u in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = []
    for kind, future in futures:
        try:
            answers.append((kind, future.result(timeout=60).post.state))
        except ChainwardenError as refused:
            answers.append((kind, refused.code))
    expected = {0: "published", 1: "held", 2: "published", 3: "blocked"}
    # Each user sends two prohibited posts: a warning, never a restriction.
    assert all(state == expected[kind] for kind, state in answers), answers
    assert consistent(db, gw) == (32, 16, 32 + 4)  # four warnings are logged too
    with db.session() as s:
        acknowledged = {f.result().post.id for _, f in futures}
        assert set(s.scalars(select(Post.id))) == acknowledged


def test_a_post_whose_writes_fail_fails_alone(db, gw, monkeypatch):
    """The batch's transaction fails on one post's writes: nothing of the batch is half-written,
    the posts are written again one by one, and only the failing one gets an error."""
    user_tokens = tokens(db, gw, 3)
    original = gateway.append_many
    calls = []

    def fails_for_one(session, provider_id, entries):
        calls.append(len(entries))
        if any("毒" in e.payload.get("text", "") for e in entries):
            raise RuntimeError("disk full")
        return original(session, provider_id, entries)

    monkeypatch.setattr(gateway, "append_many", fails_for_one)
    publisher = Publisher(db, clock=lambda: NOW)
    # The writer starts once all four wait, so they form one batch.
    gate = hold_writer(publisher, monkeypatch)
    futures = [
        publisher.submit(PostRequest(gw.service_id, user_tokens[0], ALLOWED)),
        publisher.submit(PostRequest(gw.service_id, user_tokens[1], ALLOWED + "一")),
        publisher.submit(PostRequest(gw.service_id, user_tokens[2], ALLOWED + "毒")),
        publisher.submit(PostRequest(gw.service_id, user_tokens[0], GRAY)),
    ]
    gate.set()
    first, ok, failed, held_post = futures
    assert first.result(timeout=60).post.state == "published"
    assert ok.result(timeout=60).post.state == "published"
    assert held_post.result(timeout=60).post.state == "held"
    with pytest.raises(RuntimeError, match="disk full"):
        failed.result(timeout=60)
    assert calls == [4, 1, 1, 1, 1]  # together first, then one by one
    assert consistent(db, gw) == (3, 2, 3)


def test_concurrent_posts_over_http(db, gw):
    user_tokens = tokens(db, gw, 3)
    app = create_app(db, clock=lambda: NOW, upgrade=False)
    url = f"/api/v1/services/{gw.service_id}/posts"

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            def post(token: str | None, text: str) -> asyncio.Future[httpx.Response]:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                return asyncio.ensure_future(client.post(url, json={"text": text}, headers=headers))

            return await asyncio.gather(
                *(post(t, ALLOWED + str(n)) for n, t in enumerate(user_tokens * 3)),
                post(user_tokens[0], PROHIBITED),
                post(user_tokens[1], GRAY),
                post("cwu_unknown", ALLOWED),
                post(None, ALLOWED),
            )

    *published, blocked, held, unknown, anonymous = asyncio.run(run())
    assert [r.status_code for r in published] == [201] * 9
    assert (blocked.status_code, blocked.json()["code"]) == (422, "content_blocked")
    assert held.status_code == 202 and held.json()["post"]["state"] == "held"
    assert (unknown.status_code, unknown.json()["code"]) == (401, "user_token_required")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "user_token_required")
    assert consistent(db, gw) == (11, 9, 11)
    with db.session() as s:
        for response in published:
            body = response.json()
            post = s.get_one(Post, body["post"]["id"])
            assert post.item_id == body["item"]["id"] and post.entry_id == body["log_entry"]["id"]


def test_closing_writes_the_waiting_posts_and_refuses_later_ones(db, gw, monkeypatch):
    user_tokens = tokens(db, gw, 2)
    publisher = Publisher(db, clock=lambda: NOW)
    # The writer waits until the posts are queued, so closing finds them still waiting.
    gate = hold_writer(publisher, monkeypatch)
    futures = [
        publisher.submit(PostRequest(gw.service_id, token, ALLOWED + str(n)))
        for n, token in enumerate(user_tokens * 2)
    ]
    threading.Timer(0.2, gate.set).start()
    publisher.close()
    assert all(f.done() for f in futures)
    assert [f.result().post.state for f in futures] == ["published"] * 4
    with pytest.raises(ChainwardenError) as refused:
        publisher.submit(PostRequest(gw.service_id, user_tokens[0], ALLOWED))
    assert (refused.value.code, refused.value.kind) == ("gateway_closed", "unavailable")
    assert consistent(db, gw) == (4, 4, 4)


def test_the_app_closes_its_publisher_when_it_stops(db, gw):
    (token,) = tokens(db, gw, 1)
    app = create_app(db, clock=lambda: NOW, upgrade=False)
    url = f"/api/v1/services/{gw.service_id}/posts"
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        assert client.post(url, json={"text": ALLOWED}, headers=headers).status_code == 201
    publisher = app.state.gateway_publisher
    with pytest.raises(ChainwardenError, match="shutting down"):
        publisher.submit(PostRequest(gw.service_id, token, ALLOWED))
