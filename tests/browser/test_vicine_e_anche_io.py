"""Issue 18 in Chromium, on a phone and a desktop, in Italian and English: the open reports near
the place appear on the map of the place step (and the ones within 50 m of the point under it), a
report's page has its map and anyone says "Anche io" with an e-mail confirmed by a link (read
from a real SMTP server), explore shows map and list side by side on a desktop."""

from __future__ import annotations

import re
import time

import pytest
from django.utils import translation
from playwright.sync_api import expect

from civico.segnalazioni.models import Segnalazione
from tests.browser.conftest import DESKTOP, TELEFONO, violazioni
from tests.browser.mondo_portale import alessandria_con_segnalazioni
from tests.comunicazioni.server import ServerSmtp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VARIANTI = [pytest.param(TELEFONO, "it", id="telefono-it"), pytest.param(DESKTOP, "en", id="desktop-en")]
T = {
    "it": {"ingrandisci": "Ingrandisci la mappa", "una": "C’è già 1 segnalazione aperta a meno di 50 m dal punto",
           "anche_io": "Anche io", "email": "La tua e-mail", "invia": "Anche io: seguo la segnalazione",
           "scritto": "Ti abbiamo scritto a lucia@example.org", "conferma": "Sì, seguo la segnalazione",
           "fatto": "Fatto: riceverai gli aggiornamenti a lucia@example.org.", "persone": "La segue 1 persona.",
           "posizioni": "10 sulla mappa e 2 senza posizione", "mappa": "Mappa del luogo della segnalazione"},
    "en": {"ingrandisci": "Zoom in on the map", "una": "There is already 1 open report less than 50 m from the point",
           "anche_io": "Me too", "email": "Your email", "invia": "Me too: I follow the report",
           "scritto": "We have written to lucia@example.org", "conferma": "Yes, I follow the report",
           "fatto": "Done: you will receive the updates at lucia@example.org.", "persone": "1 person follows it.",
           "posizioni": "10 on the map and 2 without a position", "mappa": "Map of the report's place"},
}


def _centra(page, lat: float, lon: float) -> None:
    page.evaluate("document.getElementById('mappa').removeAttribute('data-vicine')")
    page.evaluate("([a, o]) => document.getElementById('mappa').civicoMappa.setView([a, o], 18)", [lat, lon])
    page.wait_for_selector("#mappa[data-vicine]")


@pytest.mark.parametrize(("viewport", "lingua"), VARIANTI)
def test_the_place_step_shows_the_open_reports_nearby_before_anything_is_typed(live_server, apri, viewport, lingua):
    _ente, segnalazioni = alessandria_con_segnalazioni()
    aperta, chiusa = segnalazioni[0], segnalazioni[4]  # in progress; closed
    t = T[lingua]
    page = apri(viewport, locale=lingua)
    page.goto(f"{live_server.url}/segnala/?ente=alessandria")
    page.click("label[for=campo-privacy]")
    with page.expect_navigation():
        page.click("form#modulo .flusso-azioni button[type=submit]")
    page.wait_for_selector("#mappa[data-vicine]")
    expect(page.locator("#vicine-stato")).to_contain_text(t["ingrandisci"])  # the whole comune: too far out

    _centra(page, chiusa.lat, chiusa.lon)
    assert page.locator(f".flusso-vicina[title*='{chiusa.titolo}']").count() == 0  # closed: not a duplicate
    _centra(page, aperta.lat, aperta.lon)
    marcatore = page.locator(f".flusso-vicina[title*='{aperta.titolo}']")
    with translation.override(lingua):
        categoria = aperta.categoria.nome_locale
    expect(marcatore).to_have_attribute("title", f"{categoria}: {aperta.titolo}")
    marcatore.click()
    popup = page.locator(".popup-vicina")
    expect(popup).to_contain_text(aperta.titolo)
    expect(popup).to_contain_text(categoria)
    expect(popup.get_by_role("link", name=t["anche_io"])).to_have_attribute(
        "href", f"/segnalazioni/{aperta.codice}/#anche-io")
    page.keyboard.press("Escape")

    # The pin dropped there (Enter on the map, as with the keyboard alone): the panel names it.
    _centra(page, aperta.lat, aperta.lon)  # the popup may have panned the map
    page.focus("#mappa")
    page.keyboard.press("Enter")
    pannello = page.get_by_test_id("vicine")
    expect(pannello).to_be_visible()
    expect(pannello).to_contain_text(t["una"])
    expect(pannello.get_by_role("link", name=aperta.titolo)).to_have_attribute(
        "href", f"/segnalazioni/{aperta.codice}/")
    assert violazioni(page) == []


def _attendi_posta(posta: ServerSmtp, n: int = 1, secondi: float = 10.0):
    fine = time.monotonic() + secondi
    while len(posta.messaggi) < n and time.monotonic() < fine:
        time.sleep(0.05)
    assert len(posta.messaggi) >= n, "nessun messaggio ricevuto"
    return posta.messaggi[n - 1]


@pytest.fixture
def posta(smtp):
    return smtp


@pytest.mark.parametrize(("viewport", "lingua"), VARIANTI)
def test_a_report_page_has_its_map_and_anyone_says_anche_io_with_a_confirmed_email(
    live_server, apri, posta, viewport, lingua
):
    _ente, segnalazioni = alessandria_con_segnalazioni()
    s = segnalazioni[2]
    t = T[lingua]
    page = apri(viewport, locale=lingua)
    page.goto(f"{live_server.url}/segnalazioni/{s.codice}/")

    page.wait_for_selector("#mappa[data-pronta]")
    assert page.locator("#mappa .mappa-punto").count() == 1
    expect(page.locator("#mappa")).to_have_attribute("aria-label", f"{t['mappa']}: {s.indirizzo}")
    assert violazioni(page) == []

    page.get_by_label(t["email"]).fill(" Lucia@Example.org ")
    with page.expect_navigation():
        page.get_by_role("button", name=t["invia"]).click()
    expect(page.locator(".alert-success")).to_contain_text(t["scritto"])

    corpo = _attendi_posta(posta).get_body(("plain",)).get_content()
    link = re.search(r"http://\S+(/comunicazioni/segui/[^/\s]+/)", corpo).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name=t["conferma"]).click()
    esito = page.get_by_test_id("esito")
    expect(esito).to_contain_text(t["fatto"])
    expect(esito).to_contain_text(t["persone"])


def test_explore_has_map_and_list_side_by_side_on_a_desktop_stacked_on_a_phone(live_server, apri):
    _ente, segnalazioni = alessandria_con_segnalazioni()
    # Two imported without a place: in the list and the count, not on the map, and the page says so.
    Segnalazione.objects.filter(pk__in=[segnalazioni[1].pk, segnalazioni[2].pk]).update(lat=None, lon=None)
    for viewport, lingua in ((DESKTOP, "it"), (TELEFONO, "en")):
        page = apri(viewport, locale=lingua)
        page.goto(f"{live_server.url}/alessandria/segnalazioni/")
        page.wait_for_selector("#mappa[data-pronta]")
        expect(page.get_by_test_id("posizioni")).to_contain_text(T[lingua]["posizioni"])
        assert page.locator("#mappa").get_attribute("data-quanti") == "10"
        assert page.get_by_test_id("elenco").locator("li").count() == 12
        mappa = page.locator("#mappa").bounding_box()
        elenco = page.get_by_test_id("elenco").bounding_box()
        if viewport is DESKTOP:
            assert mappa["x"] >= elenco["x"] + elenco["width"] and abs(mappa["y"] - elenco["y"]) < 50
        else:
            assert mappa["y"] + mappa["height"] <= elenco["y"]
        assert violazioni(page) == []
