"""Every public page of the portal, checked by axe-core in Chromium on a phone and on a desktop,
in Italian and in English: no accessibility violation of any impact, nothing loaded from other
sites but map tiles. The Italian phone pass also takes the README's screenshots (the English
report page from the desktop pass)."""

from __future__ import annotations

import pytest

from civico.portale import esplora
from tests.browser.conftest import DESKTOP, TELEFONO, screenshot_documentazione, violazioni
from tests.browser.mondo_portale import alessandria_con_segnalazioni

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = ("civico-home", "comune-home", "esplora-mappa", "esplora-elenco", "segnalazione")


def _pagine(segnalazione) -> list[tuple[str, str]]:
    return [
        ("civico-home", "/"),
        ("comune-home", "/alessandria/"),
        ("esplora-mappa", "/alessandria/segnalazioni/?vista=mappa"),
        ("esplora-elenco", "/alessandria/segnalazioni/"),
        ("segnalazione", f"/segnalazioni/{segnalazione.codice}/"),
        ("segnalazione-privata", f"/seguimi/{segnalazione.token}/"),
        ("scheda-servizio", "/servizi/alessandria/segnalazione-disservizio/"),
        ("segnala", "/segnala/?ente=alessandria"),
        ("cruscotto-comune", "/alessandria/cruscotto/"),
        ("cruscotto", "/cruscotto/"),
        ("dati-aperti-comune", "/alessandria/dati-aperti/"),
        ("dati-aperti", "/dati-aperti/"),
        ("dizionario", "/dati-aperti/dizionario/"),
        ("privacy-comune", "/privacy/alessandria/"),
        ("registro", "/privacy/alessandria/registro/"),
        ("scrivi-al-sindaco", "/scrivi-al-sindaco/alessandria/"),
        ("area-personale", "/area-personale/"),
        ("integrare", "/api/integrare/"),
        ("open311", "/open311/"),
        ("privacy", "/privacy/"),
        ("note-legali", "/note-legali/"),
        ("faq", "/faq/"),
        ("crediti", "/crediti/"),
    ]


def _visita(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.locator("#mappa").count():
        page.wait_for_selector("#mappa[data-pronta]")


def test_every_public_page_passes_axe_with_no_violation_of_any_impact(live_server, apri, monkeypatch):
    # A dozen reports: cluster them anyway, so the clusters are checked too.
    monkeypatch.setattr(esplora, "MAX_PUNTI", 3)
    _ente, segnalazioni = alessandria_con_segnalazioni()
    trovate: list[str] = []
    esterne: list[str] = []
    # One browser; every page on an Italian phone, then on an English desktop: both viewports and
    # both languages, at half the time of all four pairs (92 axe runs took 9 minutes on a shared CI).
    for nome, viewport, locale in [("telefono", TELEFONO, "it-IT"), ("inglese-desktop", DESKTOP, "en-GB")]:
        page = apri(viewport, locale)
        for nome_pagina, percorso in _pagine(segnalazioni[0]):
            _visita(page, live_server.url + percorso)
            assert page.locator("h1").count() == 1, (nome, percorso)
            assert page.locator("html").get_attribute("lang") == locale[:2], (nome, percorso)
            trovate += [f"[{nome}] {v}" for v in violazioni(page)]
            if nome == "telefono" and nome_pagina in SCREENSHOT:
                screenshot_documentazione(page, nome_pagina)
            if nome == "inglese-desktop" and nome_pagina == "segnalazione":
                screenshot_documentazione(page, "segnalazione-en")
        esterne += page.esterne
        page.context.close()

    assert trovate == [], "\n".join(trovate)
    assert all("tile.openstreetmap.org" in u for u in esterne), esterne
