"""The API as its users meet it: signing in, tokens, errors, the filing flow, regular checks."""

from __future__ import annotations

import gc

from chainwarden.registry.numbers import parse_filing_number

from support.api import SERVICE, auth, client_for
from support.world import PASSWORD


def login(client, username):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]


def test_openapi_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/filings/{filing_id}/approve" in spec["paths"]


def test_wrong_password_is_a_bilingual_problem(client):
    response = client.post("/api/v1/auth/login", json={"username": "bj-admin", "password": "x"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["message"] == {"zh": "用户名或密码错误", "en": "Wrong username or password"}
    assert body["status"] == 401 and body["type"].startswith("urn:chainwarden:problem:")


def test_cookie_session_requires_csrf_for_changes(client, seeded):
    csrf = login(client, "bj-admin")
    assert client.get("/api/v1/auth/me").json()["username"] == "bj-admin"
    path = f"/api/v1/filings/{seeded.ids['bj_draft']}/submit"
    refused = client.post(path)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf"
    assert client.post(path, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_logout_ends_the_session(client):
    csrf = login(client, "bj-admin")
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_tokens_are_created_listed_and_revoked_by_their_owner(client, seeded):
    created = client.post("/api/v1/auth/tokens", json={"name": "ci"}, headers=auth(seeded, "cac"))
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("cw_")
    mine = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=mine).json()["username"] == "cac"
    listed = client.get("/api/v1/auth/tokens", headers=mine).json()
    assert "token" not in listed[0] and {t["name"] for t in listed} == {"tests", "ci"}
    # Someone else cannot revoke it; its owner can, and then it stops working.
    token_id = created.json()["id"]
    other = client.delete(f"/api/v1/auth/tokens/{token_id}", headers=auth(seeded, "admin"))
    assert other.status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=mine).status_code == 200
    assert client.get("/api/v1/auth/me", headers=mine).status_code == 401


def test_invalid_body_is_a_problem_naming_the_field(client, seeded):
    response = client.post(
        f"/api/v1/providers/{seeded.ids['beijing']}/services",
        json={**SERVICE, "node_count": 0},
        headers=auth(seeded, "bj_provider"),
    )
    assert response.status_code == 422
    assert "node_count" in response.json()["detail"]


def test_bad_uscc_is_refused_with_the_reason(client, seeded):
    response = client.post(
        "/api/v1/providers",
        json={
            "name": "X",
            "uscc": "91350100M000100Y44",
            "kind": "entity",
            "region_code": "350102",
            "legal_representative": "甲",
            "responsible_person": "乙",
            "contact_phone": "13800138000",
        },
        headers=auth(seeded, "admin"),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_uscc"
    assert "check character" in response.json()["message"]["en"]


def test_filing_flow_from_service_to_public_registry(client, seeded):
    provider, regulator = auth(seeded, "bj_provider"), auth(seeded, "bj_regulator")
    draft = client.post(
        f"/api/v1/providers/{seeded.ids['beijing']}/services", json=SERVICE, headers=provider
    ).json()
    assert draft["state"] == "draft" and draft["filing_due"] == "2026-04-03"
    submitted = client.post(f"/api/v1/filings/{draft['id']}/submit", headers=provider).json()
    assert submitted["state"] == "submitted" and submitted["late"] is False
    filed = client.post(f"/api/v1/filings/{draft['id']}/approve", json={}, headers=regulator)
    number = filed.json()["number"]
    assert parse_filing_number(number).province.abbreviation == "京"
    public = client.get(f"/api/v1/registry/{number}").json()
    assert public["service_name"] == "新服务"
    assert client.get("/api/v1/registry", params={"q": "新服务"}).json()[0]["number"] == number
    assert client.get("/api/v1/registry", params={"province": "沪"}).json() != []
    assert all(
        e["province_code"] == "31"
        for e in client.get("/api/v1/registry", params={"province": "上海"}).json()
    )
    history = client.get(f"/api/v1/filings/{draft['id']}/history", headers=provider).json()
    assert [e["action"] for e in history] == ["filing.submit", "filing.approve"]


def test_registry_rejects_a_malformed_number(client):
    response = client.get("/api/v1/registry/京网信备123号")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_filing_number"


def test_late_cancellation_is_accepted_and_names_the_earliest_date(client, seeded):
    # Clock: Wed 2026-04-01. 30 working days later, skipping Qingming (Mon Apr 6) and May Day
    # (May 1–5) and counting make-up Saturday May 9, is Mon 2026-05-18. Art. 11(3) is a duty of
    # the provider: shorter notice is accepted and flagged for the regulator.
    response = client.post(
        f"/api/v1/filings/{seeded.ids['bj_filed']}/cancellation",
        json={"termination_date": "2026-05-15", "arrangements": "迁移"},
        headers=auth(seeded, "bj_provider"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "cancelled"
    assert body["termination_notice_late"] is True
    assert body["termination_earliest"] == "2026-05-18"


def test_regular_check_lists_who_did_not_respond_in_time(client, seeded):
    regulator = auth(seeded, "bj_regulator")
    campaign = client.post(
        "/api/v1/checks",
        json={"title": "年度查验", "opens_on": "2026-03-25", "closes_on": "2026-03-31"},
        headers=regulator,
    ).json()
    assert campaign["province_code"] == "11"  # a provincial office checks its own province
    outstanding = client.get(f"/api/v1/checks/{campaign['id']}/outstanding", headers=regulator)
    assert [o["filing_id"] for o in outstanding.json()] == [seeded.ids["bj_filed"]]
    # Responding after the window (clock: 2026-04-01) is recorded but still listed as late.
    late = client.post(
        f"/api/v1/checks/{campaign['id']}/responses",
        json={"filing_id": seeded.ids["bj_filed"], "note": "信息无变化"},
        headers=auth(seeded, "bj_provider"),
    )
    assert late.status_code == 201 and late.json()["in_time"] is False
    listed = client.get(f"/api/v1/checks/{campaign['id']}/outstanding", headers=regulator).json()
    assert listed[0]["late_response_at"] is not None
    # Shanghai's filing is outside a Beijing campaign.
    other = client.post(
        f"/api/v1/checks/{campaign['id']}/responses",
        json={"filing_id": seeded.ids["sh_filed"]},
        headers=auth(seeded, "sh_provider"),
    )
    assert other.status_code == 404


def test_public_registry_page_lists_filed_services(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "区块链信息服务备案公示" in page.text and "filed" in page.text
    assert "草稿" not in page.text  # drafts are never public


def test_wrongly_typed_values_are_refused_by_field(client, seeded):
    path = f"/api/v1/filings/{seeded.ids['bj_draft']}"
    provider = auth(seeded, "bj_provider")
    for values, field in [
        ({"node_count": "many"}, "node_count"),
        ({"started_on": "2026-13-01"}, "started_on"),
        ({"server_addresses": "192.0.2.1"}, "server_addresses"),
        ({"colour": "red"}, "colour"),
    ]:
        response = client.patch(path, json=values, headers=provider)
        assert response.status_code == 422, values
        assert field in response.json()["message"]["en"]
    ok = client.patch(path, json={"started_on": "2026-03-09"}, headers=provider)
    assert ok.json()["service"]["started_on"] == "2026-03-09"
    assert ok.json()["filing_due"] == "2026-03-23"  # the filing deadline follows the start date


def test_public_entry_page(client, seeded):
    number = client.get("/api/v1/registry").json()[0]["number"]
    page = client.get(f"/registry/{number}")
    assert page.status_code == 200 and number in page.text
    missing = client.get("/registry/京网信备11010826000000010016号")
    assert missing.status_code == 404


def test_a_running_server_tunes_the_cycle_collector_and_restores_it_on_stop(seeded, tmp_path):
    before = gc.get_threshold()
    with client_for(seeded, tmp_path) as running:
        assert running.get("/api/v1/openapi.json").status_code == 200
        assert gc.get_threshold()[0] > before[0] and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
