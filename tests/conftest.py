"""Pytest fixtures for browser tests (see tests/browser.py for the harness)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser import MapPage, OpenMap, browser_session, open_page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
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
    opened: list[MapPage] = []

    def _open(path: str | Path, **kwargs: Any) -> MapPage:
        mp = open_page(browser, path, **kwargs)
        opened.append(mp)
        return mp

    yield _open
    for mp in opened:
        mp.close()
