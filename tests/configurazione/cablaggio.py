"""Fixtures shared by the tests of SLA, work orders and configuration."""

from __future__ import annotations

import pytest

from civico.accounts.models import Utente
from tests import factories
from tests.backoffice.conftest import entra_verificato

APP = "civico.backoffice.configurazione"


@pytest.fixture
def pagine(settings):
    """The configuration and work-order pages installed and routed at /backoffice/…, whether or
    not the project's own settings and URLs include them yet."""
    if APP not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, APP]
    settings.ROOT_URLCONF = "tests.configurazione.urls"


@pytest.fixture
def accedi(db):
    """A person with a role, signed in on a test client: `entra(client, ruolo, ente, ufficio)`."""

    def entra(client, ruolo: str, ente, ufficio=None, username: str | None = None) -> Utente:
        utente = factories.staff(username or f"{ruolo}-{ente.sigla if ente else 'piattaforma'}", ruolo, ente, ufficio)
        entra_verificato(client, utente)  # both factors, like the sign-in pages
        return utente

    return entra
