"""A citizen signs in with SPID and with CIE over OpenID Connect in Chromium, end to end through
the federation: the buttons are shown only for providers whose trust chain resolves (a local trust
anchor, an intermediate and two providers served on loopback by tests/accounts), the provider
answers, and the citizen lands in the personal area signed in."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from civico.accounts.models import ProviderIdentita, RelyingParty, TrustAnchor, Utente
from tests.accounts.conftest import (  # noqa: F401 — the local federation's fixtures
    CLIENT_ID,
    CONFIGURAZIONE_RP,
    autorita,
    chiavi_rp,
    op,
    op_cie,
    rete_fiducia,
)
from tests.accounts.federazione_locale import CF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_signs_in_with_spid_then_cie_over_oidc_in_the_browser(live_server, apri, op, op_cie,  # noqa: F811
                                                                        rete_fiducia, chiavi_rp):  # noqa: F811
    from tests.browser.conftest import DESKTOP

    TrustAnchor.objects.create(entity_id=rete_fiducia.ta.entity_id, tipo="spid", chiavi=rete_fiducia.ta.pubbliche())
    rp = RelyingParty.objects.create(client_id=CLIENT_ID, chiavi_private=chiavi_rp[0],
                                     chiavi_federazione=chiavi_rp[1], authority_hints=[rete_fiducia.ta.entity_id])
    ProviderIdentita.objects.create(relying_party=rp, tipo="spid", nome="IdP di prova", issuer=op.issuer)
    ProviderIdentita.objects.create(relying_party=rp, tipo="cie", nome="CIE di prova", issuer=op_cie.issuer)
    # The providers register us from our entity configuration, read over the socket like theirs.
    configurazione = requests.get(live_server.url + CONFIGURAZIONE_RP, timeout=10).text
    op.registra_rp(configurazione)
    op_cie.registra_rp(configurazione)

    page = apri(DESKTOP)
    page.goto(f"{live_server.url}/area-personale/")
    page.locator("summary", has_text="Entra con SPID").click()
    page.get_by_role("link", name="IdP di prova").click()
    expect(page.get_by_text("Hai effettuato l'accesso con SPID")).to_be_visible()
    assert page.url == f"{live_server.url}/area-personale/"
    utente = Utente.objects.get(codice_fiscale=CF)
    assert (utente.first_name, utente.last_name) == ("Mario", "Rossi")

    page.get_by_role("button", name="Esci").click()
    page.goto(f"{live_server.url}/area-personale/")
    page.get_by_role("link", name="Entra con CIE").click()
    expect(page.get_by_text("Hai effettuato l'accesso con CIE")).to_be_visible()
    assert Utente.objects.filter(codice_fiscale=CF).count() == 1  # the same citizen, one account
