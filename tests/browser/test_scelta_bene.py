"""Issue 18, "pick the asset": in Chromium on a phone (Italian) and a desktop (English), step 3 of
the flow shows, for a tree category, the trees near the point in a list and on a map; a click on a
tree of the map picks it; the report then names the tree on its public page. axe: no violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civico.patrimonio import importa, servizi
from civico.portale import flusso, flusso_luogo
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.browser.conftest import DESKTOP, TELEFONO, violazioni
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAT, LON = factories.PIAZZA_LIBERTA
METRO = 1 / 111_195
T = {
    "it": {"categoria": "Verde pubblico", "quale": "Quale albero? (facoltativo)",
           "vicino": "Albero n. 1234 (Platanus acerifolia) · a 6 m", "lontano": "Albero n. 1299 (Celtis australis)",
           "problema": "Rami pericolanti"},
    "en": {"categoria": "Public green spaces", "quale": "Which tree? (optional)",
           "vicino": "Tree no. 1234 (Platanus acerifolia) · 6 m away", "lontano": "Tree no. 1299 (Celtis australis)",
           "problema": "Dangerous branches"},
}


@pytest.mark.parametrize(("viewport", "lingua"), [pytest.param(TELEFONO, "it", id="telefono-it"),
                                                  pytest.param(DESKTOP, "en", id="desktop-en")])
def test_il_cittadino_sceglie_l_albero_sulla_mappa(live_server, apri, viewport, lingua):
    mondo()
    ente = attiva("006003", "AL", completo=True)
    tipo = servizi.salva_tipo(ente, "alberi", nome="Albero", nome_en="Tree", fonte="Verde pubblico",
                              licenza="CC BY 4.0", attributo_descrittivo="specie", categorie=["verde-pubblico"])
    righe = ["id;lat;lon;specie", f"1234;{LAT + 6 * METRO};{LON};Platanus acerifolia",
             f"1299;{LAT - 45 * METRO};{LON};Celtis australis"]  # 45 m: on the map, not in the list
    importa.applica(tipo, importa.leggi("\n".join(righe).encode(), "a.csv", ente))
    bozza = flusso.nuova(sessione="", ente=ente)
    flusso.salva_privacy(bozza)
    flusso.salva_luogo(bozza, flusso_luogo.risolvi(ente, "", LAT, LON))
    t = T[lingua]

    page = apri(viewport, locale=lingua)
    page.goto(f"{live_server.url}/segnala/{bozza.uuid}/disservizio/")
    scelta = page.locator("fieldset.scelta-bene")
    expect(scelta).to_be_hidden()  # a pothole has no asset: nothing to pick before the category
    page.select_option("#campo-categoria", label=t["categoria"])
    expect(scelta).to_be_visible()
    expect(scelta.locator("legend")).to_have_text(t["quale"])
    expect(scelta.get_by_label(t["vicino"])).to_be_visible()
    expect(scelta.get_by_text(t["lontano"])).to_have_count(0)

    cerchi = page.locator("path.bene-sulla-mappa")
    expect(cerchi).to_have_count(2)
    assert violazioni(page) == []
    # The one 45 m away is only on the map: a click on it adds it to the list, checked.
    page.locator(f"path.bene-id-{tipo.beni.get(identificativo='1299').pk}").click()
    expect(scelta.get_by_label(t["lontano"])).to_be_checked()

    page.fill("#campo-titolo", "Ramo spezzato sul marciapiede")
    page.locator("label", has_text=t["problema"]).click()  # Bootstrap Italia draws the box on the label
    page.wait_for_load_state("networkidle")  # the suggestions' answers shift the button (test_flusso.avanti)
    with page.expect_navigation():
        page.locator("form#modulo .flusso-azioni button[type=submit]").last.click()
    assert "/autore/" in page.url
    bozza.refresh_from_db()
    assert bozza.dati["disservizio"]["bene"] == tipo.beni.get(identificativo="1299").pk
    flusso.salva_autore(bozza, anonimo=True, nome="", email="", telefono="")
    s = flusso.invia(bozza, flusso.attore_per(None))
    assert Segnalazione.objects.get(pk=s.pk).bene_segnalato.bene.identificativo == "1299"
    page.goto(f"{live_server.url}/segnalazioni/{s.codice}/")
    expect(page.get_by_test_id("bene")).to_contain_text(t["lontano"])
