"""A new report's work left to the worker (database queue, as in production): with the receipt,
the triage suggestion for a category the citizen chose and the search for duplicates; the one
task the request enqueues commits with the report, in its transaction."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from civico.comunicazioni import consegna, outbox
from civico.comunicazioni.models import EventoDaScrivere
from civico.segnalazioni import intake
from civico.segnalazioni.models import Segnalazione
from civico.triage.models import SuggerimentoTriage
from tests import factories
from tests.comunicazioni.conftest import worker

pytestmark = pytest.mark.usefixtures("coda_db", "comunicazioni")


def test_a_chosen_category_s_triage_suggestion_is_written_by_the_worker_once(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org",
                               titolo="Buca profonda in mezzo alla strada")
    assert not SuggerimentoTriage.objects.filter(segnalazione=s).exists()  # not in the request

    worker()

    sugg = SuggerimentoTriage.objects.get(segnalazione=s)
    assert not sugg.dal_testo and not sugg.automatica and sugg.scelte  # the words' suggestion, for the staff
    assert sugg.creato_il == s.creata_il
    [msg] = smtp.messaggi  # the receipt, once
    assert s.codice in msg["Subject"]
    assert outbox.scrivi_sospesi() == [] and SuggerimentoTriage.objects.filter(segnalazione=s).count() == 1
    # The duplicates' search, enqueued by the worker, has run.
    assert DBTaskResult.objects.get(task_path="civico.backoffice.tasks.cerca_duplicati",
                                    args_kwargs__args=[s.pk]).status == "SUCCESSFUL"


def test_a_report_whose_worker_task_is_lost_gets_its_suggestion_and_receipt_from_the_sweeper(
        alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    DBTaskResult.objects.all().delete()  # the queue lost it

    worker()
    assert not SuggerimentoTriage.objects.filter(segnalazione=s).exists() and smtp.messaggi == []
    assert consegna.in_sospeso() == 1  # the sweeper finds the report's owed work…
    worker()
    assert SuggerimentoTriage.objects.filter(segnalazione=s).count() == 1  # …and the worker does it
    assert len(smtp.messaggi) == 1


def test_a_report_without_a_category_is_triaged_in_the_request(alessandria_tx):
    """Triage picks the category: that cannot wait for the worker."""
    s = intake.submit(intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Lampione spento",
        descrizione="il lampione della via è spento da giorni", risposte={"lampioni-spenti": 1},
    )).segnalazione

    sugg = SuggerimentoTriage.objects.get(segnalazione=s)  # before any worker
    assert sugg.dal_testo and s.categoria.codice == "illuminazione-pubblica" == sugg.categoria.codice


def test_the_report_s_tasks_commit_and_roll_back_with_it(alessandria_tx):
    DBTaskResult.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.segnalazione(alessandria_tx, email="mario@example.org")
        # In the report's transaction already: no after-commit enqueue left to lose.
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("rollback")
    assert not Segnalazione.objects.exists() and not DBTaskResult.objects.exists()

    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    # One task for all the report owes: the worker writes the receipt and enqueues the rest.
    [compito] = DBTaskResult.objects.all()
    assert compito.task_path == "civico.comunicazioni.tasks.scrivi_notifiche"
    assert compito.args_kwargs["args"] == [EventoDaScrivere.objects.get(evento__segnalazione=s).evento_id]


def test_the_task_row_written_with_the_report_is_the_row_the_queue_s_own_enqueue_writes(alessandria_tx):
    """The report's task row is written with a prebuilt INSERT (core.code), not django-tasks' enqueue:
    the worker must find every column as the library itself writes it."""
    from civico.comunicazioni.tasks import scrivi_notifiche

    DBTaskResult.objects.all().delete()
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    [nostro] = DBTaskResult.objects.all()
    scrivi_notifiche.enqueue(*nostro.args_kwargs["args"])
    suo = DBTaskResult.objects.exclude(pk=nostro.pk).get()
    diversi = {"id", "enqueued_at"}
    campi = [f.attname for f in DBTaskResult._meta.concrete_fields if f.attname not in diversi]
    assert {c: getattr(nostro, c) for c in campi} == {c: getattr(suo, c) for c in campi}
    assert nostro.status == "READY" and nostro.enqueued_at >= s.creata_il
    assert nostro.task_result.task.func is scrivi_notifiche.func  # the worker can load and run it
