"""The citizen-facing bugs, in a real browser, on a phone (390×844) in Italian and on a desktop in
English: the pin and the address always agree; the photo's position keeps step 3 on the server;
the private follow page shows "Risolta"'s question and a repair photo without a reload."""

from __future__ import annotations

import pytest

from civico.portale.models import Bozza
from civico.segnalazioni import interazioni, workflow
from civico.territorio import gazetteer
from tests import factories
from tests.browser.test_flusso import DESKTOP, TELEFONO, avanti, ente, nuova_pagina
from tests.segnalazioni import immagini

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["ente"]  # the fixture, imported

DISPOSITIVI = [
    pytest.param((TELEFONO, "it"), id="telefono-it"),
    pytest.param((DESKTOP, "en"), id="desktop-en"),
]


@pytest.fixture
def pagina(browser, request):
    dispositivo, lingua = request.param
    context, page = nuova_pagina(
        browser, locale="it-IT" if lingua == "it" else "en-GB", extra_http_headers={"Accept-Language": lingua},
        **dispositivo,
    )
    page.lingua = lingua
    yield page
    context.close()


def _al_luogo(page, base_url: str) -> None:
    page.goto(f"{base_url}/segnala/?ente=alessandria")
    page.click("label[for=campo-privacy]")
    avanti(page)
    page.wait_for_selector(".leaflet-container")


@pytest.mark.parametrize("pagina", DISPOSITIVI, indirect=True)
def test_tapping_the_map_after_choosing_an_address_makes_the_address_follow_the_point(live_server, pagina, ente):
    page = pagina
    _al_luogo(page, live_server.url)
    page.fill("#campo-indirizzo", "corso roma 5")
    page.click("#indirizzi-suggeriti [role=option] >> nth=0")
    page.wait_for_function("document.getElementById('luogo-trovato').textContent.includes('Alessandria')")
    assert page.input_value("#campo-indirizzo") == "Corso Roma 5"

    # Zoom out to 15 and tap ~460 m north-west, where Via Palestro 30 is (≈109 px west, 84 px north).
    for _ in range(3):
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(400)
    mappa = page.locator("#mappa")
    mappa.scroll_into_view_if_needed()
    box = mappa.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 109, box["y"] + box["height"] / 2 - 84)
    page.wait_for_function("!document.getElementById('campo-indirizzo').value.startsWith('Corso Roma 5')")

    indirizzo = page.input_value("#campo-indirizzo")
    # The hint and the field name the same place (the hint is announced a moment later).
    page.wait_for_function("t => document.getElementById('luogo-trovato').textContent.includes(t)", arg=indirizzo)
    suggerimento = page.inner_text("#luogo-trovato")
    assert "Corso Roma 5" in suggerimento  # and it says what it replaced
    assert ("sostituito" if page.lingua == "it" else "replaced") in suggerimento
    avanti(page)
    page.wait_for_url("**/disservizio/")
    luogo = Bozza.objects.get().dati["luogo"]
    assert luogo["indirizzo"] == indirizzo
    assert gazetteer.scarto(ente, luogo["indirizzo"], luogo["lat"], luogo["lon"]) is None


@pytest.mark.parametrize("pagina", DISPOSITIVI, indirect=True)
def test_the_photo_position_keeps_step_3_without_a_recovery_banner(live_server, pagina, ente):
    page = pagina
    _al_luogo(page, live_server.url)
    page.fill("#campo-indirizzo", "via milano 1")  # typed, not chosen: placed by the address alone
    avanti(page)
    page.select_option("#campo-categoria", "tombini")
    page.fill("#campo-titolo", "Tombino intasato")
    page.fill("#campo-descrizione", "L'acqua non scende da due giorni.")
    page.set_input_files("#campo-foto", files=[{"name": "scattata.jpg", "mimeType": "image/jpeg",
                                                "buffer": immagini.jpeg(gps=True)}])
    page.wait_for_selector("[data-testid=proposta-luogo] button")
    recuperati = page.get_attribute("#flusso", "data-msg-recuperati")

    with page.expect_navigation():
        page.click("[data-testid=proposta-luogo] button")

    assert recuperati not in page.inner_text("body")
    assert page.input_value("#campo-titolo") == "Tombino intasato"
    # Not the browser's copy: with it gone, the server still has everything.
    page.evaluate("localStorage.clear()")
    page.reload()
    assert page.input_value("#campo-titolo") == "Tombino intasato"
    assert page.input_value("#campo-descrizione") == "L'acqua non scende da due giorni."
    assert page.input_value("#campo-categoria") == "tombini"
    assert recuperati not in page.inner_text("body")


@pytest.mark.parametrize("pagina", DISPOSITIVI, indirect=True)
def test_the_private_page_shows_the_solved_question_and_a_repair_photo_live(live_server, pagina, ente):
    page = pagina
    s = factories.segnalazione(ente, titolo="Buca davanti alla scuola")
    op = factories.operatore(ente)
    workflow.transition(s, "take_in_charge", op)
    page.goto(f"{live_server.url}/seguimi/{s.token}/")
    assert page.locator("#domanda-risolto form").count() == 0

    workflow.transition(s, "resolve", op)
    page.wait_for_selector("#domanda-risolto form", timeout=15000)
    domanda = "Il problema è stato risolto?" if page.lingua == "it" else "Has the problem been resolved?"
    assert domanda in page.inner_text("#domanda-risolto")

    interazioni.aggiungi_allegato(s, op, "riparata.jpg", immagini.jpeg())
    page.wait_for_selector("[data-testid=cronologia] .foto-evento img", timeout=15000)
    voce = page.locator("[data-testid=cronologia] li").last.inner_text()
    assert ("Aggiunta una foto." if page.lingua == "it" else "A photo was added.") in voce
    assert "allegato" not in voce and "attachment" not in voce
    page.wait_for_selector("#foto-segnalazione img")
