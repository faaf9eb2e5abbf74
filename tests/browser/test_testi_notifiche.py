"""A comune's administrator writes a notification text in a real browser: the preview under the
field follows the typing (rendered by the server), and template code is explained at once."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from civico.accounts.models import Ruolo
from civico.enti.confini import carica_provincia_alessandria
from tests import factories
from tests.browser.conftest import violazioni_gravi
from tests.browser.test_backoffice import accedi, scrivania  # noqa: F401 - the fixture
from tests.conftest import attiva

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_follows_the_typing_and_explains_template_code(live_server, scrivania):  # noqa: F811
    carica_provincia_alessandria()  # enough for one comune, and much faster than Italy
    ente = attiva("006003", "AL", completo=False)
    # accedi() signs in as "al.operatore": here that person administers the comune.
    device = TOTPDevice.objects.create(user=factories.staff("al.operatore", Ruolo.ENTE_ADMIN, ente),
                                       name="telefono", confirmed=True)
    page = scrivania
    accedi(page, live_server.url, device)
    page.goto(f"{live_server.url}/backoffice/configurazione/{ente.slug}/canali/testi/")

    campo = page.get_by_label("Segnalazione ricevuta (Italiano)")
    anteprima = page.get_by_test_id("anteprima-ricevuta-it")
    campo.fill("Grazie! {ente} ha ricevuto la segnalazione {codice}.")
    expect(anteprima).to_contain_text("Grazie! Alessandria ha ricevuto la segnalazione AL-2026-000123.")

    campo.fill("{{ s.segnalante_email }}")
    expect(anteprima).to_contain_text("Parentesi graffe non valide")
    expect(anteprima).not_to_contain_text("AL-2026-000123")
    assert violazioni_gravi(page) == []
