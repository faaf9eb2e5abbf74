"""Who a comune's e-mails come from: itself on a verified domain, otherwise "tramite Civico"."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from civico.comunicazioni.mittenti import Mittente, mittente_per, puo_inviare_per
from civico.enti.models import Ente

PIATTAFORMA = "Civico <noreply@segnala.example.org>"


@pytest.fixture(autouse=True)
def piattaforma(settings, comunicazioni):
    settings.DEFAULT_FROM_EMAIL = PIATTAFORMA
    comunicazioni["DOMINI_MITTENTE_VERIFICATI"] = "comune.alessandria.it, Comune.NoviLigure.al.it."
    return comunicazioni


def _ente(nome: str, email: str = "") -> Ente:
    return Ente(nome=nome, email=email)


def test_a_comune_on_a_verified_domain_sends_as_itself():
    m = mittente_per(_ente("Alessandria", "segnalazioni@comune.alessandria.it"))
    assert m == Mittente("Comune di Alessandria <segnalazioni@comune.alessandria.it>")


def test_a_comune_on_another_domain_sends_through_the_platform_with_its_reply_to():
    m = mittente_per(_ente("Casale Monferrato", "urp@comune.casale-monferrato.al.it"))
    assert m == Mittente("Comune di Casale Monferrato tramite Civico <noreply@segnala.example.org>",
                         rispondi_a="urp@comune.casale-monferrato.al.it")


def test_each_comune_gets_its_own_sender():
    alessandria = mittente_per(_ente("Alessandria", "segnalazioni@comune.alessandria.it"))
    novi = mittente_per(_ente("Novi Ligure", "urp@comune.noviligure.al.it"))
    casale = mittente_per(_ente("Casale Monferrato"))
    assert "Alessandria" in alessandria.da and "comune.alessandria.it" in alessandria.da
    assert novi.da == "Comune di Novi Ligure <urp@comune.noviligure.al.it>"
    assert casale == Mittente("Comune di Casale Monferrato tramite Civico <noreply@segnala.example.org>")
    assert mittente_per(None) == Mittente(PIATTAFORMA)


@pytest.mark.parametrize("indirizzo", [
    "x@alessandria.it",  # another domain
    "x@sub.comune.alessandria.it",  # a subdomain is not the verified domain
    "x@comune.alessandria.it.evil.example",
    "x@evilcomune.alessandria.it",
    "comune.alessandria.it",  # no local part
    "",
])
def test_only_an_exactly_verified_domain_may_be_a_sender(indirizzo):
    assert not puo_inviare_per(indirizzo)


def test_the_list_may_be_a_list_and_is_case_insensitive(piattaforma):
    piattaforma["DOMINI_MITTENTE_VERIFICATI"] = ["COMUNE.ALESSANDRIA.IT"]
    assert puo_inviare_per("Urp@Comune.Alessandria.it")
    piattaforma["DOMINI_MITTENTE_VERIFICATI"] = ()
    assert not puo_inviare_per("urp@comune.alessandria.it")


def test_a_display_name_never_breaks_the_header():
    m = mittente_per(_ente("Alessandria", "segnalazioni@comune.alessandria.it"),
                     nome="Comune\r\nBcc: tutti@example.org")
    assert "\n" not in m.da and "\r" not in m.da


def test_the_tramite_display_is_in_english_for_english_mail():
    with translation.override("en"):
        m = mittente_per(_ente("Casale Monferrato"))
    assert m.da.startswith("Municipality of Casale Monferrato via Civico <")


def test_over_real_smtp_the_sender_and_reply_to_reach_the_citizen(smtp):
    for ente in (_ente("Alessandria", "segnalazioni@comune.alessandria.it"),
                 _ente("Casale Monferrato", "urp@comune.casale-monferrato.al.it")):
        m = mittente_per(ente)
        EmailMultiAlternatives("Segnalazione ricevuta", "Testo", from_email=m.da, to=["mario@example.org"],
                               reply_to=[m.rispondi_a] if m.rispondi_a else None).send()

    alessandria, casale = smtp.messaggi
    assert alessandria["From"].addresses[0].display_name == "Comune di Alessandria"
    assert alessandria["From"].addresses[0].addr_spec == "segnalazioni@comune.alessandria.it"
    assert alessandria["Reply-To"] is None
    assert casale["From"].addresses[0].display_name == "Comune di Casale Monferrato tramite Civico"
    assert casale["From"].addresses[0].addr_spec == "noreply@segnala.example.org"
    assert str(casale["Reply-To"]) == "urp@comune.casale-monferrato.al.it"
