"""An administrator draws a routing zone by clicking on the map, in a real browser."""

import json
import os
import threading

import pytest
import shapely
from django.conf import settings
from django.test import Client

from civico.accounts.models import Ruolo
from civico.catalogo.models import RegolaInstradamento
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.browser.conftest import CHROMIUM, screenshot
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pagine")]


def in_un_thread(funzione) -> None:
    """Run a Playwright script in a thread of its own. The sync API refuses a thread that already
    runs an event loop, as the main one does while tests/browser's session-wide browser is open."""
    esito: dict = {}

    def corri():
        try:
            funzione()
        except BaseException as errore:  # re-raised in the test's thread
            esito["errore"] = errore

    thread = threading.Thread(target=corri)
    thread.start()
    thread.join(timeout=120)
    if "errore" in esito:
        raise esito["errore"]
    assert not thread.is_alive(), "the browser script did not finish"


def disegna_la_zona(url: str, sessione: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # no tiles needed
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": sessione, "url": url}])
        page = context.new_page()
        errori: list[str] = []
        page.on("pageerror", lambda errore: errori.append(str(errore)))

        page.goto(f"{url}/backoffice/configurazione/alessandria/regole/nuova/")
        mappa = page.locator("#mappa-zona")
        mappa.wait_for()
        box = mappa.bounding_box()
        for fx, fy in [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]:
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        assert '"Polygon"' in page.locator("#id_zona").input_value()
        assert page.locator("#mappa-zona .leaflet-overlay-pane path").count() == 1 + 1 + 4  # comune, zone, vertices
        assert errori == []
        page.get_by_label("Nome").fill("Zona disegnata")
        page.get_by_label("Ufficio").select_option(label="Squadra del centro")
        screenshot(page, "configurazione-zona-disegnata")
        page.get_by_role("button", name="Salva la regola").click()
        page.wait_for_url("**/regole/")
        browser.close()


def test_an_administrator_draws_a_zone_and_new_reports_inside_go_to_its_office(live_server):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    mondo()
    ente = attiva("006003", "AL", completo=True)
    squadra = factories.UfficioFactory(ente=ente, nome="Squadra del centro")
    client = Client()
    entra_verificato(client, factories.staff("admin-al", Ruolo.ENTE_ADMIN, ente))

    in_un_thread(lambda: disegna_la_zona(live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value))

    zona = shapely.from_geojson(json.dumps(RegolaInstradamento.objects.get(nome="Zona disegnata").zona))
    centro = zona.centroid
    assert factories.segnalazione(ente, punto=(centro.y, centro.x)).ufficio == squadra
