"""Every public page of the portal, checked by axe-core in Chromium on a phone and on a desktop,
in Italian and in English: no serious or critical accessibility violation, nothing loaded from
other sites but map tiles. The phone pass also takes the README's screenshots."""

from __future__ import annotations

import pytest

from civico.portale import esplora
from tests.browser.conftest import DESKTOP, TELEFONO, screenshot_documentazione, violazioni_gravi
from tests.browser.mondo_portale import alessandria_con_segnalazioni

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pagine(segnalazione) -> list[tuple[str, str]]:
    return [
        ("civico-home", "/"),
        ("comune-home", "/alessandria/"),
        ("esplora-mappa", "/alessandria/segnalazioni/?vista=mappa"),
        ("esplora-elenco", "/alessandria/segnalazioni/"),
        ("segnalazione", f"/segnalazioni/{segnalazione.codice}/"),
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


@pytest.mark.parametrize(("nome", "viewport", "locale"), [
    ("telefono", TELEFONO, "it-IT"),
    ("desktop", DESKTOP, "it-IT"),
    ("inglese", TELEFONO, "en-GB"),
])
def test_every_public_page_passes_axe_without_serious_violations(live_server, apri, monkeypatch, nome, viewport,
                                                                  locale):
    # A dozen reports: cluster them anyway, so the clusters are checked too.
    monkeypatch.setattr(esplora, "MAX_PUNTI", 3)
    _ente, segnalazioni = alessandria_con_segnalazioni()
    page = apri(viewport, locale)
    violazioni: list[str] = []

    for nome_pagina, percorso in _pagine(segnalazioni[0]):
        _visita(page, live_server.url + percorso)
        assert page.locator("h1").count() == 1, percorso
        assert page.locator("html").get_attribute("lang") == locale[:2]
        violazioni += violazioni_gravi(page)
        if nome == "telefono" and nome_pagina in ("civico-home", "comune-home", "esplora-mappa", "esplora-elenco",
                                                  "segnalazione"):
            screenshot_documentazione(page, nome_pagina)
        if nome == "inglese" and nome_pagina == "segnalazione":
            screenshot_documentazione(page, "segnalazione-en")

    assert violazioni == []
    assert all("tile.openstreetmap.org" in u for u in page.esterne), page.esterne
