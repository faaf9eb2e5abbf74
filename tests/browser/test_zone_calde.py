"""A manager plans from the hotspot map in a real browser: one circle per zone, a click opens
the reports behind it, and the list exports as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from civico.accounts.models import Ruolo
from tests import factories
from tests.analisi.conftest import nuova
from tests.analisi.test_zone_calde import PIAZZA, _spostato
from tests.browser.test_backoffice import accedi, scrivania  # noqa: F401 - the fixture
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("larghezza", [1366, 390])
def test_the_hotspot_map_opens_the_reports_of_a_zone_and_exports_them(live_server, scrivania, larghezza):  # noqa: F811
    mondo()
    ente = attiva("006003", "AL", completo=True)
    utente = factories.staff("al.operatore", Ruolo.OPERATORE, ente)
    device = TOTPDevice.objects.create(user=utente, name="telefono", confirmed=True)
    vicine = [nuova(ente, giorni_fa=3 + i, punto=_spostato(PIAZZA, i * 20, 0), titolo=f"Buca numero {i}")
              for i in range(3)]
    lontana = nuova(ente, giorni_fa=4, punto=_spostato(PIAZZA, 2500, 0), titolo="Buca lontana")
    page = scrivania
    page.set_viewport_size({"width": larghezza, "height": 900})

    accedi(page, live_server.url, device)
    page.goto(f"{live_server.url}/backoffice/analisi/{ente.slug}/")
    mappa = page.get_by_test_id("mappa-hotspot")
    expect(mappa).to_be_visible()
    cerchi = mappa.locator("path.leaflet-interactive")
    expect(cerchi).to_have_count(1)  # the three close reports are one zone; the far one is alone

    cerchi.first.click(force=True)
    collegamento = mappa.locator("a.hotspot-link")
    expect(collegamento).to_contain_text("3")
    collegamento.click()

    for s in vicine:
        expect(page.get_by_text(s.codice)).to_be_visible()
    expect(page.get_by_text(lontana.codice)).to_have_count(0)

    with page.expect_download() as scaricato:
        page.get_by_test_id("esporta-csv").click()
    testo = Path(scaricato.value.path()).read_text(encoding="utf-8-sig")
    righe = list(csv.reader(io.StringIO(testo)))
    assert sorted(r[0] for r in righe[1:]) == sorted(s.codice for s in vicine)
