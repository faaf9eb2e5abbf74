"""Fixtures of the communications tests: real servers, the real worker on the database queue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.comunicazioni.server import ServerHttp

CODA_DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def http(settings):
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}  # the provider is on loopback
    with ServerHttp() as server:
        yield server


@pytest.fixture
def coda_db(settings):
    """The database queue, as in production; `worker()` runs the real worker until it is empty."""
    settings.TASKS = CODA_DB


@pytest.fixture
def alessandria_tx(transactional_db):
    """Alessandria for tests that commit (real worker, real listener): those flush the database,
    so the world is loaded again."""
    from civico.enti import geo
    from civico.enti.confini import carica_provincia_alessandria
    from civico.enti.models import Ente
    from civico.territorio.importer import importa_stradario
    from tests.conftest import attiva

    carica_provincia_alessandria()  # the province is enough here, and much faster than Italy
    importa_stradario(Ente.objects.get(codice_istat="006003"))
    geo.invalida()
    return attiva("006003", "AL", completo=True)


def worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@pytest.fixture
def comunicazioni(settings):
    """Fast retries, no sweeper grace: what the tests of delivery need."""
    settings.CIVICO_COMUNICAZIONI = {
        "ATTESA_BASE_SECONDI": 0.2, "ATTESA_MASSIMA_SECONDI": 1.0, "GRAZIA_SPAZZINO_SECONDI": 0,
        "MAX_TENTATIVI": 4,
    }
    return settings.CIVICO_COMUNICAZIONI


@pytest.fixture
def consegnato(django_capture_on_commit_callbacks):
    """Run `azione`; on commit the tests' immediate queue delivers (to the SMTP server of the test)."""

    def esegui(azione, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return azione(*args, **kwargs)

    return esegui
