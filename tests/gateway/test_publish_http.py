"""The publish path over HTTP: outcomes, refusals and bad input as problem+json."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from chainwarden.gateway.models import Post
from chainwarden.web.app import create_app

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED, ready_user


@pytest.fixture
def app(db):
    return create_app(db, clock=lambda: NOW, upgrade=False)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_outcomes_over_http(db, gw, client):
    with db.session() as s:
        _, token = ready_user(s, gw, MOBILES[0])
    url = f"/api/v1/services/{gw.service_id}/posts"
    ok = client.post(url, json={"text": ALLOWED}, headers=bearer(token))
    assert ok.status_code == 201, ok.text
    assert ok.json()["post"]["state"] == "published" and ok.json()["item"]["commitment"]
    plain = client.post(
        url,
        content=ALLOWED.encode(),
        headers={**bearer(token), "Content-Type": "text/plain; charset=utf-8"},
    )
    assert plain.status_code == 201
    held = client.post(url, json={"text": GRAY}, headers=bearer(token))
    assert held.status_code == 202 and held.json()["post"]["state"] == "held"
    blocked = client.post(url, json={"text": PROHIBITED}, headers=bearer(token))
    assert blocked.status_code == 422
    assert blocked.headers["content-type"] == "application/problem+json"
    problem = blocked.json()
    assert problem["code"] == "content_blocked" and problem["categories"]
    assert problem["message"]["zh"] and problem["message"]["en"]
    assert all(PROHIBITED[h["start"] : h["end"]] == h["matched"] for h in problem["hits"])
    with db.session() as s:  # the block was recorded, not rolled back with the refusal
        assert s.get_one(Post, problem["post_id"]).state == "blocked"


def test_refusals_and_bad_input_are_problems(db, gw, client):
    with db.session() as s:
        _, unverified = ready_user(s, gw, MOBILES[0], verify=False)
        _, token = ready_user(s, gw, MOBILES[1])
    url = f"/api/v1/services/{gw.service_id}/posts"

    def check(response, status: int, code: str) -> None:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == code and body["message"]["zh"] and body["message"]["en"]

    check(client.post(url, json={"text": ALLOWED}, headers=bearer(unverified)), 403, "not_verified")
    check(client.post(url, json={"text": ALLOWED}), 401, "user_token_required")
    check(
        client.post(url, json={"text": ALLOWED}, headers=bearer("cwu_wrong")),
        401,
        "user_token_required",
    )
    check(
        client.post("/api/v1/services/nope/posts", json={"text": ALLOWED}, headers=bearer(token)),
        404,
        "service_not_found",
    )
    check(
        client.post(url, json={"text": "字" * 10_001}, headers=bearer(token)), 422, "text_too_long"
    )
    check(
        client.post(
            url, content=b"x" * 70_000, headers={**bearer(token), "Content-Type": "text/plain"}
        ),
        413,
        "body_too_large",
    )
    check(
        client.post(
            url, content=b"\xff\xfe bad", headers={**bearer(token), "Content-Type": "text/plain"}
        ),
        400,
        "invalid_utf8",
    )
    check(
        client.post(
            url, content=b"<p>hi</p>", headers={**bearer(token), "Content-Type": "text/html"}
        ),
        415,
        "unsupported_media_type",
    )
    check(
        client.post(
            url, content=b"{not json", headers={**bearer(token), "Content-Type": "application/json"}
        ),
        400,
        "invalid_json",
    )
    check(client.post(url, json={"body": "x"}, headers=bearer(token)), 422, "text_required")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 0


def test_failure_after_screening_is_a_500_with_nothing_written(db, gw, app, monkeypatch):
    from chainwarden.gateway import publish as gateway
    from chainwarden.ledger.models import Item
    from chainwarden.retention.models import LogEntry

    with db.session() as s:
        _, token = ready_user(s, gw, MOBILES[0])

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gateway, "append_many", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            f"/api/v1/services/{gw.service_id}/posts", json={"text": ALLOWED}, headers=bearer(token)
        )
    assert response.status_code == 500 and response.json()["code"] == "internal"
    with db.session() as s:
        for model in (Post, Item, LogEntry):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_complaint_page_is_public_and_files_a_complaint(client, gw):
    from support.pages import csrf

    page = client.get(f"/complaints?service={gw.service_id}")
    assert page.status_code == 200 and 'action="/complaints"' in page.text
    assert f'value="{gw.service_id}"' in page.text
    form = {"csrf_token": csrf(page.text), "service_id": gw.service_id}
    short = client.post("/complaints", data={**form, "body": "短"})
    assert short.status_code == 422 and 'role="alert"' in short.text
    filed = client.post("/complaints", data={**form, "body": "此服务发布虚拟货币推广信息"})
    assert filed.status_code == 200 and 'role="status"' in filed.text
    status = filed.text.split('role="status">', 1)[1].split("</p>", 1)[0]
    assert re.search(r"\d{4}-\d{2}-\d{2}", status), status  # the provider's deadline


def test_publish_answers_say_why_screening_decided(db, gw, client):
    with db.session() as s:
        _, token = ready_user(s, gw, MOBILES[0])
    url = f"/api/v1/services/{gw.service_id}/posts"
    for text, status, code in (
        (ALLOWED, 201, "pass."),
        (GRAY, 202, "review."),
        (PROHIBITED, 422, "block."),
    ):
        response = client.post(url, json={"text": text}, headers=bearer(token))
        assert response.status_code == status, response.text
        reason = response.json()["reason"]
        assert reason["code"].startswith(code)
        assert reason["zh"] and reason["en"]
        sentence = reason["sentence"]
        assert 0 <= sentence["start"] < sentence["end"] <= len(text)
        if status == 422:  # the evidence is what the hits show, in the deciding sentence
            matched = {h["matched"] for h in response.json()["hits"]}
            assert {e["matched"] for e in reason["evidence"]} <= matched
