"""`civico serve --workers 2` as a real process: static files streamed under ASGI, clear 503s
when the database is unreachable, JSON logs with the request id, metrics summed over workers."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.deploy.conftest import Server, ambiente, porta_libera

CSS = "css/bootstrap-italia.min.css"


def chiedi(server: Server, metodo: str, percorso: str, corpo: bytes | None = None, **intestazioni: str):
    conn = http.client.HTTPConnection("127.0.0.1", server.porta, timeout=30)
    try:
        conn.request(metodo, percorso, body=corpo, headers=intestazioni)
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def senza_database(tmp_path_factory):
    """Two uvicorn workers whose PostgreSQL is unreachable (nothing listens on that port)."""
    tmp = tmp_path_factory.mktemp("serve")
    env = ambiente(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{porta_libera()}/civico",
        CIVICO_DEBUG="0", CIVICO_LOG_FORMAT="json", CIVICO_RETRY_AFTER="7", CIVICO_METRICS_TOKEN="segreto",
        CIVICO_VAR_DIR=str(tmp / "var"), PROMETHEUS_MULTIPROC_DIR="", CIVICO_METRICS_ALLOWED_IPS="",
    )
    server = Server(env, workers=2, tmp=tmp)
    try:
        server.attendi()
        yield server
    finally:
        server.chiudi()


def test_static_files_are_streamed_whole_under_uvicorn_without_the_sync_iterator_warning(senza_database):
    atteso = Path(finders.find(CSS)).read_bytes()

    for _ in range(3):
        stato, intestazioni, corpo = chiedi(senza_database, "GET", f"/static/{CSS}")
        assert stato == 200 and corpo == atteso
    assert "must consume synchronous iterators" not in senza_database.testo()


def test_an_api_client_gets_503_with_retry_after_in_the_api_error_shape(senza_database):
    dati = json.dumps({"lat": 44.91, "lon": 8.61, "titolo": "Buca", "categoria": "buche"}).encode()
    stato, intestazioni, corpo = chiedi(senza_database, "POST", "/api/v1/segnalazioni", dati,
                                        **{"Content-Type": "application/json"})

    assert stato == 503 and intestazioni["Retry-After"] == "7"
    errore = json.loads(corpo)["errore"]
    assert errore["codice"] == "servizio_non_disponibile"
    assert "non è stata eseguita" in errore["messaggio"]


def test_a_citizen_gets_an_italian_page_saying_to_retry(senza_database):
    stato, intestazioni, corpo = chiedi(senza_database, "GET", "/", Accept="text/html")

    assert stato == 503 and intestazioni["Retry-After"] == "7"
    assert "Servizio momentaneamente non disponibile" in corpo.decode()


def test_open311_clients_get_the_georeport_error_shape(senza_database):
    stato, intestazioni, corpo = chiedi(senza_database, "GET", "/open311/v2/services.json")

    assert stato == 503 and intestazioni["Retry-After"] == "7"
    assert json.loads(corpo)[0]["code"] == 503


def test_health_and_readiness_say_the_database_is_down(senza_database):
    assert chiedi(senza_database, "GET", "/healthz")[0] == 503
    stato, _, corpo = chiedi(senza_database, "GET", "/readyz")

    controlli = json.loads(corpo)["checks"]
    assert stato == 503 and controlli["database"]["status"] == "error"
    assert controlli["cache"]["status"] == "ok"


def test_logs_are_json_lines_carrying_the_request_id(senza_database):
    stato, intestazioni, _ = chiedi(senza_database, "GET", "/healthz", **{"X-Request-ID": "prova-123"})

    assert intestazioni["X-Request-ID"] == "prova-123"
    righe = [json.loads(r) for r in senza_database.testo().splitlines() if r.startswith("{")]
    della_richiesta = [r for r in righe if r.get("request_id") == "prova-123"]
    assert any(r["logger"] == "civico.richieste" and r["route"] == "/healthz" and r["status"] == 503
               for r in della_richiesta)


def test_metrics_need_the_token_and_sum_the_requests_of_every_worker(senza_database):
    assert chiedi(senza_database, "GET", "/metrics")[0] == 403  # loopback is not enough in this setup
    prima = _statiche(senza_database)
    for _ in range(10):
        chiedi(senza_database, "GET", f"/static/{CSS}")

    assert _statiche(senza_database) == prima + 10
    _, _, corpo = chiedi(senza_database, "GET", "/metrics", Authorization="Bearer segreto")
    assert "civico_database_up 0.0" in corpo.decode()


def _statiche(server: Server) -> float:
    stato, _, corpo = chiedi(server, "GET", "/metrics", Authorization="Bearer segreto")
    assert stato == 200
    m = re.search(r'civico_http_requests_total\{method="GET",route="static",status="200"\} (\S+)', corpo.decode())
    return float(m.group(1)) if m else 0.0
