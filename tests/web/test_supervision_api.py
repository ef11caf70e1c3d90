"""The supervision API: cases, suspension, penalties in range, the public registry entry, the
dashboard and assessment reports, with provincial scoping."""

from __future__ import annotations

from support.api import auth

CHECKLIST = {
    key: {"met": True, "note": "已落实", "evidence": [f"{key}.pdf"]}
    for key in (
        "user_registration",
        "information_review",
        "emergency_response",
        "security_protection",
        "technical_conditions",
        "rules_and_agreements",
        "real_name_verification",
        "disposal_capability",
        "log_retention",
    )
}


def test_case_order_penalty_and_public_entry(client, seeded):
    bj, sh = auth(seeded, "bj_regulator"), auth(seeded, "sh_regulator")
    service = seeded.ids["bj_service"]
    case = client.post(
        "/api/v1/supervision/cases",
        json={"provider_id": seeded.ids["beijing"], "title": "日志检查", "service_id": service},
        headers=bj,
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    assert client.get(f"/api/v1/supervision/cases/{case_id}", headers=sh).status_code == 404
    assert (
        client.post(
            "/api/v1/supervision/cases",
            json={"provider_id": seeded.ids["beijing"], "title": "越权"},
            headers=sh,
        ).status_code
        == 404
    )

    order = client.post(
        f"/api/v1/supervision/cases/{case_id}/orders",
        json={"article": "17", "requirement": "日志留存六个月", "working_days": 5},
        headers=bj,
    )
    assert order.status_code == 201, order.text
    assert order.json()["suspends_service"] is True
    suspension = client.get(
        f"/api/v1/supervision/services/{service}/suspension", headers=auth(seeded, "bj_provider")
    )
    assert suspension.json() == {"service_id": service, "suspended": True}

    decision = {
        "breached_article": "17",
        "refused_to_correct": True,
        "measures": ["warning", "order_correction", "suspension", "fine"],
        "facts": "拒不改正",
    }
    refused = client.post(
        f"/api/v1/supervision/cases/{case_id}/penalties",
        json={**decision, "fine_yuan": 4_999},
        headers=bj,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "fine_out_of_range"
    assert "5,000" in refused.json()["message"]["zh"]

    made = client.post(
        f"/api/v1/supervision/cases/{case_id}/penalties",
        json={**decision, "fine_yuan": 5_000},
        headers=bj,
    )
    assert made.status_code == 201, made.text
    number = client.get(f"/api/v1/filings/{seeded.ids['bj_filed']}", headers=bj).json()["number"]
    assert client.get(f"/api/v1/registry/{number}/penalties").json() == []
    final = client.post(f"/api/v1/supervision/penalties/{made.json()['id']}/finalise", headers=bj)
    assert final.json()["state"] == "final"
    shown = client.get(f"/api/v1/registry/{number}/penalties").json()
    assert [(p["fine_yuan"], p["penalty_article"]) for p in shown] == [(5_000, "19")]
    page = client.get(f"/registry/{number}")
    assert "行政处罚" in page.text and "5,000" in page.text


def test_dashboard_is_scoped_and_for_regulators(client, seeded):
    bj = client.get("/api/v1/supervision/dashboard", headers=auth(seeded, "bj_regulator"))
    assert bj.status_code == 200
    assert bj.json()["scope"] == "11"
    assert set(bj.json()["filings"]["by_province"]) == {"11"}
    national = client.get("/api/v1/supervision/dashboard", headers=auth(seeded, "cac")).json()
    assert set(national["filings"]["by_province"]) == {"11", "31"}
    assert (
        client.get("/api/v1/supervision/dashboard", headers=auth(seeded, "bj_provider")).status_code
        == 403
    )


def test_assessment_report_pdf(client, seeded):
    created = client.post(
        "/api/v1/supervision/assessments",
        json={
            "service_id": seeded.ids["bj_service"],
            "title": "新功能",
            "kind": "function",
            "description": "转赠",
            "launch_date": "2026-06-01",
            "checklist": CHECKLIST,
        },
        headers=auth(seeded, "bj_provider"),
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/supervision/assessments/{created.json()['id']}/report.pdf"
    pdf = client.get(url, headers=auth(seeded, "bj_regulator"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url, headers=auth(seeded, "sh_regulator")).status_code == 404
