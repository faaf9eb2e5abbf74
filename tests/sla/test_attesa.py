"""Waiting for the reporter stops the clock; their answer restarts it and moves the deadline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import attesa, eventi, interazioni, sla, workflow
from civico.segnalazioni.models import Segnalazione, TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db
DOMANDA = "La buca è sulla carreggiata o sul marciapiede?"


def indietro(s: Segnalazione, giorni: int) -> None:
    """Pretend the office asked `giorni` days ago."""
    Segnalazione.objects.filter(pk=s.pk).update(in_attesa_dal=timezone.now() - timedelta(days=giorni))


def test_the_reporter_sees_the_question_the_public_does_not(alessandria):
    s = factories.segnalazione(alessandria)

    s = attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)

    assert s.in_attesa_dal is not None
    assert DOMANDA in [e.testo for e in eventi.cronologia_del_segnalante(s)]
    assert DOMANDA not in [e.testo for e in eventi.cronologia_pubblica(s)]
    assert s.eventi.filter(tipo=TipoEvento.INFO_REQUESTED).count() == 1


def test_the_reporter_s_answer_moves_the_deadline_by_the_days_waited(alessandria, django_capture_on_commit_callbacks):
    s = factories.segnalazione(alessandria)
    s = attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)
    indietro(s, 6)
    prima = sla.scadenza_di(s)

    with django_capture_on_commit_callbacks(execute=True):
        interazioni.commenta(s, Attore.del_segnalante(), "Sul marciapiede, davanti al bar.")

    s.refresh_from_db()
    assert s.in_attesa_dal is None
    assert s.giorni_sospesi == 6
    assert s.scadenza == sla.calcola_scadenza(s.categoria, alessandria, s.creata_il, giorni_sospesi=6)
    assert s.scadenza > prima
    ripresa = s.eventi.get(tipo=TipoEvento.SLA_RESUMED)
    assert ripresa.visibilita == "internal" and ripresa.dati["giorni_sospesi"] == 6


def test_a_staff_answer_does_not_restart_the_clock(alessandria, django_capture_on_commit_callbacks):
    s = factories.segnalazione(alessandria)
    operatore = factories.operatore(alessandria)
    attesa.richiedi_informazioni(s, operatore, DOMANDA)

    with django_capture_on_commit_callbacks(execute=True):
        interazioni.rispondi(s, operatore, "Stiamo aspettando la sua risposta.")

    s.refresh_from_db()
    assert s.in_attesa_dal is not None


def test_asking_again_keeps_the_first_pause_start(alessandria):
    s = factories.segnalazione(alessandria)
    operatore = factories.operatore(alessandria)
    attesa.richiedi_informazioni(s, operatore, DOMANDA)
    indietro(s, 3)
    inizio = Segnalazione.objects.get(pk=s.pk).in_attesa_dal

    s = attesa.richiedi_informazioni(s, operatore, "Ha una foto?")

    assert s.in_attesa_dal == inizio


def test_a_waiting_report_is_never_late(alessandria):
    s = factories.segnalazione(alessandria)
    attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)
    oltre = s.scadenza + timedelta(days=5)

    assert not sla.in_ritardo(Segnalazione.objects.all(), oltre).exists()


def test_a_pause_counts_at_most_thirty_days(alessandria):
    s = factories.segnalazione(alessandria)
    attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)
    indietro(s, 45)

    assert attesa.riprendi_sospensioni_scadute() == 1

    s.refresh_from_db()
    assert s.in_attesa_dal is None and s.giorni_sospesi == attesa.MAX_GIORNI_SOSPENSIONE
    assert attesa.riprendi_sospensioni_scadute() == 0


def test_resolving_a_waiting_report_ends_the_pause(alessandria, django_capture_on_commit_callbacks):
    s = factories.segnalazione(alessandria)
    operatore = factories.operatore(alessandria)
    attesa.richiedi_informazioni(s, operatore, DOMANDA)
    workflow.transition(s, "take_in_charge", operatore)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(s, "resolve", operatore, testo="Riparata.")

    s.refresh_from_db()
    assert s.in_attesa_dal is None


def test_only_the_staff_of_the_report_may_ask_and_only_while_it_is_open(alessandria, casale):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        attesa.richiedi_informazioni(s, Attore.del_segnalante(), DOMANDA)
    with pytest.raises(NotAllowed):
        attesa.richiedi_informazioni(s, factories.operatore(casale), DOMANDA)
    osservatore = factories.staff("oss", Ruolo.OSSERVATORE, alessandria)
    with pytest.raises(NotAllowed):
        attesa.richiedi_informazioni(s, Attore.staff(osservatore), DOMANDA)
    with pytest.raises(InvalidData):
        attesa.richiedi_informazioni(s, factories.operatore(alessandria), "  ")
    workflow.transition(s, "reject", factories.operatore(alessandria), testo="Non di competenza.")
    with pytest.raises(Conflict):
        attesa.richiedi_informazioni(s, factories.operatore(alessandria), DOMANDA)
