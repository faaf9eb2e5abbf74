"""Two operators on the same report at once, in two browsers: the second click does not overwrite
the first; the page says the report changed and offers to reload."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from civico.accounts.models import Ruolo
from civico.segnalazioni.models import Evento, TipoEvento
from tests import factories
from tests.browser.test_backoffice import PASSWORD
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _entra(browser, base_url: str, username: str, device: TOTPDevice):
    contesto = browser.new_context(viewport={"width": 1366, "height": 900}, locale="it-IT")
    contesto.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
    page = contesto.new_page()
    page.goto(f"{base_url}/backoffice/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continua").click()
    codice = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Codice di verifica").fill(f"{codice:06d}")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Segnalazioni · Alessandria")).to_be_visible()
    return contesto, page


def test_the_second_operator_is_told_to_reload_instead_of_overwriting(browser, live_server):
    mondo()
    ente = attiva("006003", "AL", completo=True)
    persone = []
    for nome in ("al.anna", "al.bruno"):
        utente = factories.staff(nome, Ruolo.OPERATORE, ente)
        persone.append((nome, TOTPDevice.objects.create(user=utente, name="telefono", confirmed=True)))
    s = factories.segnalazione(ente, titolo="Semaforo guasto")
    (ca, anna), (cb, bruno) = (_entra(browser, live_server.url, nome, d) for nome, d in persone)
    try:
        for page in (anna, bruno):
            page.goto(f"{live_server.url}/backoffice/segnalazioni/{s.codice}/")
            expect(page.get_by_test_id("stato")).to_have_text("Ricevuta")

        anna.get_by_role("button", name="Prendi in carico").click()
        expect(anna.get_by_test_id("stato")).to_have_text("Presa in carico")

        # Bruno's page is stale: his answer is refused, what he typed is kept, nothing is overwritten.
        bruno.get_by_label("Scrivi").fill("Arriviamo subito")
        bruno.get_by_role("button", name="Pubblica come risposta").click()
        expect(bruno.get_by_test_id("errore")).to_contain_text("Questa segnalazione è cambiata: ricarica la pagina.")
        assert not Evento.objects.filter(segnalazione=s, tipo=TipoEvento.PUBLIC_ANSWER).exists()
        bruno.get_by_test_id("errore").get_by_role("link", name="Ricarica").click()
        expect(bruno.get_by_test_id("stato")).to_have_text("Presa in carico")
        expect(bruno.get_by_role("button", name="Prendi in carico")).to_have_count(0)  # no longer offered
    finally:
        ca.close()
        cb.close()
