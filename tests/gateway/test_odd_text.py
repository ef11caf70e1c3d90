"""A post holding a lone surrogate or NUL is refused alone, on both databases: its batch is
published as if it were not there, and over HTTP the sender gets a 422 with the reason."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.publish import Outcome, PostRequest
from chainwarden.web.app import create_app

from support.gateway import ALLOWED, MOBILES, NOW, ready_user


def test_odd_posts_are_refused_one_by_one_in_a_batch(db, gw):
    with db.session() as s:
        _, token = ready_user(s, gw, MOBILES[0])
    texts = [ALLOWED, "abc \ud800 def", ALLOWED + "。", "abc\x00def", "\udfff", ALLOWED + "！"]
    requests = [PostRequest(gw.service_id, token, text) for text in texts]
    with db.session() as s:
        results = gateway.publish_many(s, requests, now=NOW)
    answers = [r.post.state if isinstance(r, Outcome) else r.code for r in results]
    assert answers == [
        "published",
        "invalid_text",
        "published",
        "invalid_text",
        "invalid_text",
        "published",
    ]
    refused = [r for r in results if isinstance(r, ChainwardenError)]
    assert all("lone surrogate" in r.en and r.zh for r in refused)


def test_a_lone_surrogate_post_over_http_is_422(db, gw):
    with db.session() as s:
        _, token = ready_user(s, gw, MOBILES[0])
    url = f"/api/v1/services/{gw.service_id}/posts"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with TestClient(create_app(db, clock=lambda: NOW, upgrade=False)) as client:
        odd = client.post(url, content=json.dumps({"text": "abc \ud800 def"}), headers=headers)
        assert odd.status_code == 422, odd.text
        assert odd.json()["message"]["zh"] and odd.json()["message"]["en"]
        lawful = client.post(url, content=json.dumps({"text": ALLOWED}), headers=headers)
        assert lawful.status_code == 201, lawful.text
