"""The outbox: rows written with the event, for the right people, in their language."""

import pytest
from django.db import transaction
from django.utils import translation

from civico.accounts.permissions import Attore
from civico.comunicazioni import iscrizioni
from civico.comunicazioni.models import CanaleConsegna, Iscrizione, Notifica, StatoNotifica
from civico.comunicazioni.notifiche import notifiche_della_segnalazione
from civico.segnalazioni import interazioni, workflow
from tests import factories

pytestmark = pytest.mark.django_db


def _per(s, **filtri):
    return list(Notifica.objects.filter(segnalazione=s, **filtri).order_by("id"))


def test_the_reporter_follows_their_report_and_gets_the_receipt(alessandria):
    s = factories.segnalazione(alessandria, email="Mario.Rossi@example.org")

    assert Iscrizione.objects.filter(segnalazione=s, email="mario.rossi@example.org").exists()
    [ricevuta] = _per(s)
    assert ricevuta.canale == CanaleConsegna.EMAIL and ricevuta.indirizzo == "mario.rossi@example.org"
    assert ricevuta.stato == StatoNotifica.IN_ATTESA and ricevuta.lingua == "it"
    assert s.codice in ricevuta.oggetto and "ricevuta" in ricevuta.oggetto
    assert f"/seguimi/{s.token}/" in ricevuta.testo  # the reporter's private link
    assert "<html" in ricevuta.html and s.titolo in ricevuta.html
    assert ricevuta.dati["disiscrizione"].startswith("http")


def test_a_report_without_contacts_writes_nothing(alessandria):
    s = factories.segnalazione(alessandria)
    assert _per(s) == [] and not Iscrizione.objects.filter(segnalazione=s).exists()


def test_public_events_reach_every_follower_reporter_only_ones_only_the_reporter(alessandria):
    s = factories.segnalazione(alessandria, email="segnalante@example.org")
    vicino = factories.UtenteFactory(username="vicino")
    iscrizioni.segui(s, vicino)
    op = factories.operatore(alessandria)

    interazioni.rispondi(s, op, "Interverremo entro la settimana.")
    interazioni.rispondi(s, op, "Ci lasci un numero di telefono?", solo_al_segnalante=True)
    interazioni.annota(s, op, "Nota interna: chiamare la ditta")

    pubblica = {n.indirizzo for n in _per(s, testo__contains="entro la settimana")}
    privata = {n.indirizzo for n in _per(s, testo__contains="numero di telefono")}
    assert pubblica == {"segnalante@example.org", "vicino@example.org"}
    assert privata == {"segnalante@example.org"}
    assert not _per(s, testo__contains="Nota interna")
    # The follower reads the public page; only the reporter gets the private link.
    [al_vicino] = _per(s, indirizzo="vicino@example.org")
    assert s.token not in al_vicino.testo and f"/segnalazioni/{s.codice}/" in al_vicino.testo


def test_the_outbox_row_rolls_back_with_the_change(alessandria):
    s = factories.segnalazione(alessandria, email="segnalante@example.org")
    prima = Notifica.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        interazioni.rispondi(s, factories.operatore(alessandria), "Risposta che non resterà")
        assert Notifica.objects.count() == prima + 1  # written inside the transaction…
        raise RuntimeError("la transazione fallisce dopo l'evento")
    assert Notifica.objects.count() == prima  # …and gone with it


def test_the_reporters_message_tells_the_office_not_the_reporter(alessandria):
    s = factories.segnalazione(alessandria, email="segnalante@example.org")
    s.ufficio.email = "strade@comune.example.org"
    s.ufficio.save()

    interazioni.commenta(s, Attore.del_segnalante(), "La buca è diventata più grande")

    [all_ufficio] = _per(s, motivo="ufficio")
    assert all_ufficio.indirizzo == "strade@comune.example.org"
    assert "La buca è diventata più grande" in all_ufficio.testo
    assert not _per(s, motivo="evento", testo__contains="più grande")


def test_the_follower_reads_in_their_language(alessandria):
    s = factories.segnalazione(alessandria)
    inglese = factories.UtenteFactory(username="john")
    factories.PreferenzeFactory(utente=inglese, lingua="en")
    iscrizioni.segui(s, inglese)
    op = factories.operatore(alessandria)

    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)

    [risolta] = _per(s, indirizzo="john@example.org", evento__stato_a="resolved")
    assert risolta.lingua == "en" and "Resolved" in risolta.oggetto
    assert translation.get_language() == "it"  # composing did not leak the recipient's language


def test_channels_follow_the_preferences(alessandria, settings):
    settings.CIVICO_COMUNICAZIONI = {"SMS_URL": "http://127.0.0.1:9/sms"}
    s = factories.segnalazione(alessandria)
    u = factories.UtenteFactory(username="anna")
    factories.PreferenzeFactory(utente=u, canali=["sms"], telefono="333 123 4567")
    iscrizioni.segui(s, u)

    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))

    assert [(n.canale, n.indirizzo) for n in _per(s, utente=u)] == [(CanaleConsegna.SMS, "+393331234567")]
    assert len(_per(s, utente=u)[0].testo) < 400  # the short form


def test_the_same_address_twice_gets_one_message(alessandria):
    s = factories.segnalazione(alessandria, email="stesso@example.org")
    u = factories.UtenteFactory(username="stesso")
    iscrizioni.segui(s, u)

    interazioni.rispondi(s, factories.operatore(alessandria), "Una risposta pubblica")

    assert len(_per(s, testo__contains="Una risposta pubblica")) == 1


def test_staff_see_what_was_sent_to_whom(alessandria):
    s = factories.segnalazione(alessandria, email="mario.rossi@example.org")
    [riga] = notifiche_della_segnalazione(s)
    assert riga.destinatario == "ma…@example.org" and riga.stato == "pending" and riga.storia == []
    assert riga.canale_etichetta == "E-mail"
