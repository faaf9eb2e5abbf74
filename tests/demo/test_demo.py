"""The demo loader: a real comune to play with, and idempotent."""

import pytest

from civico.accounts.models import Utente
from civico.demo import loader
from civico.enti.models import Ente
from civico.segnalazioni.models import Evento, Segnalazione
from civico.stati import Stato

pytestmark = pytest.mark.django_db


def _impronta():
    return (
        Ente.objects.filter(attivo=True).count(), Segnalazione.objects.count(), Evento.objects.count(),
        Utente.objects.count(), list(Segnalazione.objects.order_by("codice").values_list("codice", "stato")),
    )


def test_the_demo_loads_three_comuni_with_reports_and_a_second_run_changes_nothing():
    riepilogo = loader.carica_demo(segnalazioni_alessandria=30, progress=lambda _: None)

    assert sorted(riepilogo["enti_attivi"]) == ["Alessandria", "Casale Monferrato", "Novi Ligure"]
    assert Ente.objects.count() == 7899
    assert Segnalazione.objects.filter(ente__sigla="AL", origine="").count() == 30
    assert Segnalazione.objects.filter(ente__sigla="AL", origine="municipium").count() == 3428
    stati = set(Segnalazione.objects.values_list("stato", flat=True))
    assert {Stato.SUBMITTED, Stato.RESOLVED} <= stati
    assert all(s.eventi.exists() for s in Segnalazione.objects.all())
    assert Utente.objects.filter(username="al.operatore").exists()
    assert "Civico-demo-2026" in loader.testo_riepilogo(riepilogo)

    prima = _impronta()
    secondo = loader.carica_demo(segnalazioni_alessandria=30, progress=lambda _: None)
    assert secondo["segnalazioni_create"] == 0
    assert _impronta() == prima


def test_demo_reports_sit_on_real_house_numbers_with_their_address():
    riepilogo = loader.carica_demo(segnalazioni_alessandria=10, progress=lambda _: None, storico=False)
    for s in Segnalazione.objects.filter(ente__sigla="AL"):
        assert s.indirizzo, s.codice

    # A comune without a street gazetteer takes an SMS report on its own demo number: accepted, to be
    # located from the words (not "we need the address" forever), and the summary says the number.
    from civico.comunicazioni.inbound import sms

    numero = loader.NUMERI_SMS_DEMO["CM"]
    assert any(numero in riga for riga in loader.testo_riepilogo(riepilogo).splitlines()
               if riga.strip().startswith("Casale Monferrato"))
    primo = sms.ricevi("+393471112233", numero, "BUCA grande in via Roma davanti al bar", "demo-1")
    esito = primo if primo.azione == "creata" else sms.ricevi("+393471112233", numero, "grande", "demo-2")
    assert esito.azione == "creata", esito.risposta
    s = esito.segnalazione
    assert s.ente.sigla == "CM" and s.da_localizzare and s.lat is None and "via roma" in s.indirizzo.lower()


@pytest.mark.django_db(transaction=True)
def test_the_demo_history_leaves_no_outbox_backlog_and_queues_no_mail(settings):
    """`make run` loads a year of reports: nobody is told now, nothing waits for the worker."""
    from django_tasks_db.models import DBTaskResult

    from civico.comunicazioni.models import Iscrizione, Notifica

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    loader.carica_demo(segnalazioni_alessandria=12, progress=lambda _: None, storico=False)

    assert Segnalazione.objects.count() >= 12
    assert not Notifica.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="civico.comunicazioni.tasks.consegna").exists()
    assert Iscrizione.objects.count() >= 12  # the demo reporters still follow their reports


def test_the_demo_gives_the_staff_hotspots_to_plan_from():
    from civico.analisi import approfondimenti

    loader.carica_demo(segnalazioni_alessandria=80, progress=lambda _: None, storico=False)
    al = Ente.objects.get(sigla="AL")
    zone = approfondimenti.hotspot(Segnalazione.objects.filter(ente=al), ente=al)  # the page's defaults
    assert zone, "the staff's hotspot page would say 'Nessuna zona'"
    assert all(z.nome and not z.nome.startswith("8") for z in zone)  # named by streets, not H3 cells
