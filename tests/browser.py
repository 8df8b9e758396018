"""Debian's Chromium through Playwright, shared by every browser test.

Loaded by tests/conftest.py (`pytest_plugins`), so each module that drives a browser launches it
the same way (same executable, same flags that keep a headless Chromium off the network) instead
of carrying its own copy.

Fixtures
    browser   module scope: one headless Chromium for the module's tests.
    page      a fresh 1280x800 page in its own context (20 s default timeout), closed afterwards.
              A module that needs another page (other viewport, listeners) defines its own `page`
              on top of `browser`.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def launch(playwright):
    """Headless Debian Chromium from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20000)
    pg = context.new_page()
    yield pg
    context.close()
