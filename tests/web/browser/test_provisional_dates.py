"""In a real browser on 2026-12-04, when chinese-calendar has no 2027 data: a provider submits a
filing and sees its review date marked provisional, with the explanation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from .conftest import demo_site, new_page
from .test_portal import sign_in

DECEMBER = datetime(2026, 12, 4, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def december_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(tmp_path_factory, DECEMBER) as base:
        yield base


@pytest.fixture
def december_page(browser: Any, december_site: str) -> Iterator[Any]:
    with new_page(browser, december_site) as opened:
        yield opened


def test_submitting_a_filing_in_december_succeeds_with_a_provisional_review_date(
    december_page: Any,
) -> None:
    page = december_page
    sign_in(page, "lianxin-admin")
    page.get_by_role("link", name="登记新服务").click()
    page.get_by_label("服务名称").fill("链信跨年服务")
    page.get_by_label("服务类别").fill("存证")
    page.get_by_label("应用领域").fill("司法存证")
    page.get_by_label("服务形式").select_option("website")
    page.get_by_label("地址（网址或应用标识）").fill("https://kn.lianxin.example")
    page.get_by_label("链类型").select_option("consortium")
    page.get_by_label("区块链平台").fill("长安链")
    page.get_by_label("节点数量").fill("4")
    page.get_by_label("开始服务日期").fill("2026-12-01")
    page.get_by_label("服务器地址").fill("203.0.113.30")
    page.get_by_role("button", name="登记服务").click()
    page.get_by_text("服务已登记并生成备案草稿").wait_for()
    page.get_by_role("button", name="提交备案").click()
    page.get_by_text("备案已提交审核").wait_for()
    main = page.locator("main").inner_text()
    assert "没有 2027 年" not in main and "calendar import" not in main
    # Decision due 20 working days after Fri 4 Dec: Mon 4 Jan 2027, marked provisional.
    decision = page.locator("dd", has_text="2027-01-04")
    badge = decision.locator(".tag.provisional")
    assert badge.inner_text() == "暂定"
    assert "官方节假日安排尚未公布" in (badge.get_attribute("title") or "")
    assert re.search(r"暂定：该年的官方节假日安排尚未公布", main)
