"""On 2026-12-04 chinese-calendar has no 2027 data: every legal act still goes through, with its
deadline marked provisional in the API and on the pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.api import SERVICE, auth, client_for
from support.pages import csrf, post, signed_in_as

FRIDAY = datetime(2026, 12, 4, 3, tzinfo=UTC)
SUNDAY_20TH = datetime(2026, 12, 20, 3, tzinfo=UTC)
NOTE_ZH = "暂定：该年的官方节假日安排尚未公布"
NOTE_EN = "no official holiday schedule has been published for that year yet"


@pytest.fixture
def december(seeded, tmp_path):
    with client_for(seeded, tmp_path, now=FRIDAY) as c:
        yield c


def test_a_filing_submitted_through_the_api_gets_a_provisional_review_date(december, seeded):
    response = december.post(
        f"/api/v1/filings/{seeded.ids['bj_draft']}/submit", headers=auth(seeded, "bj_provider")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # 20 working days from Fri 4 Dec: 19 in December, then Mon 4 Jan 2027 (1 Jan is 元旦).
    assert body["state"] == "submitted"
    assert body["review_due"] == "2027-01-04"
    assert body["provisional"] is True


def test_a_filing_submitted_on_the_page_shows_the_badge_and_its_explanation(december, seeded):
    filing = seeded.ids["bj_draft"]
    token = signed_in_as(december, "bj-admin")
    assert post(december, f"/console/filings/{filing}/submit", token).status_code == 303
    page = december.get(f"/console/filings/{filing}?lang=zh").text
    assert "2027-01-04" in page
    assert 'class="tag provisional"' in page and NOTE_ZH in page
    english = december.get(f"/console/filings/{filing}?lang=en").text
    assert ">provisional</span>" in english and NOTE_EN in english
    # The list of filings marks the same date through the same filter.
    assert 'class="tag provisional"' in december.get("/console/filings").text


def test_a_date_within_the_official_year_has_no_badge(december, seeded):
    signed_in_as(december, "bj-admin")
    page = december.get(f"/console/filings/{seeded.ids['bj_filed']}?lang=zh").text
    assert 'class="tag provisional"' not in page and NOTE_ZH not in page


@pytest.mark.parametrize(
    ("started_on", "filing_due", "provisional"),
    [
        ("2026-12-04", "2026-12-18", False),  # 10 wd within the official 2026 data
        ("2026-12-28", "2027-01-12", True),  # 29–31 Dec, 4–8 and 11–12 Jan 2027
    ],
)
def test_opening_a_service_always_succeeds(december, seeded, started_on, filing_due, provisional):
    response = december.post(
        f"/api/v1/providers/{seeded.ids['beijing']}/services",
        json={**SERVICE, "started_on": started_on},
        headers=auth(seeded, "bj_provider"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["filing_due"] == filing_due
    assert response.json()["provisional"] is provisional


def test_a_complaint_filed_on_20_december_succeeds_with_a_provisional_due_date(seeded, tmp_path):
    with client_for(seeded, tmp_path, now=SUNDAY_20TH) as client:
        response = client.post(
            "/api/v1/complaints",
            json={"service_id": seeded.ids["bj_service"], "body": "此服务发布虚拟货币推广信息"},
        )
        assert response.status_code == 201, response.text
        receipt = response.json()
        # 10 wd: 21–25 and 28–31 December, then Mon 4 Jan 2027.
        assert receipt["due"] == "2027-01-04" and receipt["provisional"] is True
        assert "（暂定）" in receipt["message"]["zh"]
        assert "(provisional)" in receipt["message"]["en"]

        page = client.get(f"/complaints?service={seeded.ids['bj_service']}&lang=zh")
        filed = client.post(
            "/complaints",
            data={
                "csrf_token": csrf(page.text),
                "service_id": seeded.ids["bj_service"],
                "body": "这条内容涉嫌非法集资",
            },
        )
        assert filed.status_code == 200
        assert "2027-01-04" in filed.text and 'class="tag provisional"' in filed.text
        assert NOTE_ZH in filed.text


def test_a_late_cancellation_reaches_the_regulators_queue(december, seeded):
    filing = seeded.ids["bj_filed"]
    token = signed_in_as(december, "bj-admin")
    done = post(
        december,
        f"/console/filings/{filing}/cancel",
        token,
        termination_date="2026-12-31",
        arrangements="数据迁移至新平台",
    )
    assert done.status_code == 303
    page = december.get(f"/console/filings/{filing}?lang=zh").text
    # 30 wd from 4 Dec: 19 in December, 11 in January → Mon 18 Jan 2027 (provisional).
    assert "逾期告知（第十一条第三款）" in page and "2027-01-18" in page
    signed_in_as(december, "bj-cac")
    queue = december.get("/console/review?lang=zh").text
    assert "逾期告知的注销（第十一条第三款）" in queue
    assert "2027-01-18" in queue and 'class="tag provisional"' in queue
    signed_in_as(december, "sh-cac")
    assert "逾期告知的注销" not in december.get("/console/review?lang=zh").text
