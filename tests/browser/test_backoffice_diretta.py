"""The backoffice and the citizen's page together, on the production path (uvicorn): an operator
signs in with TOTP, filters the inbox, takes a report in charge, answers from a template and
resolves it, while the citizen's open page follows every step live (SSE) without reloading.
And an overdue report shows up in the overdue view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from civico.accounts.models import Ruolo
from civico.catalogo.models import ModelloRisposta
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories
from tests.browser.conftest import TELEFONO, screenshot
from tests.browser.test_backoffice import accedi, alessandria_con_operatore, scrivania  # noqa: F401
from tests.browser.test_diretta import _ambiente, _url_database, server_asgi  # noqa: F401
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_citizen_page_follows_the_operator_live(browser, apri, server_asgi, tmp_path):  # noqa: F811
    mondo()
    ente = attiva("006003", "AL", completo=True)
    utente = factories.staff("al.operatore", Ruolo.OPERATORE, ente)
    device = TOTPDevice.objects.create(user=utente, name="telefono", confirmed=True)
    s = factories.segnalazione(ente, titolo="Voragine davanti alla farmacia")
    factories.segnalazione(ente, titolo="Lampione spento")
    ModelloRisposta.objects.create(ente=ente, stato=Stato.ACCEPTED, titolo="Sopralluogo",
                                   testo="Faremo un sopralluogo entro la settimana.")
    server = server_asgi(_ambiente(_url_database(tmp_path)))

    cittadino = apri(TELEFONO)
    cittadino.goto(f"{server.url}/segnalazioni/{s.codice}/")
    cittadino.evaluate("window.nonRicaricata = true")
    stato = cittadino.get_by_test_id("stato")
    expect(cittadino.locator("#diretta")).to_have_text("La pagina si aggiorna da sola quando la segnalazione avanza.")

    contesto = browser.new_context(viewport={"width": 1366, "height": 900}, locale="it-IT")
    contesto.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    ufficio = contesto.new_page()
    try:
        accedi(ufficio, server.url, device)
        ufficio.get_by_label("Cerca").fill("voragine")
        ufficio.get_by_role("button", name="Filtra").click()
        expect(ufficio.locator("[data-testid=elenco] tbody tr")).to_have_count(1)
        ufficio.get_by_role("link", name=s.codice).click()
        ufficio.get_by_role("button", name="Prendi in carico").click()
        expect(ufficio.get_by_test_id("stato")).to_have_text("Presa in carico")
        expect(stato).to_have_text("Presa in carico", timeout=15_000)

        # The answer starts from a template and is edited before it goes out.
        ufficio.get_by_label("Modello di risposta").select_option(label="Sopralluogo")
        ufficio.get_by_role("button", name="Usa il modello").click()
        scrivi = ufficio.get_by_label("Scrivi")
        expect(scrivi).to_have_value("Faremo un sopralluogo entro la settimana.")
        scrivi.fill("Faremo un sopralluogo entro giovedì.")
        ufficio.get_by_role("button", name="Pubblica come risposta").click()
        expect(ufficio.get_by_test_id("esito")).to_contain_text("Risposta pubblicata")
        expect(cittadino.get_by_test_id("cronologia")).to_contain_text("Faremo un sopralluogo entro giovedì.",
                                                                       timeout=15_000)

        ufficio.get_by_label("Messaggio di chiusura (pubblico; vuoto: testo standard)").fill("Voragine chiusa.")
        ufficio.get_by_role("button", name="Risolvi").click()
        expect(ufficio.get_by_test_id("stato")).to_have_text("Risolta")
        expect(stato).to_have_text("Risolta", timeout=15_000)
        expect(cittadino.get_by_test_id("cronologia")).to_contain_text("Voragine chiusa.")
        assert cittadino.evaluate("window.nonRicaricata") is True  # live, not reloaded
        screenshot(ufficio, "backoffice-scheda-risolta")
    finally:
        contesto.close()


def test_an_overdue_report_appears_in_the_overdue_view(live_server, scrivania, alessandria_con_operatore):  # noqa: F811
    ente, device = alessandria_con_operatore
    tardi = factories.segnalazione(ente, titolo="Tombino rotto da settimane")
    in_tempo = factories.segnalazione(ente, titolo="Buca recente")
    Segnalazione.objects.filter(pk=tardi.pk).update(scadenza=timezone.localdate() - timedelta(days=2))
    page = scrivania

    accedi(page, live_server.url, device)
    expect(page.get_by_test_id("conteggio-in_ritardo")).to_have_text("1")
    page.locator("[data-scheda=in_ritardo]").click()
    righe = page.locator("[data-testid=elenco] tbody tr")
    expect(righe).to_have_count(1)
    expect(righe.first).to_contain_text(tardi.codice)
    expect(righe.first).to_contain_text("in ritardo")
    expect(page.locator("[data-testid=elenco]")).not_to_contain_text(in_tempo.codice)
    screenshot(page, "backoffice-in-ritardo")
