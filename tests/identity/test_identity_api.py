"""The identity API as providers, regulators and service users meet it."""

from __future__ import annotations

from support.api import auth

RIC = "11010519491231002X"


def register(client, seeded, role="bj_provider", **extra):
    body = {"nickname": "小王", "real_name": "王小明", "number": RIC, "mobile": "13812345678"}
    body.update(extra)
    response = client.post(
        f"/api/v1/services/{seeded.ids['bj_service']}/users", json=body, headers=auth(seeded, role)
    )
    return response


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_check_endpoint_explains_rejections(client, seeded):
    ok = client.post("/api/v1/identity/check", json={"value": RIC}, headers=auth(seeded, "cac"))
    assert ok.json()["valid"] and ok.json()["masked"] == "110105********002X"
    bad = client.post(
        "/api/v1/identity/check", json={"value": "12800138000"}, headers=auth(seeded, "cac")
    ).json()
    assert bad["valid"] is False and bad["reason"] == "mobile_prefix"
    assert bad["message"]["zh"] and bad["message"]["en"]
    assert client.post("/api/v1/identity/check", json={"value": RIC}).status_code == 401


def test_user_journey_from_registration_to_publishing_and_measures(client, seeded):
    created = register(client, seeded)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["user"]["number_masked"] == "110105********002X"
    assert body["user"]["mobile_masked"] == "138****5678"
    assert body["user"]["verification"] == "verified"
    assert body["verification"]["outcome"] == "format_only"
    assert RIC not in created.text and "王小明" not in created.text
    me = bearer(body["token"]["token"])
    user_id = body["user"]["id"]

    status = client.get("/api/v1/me", headers=me).json()["can_publish"]
    assert status == {
        "allowed": False,
        "code": "no_agreement",
        "message": status["message"],
    }

    service = seeded.ids["bj_service"]
    published = client.post(
        f"/api/v1/services/{service}/agreements",
        json={"kind": "service_agreement", "title": "用户服务协议", "body": "第一条 ……"},
        headers=auth(seeded, "bj_provider"),
    )
    assert published.status_code == 201 and published.json()["version"] == 1
    assert len(client.get(f"/api/v1/services/{service}/agreements").json()) == 1  # public
    (pending,) = client.get("/api/v1/me/agreements", headers=me).json()
    assert pending["accepted_at"] is None
    accepted = client.post(f"/api/v1/me/agreements/{pending['id']}/accept", headers=me)
    assert accepted.status_code == 201 and accepted.json()["recorded_by"] == "user"
    assert client.get("/api/v1/me", headers=me).json()["can_publish"]["allowed"] is True

    restricted = client.post(
        f"/api/v1/service-users/{user_id}/measures",
        json={
            "kind": "restriction",
            "reason": "发布虚拟货币交易广告",
            "functions": ["post"],
            "until": "2026-04-08T03:00:00Z",
            "content_refs": ["post:42"],
        },
        headers=auth(seeded, "bj_reviewer"),
    )
    assert restricted.status_code == 201, restricted.text
    (mine,) = client.get("/api/v1/me/measures", headers=me).json()
    assert mine["reason"] == "发布虚拟货币交易广告" and mine["content_refs"] == ["post:42"]
    assert mine["in_force"] is True and "actor_name" not in mine
    status = client.get("/api/v1/me", headers=me).json()["can_publish"]
    assert status["code"] == "function_restricted" and "2026-04-08" in status["message"]["en"]

    report = client.get(
        f"/api/v1/providers/{seeded.ids['beijing']}/measure-report",
        headers=auth(seeded, "bj_regulator"),
    )
    assert report.status_code == 200
    assert report.json()["counts"]["restriction"] == 1
    assert report.json()["measures"][0]["number"] == "110105********002X"
    for role in ("sh_regulator", "sh_provider"):
        hidden = client.get(
            f"/api/v1/providers/{seeded.ids['beijing']}/measure-report", headers=auth(seeded, role)
        )
        assert hidden.status_code == 404
    detail = client.get(f"/api/v1/service-users/{user_id}", headers=auth(seeded, "bj_regulator"))
    assert detail.json()["acceptances"][0]["version"] == 1
    assert detail.json()["measures"][0]["actor_name"] == "bj-reviewer"


def test_user_and_staff_tokens_do_not_cross(client, seeded):
    token = register(client, seeded).json()["token"]["token"]
    # A user token opens no staff route, and a staff token no user route.
    assert client.get("/api/v1/services", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=auth(seeded, "bj_provider")).status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token + "x")).status_code == 401


def test_other_providers_and_regulators_cannot_manage_users(client, seeded):
    user_id = register(client, seeded).json()["user"]["id"]
    for role, status in (("sh_provider", 404), ("bj_regulator", 403), ("admin", 403)):
        response = client.post(
            f"/api/v1/service-users/{user_id}/measures",
            json={"kind": "warning", "reason": "x"},
            headers=auth(seeded, role),
        )
        assert response.status_code == status, role
        assert register(client, seeded, role, number="44030419900307123X").status_code == status
    assert (
        client.get(
            f"/api/v1/service-users/{user_id}", headers=auth(seeded, "sh_provider")
        ).status_code
        == 404
    )


def test_duplicates_search_and_reissued_tokens(client, seeded):
    first = register(client, seeded).json()
    again = register(client, seeded, number="110105 19491231 002x")
    assert again.status_code == 409 and again.json()["code"] == "user_exists"
    found = client.post(
        "/api/v1/service-users/search",
        json={"number": "+86 138 1234 5678"},
        headers=auth(seeded, "bj_reviewer"),
    ).json()
    assert [u["id"] for u in found] == [first["user"]["id"]]
    fresh = client.post(
        f"/api/v1/service-users/{first['user']['id']}/tokens",
        json={"revoke_others": True},
        headers=auth(seeded, "bj_provider"),
    )
    assert fresh.status_code == 201
    assert client.get("/api/v1/me", headers=bearer(first["token"]["token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(fresh.json()["token"])).status_code == 200


def test_bad_numbers_are_problems_with_the_reason(client, seeded):
    response = register(client, seeded, number="110105194912310021")
    assert response.status_code == 422
    assert response.json()["code"] == "ric_checksum"
    assert response.json()["message"]["en"].startswith("Citizen ID number")


def test_registration_against_an_unreachable_identity_service(client, seeded):
    from chainwarden.identity.verifiers import CircuitBreaker, HttpVerifier

    client.app.state.identity_verifier = HttpVerifier(
        "http://127.0.0.1:9/verify", timeout=0.2, retries=0, breaker=CircuitBreaker()
    )
    created = register(client, seeded)
    assert created.status_code == 201
    assert created.json()["verification"]["outcome"] == "error"
    assert created.json()["user"]["verification"] == "unverified"
    me = bearer(created.json()["token"]["token"])
    assert client.get("/api/v1/me", headers=me).json()["can_publish"]["code"] == "not_verified"
    # Once the service is back (here: the offline verifier), verifying again succeeds.
    client.app.state.identity_verifier = None
    user_id = created.json()["user"]["id"]
    again = client.post(
        f"/api/v1/service-users/{user_id}/verify", headers=auth(seeded, "bj_reviewer")
    )
    assert again.json()["user"]["verification"] == "verified"
