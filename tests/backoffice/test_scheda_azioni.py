"""The workspace actions besides state changes, each one click through the page: ask the reporter
(the clock stops until they answer), answer from a template, priority, expected date, protocol,
category, "non di competenza", forwarding, and merging a duplicate's followers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from civico.catalogo.models import Categoria, ModelloRisposta
from civico.comunicazioni.models import Iscrizione
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.stati import Stato
from tests import factories
from tests.backoffice.test_scheda import agisci, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(alessandria):
    return factories.segnalazione(alessandria, nome="Mario Rossi", email="mario@example.org")


def test_asking_the_reporter_stops_the_clock_until_they_answer_on_their_page(
    come, persone, s, django_capture_on_commit_callbacks
):
    client = come(persone.operatore)
    scadenza = Segnalazione.objects.get(pk=s.pk).scadenza
    risposta = agisci(client, s, "richiedi_informazioni", testo="Da che lato della strada è la buca?")
    assert risposta.status_code == 302
    s.refresh_from_db()
    assert s.in_attesa_dal is not None
    evento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.INFO_REQUESTED)
    assert evento.visibilita == Visibilita.SEGNALANTE and evento.attore == persone.operatore
    assert "i tempi sono sospesi" in client.get(url(s)).content.decode()

    # Three days later the reporter answers from their private page: the deadline moves by three days.
    Segnalazione.objects.filter(pk=s.pk).update(in_attesa_dal=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):  # the pause ends after the answer commits
        risposta = Client().post(f"/seguimi/{s.token}/commenta/", {"testo": "Lato farmacia, vicino alle strisce."})
    assert risposta.status_code == 302, risposta.content.decode()[:500]
    assert Evento.objects.filter(segnalazione=s, tipo=TipoEvento.COMMENT).exists()
    s.refresh_from_db()
    assert s.in_attesa_dal is None and s.giorni_sospesi == 3
    assert s.scadenza > scadenza
    assert "Lato farmacia" in client.get(url(s)).content.decode()


def test_asking_needs_a_question(come, persone, s):
    risposta = agisci(come(persone.operatore), s, "richiedi_informazioni", testo="  ")
    assert risposta.status_code == 400
    assert Segnalazione.objects.get(pk=s.pk).in_attesa_dal is None


def test_a_public_answer_starts_from_a_template_and_is_edited_before_sending(come, persone, s, alessandria):
    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    ModelloRisposta.objects.create(ente=alessandria, categoria=buche, stato=Stato.SUBMITTED, titolo="Sopralluogo",
                                   testo="Faremo un sopralluogo entro la settimana.")
    ModelloRisposta.objects.create(ente=alessandria, stato=Stato.RESOLVED, titolo="Chiusura", testo="Fatto.")
    client = come(persone.operatore)

    pagina = client.get(url(s)).content.decode()
    assert "Sopralluogo" in pagina and "Chiusura" not in pagina  # only those of this category and state
    modello = ModelloRisposta.objects.get(titolo="Sopralluogo")
    pagina = client.get(url(s), {"modello": modello.pk}).content.decode()
    assert ">Faremo un sopralluogo entro la settimana.</textarea>" in pagina

    agisci(client, s, "rispondi", testo="Faremo un sopralluogo entro giovedì.")
    evento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.PUBLIC_ANSWER)
    assert evento.testo == "Faremo un sopralluogo entro giovedì." and evento.visibilita == Visibilita.PUBBLICA


def test_priority_expected_date_and_protocol_are_set_by_hand(come, persone, s):
    client = come(persone.operatore)
    agisci(client, s, "priorita", priorita="urgente")
    giorno = timezone.localdate() + timedelta(days=5)
    agisci(client, s, "scadenza", scadenza=giorno.isoformat())
    agisci(client, s, "protocollo", numero_protocollo="2026/0012345")
    s.refresh_from_db()
    assert (s.priorita, s.data_prevista, s.numero_protocollo) == ("urgente", giorno, "2026/0012345")
    tipi = {e.tipo: e for e in Evento.objects.filter(segnalazione=s)}
    assert tipi[TipoEvento.PRIORITY_CHANGED].visibilita == Visibilita.INTERNA
    assert tipi[TipoEvento.DEADLINE_SET].visibilita == Visibilita.PUBBLICA  # citizens see the date
    assert tipi[TipoEvento.PROTOCOL].dati["numero_protocollo"] == "2026/0012345"
    assert all(tipi[t].attore == persone.operatore
               for t in (TipoEvento.PRIORITY_CHANGED, TipoEvento.DEADLINE_SET, TipoEvento.PROTOCOL))
    html = client.get(url(s)).content.decode()
    assert "Urgente" in html and "2026/0012345" in html
    pubblica = Client().get(f"/segnalazioni/{s.codice}/").content.decode()
    assert "Data prevista di risoluzione" in pubblica


@pytest.mark.parametrize("campi, errore", [
    ({"priorita": "altissima"}, "Scegli una priorità"),
    ({"scadenza": "31/02/2026"}, "Indica una data valida"),
    ({"scadenza": "2001-01-01"}, "non può precedere"),
    ({"numero_protocollo": ""}, "obbligatori"),
])
def test_bad_values_are_refused_with_a_message(come, persone, s, campi, errore):
    azione = next(iter(campi)) if "numero_protocollo" not in campi else "protocollo"
    risposta = agisci(come(persone.operatore), s, azione, **campi)
    assert risposta.status_code == 400
    assert errore in risposta.content.decode()


def test_reclassify_moves_to_the_new_category_office_and_deadline(come, persone, s, alessandria, verde):
    categoria = Categoria.objects.get(ente=alessandria, codice="verde-pubblico")
    categoria.giorni_risposta = 60
    categoria.save()
    agisci(come(persone.operatore), s, "riclassifica", categoria=categoria.pk, testo="È un'aiuola")
    s.refresh_from_db()
    assert s.categoria == categoria and s.ufficio == verde
    assert s.scadenza > timezone.localdate() + timedelta(days=55)
    evento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.RECLASSIFIED)
    assert evento.visibilita == Visibilita.PUBBLICA and evento.attore == persone.operatore


def test_not_our_business_names_the_competent_body(come, persone, s):
    agisci(come(persone.operatore), s, "reject", testo="È una strada provinciale.", ente_competente="la Provincia")
    s.refresh_from_db()
    assert s.stato == Stato.REJECTED
    assert s.nota_pubblica == "Non di competenza: è competente la Provincia. È una strada provinciale."


def test_not_our_business_still_needs_a_reason(come, persone, s):
    risposta = agisci(come(persone.operatore), s, "reject", testo="", ente_competente="la Provincia")
    assert risposta.status_code == 400
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_forward_to_another_comune_when_the_place_is_in_its_territory(come, persone, s, casale):
    # A report whose place was corrected into Casale's territory: Casale gets a new report.
    Segnalazione.objects.filter(pk=s.pk).update(lat=factories.CASALE[0], lon=factories.CASALE[1])
    factories.IscrizioneFactory(segnalazione=s, email="vicino@example.org")
    risposta = agisci(come(persone.operatore), s, "inoltra", ente=casale.sigla, testo="La via è di Casale.")
    assert risposta.status_code == 302
    nuova = Segnalazione.objects.get(ente=casale)
    s.refresh_from_db()
    assert s.stato == Stato.REJECTED and nuova.codice in s.nota_pubblica
    assert nuova.segnalante_email == "mario@example.org" and nuova.titolo == s.titolo
    assert Iscrizione.objects.filter(segnalazione=nuova, email="vicino@example.org").exists()


def test_forwarding_a_place_outside_the_other_comune_is_refused_with_its_reason(come, persone, s, casale):
    risposta = agisci(come(persone.operatore), s, "inoltra", ente=casale.sigla, testo="Prova")
    assert risposta.status_code == 400
    assert "non è nel territorio di Casale Monferrato" in risposta.content.decode()
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_marking_a_duplicate_moves_its_followers_and_supporters(come, persone, s, alessandria):
    originale = factories.segnalazione(alessandria, email="prima@example.org")
    factories.IscrizioneFactory(segnalazione=s, email="sostenitore@example.org")
    factories.IscrizioneFactory(segnalazione=s, email="prima@example.org")  # already follows the original

    agisci(come(persone.operatore), s, "mark_duplicate", duplicato_di=originale.codice)
    s.refresh_from_db()
    assert s.stato == Stato.DUPLICATE and s.duplicato_di == originale
    assert not Iscrizione.objects.filter(segnalazione=s).exists()
    seguaci = set(Iscrizione.objects.filter(segnalazione=originale).values_list("email", flat=True))
    assert {"sostenitore@example.org", "prima@example.org", "mario@example.org"} <= seguaci
    assert Iscrizione.objects.filter(segnalazione=originale, email="prima@example.org").count() == 1
    unione = Evento.objects.get(segnalazione=originale, tipo=TipoEvento.MERGED)
    assert s.codice in unione.testo and unione.attore == persone.operatore


def test_read_only_roles_see_no_new_action_and_cannot_post_one(come, persone, s):
    client = come(persone.osservatore)
    assert 'data-azione="priorita"' not in client.get(url(s)).content.decode()
    assert agisci(client, s, "priorita", priorita="urgente").status_code == 403
    assert Segnalazione.objects.get(pk=s.pk).priorita == "normale"


def test_the_deadline_can_not_be_set_on_a_closed_report(come, persone, s):
    client = come(persone.operatore)
    agisci(client, s, "reject", testo="No")
    risposta = agisci(client, s, "scadenza", scadenza=(timezone.localdate() + timedelta(days=3)).isoformat())
    assert risposta.status_code == 409
    assert "Una segnalazione «Respinta» non ha più una data prevista." in risposta.content.decode()
    assert Segnalazione.objects.get(pk=s.pk).data_prevista is None
