"""An operator works reports in the backoffice with a real browser: sign in with a TOTP code,
filter the inbox, take a report in charge, answer, resolve; and move fifty reports at once."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from civico.accounts.models import Ruolo
from civico.catalogo.models import Ufficio
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.browser.conftest import screenshot
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-Segreta-123"


@pytest.fixture
def scrivania(browser, live_server):
    """An office screen, Italian; nothing leaves the test server (no map tiles from the Internet)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="it-IT")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url)
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def alessandria_con_operatore():
    mondo()
    ente = attiva("006003", "AL", completo=True)
    utente = factories.staff("al.operatore", Ruolo.OPERATORE, ente)
    device = TOTPDevice.objects.create(user=utente, name="telefono", confirmed=True)
    return ente, device


def accedi(page, base_url: str, device: TOTPDevice) -> None:
    page.goto(f"{base_url}/backoffice/")
    page.get_by_label("Nome utente").fill("al.operatore")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continua").click()
    expect(page.get_by_role("heading", name="Codice di verifica")).to_be_visible()
    codice = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Codice di verifica").fill(f"{codice:06d}")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Segnalazioni · Alessandria")).to_be_visible()


def test_an_operator_signs_in_works_a_report_and_the_public_sees_it_resolved(
    live_server, scrivania, alessandria_con_operatore
):
    ente, device = alessandria_con_operatore
    s = factories.segnalazione(ente, titolo="Voragine davanti alla farmacia")
    for _ in range(3):
        factories.segnalazione(ente)
    page = scrivania

    accedi(page, live_server.url, device)
    expect(page.locator("[data-testid=elenco] tbody tr")).to_have_count(4)
    page.get_by_label("Cerca").fill("voragine")
    page.get_by_role("button", name="Filtra").click()
    expect(page.locator("[data-testid=elenco] tbody tr")).to_have_count(1)
    screenshot(page, "backoffice-casella")

    page.get_by_role("link", name=s.codice).click()
    expect(page.get_by_test_id("stato")).to_have_text("Ricevuta")
    page.get_by_role("button", name="Prendi in carico").click()
    expect(page.get_by_test_id("stato")).to_have_text("Presa in carico")

    page.get_by_label("Scrivi").fill("Abbiamo chiuso la strada: la ditta interviene domattina.")
    page.get_by_role("button", name="Pubblica come risposta").click()
    expect(page.get_by_test_id("esito")).to_contain_text("Risposta pubblicata")

    page.get_by_label("Messaggio di chiusura (pubblico; vuoto: testo standard)").fill("Voragine chiusa e asfaltata.")
    page.get_by_role("button", name="Risolvi").click()
    expect(page.get_by_test_id("stato")).to_have_text("Risolta")
    expect(page.get_by_test_id("cronologia")).to_contain_text("Voragine chiusa e asfaltata.")
    screenshot(page, "backoffice-scheda")

    page.goto(f"{live_server.url}/segnalazioni/{s.codice}/")
    expect(page.get_by_test_id("stato")).to_have_text("Risolta")
    cronologia = page.get_by_test_id("cronologia")
    expect(cronologia).to_contain_text("Abbiamo chiuso la strada: la ditta interviene domattina.")
    expect(cronologia).to_contain_text("Voragine chiusa e asfaltata.")


def test_fifty_reports_are_moved_to_another_office_in_one_go(live_server, scrivania, alessandria_con_operatore):
    ente, device = alessandria_con_operatore
    codici = [factories.segnalazione(ente).codice for _ in range(50)]
    page = scrivania

    accedi(page, live_server.url, device)
    expect(page.locator("input[name=codici]")).to_have_count(50)
    page.get_by_label("Seleziona tutte le segnalazioni della pagina").check()
    page.get_by_label("Operazione").select_option(label="Cambia ufficio")
    page.get_by_label("Ufficio (per «Cambia ufficio»)").select_option(label="Verde pubblico")
    page.get_by_label("Messaggio o motivo (uno per tutte)").fill("Sono tutte in aree verdi")
    page.get_by_role("button", name="Applica alle selezionate").click()

    expect(page.get_by_test_id("esito")).to_contain_text("50 segnalazioni aggiornate")
    screenshot(page, "backoffice-blocco")
    verde = Ufficio.objects.get(ente=ente, nome="Verde pubblico")
    assert Segnalazione.objects.filter(codice__in=codici, ufficio=verde).count() == 50


def test_a_phone_call_is_registered_and_the_receipt_printed(live_server, scrivania, alessandria_con_operatore):
    ente, device = alessandria_con_operatore
    page = scrivania

    accedi(page, live_server.url, device)
    # The page's scripts (htmx among them, deferred) run before "load": a category chosen before
    # them would never ask for its questions. On a loaded CI box the test outran them once.
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("link", name="Nuova segnalazione per conto di un cittadino").click()
    page.get_by_label("Telefono", exact=True).first.check()
    page.get_by_label("Categoria").select_option(label="Buche")
    expect(page.get_by_label("Quanto è grande la buca? *")).to_be_visible()  # the questions arrive via htmx
    page.get_by_label("Quanto è grande la buca? *").select_option(label="Media")
    page.get_by_label("Oggetto").fill("Buca segnalata al telefono")
    page.get_by_role("textbox", name="Indirizzo").fill("piazza della libertà 41")
    page.get_by_role("button", name="Cerca l'indirizzo").click()
    expect(page.get_by_label("Piazza della Libertà 41")).to_be_checked()
    page.get_by_label("Nome e cognome").fill("Rosa Bianchi")
    screenshot(page, "backoffice-nuova")
    page.get_by_role("button", name="Registra la segnalazione").click()

    expect(page.get_by_role("heading", name="Ricevuta di segnalazione")).to_be_visible()
    s = Segnalazione.objects.get(ente=ente)
    expect(page.get_by_test_id("codice")).to_have_text(s.codice)
    assert s.canale == "phone"
    assert s.indirizzo == "Piazza della Libertà 41"
    assert s.risposte == {"dimensione": "media"}
    page.emulate_media(media="print")
    expect(page.locator(".bo-nav")).to_be_hidden()
    screenshot(page, "backoffice-ricevuta")


def test_a_category_chosen_before_htmx_arrives_still_brings_its_questions(
        live_server, scrivania, alessandria_con_operatore):
    """On a slow line the operator picks the category while htmx (deferred) is still on its way:
    the change must not be lost — the questions come once htmx is there."""
    _ente, device = alessandria_con_operatore
    page = scrivania
    accedi(page, live_server.url, device)
    trattenuti = []
    page.route("**/django_htmx/htmx-2*.js", lambda route: trattenuti.append(route))  # held until released
    page.goto(f"{live_server.url}/backoffice/nuova/", wait_until="commit")
    page.get_by_label("Categoria").select_option(label="Buche")
    page.get_by_label("Oggetto").fill("Scritto prima di htmx")
    assert trattenuti, "the page asked for htmx"
    for route in trattenuti:
        route.continue_()
    expect(page.get_by_label("Quanto è grande la buca? *")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Oggetto")).to_have_value("Scritto prima di htmx")  # nothing typed is lost
