"""The server-rendered pages: languages, sign-in, CSRF on every form, the filing flow through
the consoles, the badge, and what each role is shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from chainwarden.web.pages.forms import ServiceFields

from support.api import client_for
from support.pages import csrf, post, sign_in, signed_in_as

BEIJING_NAME = "北京链测科技有限公司"
SHANGHAI_NAME = "上海链测数据有限公司"
NEW_SERVICE = {
    "name": "链测溯源平台",
    "category": "溯源",
    "form": "website",
    "address": "https://trace.example",
    "application_field": "供应链",
    "chain_type": "consortium",
    "platform": "FISCO BCOS",
    "node_count": "4",
    "started_on": "2026-03-25",
    "server_addresses": "198.51.100.8\n198.51.100.9",
}


class Forms(HTMLParser):
    """Collects each form's method and the names of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (values.get("method") or "get").lower(), "inputs": {}})
        elif tag in ("input", "textarea", "select") and self.forms and values.get("name"):
            self.forms[-1]["inputs"][values["name"]] = values.get("value")  # type: ignore[index]


def forms_of(html: str) -> list[dict[str, object]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


# --- languages ------------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_switch_to_english(client):
    page = client.get("/registry")
    assert '<html lang="zh-CN">' in page.text and "区块链信息服务备案公示" in page.text
    english = client.get("/registry?lang=en")
    assert '<html lang="en">' in english.text
    assert "Blockchain Information Service Filing Registry" in english.text
    assert english.headers["content-language"] == "en"
    # The choice is remembered in a cookie.
    assert '<html lang="en">' in client.get("/registry").text
    assert '<html lang="zh-CN">' in client.get("/registry?lang=zh").text


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en-US,en;q=0.9", "en"),
        ("fr, en;q=0.5", "en"),
        ("en;q=0.4, zh-CN", "zh-CN"),
        ("de", "zh-CN"),
    ],
)
def test_language_follows_accept_language(client, header, lang):
    page = client.get("/registry", headers={"Accept-Language": header})
    assert f'<html lang="{lang}">' in page.text


def test_language_links_keep_the_query(client):
    page = client.get("/registry?q=filed")
    assert 'href="/registry?q=filed&amp;lang=en"' in page.text


def test_every_message_is_translated_and_the_compiled_catalogue_is_current():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from chainwarden.web.i18n import LOCALE_DIR

    folder = LOCALE_DIR / "zh" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        po = read_po(handle)
    with (folder / "messages.mo").open("rb") as handle:
        mo = read_mo(handle)
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        pot = read_po(handle)
    untranslated = [m.id for m in po if m.id and not m.string]
    assert untranslated == []
    assert {m.id for m in pot if m.id} <= {m.id for m in po if m.id}, "run make i18n"
    # `make i18n` compiles the .mo the server loads; a stale one would show old texts.
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}


# --- public pages ---------------------------------------------------------------------------


def test_live_search_returns_only_the_results(client):
    partial = client.get("/registry?q=filed", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "<table>" in partial.text
    assert "filed" in partial.text


def test_entry_page_badge_and_snippet(client):
    number = client.get("/api/v1/registry").json()[0]["number"]
    entry = client.get(f"/registry/{number}")
    assert entry.status_code == 200 and number in entry.text
    badge = client.get(f"/badge/{number}.svg")
    assert badge.status_code == 200 and badge.headers["content-type"] == "image/svg+xml"
    assert number in badge.text and "区块链信息服务备案" in badge.text
    snippet = client.get(f"/badge/{number}")
    # The snippet links the badge back to the registry entry on this server.
    assert "&lt;a href=&#34;http://testserver/registry/" in snippet.text
    assert "badge/" in snippet.text and number in snippet.text


def test_badge_of_an_unknown_or_malformed_number_says_so(client):
    unknown = client.get("/badge/京网信备11010826000000010016号.svg")
    assert unknown.status_code == 404 and "不在公示名录中" not in unknown.text
    assert (
        "Not in the registry"
        in client.get("/badge/京网信备11010826000000010016号.svg?lang=en").text
    )
    assert client.get("/badge/京网信备123号.svg").status_code == 404
    assert client.get("/registry/京网信备123号").status_code == 404


def test_security_headers_on_pages(client):
    page = client.get("/registry")
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/htmx.min.js").status_code == 200


# --- sign-in and CSRF -----------------------------------------------------------------------


def test_console_pages_ask_for_sign_in(client):
    response = client.get("/console/review", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/console/review"


def test_live_update_after_the_session_ended_loads_the_sign_in_page(client):
    response = client.get("/console/review", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"] == "/signin?next=/console/review"


def test_wrong_password_is_shown_on_the_form(client):
    page = client.get("/signin")
    response = client.post(
        "/signin",
        data={"username": "bj-admin", "password": "nope", "csrf_token": csrf(page.text)},
    )
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert 'value="bj-admin"' in response.text


def test_sign_in_needs_the_form_token(client):
    client.get("/signin")
    response = client.post(
        "/signin", data={"username": "bj-admin", "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert "cw_session" not in response.cookies


def test_sign_in_follows_only_local_next(client):
    page = client.get("/signin")
    for target, expected in [
        ("/console/filings", "/console/filings"),
        ("//evil.example/", "/console/organisation"),
    ]:
        client.cookies.delete("cw_session")
        response = client.post(
            "/signin",
            data={
                "username": "bj-admin",
                "password": "correct horse battery",
                "next": target,
                "csrf_token": csrf(page.text),
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


def test_every_post_form_carries_the_csrf_token(client, seeded):
    pages = {
        "bj-admin": [
            "/console/organisation",
            "/console/services/new",
            f"/console/filings/{seeded.ids['bj_draft']}",
            f"/console/filings/{seeded.ids['bj_filed']}",
            "/console/checks/respond",
        ],
        "bj-cac": [
            "/console/review",
            f"/console/filings/{seeded.ids['bj_submitted']}",
            "/console/checks",
        ],
    }
    seen = 0
    for username, paths in pages.items():
        token = signed_in_as(client, username)
        for path in paths:
            for form in forms_of(client.get(path).text):
                if form["method"] == "post":
                    seen += 1
                    assert form["inputs"].get("csrf_token") == token, path  # type: ignore[union-attr]
    assert seen >= 12


def test_a_post_without_the_token_changes_nothing(client, seeded):
    signed_in_as(client, "bj-admin")
    filing = seeded.ids["bj_draft"]
    response = client.post(f"/console/filings/{filing}/submit", follow_redirects=False)
    assert response.status_code == 403
    assert "草稿" in client.get(f"/console/filings/{filing}").text


def test_sign_out_ends_the_session(client):
    token = sign_in(client, "bj-admin")
    assert post(client, "/signout", token).status_code == 303
    assert client.get("/console/organisation", follow_redirects=False).status_code == 303


# --- the filing procedure through the consoles ----------------------------------------------


def test_provider_files_regulator_approves_public_finds_it(client):
    token = sign_in(client, "bj-admin")
    created = post(client, "/console/services/new", token, **NEW_SERVICE)
    assert created.status_code == 303, created.text
    filing_page = created.headers["location"].split("?")[0]
    draft = client.get(created.headers["location"])
    assert "服务已登记并生成备案草稿" in draft.text and "2026-04-09" in draft.text  # due: 10 wd
    assert post(client, f"{filing_page}/submit", token).status_code == 303

    token = sign_in(client, "bj-cac")
    queue = client.get("/console/review").text
    assert "链测溯源平台" in queue
    assert post(client, f"{filing_page}/approve", token).status_code == 303
    number = re.search(r"京网信备\d{19}[0-9X]号", client.get(filing_page).text).group(0)

    found = client.get("/registry", params={"q": number})
    assert "链测溯源平台" in found.text


def test_invalid_service_is_shown_again_with_the_reason(client):
    token = signed_in_as(client, "bj-admin")
    response = post(client, "/console/services/new", token, **{**NEW_SERVICE, "node_count": "0"})
    assert response.status_code == 422
    assert "节点数量至少为1" in response.text
    assert 'value="链测溯源平台"' in response.text  # what was typed is kept


def test_regulator_returns_with_a_reason_and_the_provider_sees_it(client, seeded):
    filing = seeded.ids["bj_submitted"]
    token = signed_in_as(client, "bj-cac")
    missing = post(client, f"/console/filings/{filing}/return", token, reason=" ")
    assert missing.status_code == 422 and "请说明" in missing.text
    assert (
        post(client, f"/console/filings/{filing}/return", token, reason="缺少证明").status_code
        == 303
    )
    signed_in_as(client, "bj-admin")
    page = client.get(f"/console/filings/{filing}").text
    assert "退回补正" in page and "缺少证明" in page


def test_cancellation_too_soon_is_accepted_and_names_the_earliest_date(client, seeded):
    filing = seeded.ids["bj_filed"]
    token = signed_in_as(client, "bj-admin")
    response = post(
        client,
        f"/console/filings/{filing}/cancel",
        token,
        termination_date="2026-04-10",
        arrangements="迁移",
    )
    assert response.status_code == 303
    page = client.get(f"/console/filings/{filing}?lang=zh").text
    assert "逾期告知（第十一条第三款）" in page and "2026-05-18" in page


def test_change_of_a_filed_service(client, seeded):
    filing = seeded.ids["bj_filed"]
    token = signed_in_as(client, "bj-admin")
    page = client.get(f"/console/filings/{filing}").text
    fields = next(f for f in forms_of(page) if "change_date" in f["inputs"])["inputs"]
    values = {k: v or "" for k, v in fields.items() if k in ServiceFields.model_fields}
    # Selects and textareas carry no value attribute: give them as the page shows them.
    values.update(
        form="website", chain_type="consortium", node_count="9", server_addresses="198.51.100.7"
    )
    response = post(
        client,
        f"/console/filings/{filing}/change",
        token,
        change_date="2026-03-31",
        reason="扩容",
        **values,
    )
    assert response.status_code == 303, response.text
    assert "node_count: 4 → 9" in client.get(f"/console/filings/{filing}").text


def test_regular_check_confirmed_by_the_provider_shows_for_the_regulator(client, seeded):
    token = signed_in_as(client, "bj-admin")
    page = client.get("/console/checks/respond").text
    assert "北京查验" in page
    response = post(
        client,
        f"/console/checks/{seeded.ids['bj_check']}/respond",
        token,
        filing_id=seeded.ids["bj_filed"],
        note="无变化",
    )
    assert response.status_code == 303
    assert "已于" in client.get("/console/checks/respond").text
    signed_in_as(client, "bj-cac")
    campaign = client.get(f"/console/checks/{seeded.ids['bj_check']}").text
    assert "已确认" in campaign


def test_overdue_reviews_are_flagged(seeded, tmp_path):
    from datetime import UTC, datetime

    # Submitted on 2026-03-03: the decision was due on 2026-03-31.
    with client_for(seeded, tmp_path, now=datetime(2026, 4, 20, 3, tzinfo=UTC)) as late:
        signed_in_as(late, "cac")
        queue = late.get("/console/review").text
        assert "已超期 2 件" in queue
        assert 'class="overdue"' in queue


# --- each role sees its own data only -------------------------------------------------------


def test_provider_pages_show_only_its_organisation(client, seeded):
    signed_in_as(client, "bj-admin")
    for path in ("/console/organisation", "/console/filings", "/console/checks/respond"):
        text = client.get(path).text
        assert SHANGHAI_NAME not in text, path
    assert BEIJING_NAME in client.get("/console/organisation").text
    other = client.get(f"/console/filings/{seeded.ids['sh_submitted']}")
    assert other.status_code == 404 and SHANGHAI_NAME not in other.text
    # A provider has no review queue.
    assert client.get("/console/review").status_code == 403


def test_provincial_regulator_sees_only_its_province(client, seeded):
    signed_in_as(client, "sh-cac")
    queue = client.get("/console/review").text
    assert SHANGHAI_NAME in queue and BEIJING_NAME not in queue
    assert BEIJING_NAME not in client.get("/console/filings").text
    assert client.get(f"/console/filings/{seeded.ids['bj_submitted']}").status_code == 404
    assert client.get(f"/console/checks/{seeded.ids['bj_check']}").status_code == 404


def test_national_regulator_sees_every_province(client):
    signed_in_as(client, "cac")
    queue = client.get("/console/review").text
    assert SHANGHAI_NAME in queue and BEIJING_NAME in queue
    only_shanghai = client.get("/console/review?province=31").text
    assert SHANGHAI_NAME in only_shanghai and BEIJING_NAME not in only_shanghai


def test_provider_reviewer_reads_but_cannot_act(client, seeded):
    token = signed_in_as(client, "bj-reviewer")
    page = client.get(f"/console/filings/{seeded.ids['bj_draft']}").text
    assert "/submit" not in page
    response = post(client, f"/console/filings/{seeded.ids['bj_draft']}/submit", token)
    assert response.status_code == 403


def test_navigation_follows_the_role(client):
    assert "/console/review" not in client.get("/registry").text
    signed_in_as(client, "bj-admin")
    page = client.get("/registry").text
    assert "/console/organisation" in page and "/console/review" not in page
    signed_in_as(client, "bj-cac")
    page = client.get("/registry").text
    assert "/console/review" in page and "/console/organisation" not in page


def test_every_console_page_renders_in_english(client, seeded):
    pages = {
        "bj-admin": [
            "/console/organisation",
            "/console/services/new",
            "/console/filings",
            f"/console/filings/{seeded.ids['bj_draft']}",
            f"/console/filings/{seeded.ids['bj_filed']}",
            "/console/checks/respond",
        ],
        "cac": [
            "/console/review",
            "/console/filings?state=submitted",
            f"/console/filings/{seeded.ids['sh_submitted']}",
            "/console/checks",
            f"/console/checks/{seeded.ids['bj_check']}",
        ],
    }
    for username, paths in pages.items():
        signed_in_as(client, username)
        for path in paths:
            page = client.get(path, headers={"Accept-Language": "en"})
            assert page.status_code == 200, path
            assert '<html lang="en">' in page.text, path
            # No Chinese interface text is left: only data (names) may be Chinese.
            assert "备案编号" not in page.text and "状态" not in page.text, path


ORGANISATION = {
    "name": BEIJING_NAME,
    "kind": "entity",
    "legal_representative": "王一",
    "responsible_person": "李二",
    "contact_phone": "13800138000",
    "contact_email": "",
    "address": "",
}


def test_provider_admin_updates_its_organisation_with_a_reason(client, seeded):
    path = f"/console/organisation/{seeded.ids['beijing']}"
    token = signed_in_as(client, "bj-admin")
    no_reason = post(client, path, token, **{**ORGANISATION, "contact_phone": "010-62345678"})
    assert no_reason.status_code == 422 and "请说明修改原因" in no_reason.text
    bad_phone = post(
        client, path, token, **{**ORGANISATION, "contact_phone": "12", "reason": "换号"}
    )
    assert bad_phone.status_code == 422 and 'value="12"' in bad_phone.text
    done = post(
        client, path, token, **{**ORGANISATION, "contact_phone": "010-62345678", "reason": "换号"}
    )
    assert done.status_code == 303
    assert "010-62345678" in client.get("/console/organisation").text
    # Another organisation is out of reach, and a reviewer may only read.
    other = post(
        client, f"/console/organisation/{seeded.ids['shanghai']}", token, **ORGANISATION, reason="x"
    )
    assert other.status_code == 404
    reviewer = signed_in_as(client, "bj-reviewer")
    assert post(client, path, reviewer, **ORGANISATION, reason="x").status_code == 403
