"""The OpenAPI document, the docs page, and a bounded Schemathesis fuzz of the public endpoints and the
create endpoint against the real WSGI application: no 5xx, and every 4xx answers in the JSON error shape."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests import factories
from tests.api.conftest import V1, errore

SCHEMA = schemathesis.openapi.from_wsgi(f"{V1}/openapi.json", get_wsgi_application())
LETTURE_PUBBLICHE = SCHEMA.include(method="GET", tag="Pubblico")
CREAZIONE = SCHEMA.include(method="POST", path=f"{V1}/segnalazioni")
FUZZ = settings(
    max_examples=30, deadline=None, database=None, derandomize=True,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def test_the_openapi_document_describes_every_operation_in_italian_with_its_errors(client):
    r = client.get(f"{V1}/openapi.json")

    assert r.status_code == 200
    documento = r.json()
    assert documento["openapi"].startswith("3.") and documento["info"]["title"] == "Civico API"
    operazioni = [(percorso, metodo, op) for percorso, metodi in documento["paths"].items()
                  for metodo, op in metodi.items()]
    assert len(operazioni) >= 20
    for percorso, metodo, op in operazioni:
        assert op["summary"] and op["tags"], (percorso, metodo)
        assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Errore"}, (percorso, metodo)
    assert set(documento["components"]["securitySchemes"]) == {
        "TokenStaff", "TokenSegnalante", "SessioneCittadino", "ChiaveApplicazione"}
    crea = documento["paths"][f"{V1}/segnalazioni"]["post"]
    assert set(crea["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {p["name"] for p in crea["parameters"]} == {"Idempotency-Key", "X-Civico-Client"}


def test_the_browsable_docs_page_is_served(client):
    r = client.get(f"{V1}/docs")

    assert r.status_code == 200 and b"openapi.json" in r.content


def test_unknown_paths_and_methods_under_v1_answer_in_json(client):
    errore(client.get(f"{V1}/non-esiste"), 404, "not_found")
    errore(client.get(f"{V1}/segnalazioni/AL/2026/1"), 404, "not_found")
    r = client.delete(f"{V1}/enti")
    errore(r, 405, "method_not_allowed")
    assert r["Allow"] == "GET"


@pytest.fixture
def dati_di_prova(alessandria, settings):
    """Real data for the fuzzer, requests served in the test's transaction, no rate limit in the way."""
    settings.CIVICO = {**settings.CIVICO, "API_CREAZIONI_IP_AL_MINUTO": 10_000}
    factories.segnalazione(alessandria)
    # The test client detaches these too: they would close the connection holding the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def errori_in_json(ctx, response, case) -> None:
    """Every 4xx carries the API's JSON error body."""
    if 400 <= response.status_code < 500:
        tipo = response.headers.get("content-type", [""])[0]
        assert tipo.startswith("application/json"), f"{response.status_code} con Content-Type {tipo!r}"
        corpo = json.loads(response.content)
        assert set(corpo["errore"]) == {"codice", "messaggio", "campi"}, corpo


CONTROLLI = [not_a_server_error, errori_in_json, content_type_conformance, response_schema_conformance]


@LETTURE_PUBBLICHE.parametrize()
@FUZZ
def test_fuzzed_public_reads_never_fail(case, dati_di_prova):
    case.call_and_validate(checks=CONTROLLI)


@CREAZIONE.parametrize()
@FUZZ
def test_fuzzed_creates_never_fail(case, dati_di_prova):
    case.call_and_validate(checks=CONTROLLI)
