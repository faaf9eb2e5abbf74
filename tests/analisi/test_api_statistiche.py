"""A bounded Schemathesis fuzz of the statistics endpoints against the real WSGI application:
whatever the query string, no 5xx, 4xx in the API's JSON error shape, bodies as documented."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.analisi.conftest import nuova, risolvi

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
STATISTICHE = SCHEMA.include(method="GET", tag="Statistiche")
FUZZ = settings(
    max_examples=25, deadline=None, database=None, derandomize=True,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def dati_di_prova(alessandria):
    risolvi(nuova(alessandria, giorni_fa=10), giorni_fa=3)
    # The test client detaches these too: they would close the connection holding the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def errori_in_json(ctx, response, case) -> None:
    if 400 <= response.status_code < 500:
        tipo = response.headers.get("content-type", [""])[0]
        assert tipo.startswith("application/json"), f"{response.status_code} con Content-Type {tipo!r}"
        assert set(json.loads(response.content)["errore"]) == {"codice", "messaggio", "campi"}


@STATISTICHE.parametrize()
@FUZZ
def test_fuzzed_statistics_never_fail(case, dati_di_prova):
    case.call_and_validate(checks=[not_a_server_error, errori_in_json, content_type_conformance,
                                   response_schema_conformance])
