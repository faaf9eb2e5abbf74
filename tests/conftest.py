"""Shared test fixtures. Each test builds its world through the same services the product uses.

The geography (every comune of Italy, Alessandria's gazetteer) is loaded once per test session
into the test database; tests run in transactions that roll back to it. Tests that need a real
server (browser tests) flush the database, so they call `mondo()` again: it is idempotent.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from civico.enti import geo
from civico.enti.confini import carica_comuni
from civico.enti.models import Ente
from civico.territorio.importer import importa_stradario
from tests.dns_finto import dns  # noqa: F401 — a DNS we control, for URLs checked by civico.core.rete
from tests.factories.enti import EnteFactory

# CI explores the same examples on every run (a red run lands nothing, so it must not depend on
# luck); developers' runs keep drawing new variants. `HYPOTHESIS_PROFILE=ci` to reproduce CI.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


def mondo() -> None:
    """Every comune of Italy (inactive) and Alessandria's streets and house numbers."""
    carica_comuni()
    importa_stradario(Ente.objects.get(codice_istat="006003"))
    geo.invalida()  # ids may have changed since the index was built (flushed databases)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        mondo()


@pytest.fixture(autouse=True)
def _media_temporanei(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _cache_vuota():
    """Every test starts with no rate-limit counters, no cached figures and no remembered
    configuration left by another."""
    from django.core.cache import cache

    from civico.core import memoria

    cache.clear()
    memoria.azzera_tutte()


@pytest.fixture(autouse=True)
def _lingua_predefinita():
    """A test that activates English (a request with Accept-Language, a page in English) must not
    leave it active for the next test in the same thread."""
    from django.utils import translation

    yield
    translation.deactivate()


def attiva(codice_istat: str, sigla: str, *, completo: bool) -> Ente:
    """`EnteFactory` with the arguments the fixtures name."""
    return EnteFactory(codice_istat=codice_istat, sigla=sigla, completo=completo)


@pytest.fixture
def alessandria(db) -> Ente:
    """Alessandria on the platform, with the demo's offices, categories and questions."""
    return attiva("006003", "AL", completo=True)


@pytest.fixture
def casale(db) -> Ente:
    return attiva("006039", "CM", completo=False)


@pytest.fixture
def smtp(settings):
    """A real SMTP server; Django's mail goes to it (plain SMTP, no login), read in `.messaggi`."""
    from tests.comunicazioni.server import ServerSmtp

    server = ServerSmtp().avvia()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.porta
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.ferma()
    from civico.comunicazioni.canali import email

    email.chiudi()


@pytest.fixture
def orologio_dei_limiti(monkeypatch):
    """The rate limiter counts in clock-aligned windows: pin its clock 30 s into a minute, so a slow
    machine cannot roll a window over between a test's requests."""
    from types import SimpleNamespace

    from civico.core import limiti

    monkeypatch.setattr(limiti, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
