"""Pytest fixtures for browser tests (see tests/browser.py for the harness).

Playwright is imported only when a browser fixture is used, and every test that uses one is
marked ``browser`` automatically, so ``pytest -m "not browser"`` runs the rest without
starting Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.browser import MapPage, OpenMap

BROWSER_FIXTURES = {"browser", "open_map"}


def __getattr__(name: str) -> Any:
    """``from tests.conftest import OpenMap`` (for annotations) without importing Playwright
    for every test module."""
    if name == "OpenMap":
        from tests.browser import OpenMap

        return OpenMap
    raise AttributeError(name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
    from tests.browser import browser_session

    with browser_session() as b:
        yield b


@pytest.fixture
def open_map(browser: Browser) -> Iterator[OpenMap]:
    """Factory: ``open_map(path, *, url_hash=None, offline=False,
    wait_ready=True, viewport=(1200, 800), timeout_ms=20000,
    extra_assets=None) -> MapPage``.

    Each call opens the file in a new browser context; all are closed when
    the test ends.
    """
    from tests.browser import open_page

    opened: list[MapPage] = []

    def _open(path: str | Path, **kwargs: Any) -> MapPage:
        mp = open_page(browser, path, **kwargs)
        opened.append(mp)
        return mp

    yield _open
    for mp in opened:
        mp.close()
