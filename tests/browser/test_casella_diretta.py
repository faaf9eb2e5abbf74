"""The open inbox follows new reports live: a report that arrives through the intake appears in the
list and the tab's count changes without reloading the page; a selection in progress is not lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_backoffice import accedi, alessandria_con_operatore, scrivania  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_report_appears_in_the_open_inbox_without_reloading(live_server, scrivania,  # noqa: F811
                                                                    alessandria_con_operatore):  # noqa: F811
    ente, device = alessandria_con_operatore
    prima = factories.segnalazione(ente, titolo="Lampione spento in corso Roma")
    page = scrivania
    accedi(page, live_server.url, device)
    page.evaluate("window.nonRicaricata = true")
    conteggio = page.get_by_test_id("conteggio-da_prendere")
    expect(conteggio).to_have_text("1")
    expect(page.locator("[data-testid=elenco] tbody tr")).to_have_count(1)

    nuova = factories.segnalazione(ente, titolo="Voragine in via Milano")  # through the intake

    expect(page.get_by_role("link", name=nuova.codice)).to_be_visible(timeout=15_000)
    expect(conteggio).to_have_text("2")
    assert page.evaluate("window.nonRicaricata") is True  # the same page: only the list was swapped

    # A selection in progress holds the list still: the next report waits until it is cleared.
    page.get_by_label(f"Seleziona {prima.codice}").check()
    terza = factories.segnalazione(ente, titolo="Tombino rumoroso")
    page.wait_for_timeout(7_000)
    expect(page.get_by_role("link", name=terza.codice)).to_have_count(0)
    expect(page.get_by_label(f"Seleziona {prima.codice}")).to_be_checked()
    page.get_by_label(f"Seleziona {prima.codice}").uncheck()
    expect(page.get_by_role("link", name=terza.codice)).to_be_visible(timeout=15_000)
    expect(conteggio).to_have_text("3")
