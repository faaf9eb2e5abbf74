"""Browser tests: Debian's Chromium driven by Playwright against a live server on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CIVICO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("CIVICO_SCREENSHOTS", "var/test/screenshots"))
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to build
# their world are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def telefono(browser):
    """A phone-sized page, Italian."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="it-IT")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, nome: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    percorso = SCREENSHOTS / f"{nome}.png"
    page.screenshot(path=str(percorso), full_page=True)
    return percorso
