"""A citizen opens a report's public page on a phone and reads its progress."""

import pytest

from civico.segnalazioni import workflow
from tests import factories
from tests.browser.conftest import screenshot
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_follows_a_report_on_a_phone(live_server, telefono):
    mondo()
    ente = attiva("006003", "AL", completo=True)
    s = factories.segnalazione(ente, nome="Giulia Ferrari", email="giulia@example.org")
    workflow.transition(s, "take_in_charge", factories.operatore(ente))

    telefono.goto(f"{live_server.url}/segnalazioni/{s.codice}/")

    assert telefono.get_by_test_id("stato").inner_text() == "Presa in carico"
    assert telefono.get_by_test_id("ufficio").inner_text() == "Lavori pubblici – strade"
    voci = telefono.locator("[data-testid=cronologia] li")
    assert voci.count() == 3
    assert "presa in carico" in voci.nth(2).inner_text()
    assert "Giulia" not in telefono.content()
    screenshot(telefono, "pagina-pubblica-telefono")


def test_the_language_switch_turns_the_page_english(live_server, telefono):
    mondo()
    ente = attiva("006003", "AL", completo=True)
    s = factories.segnalazione(ente)

    telefono.goto(f"{live_server.url}/segnalazioni/{s.codice}/")
    telefono.select_option("#lingua", "en")
    telefono.get_by_role("button", name="Cambia").click()

    assert telefono.get_by_test_id("stato").inner_text() == "Received"
    assert telefono.locator("html").get_attribute("lang") == "en"
