"""The reporting flow in a real browser: keyboard only, accessible, on a phone and a desktop, in
English, offline, double-clicked, with files too big or fake."""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from PIL import Image
from playwright.sync_api import expect

from civico.portale.models import ValutazioneServizio
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.conftest import attiva, mondo
from tests.segnalazioni import immagini

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots go to var/ unless CIVICO_SCREENSHOTS=docs/screenshots asks to refresh the README's.
from tests.browser.conftest import SCREENSHOTS  # noqa: E402

LAT, LON = factories.PIAZZA_LIBERTA
TELEFONO = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _tessera() -> bytes:
    uscita = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 236, 240)).save(uscita, "PNG")
    return uscita.getvalue()


TESSERA = _tessera()


@pytest.fixture
def ente(transactional_db):
    mondo()
    return attiva("006003", "AL", completo=True)


def nuova_pagina(browser, *, locale="it-IT", **opzioni):
    context = browser.new_context(locale=locale, **opzioni)
    # No map tiles from the internet in tests: a plain grey tile answers for OpenStreetMap.
    context.route(re.compile(r"https://[a-z.]*tile\.openstreetmap\.org/.*"),
                  lambda route: route.fulfill(status=200, content_type="image/png", body=TESSERA))
    return context, context.new_page()


@pytest.fixture
def telefono(browser):
    context, page = nuova_pagina(browser, **TELEFONO)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context, page = nuova_pagina(browser, **DESKTOP)
    yield page
    context.close()


def accessibile(page, nome: str) -> None:
    """axe-core: no serious or critical violation."""
    risultati = Axe().run(page)
    gravi = [v for v in risultati.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not gravi, f"{nome}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:5]}" for v in gravi
    )


def foto(page, nome: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{nome}.png"), full_page=True)


def tab_fino_a(page, selettore: str, massimo: int = 120) -> None:
    """Press Tab until the focus is on `selettore`: proof it is reachable by keyboard."""
    for _ in range(massimo):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selettore):
            return
    raise AssertionError(f"{selettore} non si raggiunge con il tasto Tab")


# The next step's page, loaded with its scripts: on a loaded CI box (both suites and a browser on
# two cores) this has taken over 30 s once; it returns as soon as the page has loaded.
NAVIGAZIONE_MS = 60_000


def avanti(page) -> None:
    """Next step by mouse, once the page's own requests have settled, waiting for the new page's
    scripts. Answers that add lines above the button (as the place step's did, before they moved
    under it) make a click aimed just before the shift land beside it and nothing happens (twice in
    CI, at low load too: no navigation within 60 s)."""
    page.wait_for_load_state("networkidle")
    with page.expect_navigation(timeout=NAVIGAZIONE_MS):
        page.click("form#modulo .flusso-azioni button[type=submit]")


def avanti_con_tastiera(page) -> None:
    tab_fino_a(page, "form#modulo .flusso-azioni button[type=submit]")
    with page.expect_navigation(timeout=NAVIGAZIONE_MS):
        page.keyboard.press("Enter")


def test_the_whole_flow_with_the_keyboard_alone_on_a_phone_is_accessible(live_server, telefono, ente):
    esistente = factories.segnalazione(ente, titolo="Buca già segnalata")
    page = telefono

    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    accessibile(page, "privacy")
    foto(page, "flusso-1-privacy")
    tab_fino_a(page, "#campo-privacy")
    page.keyboard.press("Space")
    avanti_con_tastiera(page)

    # Luogo: the address alone, chosen from the suggestions with the arrows.
    assert page.locator("li[aria-current=step] .etichetta").text_content().strip() == "Passo 2: Luogo"
    accessibile(page, "luogo")
    tab_fino_a(page, "#campo-indirizzo")
    page.keyboard.type("piazza della liberta 41", delay=20)
    page.wait_for_selector("#indirizzi-suggeriti:not([hidden]) [role=option]")
    assert page.get_attribute("#campo-indirizzo", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#campo-indirizzo", "aria-activedescendant") == "indirizzo-0"
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Alessandria')")
    accessibile(page, "luogo con il punto")
    foto(page, "flusso-2-luogo")
    avanti_con_tastiera(page)

    # Disservizio: the category found by searching, its question, title; a duplicate shows up.
    accessibile(page, "disservizio")
    tab_fino_a(page, "#cerca-categoria")
    page.keyboard.type("buche")
    page.keyboard.press("Enter")  # to the list, which now shows only the match
    page.keyboard.press("ArrowDown")
    assert page.input_value("#campo-categoria") == "buche"
    tab_fino_a(page, "input[name=risposta__buche__dimensione]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#risposta-buche-dimensione-3")
    tab_fino_a(page, "#campo-titolo")
    page.keyboard.type("Buca profonda davanti al municipio")
    tab_fino_a(page, "#campo-descrizione")
    page.keyboard.type("Larga circa un metro.")
    page.wait_for_selector("[data-testid=duplicati]")
    assert "C'è già 1 segnalazione simile a 10 m" in page.inner_text("[data-testid=duplicati]")
    assert esistente.codice in page.inner_text("[data-testid=duplicati]")
    accessibile(page, "disservizio compilato")
    foto(page, "flusso-3-disservizio")
    avanti_con_tastiera(page)

    accessibile(page, "autore")
    tab_fino_a(page, "#campo-nome")
    page.keyboard.type("Giulia Ferrari")
    tab_fino_a(page, "#campo-email")
    page.keyboard.type("giulia@example.org")
    foto(page, "flusso-4-autore")
    avanti_con_tastiera(page)

    accessibile(page, "riepilogo")
    assert "Le informazioni che hai fornito hanno valore di dichiarazione." in page.content()
    foto(page, "flusso-5-riepilogo")
    tab_fino_a(page, "#invia")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.wait_for_selector("[data-testid=conferma]")
    accessibile(page, "conferma")
    s = Segnalazione.objects.exclude(pk=esistente.pk).get()
    assert page.inner_text("[data-testid=codice]") == s.codice
    assert page.get_attribute("[data-testid=link-privato]", "href").endswith(f"/seguimi/{s.token}/")
    assert (s.indirizzo, s.titolo, s.segnalante_nome) == (
        "Piazza della Libertà 41", "Buca profonda davanti al municipio", "Giulia Ferrari")
    foto(page, "flusso-6-conferma")

    tab_fino_a(page, "#campo-voto-1")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    tab_fino_a(page, "#valutazione-servizio button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert ValutazioneServizio.objects.get().voto == 5


def test_on_a_desktop_the_pin_is_placed_on_the_map_and_named(live_server, desktop, ente):
    page = desktop
    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.wait_for_selector(".leaflet-container")

    # Centre the map on a known point (an address chosen, then its pin taken away), click there.
    _centra(page, LAT, LON)
    mappa = page.locator("#mappa")
    mappa.scroll_into_view_if_needed()
    box = mappa.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Piazza della Libertà')")
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.input_value("#campo-indirizzo").startswith("Piazza della Libertà")
    accessibile(page, "luogo su desktop")
    foto(page, "flusso-desktop-luogo")

    # By keyboard: Enter on the focused map drops the pin at its centre; arrows move the pin.
    page.click("#togli-punto")
    tab_fino_a(page, "#mappa")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('campo-lat').value !== ''")
    prima = float(page.input_value("#campo-lon"))
    tab_fino_a(page, ".leaflet-marker-icon")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"parseFloat(document.getElementById('campo-lon').value) > {prima}")
    avanti(page)
    page.wait_for_url(re.compile(r"/disservizio/$"))


def _centra(page, lat, lon):
    """Move the map to a point the way a citizen would: typing an address and choosing it."""
    page.fill("#campo-indirizzo", "piazza della liberta 41")
    page.wait_for_selector("#indirizzi-suggeriti [role=option]")
    page.click("#indirizzi-suggeriti [role=option] >> nth=0")
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Alessandria')")
    page.click("#togli-punto")
    assert page.input_value("#campo-lat") == ""


def _y_nella_pagina(locator) -> float:
    """Where the element's top is in the page (not in the viewport: a scroll is not a shift)."""
    return locator.evaluate("el => el.getBoundingClientRect().top + window.scrollY")


@pytest.mark.parametrize("schermo", [TELEFONO, DESKTOP], ids=["telefono", "desktop"])
def test_the_answers_about_the_point_do_not_move_the_avanti_button(live_server, browser, ente, schermo):
    """The comune and address found at the point and the open reports near it arrive after the
    click on the map, when the citizen may already be aiming at Avanti: the button stays put."""
    factories.segnalazione(ente, titolo="Buca già segnalata")  # at the point: the panel of nearby reports
    context, page = nuova_pagina(browser, **schermo)
    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.wait_for_selector(".leaflet-container")
    _centra(page, LAT, LON)
    page.wait_for_load_state("networkidle")  # the reports in view, answered before the point is picked
    mappa = page.locator("#mappa")
    mappa.scroll_into_view_if_needed()
    bottone = page.locator("form#modulo .flusso-azioni button[type=submit]")
    prima = _y_nella_pagina(bottone)

    box = mappa.bounding_box()
    # Beside the centre, where the open report's dot is (a click on it opens its popup): ~15 m away.
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 30)
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Alessandria')")
    expect(page.get_by_test_id("vicine")).to_contain_text("Buca già segnalata")
    page.wait_for_load_state("networkidle")
    assert _y_nella_pagina(bottone) == prima
    accessibile(page, "luogo con le risposte sotto Avanti")
    avanti(page)
    assert page.url.endswith("/disservizio/")
    context.close()


def test_use_my_position_places_the_pin_and_a_comune_not_on_civico_is_named(live_server, browser, ente):
    context, page = nuova_pagina(browser, geolocation={"latitude": factories.VALENZA[0],
                                                       "longitude": factories.VALENZA[1]},
                                 permissions=["geolocation"], **TELEFONO)
    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.click("#usa-posizione")
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Valenza')")
    assert "non usa ancora Civico" in page.inner_text("#luogo-trovato")
    avanti(page)
    assert "Il punto si trova nel comune di Valenza" in page.inner_text("#campo-indirizzo-errore")
    accessibile(page, "luogo con errore")
    context.close()


def fino_al_riepilogo(page, base_url: str, *, ente="alessandria") -> None:
    """The steps up to the summary, by mouse: the address from the suggestions, a category."""
    page.goto(f"{base_url}/segnala/?ente={ente}")
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.fill("#campo-indirizzo", "piazza della liberta 41")
    page.click("#indirizzi-suggeriti [role=option] >> nth=0")
    page.wait_for_function("document.getElementById('campo-lat').value !== ''")
    avanti(page)
    page.select_option("#campo-categoria", "tombini")
    page.fill("#campo-titolo", "Tombino intasato")
    avanti(page)
    page.click("label[for=campo-anonimo-si]")
    avanti(page)
    page.wait_for_selector("#invia")


def test_a_double_click_on_invia_makes_one_report(live_server, telefono, ente):
    fino_al_riepilogo(telefono, live_server.url)

    with telefono.expect_navigation(url=re.compile(r"/inviata/$")):
        telefono.dblclick("#invia")

    telefono.wait_for_selector("[data-testid=conferma]")
    assert Segnalazione.objects.count() == 1


def test_two_submissions_racing_from_two_tabs_make_one_report(live_server, browser, ente):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite (shared cache) refuses concurrent writers instead of queueing them")
    context, page = nuova_pagina(browser, **DESKTOP)
    fino_al_riepilogo(page, live_server.url)
    altra = context.new_page()
    altra.goto(page.url)
    # The second tab's button would be guarded by its own script: post its form directly.
    with page.expect_navigation(), altra.expect_navigation():
        altra.evaluate("document.getElementById('modulo-invio').submit()")
        page.evaluate("document.getElementById('modulo-invio').submit()")
    assert Segnalazione.objects.count() == 1
    for p in (page, altra):
        p.wait_for_selector("[data-testid=conferma]")
        assert p.inner_text("[data-testid=codice]") == Segnalazione.objects.get().codice
    context.close()


def test_a_30_mb_photo_and_a_fake_image_are_refused_next_to_the_field(live_server, telefono, ente):
    page = telefono
    fino_al_riepilogo(page, live_server.url)
    page.goto(page.url.replace("/riepilogo/", "/disservizio/"))
    richieste = []
    page.on("request", lambda r: richieste.append(r.url) if "/allegati/" in r.url else None)

    page.set_input_files("#campo-foto", files=[
        {"name": "enorme.jpg", "mimeType": "image/jpeg", "buffer": immagini.jpeg() + b"\0" * (30 * 1024 * 1024)},
    ])
    errore = page.locator("#campo-foto-errore")
    errore.wait_for()
    assert "«enorme.jpg» è troppo grande: 30,0 MB; il massimo è 10 MB." in errore.inner_text()
    assert richieste == []  # refused before upload
    assert page.get_attribute("#campo-foto", "aria-invalid") == "true"

    page.set_input_files("#campo-foto", files=[
        {"name": "finta.jpg", "mimeType": "image/jpeg", "buffer": b"non sono una foto"},
    ])
    page.wait_for_function("document.getElementById('campo-foto-errore').textContent.includes('finta.jpg')")
    assert "non è un'immagine (JPEG, PNG o WebP) né un PDF" in errore.inner_text()
    accessibile(page, "file rifiutati")
    foto(page, "flusso-3-disservizio-file-rifiutati")

    page.set_input_files("#campo-foto", files=[
        {"name": "buca.jpg", "mimeType": "image/jpeg", "buffer": immagini.jpeg(gps=True)},
    ])
    page.wait_for_selector("#elenco-file img[alt='Anteprima di buca.jpg']")
    assert page.locator("#elenco-file li").count() == 1
    page.click("#elenco-file .rimuovi-file")
    page.wait_for_function("document.querySelectorAll('#elenco-file li').length === 0")


def test_the_flow_in_english(live_server, browser, ente):
    context, page = nuova_pagina(browser, locale="en-GB", extra_http_headers={"Accept-Language": "en"}, **TELEFONO)
    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    assert page.get_attribute("html", "lang") == "en"
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.fill("#campo-indirizzo", "piazza della liberta 41")
    page.click("#indirizzi-suggeriti [role=option] >> nth=0")
    page.wait_for_function("document.getElementById('campo-lat').value !== ''")
    avanti(page)
    avanti(page)  # nothing filled in
    assert "This field is required." in page.inner_text("#campo-titolo-errore")
    assert page.get_attribute("html", "lang") == "en"
    accessibile(page, "disservizio in inglese")
    page.select_option("#campo-categoria", "tombini")
    page.fill("#campo-titolo", "Blocked drain")
    avanti(page)
    page.click("label[for=campo-anonimo-si]")
    avanti(page)
    page.click("#invia")
    page.wait_for_selector("[data-testid=conferma]")
    assert page.get_attribute("html", "lang") == "en"
    accessibile(page, "conferma in inglese")
    foto(page, "flusso-6-conferma-en")
    assert Segnalazione.objects.get().titolo == "Blocked drain"
    context.close()


def test_offline_the_submission_waits_and_is_sent_once_when_the_connection_returns(live_server, browser, ente):
    context, page = nuova_pagina(browser, **TELEFONO)
    fino_al_riepilogo(page, live_server.url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)

    context.set_offline(True)
    page.click("#invia")
    page.wait_for_selector("#coda-offline:not([hidden])")
    assert Segnalazione.objects.count() == 0
    accessibile(page, "offline in coda")
    foto(page, "flusso-offline-in-coda")

    context.set_offline(False)
    # The queued submission goes out on the `online` event; on a loaded 2-core machine (both
    # backends and Chromium at once) the round trip has taken over 20 s, so wait for the page
    # itself (wait_for_url also holds if the navigation has already happened).
    page.wait_for_url(re.compile(r"/inviata/$"), timeout=60000)
    page.wait_for_selector("[data-testid=conferma]")
    assert Segnalazione.objects.count() == 1
    # Another connection change later replays nothing.
    context.set_offline(True)
    context.set_offline(False)
    page.wait_for_timeout(1000)
    assert Segnalazione.objects.count() == 1
    context.close()


def test_offline_what_is_typed_stays_on_the_device(live_server, browser, ente):
    context, page = nuova_pagina(browser, **TELEFONO)
    fino_al_riepilogo(page, live_server.url)
    page.goto(page.url.replace("/riepilogo/", "/disservizio/"))
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)

    context.set_offline(True)
    page.fill("#campo-titolo", "Scritto senza rete")
    page.click("form#modulo .flusso-azioni button[type=submit]")  # kept here: no navigation offline
    assert "Sei offline" in page.inner_text("#stato-rete")
    assert page.url.endswith("/disservizio/")

    context.set_offline(False)
    page.reload()
    assert page.input_value("#campo-titolo") == "Scritto senza rete"
    assert "Abbiamo recuperato i dati" in page.content()
    context.close()


def test_the_personal_area_is_accessible_before_and_after_signing_in(live_server, telefono, ente):
    from django.test import Client

    from civico.accounts.models import Utente

    telefono.goto(f"{live_server.url}/area-personale/")
    accessibile(telefono, "area personale: accesso")
    foto(telefono, "flusso-area-accesso")

    giulia = Utente.objects.create_user("giulia@example.org", email="giulia@example.org")
    s = factories.segnalazione(ente, titolo="La mia buca")
    s.segnalante = giulia
    s.save()
    client = Client()
    client.force_login(giulia)
    telefono.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                   "url": live_server.url}])
    telefono.goto(f"{live_server.url}/area-personale/")
    assert s.codice in telefono.inner_text("[data-testid=mie-segnalazioni]")
    accessibile(telefono, "area personale")
    foto(telefono, "flusso-area-personale")
