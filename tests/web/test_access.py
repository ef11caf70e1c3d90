"""Who may call which endpoint on whose data: one row per endpoint and object, one column per
role. A provider sees only its organisation, a provincial regulator only its province, the
public only the published registry. Out-of-scope objects answer 404 so their existence leaks
nothing; in-scope objects the role may not change answer 403."""

from __future__ import annotations

import pytest

from support.api import ROLES, SERVICE, auth

ANON = None
# Column order of the expectation strings below.
COLUMNS = [ANON, *ROLES]

PROVIDER = {
    "name": "新机构",
    "uscc": "91350100M000100Y43",
    "kind": "entity",
    "region_code": "350102",
    "legal_representative": "甲",
    "responsible_person": "乙",
    "contact_phone": "0591-87654321",
}

# (method, path, body, expected statuses for COLUMNS)
TABLE = [
    ("GET", "/api/v1/providers/{beijing}", None, "401 200 200 404 200 404 200 200"),
    (
        "PATCH",
        "/api/v1/providers/{beijing}",
        {"values": {"responsible_person": "新负责人"}, "reason": "人事变动"},
        "401 200 403 404 403 404 403 200",
    ),
    ("POST", "/api/v1/providers", PROVIDER, "401 403 403 403 403 403 403 201"),
    ("POST", "/api/v1/providers/{beijing}/services", SERVICE, "401 201 403 404 403 404 403 403"),
    ("GET", "/api/v1/filings/{bj_draft}", None, "401 200 200 404 200 404 200 200"),
    ("GET", "/api/v1/filings/{bj_filed}/history", None, "401 200 200 404 200 404 200 200"),
    ("PATCH", "/api/v1/filings/{bj_draft}", {"node_count": 8}, "401 200 403 404 403 404 403 403"),
    ("POST", "/api/v1/filings/{bj_draft}/submit", None, "401 200 403 404 403 404 403 403"),
    ("POST", "/api/v1/filings/{bj_submitted}/approve", {}, "401 403 403 404 200 404 200 403"),
    (
        "POST",
        "/api/v1/filings/{bj_submitted}/return",
        {"reason": "缺材料"},
        "401 403 403 404 200 404 200 403",
    ),
    (
        "POST",
        "/api/v1/filings/{bj_submitted}/refuse",
        {"reason": "虚假信息"},
        "401 403 403 404 200 404 200 403",
    ),
    (
        "POST",
        "/api/v1/filings/{bj_filed}/changes",
        {"change_date": "2026-03-30", "values": {"node_count": 6}, "reason": "扩容"},
        "401 201 403 404 403 404 403 403",
    ),
    (
        "POST",
        "/api/v1/filings/{bj_filed}/cancellation",
        {"termination_date": "2026-07-01", "arrangements": "迁移"},
        "401 200 403 404 403 404 403 403",
    ),
    ("GET", "/api/v1/filings/overdue", None, "401 403 403 403 200 200 200 200"),
    (
        "POST",
        "/api/v1/checks",
        {"title": "查验", "opens_on": "2026-04-01", "closes_on": "2026-04-30"},
        "401 403 403 403 201 201 201 403",
    ),
    ("GET", "/api/v1/services/{bj_service}", None, "401 200 200 404 200 404 200 200"),
    ("GET", "/api/v1/checks/{bj_check}", None, "401 200 200 404 200 404 200 200"),
    ("GET", "/api/v1/checks/{bj_check}/outstanding", None, "401 403 403 404 200 404 200 200"),
    (
        "POST",
        "/api/v1/checks/{bj_check}/responses",
        {"filing_id": "{bj_filed}", "note": "无变化"},
        "401 201 403 404 403 404 403 403",
    ),
    (
        "POST",
        "/api/v1/accounts",
        {
            "username": "new-reviewer",
            "password": "long enough pw",
            "role": "provider_reviewer",
            "provider_id": "{beijing}",
        },
        "401 201 403 403 403 403 403 201",
    ),
    ("GET", "/api/v1/accounts", None, "401 200 403 200 403 403 403 200"),
    ("GET", "/api/v1/audit", None, "401 200 403 200 200 200 200 200"),
    ("GET", "/api/v1/registry", None, "200 200 200 200 200 200 200 200"),
    ("GET", "/api/v1/auth/me", None, "401 200 200 200 200 200 200 200"),
    ("GET", "/api/v1/auth/tokens", None, "401 200 200 200 200 200 200 200"),
]

CASES = [
    pytest.param(
        method,
        path,
        body,
        role,
        int(expected.split()[i]),
        id=f"{method} {path} as {role or 'anonymous'}",
    )
    for method, path, body, expected in TABLE
    for i, role in enumerate(COLUMNS)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_endpoint_access(client, seeded, method, path, body, role, status):
    if body:
        body = {k: v.format(**seeded.ids) if isinstance(v, str) else v for k, v in body.items()}
    response = client.request(
        method, path.format(**seeded.ids), json=body, headers=auth(seeded, role)
    )
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["message"]["zh"] and response.json()["message"]["en"]


# Lists: (path, role) → which seeded objects must and must not appear.
LISTS = [
    ("/api/v1/providers", "bj_provider", {"beijing"}, {"shanghai"}),
    ("/api/v1/providers", "sh_regulator", {"shanghai"}, {"beijing"}),
    ("/api/v1/providers", "cac", {"beijing", "shanghai"}, set()),
    ("/api/v1/filings", "bj_reviewer", {"bj_draft", "bj_filed"}, {"sh_draft", "sh_filed"}),
    ("/api/v1/filings", "sh_provider", {"sh_draft"}, {"bj_draft", "bj_submitted"}),
    ("/api/v1/filings", "bj_regulator", {"bj_submitted"}, {"sh_submitted"}),
    ("/api/v1/filings", "cac", {"bj_submitted", "sh_submitted"}, set()),
    ("/api/v1/checks", "bj_provider", {"bj_check"}, set()),
    ("/api/v1/checks", "sh_provider", set(), {"bj_check"}),
    ("/api/v1/checks", "sh_regulator", set(), {"bj_check"}),
]


@pytest.mark.parametrize(("path", "role", "present", "absent"), LISTS)
def test_lists_are_scoped(client, seeded, path, role, present, absent):
    response = client.get(path, headers=auth(seeded, role))
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()}
    assert {seeded.ids[k] for k in present} <= ids
    assert not ids & {seeded.ids[k] for k in absent}


def test_services_list_is_scoped(client, seeded):
    rows = client.get("/api/v1/services", headers=auth(seeded, "sh_provider")).json()
    assert rows and {r["provider_id"] for r in rows} == {seeded.ids["shanghai"]}


def test_audit_trail_is_scoped(client, seeded):
    rows = client.get("/api/v1/audit?limit=1000", headers=auth(seeded, "sh_provider")).json()
    assert rows
    assert all(r["object_id"] != seeded.ids["bj_filed"] for r in rows)


def test_public_registry_shows_only_published_entries(client, seeded):
    rows = client.get("/api/v1/registry").json()
    assert {r["service_name"] for r in rows} == {"filed"}
    assert len(rows) == 2
    assert all(r["state"] == "filed" for r in rows)
