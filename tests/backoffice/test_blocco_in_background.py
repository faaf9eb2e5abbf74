"""A bulk action on 500 reports: the request records a job and returns at once; the real worker
(the database queue, as in production) does it, report by report, and the progress page follows."""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.management import call_command

from civico.backoffice import blocco as lavori
from civico.backoffice.models import LavoroInBlocco, StatoLavoro
from civico.segnalazioni import codici as numerazione
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
CODA_DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def coda_db(settings, monkeypatch):
    """The database queue, as in production. Its worker recycles the connection between tasks,
    which would end the test's own transaction on PostgreSQL: here it keeps it."""
    settings.TASKS = CODA_DB
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def worker() -> None:
    """The real worker, until the queue is empty."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def molte(ente, n: int) -> list[str]:
    """`n` new reports: one through the intake, the others copies of it with their own number."""
    modello = factories.segnalazione(ente)
    campi = Segnalazione.objects.filter(pk=modello.pk).values().get()
    copie = []
    for _ in range(n - 1):
        numero, codice = numerazione.nuovo_numero(ente, campi["anno"])
        copie.append(Segnalazione(**{**campi, "id": None, "numero": numero, "codice": codice,
                                     "token": numerazione.nuovo_token(), "chiave_idempotenza": None,
                                     "uuid": uuid.uuid4()}))
    Segnalazione.objects.bulk_create(copie)
    return [modello.codice] + [s.codice for s in copie]


def test_five_hundred_reports_return_at_once_and_the_worker_does_them(come, persone, alessandria, coda_db):
    codici = molte(alessandria, 500)
    client = come(persone.operatore)

    inizio = time.perf_counter()
    risposta = client.post("/backoffice/blocco/", {"codici": codici, "azione": "take_in_charge",
                                                   "ritorno": "scheda=tutte"})
    durata = time.perf_counter() - inizio

    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/blocco/")
    assert durata < 3, durata
    assert Segnalazione.objects.filter(codice__in=codici, stato=Stato.SUBMITTED).count() == 500  # not yet
    pagina = client.get(risposta["Location"]).content.decode()
    assert "0 su 500" in pagina and 'hx-trigger="every 1s"' in pagina
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in pagina  # works without JS
    assert 'max="500" value="0"' in pagina

    worker()

    assert Segnalazione.objects.filter(codice__in=codici, stato=Stato.ACCEPTED).count() == 500
    finita = client.get(risposta["Location"]).content.decode()
    assert "500 su 500: 500 segnalazioni aggiornate" in finita and "hx-trigger" not in finita
    assert "http-equiv" not in finita and 'max="500" value="500"' in finita


def test_a_retried_job_does_nothing_twice(come, persone, alessandria, coda_db):
    codici = molte(alessandria, 20)
    client = come(persone.operatore)
    client.post("/backoffice/blocco/", {"codici": codici, "azione": "annota", "testo": "Sopralluogo fatto"})
    lavoro = LavoroInBlocco.objects.get()

    assert lavori.esegui(lavoro.pk) == 20
    # The worker died after the reports but before closing the job; the queue runs it again.
    LavoroInBlocco.objects.filter(pk=lavoro.pk).update(stato=StatoLavoro.IN_CORSO)
    assert lavori.esegui(lavoro.pk) == 0
    worker()  # the task still queued finds the job finished

    assert Evento.objects.filter(segnalazione__codice__in=codici, tipo=TipoEvento.INTERNAL_NOTE).count() == 20


def test_one_refusal_does_not_undo_the_others_and_each_has_its_reason(come, persone, alessandria, casale,
                                                                     coda_db):
    codici = molte(alessandria, 5)
    di_casale = factories.segnalazione(casale, punto=factories.CASALE)
    client = come(persone.operatore)
    risposta = client.post("/backoffice/blocco/", {"codici": [*codici, di_casale.codice, "NON-ESISTE"],
                                                   "azione": "reject", "testo": "Area privata"})
    worker()

    pagina = client.get(risposta["Location"])
    a = pagina.context["a"]
    assert sorted(a.aggiornate) == sorted(codici)
    assert {c for c, _m in a.rifiutate} == {di_casale.codice, "NON-ESISTE"}
    assert all("non trovata" in m for _c, m in a.rifiutate)
    assert Segnalazione.objects.filter(codice__in=codici, stato=Stato.REJECTED).count() == 5
    assert Segnalazione.objects.get(pk=di_casale.pk).stato == Stato.SUBMITTED


def test_only_who_asked_sees_the_job(come, persone, alessandria, coda_db):
    codici = molte(alessandria, 2)
    risposta = come(persone.operatore).post("/backoffice/blocco/", {"codici": codici, "azione": "take_in_charge"})
    assert "0 su 2" in come(persone.operatore).get(risposta["Location"]).content.decode()
    altrui = come(persone.amministratore).get(risposta["Location"])
    assert altrui.status_code == 404 and "Pagina non trovata" in altrui.content.decode()
    assert "0 su 2" not in altrui.content.decode()
    assert come(persone.operatore).get("/backoffice/blocco/999999/").status_code == 404


def test_a_mistake_for_every_report_is_told_before_any_job_exists(come, persone, alessandria, coda_db):
    codici = molte(alessandria, 3)
    risposta = come(persone.operatore).post("/backoffice/blocco/", {"codici": codici, "azione": "reject",
                                                                     "testo": "", "ritorno": "scheda=tutte"})
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/?scheda=tutte"
    assert not LavoroInBlocco.objects.exists()
