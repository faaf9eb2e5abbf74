"""A citizen uses the portal in Chromium: finds the comune, explores the map and the list, rates a
page, switches language without JavaScript, and watches a report change without reloading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civico.portale import esplora
from civico.portale.models import ValutazionePagina
from civico.segnalazioni import workflow
from tests import factories
from tests.browser.conftest import DESKTOP, TELEFONO
from tests.browser.mondo_portale import STORIE, alessandria_con_segnalazioni
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mappa_pronta(page) -> None:
    page.wait_for_selector("#mappa[data-pronta]")


def test_exploring_the_map_clusters_zoom_in_on_click_and_the_list_beside_lists_the_same(live_server, apri,
                                                                                     monkeypatch):
    monkeypatch.setattr(esplora, "MAX_PUNTI", 3)
    _ente, segnalazioni = alessandria_con_segnalazioni()
    page = apri(DESKTOP)

    page.goto(f"{live_server.url}/alessandria/segnalazioni/?vista=mappa")
    _mappa_pronta(page)

    assert page.locator("#mappa").get_attribute("data-tipo") == "gruppi"
    gruppi = page.locator(".mappa-gruppo")
    conteggi = [int(t) for t in gruppi.locator("[aria-hidden=true]").all_inner_texts()]
    assert sum(conteggi) == len(STORIE)
    zoom = int(page.locator("#mappa").get_attribute("data-zoom"))
    page.evaluate("document.querySelector('#mappa').removeAttribute('data-pronta')")
    gruppi.first.click()
    _mappa_pronta(page)
    assert int(page.locator("#mappa").get_attribute("data-zoom")) == zoom + 2

    # The list of the same results is on the same page.
    expect(page.get_by_test_id("totale")).to_have_text(f"{len(STORIE)} segnalazioni trovate")
    page.get_by_role("link", name=segnalazioni[3].titolo).click()
    expect(page.locator("h1")).to_have_text(segnalazioni[3].titolo)


def test_filters_narrow_the_list_and_the_map_alike(live_server, apri):
    alessandria_con_segnalazioni()
    page = apri(TELEFONO)
    page.goto(f"{live_server.url}/alessandria/segnalazioni/")

    page.get_by_text("Filtra le segnalazioni").click()
    page.get_by_label("Categoria").select_option(label="Tombini")
    page.get_by_role("button", name="Filtra").click()

    expect(page.get_by_test_id("totale")).to_have_text("2 segnalazioni trovate")
    _mappa_pronta(page)  # the map of the same filtered results, above the list on a phone
    expect(page.get_by_test_id("totale")).to_have_text("2 segnalazioni trovate")
    assert page.locator("#mappa").get_attribute("data-quanti") == "2"


def test_the_comune_home_shows_recent_reports_on_the_map_and_as_a_list(live_server, apri):
    _ente, segnalazioni = alessandria_con_segnalazioni()
    page = apri(TELEFONO)

    page.goto(f"{live_server.url}/alessandria/")
    _mappa_pronta(page)

    elenco = page.get_by_test_id("recenti").locator("li")
    assert elenco.count() == 10 == page.locator(".mappa-punto").count()
    ultima = segnalazioni[-1]
    assert ultima.titolo in elenco.first.inner_text()
    page.locator(".mappa-punto").nth(0).click()
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_have_attribute("href", re.compile(r"^/segnalazioni/AL-\d{4}-\d{6}/$"))
    expect(page.get_by_test_id("segnala")).to_have_attribute("href", "/segnala/?ente=alessandria")


def test_a_citizen_finds_the_comune_from_the_phone_position(live_server, apri):
    mondo()
    attiva("006003", "AL", completo=True)
    lat, lon = factories.PIAZZA_LIBERTA
    page = apri(TELEFONO, geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"])

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Usa la mia posizione").click()
    page.get_by_role("link", name="Sei nel comune di Alessandria: apri la sua pagina").click()

    expect(page.locator(".it-brand-title")).to_have_text("Comune di Alessandria")
    page.context.set_geolocation({"latitude": factories.VALENZA[0], "longitude": factories.VALENZA[1]})
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Usa la mia posizione").click()
    expect(page.locator("#esito-posizione")).to_contain_text("Sei nel comune di Valenza, che non usa ancora Civico")


def test_a_citizen_finds_the_comune_by_name_without_javascript(live_server, apri):
    mondo()
    attiva("006003", "AL", completo=True)
    page = apri(TELEFONO, javascript=False)

    page.goto(live_server.url + "/")
    assert page.get_by_role("button", name="Usa la mia posizione").is_hidden()
    page.get_by_label("Nome del comune").fill("alessandria")
    page.get_by_role("button", name="Cerca").click()
    page.get_by_test_id("risultati-comuni").get_by_role("link", name="Alessandria").click()

    expect(page.locator(".it-brand-title")).to_have_text("Comune di Alessandria")


def test_rating_a_page_thanks_the_citizen_without_reloading(live_server, apri):
    mondo()
    page = apri(TELEFONO)
    page.goto(live_server.url + "/faq/")
    page.evaluate("window.nonRicaricata = true")

    page.locator("label[data-element=feedback-rate-4]").click()
    page.get_by_role("button", name="Invia la valutazione").click()

    expect(page.get_by_role("status").filter(has_text="Grazie")).to_be_visible()
    assert page.evaluate("window.nonRicaricata") is True
    assert list(ValutazionePagina.objects.values_list("pagina", "voto")) == [("/faq/", 4)]


def test_without_javascript_the_language_switch_and_the_rating_still_work(live_server, apri):
    mondo()
    page = apri(TELEFONO, javascript=False)
    page.goto(live_server.url + "/crediti/")

    page.locator("label[data-element=feedback-rate-2]").click()
    page.get_by_role("button", name="Invia la valutazione").click()
    expect(page.locator("[data-element=feedback] [role=status]")).to_contain_text("Grazie")
    assert page.url.endswith("/crediti/#valutazione")

    page.select_option("#lingua", "en")
    page.get_by_role("button", name="Cambia").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/crediti/#valutazione") or page.url.endswith("/crediti/")


def test_the_report_page_updates_itself_on_the_wsgi_test_server(live_server, apri):
    """Behind WSGI each answer is short and the browser comes back every two seconds."""
    mondo()
    ente = attiva("006003", "AL", completo=True)
    s = factories.segnalazione(ente)
    page = apri(TELEFONO)
    page.goto(f"{live_server.url}/segnalazioni/{s.codice}/")
    expect(page.locator("#diretta")).to_have_text("La pagina si aggiorna da sola quando la segnalazione avanza.")
    page.evaluate("window.nonRicaricata = true")
    voci = page.get_by_test_id("cronologia").locator("li")
    prima = voci.count()

    workflow.transition(s, "take_in_charge", factories.operatore(ente))

    expect(page.get_by_test_id("stato")).to_have_text("Presa in carico", timeout=10_000)
    expect(voci).to_have_count(prima + 1)
    expect(voci.last).to_contain_text("La segnalazione è stata presa in carico.")
    assert page.evaluate("window.nonRicaricata") is True
