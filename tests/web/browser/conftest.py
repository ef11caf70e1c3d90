"""A real browser (Debian's chromium driven by Playwright) against the app served on 127.0.0.1.

Without /usr/bin/chromium these tests are skipped with the reason; CI sets
CHAINWARDEN_REQUIRE_BROWSER=1, which turns a missing browser into a failure. Browsers are never
downloaded: `playwright install` is not used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chainwarden.demo import seed
from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.server import serving

# Debian's chromium; another path can be given to try a different build.
CHROMIUM = Path(os.environ.get("CHAINWARDEN_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE = os.environ.get("CHAINWARDEN_REQUIRE_BROWSER") == "1"
# The demo data's dates are in 2026; the pages see this moment as now.
NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install chromium); CI requires one"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if REQUIRE:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield launched
        launched.close()


@contextmanager
def demo_site(tmp_path_factory: pytest.TempPathFactory, now: datetime) -> Iterator[str]:
    """The whole system with demo data on a temporary SQLite file, its clock stopped at ``now``,
    served on a free port."""
    import chainwarden.models  # noqa: F401

    path = tmp_path_factory.mktemp("browser") / "demo.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    for _ in seed(db):
        pass
    with serving(create_app(db, clock=lambda: now, upgrade=False)) as base:
        yield base
    db.dispose()


@contextmanager
def new_page(browser: Any, base: str) -> Iterator[Any]:
    """A fresh Chinese-language browser context on ``base`` and its one page."""
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    # Generous: the machine may be busy; a passing step does not wait for it.
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(tmp_path_factory, NOW) as base:
        yield base


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    with new_page(browser, site) as opened:
        yield opened
