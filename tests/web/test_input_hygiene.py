"""Bad input at the edge: NUL, lone surrogates, absurd numbers, days and nesting are each a 422
with a reason in Chinese and English, on SQLite and on PostgreSQL, for routes with and without
a sign-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from chainwarden.accounts import service as accounts
from chainwarden.store import Database
from chainwarden.web.app import create_app
from chainwarden.web.hygiene import clean_text, json_problem

from support.api import SERVICE
from support.world import PASSWORD, make_world

NOW = datetime(2026, 4, 1, 3, tzinfo=UTC)


@pytest.fixture
def api(db: Database) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    with db.session() as s:
        world = make_world(s)
        tokens = {
            role: accounts.create_token(s, getattr(world, role), "tests").secret
            for role in ("bj_provider", "cac", "admin")
        }
        ids = {"beijing": world.beijing_id}
    with TestClient(create_app(db, clock=lambda: NOW)) as client:
        yield client, tokens, ids


def _as(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def _send(client: TestClient, method: str, url: str, body: object, headers: dict[str, str]):
    # json.dumps writes NUL and lone surrogates as \u escapes, as any JSON client would.
    headers = {**headers, "Content-Type": "application/json"}
    return client.request(method, url, content=json.dumps(body), headers=headers)


def _refused(response, code: str = "forbidden_character") -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]["zh"] and body["message"]["en"]


NUL = "abc\x00def"
SURROGATE = "abc \ud800 def"


@pytest.mark.parametrize("text", [NUL, SURROGATE])
def test_forbidden_characters_in_json_bodies_are_422(api, text: str) -> None:
    client, tokens, ids = api
    login = {"username": text, "password": PASSWORD}
    _refused(_send(client, "POST", "/api/v1/auth/login", login, {}))
    services = f"/api/v1/providers/{ids['beijing']}/services"
    provider = _as(tokens, "bj_provider")
    _refused(_send(client, "POST", services, dict(SERVICE, name=text), provider))
    # Inside a list, and as a key of a free-form object.
    addresses = dict(SERVICE, server_addresses=["192.0.2.1", text])
    _refused(_send(client, "POST", services, addresses, provider))
    patch = {"values": {text: "x"}, "reason": "r"}
    _refused(_send(client, "PATCH", f"/api/v1/providers/{ids['beijing']}", patch, provider))


def test_nul_in_query_path_and_form_is_422(api) -> None:
    client, _tokens, _ids = api
    _refused(client.get("/api/v1/registry", params={"q": NUL}))
    _refused(client.get("/registry", params={"q": NUL}))
    _refused(client.get("/api/v1/registry/abc%00def"))
    _refused(client.post("/complaints", data={"service_id": "x", "body": NUL}))


def test_lawful_text_still_passes(api) -> None:
    client, tokens, ids = api
    # An emoji is a surrogate pair in JSON: a lawful character, not a lone surrogate.
    service = dict(SERVICE, name="新服务 😀 \\u0000 literally")
    created = client.post(
        f"/api/v1/providers/{ids['beijing']}/services",
        json=service,
        headers=_as(tokens, "bj_provider"),
    )
    assert created.status_code == 201, created.text
    assert client.get("/api/v1/registry", params={"q": "区块链"}).status_code == 200


def test_json_nested_too_deep_is_422(api) -> None:
    client, tokens, _ids = api
    # Written out by hand: an encoder would itself give up at this depth.
    rule = '{"any": [' * 900 + "{}" + "]}" * 900
    body = '{"kind": "warning", "reason": "r", "rule": ' + rule + "}"
    headers = {**_as(tokens, "bj_provider"), "Content-Type": "application/json"}
    url = "/api/v1/service-users/nobody/measures"
    _refused(client.post(url, content=body, headers=headers), "too_deep")


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/registry?offset=1e20", None),
        ("/api/v1/registry?offset=100000000000000000000", None),
        ("/api/v1/supervision/dashboard?on=0001-01-01", "cac"),
        ("/api/v1/supervision/dashboard?on=9999-12-31", "cac"),
        ("/api/v1/providers/{beijing}/measure-report?until=-14709", "bj_provider"),
        ("/api/v1/providers/{beijing}/measure-report?since=0001-01-01T00:00:00Z", "bj_provider"),
    ],
)
def test_out_of_range_parameters_are_422(api, path: str, role: str | None) -> None:
    client, tokens, ids = api
    response = client.get(path.format(**ids), headers=_as(tokens, role) if role else {})
    assert response.status_code == 422, response.text
    assert response.json()["message"]["zh"]


@pytest.mark.parametrize("count", [2**31, 2**63, 2**70])
def test_screening_counts_beyond_a_32_bit_column_are_422(api, count: int) -> None:
    client, tokens, ids = api
    response = client.post(
        "/api/v1/supervision/screening-counts",
        json={"provider_id": ids["beijing"], "day": "2026-03-30", "counts": {"fraud": count}},
        headers=_as(tokens, "admin"),
    )
    assert response.status_code == 422, response.text


def test_a_service_starting_in_9999_is_422(api) -> None:
    client, tokens, ids = api
    response = client.post(
        f"/api/v1/providers/{ids['beijing']}/services",
        json=dict(SERVICE, started_on="9999-12-31"),
        headers=_as(tokens, "bj_provider"),
    )
    assert response.status_code == 422, response.text


def test_the_openapi_document_states_the_bounds(api) -> None:
    client, _tokens, _ids = api
    doc = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/registry"]["get"]["parameters"]}
    assert params["offset"]["schema"]["maximum"] > 0
    counts = doc["components"]["schemas"]["ScreeningCountsIn"]["properties"]["counts"]
    assert counts["additionalProperties"]["maximum"] == 2**31 - 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_a_body_is_refused_exactly_when_a_string_holds_nul_or_a_lone_surrogate(value) -> None:
    found = json_problem(value)
    bad = any(not clean_text(s) for s in _strings(value))
    assert (found is not None) == bad


def test_an_account_for_an_unknown_provider_is_404_and_no_hash_is_logged(api, caplog) -> None:
    client, tokens, _ids = api
    body = {
        "username": "someone",
        "password": PASSWORD,
        "role": "provider_admin",
        "provider_id": "no-such-provider",
    }
    response = client.post("/api/v1/accounts", json=body, headers=_as(tokens, "admin"))
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "unknown_provider"
    assert "argon2" not in caplog.text and "argon2" not in response.text


@pytest.mark.parametrize(
    "values",
    [
        {"started_on": "9999-12-31"},
        {"started_on": "0001-01-01"},
        {"node_count": 2**40},
        {"server_addresses": ["192.0.2.1"] * 1000},
    ],
)
def test_free_form_filing_values_out_of_range_are_4xx(api, values: dict[str, object]) -> None:
    client, tokens, ids = api
    provider = _as(tokens, "bj_provider")
    created = client.post(
        f"/api/v1/providers/{ids['beijing']}/services", json=SERVICE, headers=provider
    )
    filing_id = created.json()["id"]
    edited = client.patch(f"/api/v1/filings/{filing_id}", json=values, headers=provider)
    assert 400 <= edited.status_code < 500, edited.text
    assert edited.json()["message"]["zh"]
