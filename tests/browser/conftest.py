"""Browser tests: Debian's Chromium driven by Playwright against a live server on loopback."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CIVICO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("CIVICO_SCREENSHOTS", "var/test/screenshots"))
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to build
# their world are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: while Playwright's sync API is open its event loop counts as
    running in this thread, which would break async tests of other modules run after it."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # `expect` waits until the page shows what it should, then returns at once: 5 s (the default)
    # was too short for an htmx round trip while both backends and Chromium share 2 cores.
    expect.set_options(timeout=15_000)
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


@pytest.fixture(autouse=True)
def _contesto_del_portale(settings):
    from tests.portale.conftest import registra_contesto

    registra_contesto(settings)


@pytest.fixture(autouse=True)
def _csp_con_eval_per_playwright(settings):
    """Playwright's wait_for_function evaluates its string in the page, which the product's CSP
    forbids ('unsafe-eval'). Allowed in browser tests only; every other directive (no inline
    script, our origin only) still applies, so a page that breaks under the CSP still fails here."""
    import copy

    politica = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    politica["DIRECTIVES"]["script-src"] = [*politica["DIRECTIVES"]["script-src"], "'unsafe-eval'"]
    settings.CONTENT_SECURITY_POLICY = politica


# --- The portal's browser tests: viewports, no third parties, accessibility, screenshots ----------

TELEFONO = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The README's screenshots are refreshed with CIVICO_SCREENSHOTS=docs/screenshots; by default under var/.
DOCUMENTAZIONE = SCREENSHOTS
LOCALI = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def apri(browser):
    """apri(viewport, locale="it-IT", javascript=True, **opzioni) → a page whose requests to other
    sites are refused and listed in `page.esterne` (map tiles need the network: tests never do)."""
    contesti = []

    def nuova(viewport=TELEFONO, locale="it-IT", javascript=True, **opzioni):
        contesto = browser.new_context(viewport=viewport, locale=locale, java_script_enabled=javascript, **opzioni)
        contesti.append(contesto)
        esterne: list[str] = []

        def filtra(route):
            if urlsplit(route.request.url).hostname in LOCALI:
                route.continue_()
            else:
                esterne.append(route.request.url)
                route.abort()

        contesto.route("**/*", filtra)
        pagina = contesto.new_page()
        pagina.esterne = esterne
        return pagina

    yield nuova
    for contesto in contesti:
        contesto.close()


def violazioni(page, impatti: tuple[str, ...] = ("minor", "moderate", "serious", "critical")) -> list[str]:
    """axe-core's violations of these impacts (all by default) on the page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    risultati = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} → {[n['target'] for n in v['nodes'][:3]]}"
        for v in risultati.response["violations"]
        if v["impact"] in impatti
    ]


def violazioni_gravi(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line each."""
    return violazioni(page, ("serious", "critical"))


def screenshot_documentazione(page, nome: str) -> Path:
    """A phone-sized picture of what the visitor first sees, for the README."""
    DOCUMENTAZIONE.mkdir(parents=True, exist_ok=True)
    percorso = DOCUMENTAZIONE / f"{nome}.png"
    page.screenshot(path=str(percorso), full_page=False, animations="disabled")
    return percorso
