"""A comune's notifications go out as the comune (mittenti.py), over real SMTP."""

from __future__ import annotations

import pytest

from civico.segnalazioni import interazioni
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def piattaforma(settings, comunicazioni):
    settings.DEFAULT_FROM_EMAIL = "Civico <noreply@segnala.example.org>"
    comunicazioni["DOMINI_MITTENTE_VERIFICATI"] = "al.example.org"  # Alessandria's (tests/conftest.attiva)
    return comunicazioni


def test_each_comunes_mail_comes_from_the_comune_or_through_civico(alessandria, casale, smtp, consegnato):
    consegnato(factories.segnalazione, alessandria, email="mario@example.org")
    consegnato(factories.segnalazione, casale, email="anna@example.org", punto=factories.CASALE)

    al, cm = sorted(smtp.messaggi, key=lambda m: str(m["To"]))[::-1]
    assert str(al["To"]) == "mario@example.org" and str(cm["To"]) == "anna@example.org"
    # A verified domain: the comune's own address, no Reply-To needed.
    assert al["From"].addresses[0].display_name == "Comune di Alessandria"
    assert al["From"].addresses[0].addr_spec == "urp@al.example.org"
    assert al["Reply-To"] is None
    # Any other: the platform's address "tramite Civico", answers go to the comune.
    assert cm["From"].addresses[0].display_name == "Comune di Casale Monferrato tramite Civico"
    assert cm["From"].addresses[0].addr_spec == "noreply@segnala.example.org"
    assert str(cm["Reply-To"]) == "urp@cm.example.org"


def test_the_reporters_reply_address_wins_over_the_comunes(casale, smtp, consegnato, piattaforma):
    factories.CanaliEnteFactory(ente=casale, email_in_arrivo="segnalazioni@cm.example.org")
    s = consegnato(factories.segnalazione, casale, email="anna@example.org", punto=factories.CASALE)
    consegnato(interazioni.rispondi, s, factories.operatore(casale), "Interverremo domani.")

    for m in smtp.messaggi:
        assert m["From"].addresses[0].display_name == "Comune di Casale Monferrato tramite Civico"
        # The signed conversation address of the report: the reply reaches its conversation.
        [rispondi_a] = m["Reply-To"].addresses
        assert rispondi_a.addr_spec.startswith("segnalazioni+") and rispondi_a.domain == "cm.example.org"
