"""Asking the reporter pauses the clock: so the question must reach them, on their channel, with a
Reply-To the inbound listener maps back to the report (and their answer restarts the clock)."""

from __future__ import annotations

import pytest

from civico.comunicazioni import consegna, conversazioni
from civico.comunicazioni.models import Notifica
from civico.segnalazioni import attesa
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.comunicazioni.test_email_risposte_firmate import MARIO, ricevi, risposta

pytestmark = pytest.mark.django_db
DOMANDA = "La buca è sulla carreggiata o sul marciapiede?"


@pytest.fixture(autouse=True)
def posta_in_arrivo(comunicazioni):
    from tests.comunicazioni.test_email_risposte_firmate import dns_locale

    comunicazioni["EMAIL_IN_ARRIVO_DOMINIO"] = "segnala.example.org"
    comunicazioni["EMAIL_IN_ARRIVO_AUTHSERV_ID"] = "mx.segnala.example.org"
    comunicazioni["EMAIL_IN_ARRIVO_DNS"] = dns_locale
    return comunicazioni


@pytest.mark.parametrize("domanda", [DOMANDA, "Ha una foto?\nCi serve per capire quanto è profonda.",
                                     "C'è un numero civico vicino? È la via giusta, \"lato pari\" & dispari?"])
def test_the_reporter_receives_the_question_over_smtp_and_their_reply_restarts_the_clock(
        alessandria, smtp, django_capture_on_commit_callbacks, domanda):
    s = factories.segnalazione(alessandria, email=MARIO)
    iscritta = factories.segnalazione(alessandria, email="anna@example.org")  # another report: nothing for Anna
    with django_capture_on_commit_callbacks(execute=True):
        attesa.richiedi_informazioni(s, factories.operatore(alessandria), domanda)

    [n] = Notifica.objects.filter(segnalazione=s, motivo="evento", evento__tipo="info_requested")
    assert n.canale == "email" and n.indirizzo == MARIO
    consegna.consegna(n.pk)
    [msg] = [m for m in smtp.messaggi if MARIO in m["To"]]
    corpo = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert domanda in corpo
    assert s.codice in msg["Subject"]
    [rispondi_a] = [a.strip() for a in msg["Reply-To"].split(",")]
    assert conversazioni.leggi(rispondi_a) == conversazioni.Etichetta(s.codice, True)
    assert not Notifica.objects.filter(segnalazione=iscritta, evento__tipo="info_requested").exists()

    # The answer to that Reply-To is the reporter's message on this report, and the clock restarts.
    with django_capture_on_commit_callbacks(execute=True):
        esito = ricevi(risposta(s, a=rispondi_a, testo="Sul marciapiede."))
    assert esito.azione == "messaggio", esito
    s.refresh_from_db()
    assert s.in_attesa_dal is None
    assert s.eventi.filter(tipo="comment", testo="Sul marciapiede.").exists()


def test_a_follower_is_not_told_the_question(alessandria, django_capture_on_commit_callbacks):
    from civico.comunicazioni import iscrizioni

    s = factories.segnalazione(alessandria, email=MARIO)
    iscrizioni.segui_per_email(s, "anna@example.org")
    attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)

    indirizzi = set(Notifica.objects.filter(segnalazione=s, evento__tipo="info_requested")
                    .values_list("indirizzo", flat=True))
    assert indirizzi == {MARIO}


def test_a_reporter_with_only_a_phone_gets_the_question_by_sms(alessandria, comunicazioni, http):
    comunicazioni.update(SMS_URL=f"{http.url}/invia")
    factories.CanaliEnteFactory(ente=alessandria, numero_sms="+390131000000")
    s = factories.segnalazione(alessandria, telefono="+393331234567")
    attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)

    righe = list(Notifica.objects.filter(segnalazione=s, evento__tipo="info_requested"))
    assert [(n.canale, n.indirizzo) for n in righe] == [("sms", "+393331234567")]
    assert DOMANDA[:60] in righe[0].testo and s.codice in righe[0].testo
    assert Segnalazione.objects.get(pk=s.pk).in_attesa_dal is not None
