"""What people do in the portal, in a real browser: a provider files a service, the regulator
approves it, the public finds it by its number; languages; keyboard use; screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from chainwarden.demo import PASSWORD

NUMBER = re.compile(r"京网信备\d{19}[0-9X]号")


def sign_in(page: Any, username: str) -> None:
    page.goto("/signin?lang=zh")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/registry$"))


def test_provider_files_regulator_approves_public_finds_it(page: Any) -> None:
    from playwright.sync_api import expect

    sign_in(page, "lianxin-admin")
    page.get_by_role("link", name="登记新服务").click()
    page.get_by_label("服务名称").fill("链信数字身份")
    page.get_by_label("服务类别").fill("数字身份")
    page.get_by_label("应用领域").fill("政务服务")
    page.get_by_label("服务形式").select_option("app")
    page.get_by_label("地址（网址或应用标识）").fill("com.lianxin.did")
    page.get_by_label("链类型").select_option("consortium")
    page.get_by_label("区块链平台").fill("长安链")
    page.get_by_label("节点数量").fill("5")
    page.get_by_label("开始服务日期").fill("2026-11-23")
    page.get_by_label("服务器地址").fill("203.0.113.20\n203.0.113.21")
    page.get_by_role("button", name="登记服务").click()
    page.get_by_text("服务已登记并生成备案草稿").wait_for()
    page.get_by_role("button", name="提交备案").click()
    page.get_by_text("备案已提交审核").wait_for()
    sign_out(page)

    sign_in(page, "cac")
    queue = page.get_by_role("table", name="待审核的备案")
    queue.get_by_role("link", name="链信数字身份").click()
    page.get_by_role("button", name="予以备案并发放备案编号").click()
    page.get_by_text("服务已备案，备案编号已发放").wait_for()
    number = NUMBER.search(page.locator("main").inner_text()).group(0)
    sign_out(page)

    page.goto("/registry")
    page.get_by_label("名称或备案编号").fill(number)
    # The live search (HTMX) replaces the results without a page load.
    results = page.locator("#results")
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the one entry
    assert "/registry?q=" in page.url  # the search is in the address, to share or go back to
    results.get_by_role("link", name=number).click()
    page.get_by_role("heading", name="链信数字身份").wait_for()
    badge = page.get_by_role("img", name=re.compile(number))
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")


def test_language_switch_and_keyboard(page: Any) -> None:
    page.goto("/registry")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Blockchain Information Service Filing Registry").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/registry")  # remembered
    assert page.locator("html").get_attribute("lang") == "en"
    # The first Tab reaches the skip link; following it moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Sign in with the keyboard alone.
    page.goto("/signin?lang=zh")
    page.get_by_label("用户名").focus()
    page.keyboard.type("bj-cac")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/review"))


SCREENS = [
    ("registry", None, "/registry"),
    ("registry-en", None, "/registry?lang=en"),
    ("entry", None, "entry"),
    ("badge", None, "badge"),
    ("signin", None, "/signin"),
    ("provider-organisation", "lianxin-admin", "/console/organisation"),
    ("provider-filings", "lianxin-admin", "/console/filings"),
    ("provider-new-service", "lianxin-admin", "/console/services/new"),
    ("provider-checks", "lianxin-admin", "/console/checks/respond"),
    ("regulator-review", "cac", "/console/review"),
    ("regulator-filing", "cac", "review-first"),
    ("regulator-checks", "cac", "/console/checks"),
]


def test_screenshots(page: Any, tmp_path: Path) -> None:
    """A picture of each main page; `make screenshots` writes them to docs/screenshots."""
    folder = Path(os.environ.get("CHAINWARDEN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.goto("/registry?lang=zh")
    number = NUMBER.search(page.locator("#results").inner_text()).group(0)
    who = None
    for name, username, target in SCREENS:
        if username != who:
            if who:
                sign_out(page)
            if username:
                sign_in(page, username)
            who = username
        if target == "entry":
            page.goto(f"/registry/{number}?lang=zh")
        elif target == "badge":
            page.goto(f"/badge/{number}?lang=zh")
        elif target == "review-first":
            page.goto("/console/review")
            page.get_by_role("table", name="待审核的备案").get_by_role("link").first.click()
            page.wait_for_url(re.compile(r"/console/filings/"))
        else:
            page.goto(target)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, name
    page.goto("/registry?lang=zh")  # leave the language as it was
