"""The JSON APIs on Django's WSGI handler inside `civico serve` (civico.core.smistamento): which
requests go there, and, through a real uvicorn, that they are answered as before: bodies read
whole whether their length is declared or chunked, a burst served within the pool's connections."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from civico.core.smistamento import Smistamento, thread_api, va_in_wsgi
from civico.enti import geo
from civico.enti.confini import carica_provincia_alessandria
from tests.conftest import attiva
from tests.deploy.conftest import Server, ambiente


def _scope(percorso: str, metodo: str = "GET", intestazioni: list | None = None, tipo: str = "http") -> dict:
    return {"type": tipo, "path": percorso, "method": metodo, "headers": intestazioni or []}


LUNGHEZZA = [(b"content-type", b"application/json"), (b"content-length", b"42")]
A_PEZZI = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]


@pytest.mark.parametrize(("scope", "wsgi"), [
    (_scope("/api/v1/segnalazioni", "POST", LUNGHEZZA), True),
    (_scope("/api/v1/segnalazioni/AL-2026-1", "GET"), True),
    (_scope("/api/v1/docs", "HEAD"), True),
    (_scope("/open311/v2/requests.json", "POST", LUNGHEZZA), True),
    (_scope("/open311/v2/services.json", "OPTIONS"), True),
    (_scope("/api/v1/segnalazioni/AL-2026-1", "PATCH", LUNGHEZZA), True),
    (_scope("/api/v1/segnalazioni", "POST", [(b"content-length", b"262144")]), True),
    # A large body (photos: spooled by the ASGI handler, holding no thread), or a length that is none.
    (_scope("/api/v1/segnalazioni", "POST", [(b"content-length", b"262145")]), False),
    (_scope("/open311/v2/requests.json", "POST", [(b"content-length", b"5000000")]), False),
    (_scope("/api/v1/segnalazioni", "POST", [(b"content-length", b"-1")]), False),
    (_scope("/api/v1/segnalazioni", "POST", [(b"content-length", b"dodici")]), False),
    # A chunked body: WSGI would read it as empty.
    (_scope("/api/v1/segnalazioni", "POST", A_PEZZI), False),
    (_scope("/open311/v2/requests.json", "POST", A_PEZZI), False),
    (_scope("/api/v1/segnalazioni", "DELETE"), False),
    # Pages, live streams, files: the ASGI handler.
    (_scope("/"), False),
    (_scope("/segnalazioni/AL-2026-1/diretta"), False),
    (_scope("/static/css/bootstrap-italia.min.css"), False),
    (_scope("/apidoc/"), False),
    (_scope("/api"), False),
    (_scope("/open311"), False),
    (_scope("/scrivi-al-sindaco/alessandria/", "POST", LUNGHEZZA), False),
    (_scope("/api/v1/segnalazioni", tipo="websocket"), False),
])
def test_only_json_api_calls_with_a_known_length_go_to_the_wsgi_handler(scope, wsgi):
    assert va_in_wsgi(scope) is wsgi


@pytest.mark.parametrize(("valore", "atteso"), [("", 4), (" 3 ", 3), ("0", 0), ("32", 32)])
def test_the_api_threads_setting(valore, atteso):
    assert thread_api({"CIVICO_API_THREADS": valore}) == atteso
    assert thread_api({}) == 4


@pytest.mark.parametrize("valore", ["-1", "otto", "2.5"])
def test_a_wrong_api_threads_setting_stops_the_start_with_a_clear_message(valore):
    with pytest.raises(ImproperlyConfigured, match="CIVICO_API_THREADS"):
        thread_api({"CIVICO_API_THREADS": valore})


# --- Through a real uvicorn, on PostgreSQL (the server needs a database it can share with the test).

POOL = 2


@pytest.fixture
def server_pg(tmp_path, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the server shares the test's database: PostgreSQL only")
    carica_provincia_alessandria()  # committed tests flush the world: the province is enough here
    geo.invalida()
    ente = attiva("006003", "AL", completo=True)
    parametri = {k: v for k, v in connection.get_connection_params().items()
                 if k in {"host", "port", "user", "password", "dbname"}}
    url = (f"postgresql://{parametri.get('user', 'postgres')}@{parametri.get('host', '127.0.0.1')}:"
           f"{parametri.get('port', 5432)}/{connection.settings_dict['NAME']}")
    server = Server(ambiente(DATABASE_URL=url, CIVICO_DB_POOL=str(POOL), CIVICO_DEBUG="0", CIVICO_API_THREADS="6",
                             CIVICO_VAR_DIR=str(tmp_path / "var"), PROMETHEUS_MULTIPROC_DIR=""),
                    workers=1, tmp=tmp_path)
    try:
        server.attendi()
        server.parametri, server.ente = parametri, ente
        yield server
    finally:
        server.chiudi()


def _chiedi(porta: int, metodo: str, percorso: str, corpo: bytes | None = None, **intestazioni: str):
    conn = http.client.HTTPConnection("127.0.0.1", porta, timeout=60)
    try:
        conn.request(metodo, percorso, body=corpo, headers=intestazioni)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _a_pezzi(porta: int, percorso: str, corpo: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", porta), timeout=30) as sock:
        sock.sendall((f"POST {percorso} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Type: application/json\r\nAccept: application/json\r\n"
                      "Connection: close\r\n\r\n").encode())
        for i in range(0, len(corpo), 7):  # several chunks
            pezzo = corpo[i:i + 7]
            sock.sendall(b"%x\r\n" % len(pezzo) + pezzo + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        risposta = b""
        while dati := sock.recv(65536):
            risposta += dati
    testa, _, contenuto = risposta.partition(b"\r\n\r\n")
    return int(testa.split()[1]), contenuto


def test_through_uvicorn_api_bodies_are_read_whole_and_a_burst_stays_within_the_pool(server_pg):
    # No place: the answer names what is missing, so the title was read in both ways.
    corpo = json.dumps({"titolo": "Lampione spento in via Roma", "ente": server_pg.ente.slug}).encode()
    dichiarato = _chiedi(server_pg.porta, "POST", "/api/v1/segnalazioni", corpo,
                         **{"Content-Type": "application/json", "Accept": "application/json"})
    a_pezzi = _a_pezzi(server_pg.porta, "/api/v1/segnalazioni", corpo)

    for stato, contenuto in (dichiarato, a_pezzi):
        errore = json.loads(contenuto)["errore"]
        assert stato == 400 and "posizione" in errore["campi"] and "titolo" not in errore["campi"], contenuto

    # 160 calls from 16 clients: 6 API threads share the pool's 2 connections, nobody is refused.
    nome = connection.settings_dict["NAME"]
    visti: list[int] = []

    def chiamata(i: int) -> int:
        percorso = ("/api/v1/enti?q=ales" if i % 2
                    else f"/open311/v2/services.json?jurisdiction_id={server_pg.ente.codice_istat}")
        stato, _ = _chiedi(server_pg.porta, "GET", percorso, Accept="application/json")
        with psycopg.connect(**{**server_pg.parametri, "dbname": "postgres"}, autocommit=True) as c:
            visti.append(c.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
                "AND application_name NOT LIKE 'pytest%%' AND pid <> pg_backend_pid()", [nome]).fetchone()[0])
        return stato

    with ThreadPoolExecutor(16) as esecutore:
        stati = list(esecutore.map(chiamata, range(160)))

    assert stati.count(200) == len(stati), {s: stati.count(s) for s in set(stati)}
    propria = 1  # the test's own connection to its database
    assert max(visti) - propria <= POOL, max(visti)


# --- The bridge itself, with real WSGI applications and a real event loop.

def _chiama(app, percorso: str = "/api/v1/prova", corpo: bytes = b"") -> tuple[int, dict, list[dict]]:
    """One request through `Smistamento` (pages would go to a refusing ASGI app): status, headers, the
    body messages as sent."""
    async def pagine(scope, receive, send):
        raise AssertionError("an API call must not reach the ASGI handler")

    inviati: list[dict] = []
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST" if corpo else "GET",
             "scheme": "http", "path": percorso, "raw_path": percorso.encode(), "query_string": b"q=1", "root_path": "",
             "headers": [(b"host", b"civico.example"), (b"content-length", str(len(corpo)).encode())],
             "client": ("203.0.113.5", 4000), "server": ("127.0.0.1", 8000)}
    messaggi = [{"type": "http.request", "body": corpo[:3], "more_body": True},
                {"type": "http.request", "body": corpo[3:], "more_body": False}]

    async def receive():
        return messaggi.pop(0) if messaggi else {"type": "http.disconnect"}

    async def send(messaggio):
        inviati.append(messaggio)

    asyncio.run(Smistamento(pagine, app, thread=2)(scope, receive, send))
    inizio, *corpi = inviati
    return inizio["status"], dict(inizio["headers"]), corpi


def test_a_json_answer_is_sent_whole_with_the_request_as_wsgi_sees_it():
    visti = {}

    def app(environ, start_response):
        visti.update(corpo=environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])), ip=environ["REMOTE_ADDR"],
                     query=environ["QUERY_STRING"], host=environ["HTTP_HOST"])
        start_response("201 Created", [("Content-Type", "application/json"), ("X-Request-Id", "abc")])
        return [b'{"codice": ', b'"AL-2026-1"}']

    stato, intestazioni, corpi = _chiama(app, corpo=b'{"titolo": "Buca"}')

    assert stato == 201 and intestazioni[b"content-type"] == b"application/json"
    assert intestazioni[b"x-request-id"] == b"abc"
    assert corpi == [{"type": "http.response.body", "body": b'{"codice": "AL-2026-1"}', "more_body": False}]
    assert visti == {"corpo": b'{"titolo": "Buca"}', "ip": "203.0.113.5", "query": "q=1", "host": "civico.example"}


def test_a_long_answer_is_streamed_in_blocks_and_closed_once():
    blocco = b"x" * (1024 * 1024)
    chiusure = []

    class Lunga:
        def __iter__(self):
            return (blocco for _ in range(9))

        def close(self):
            chiusure.append(1)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return Lunga()

    stato, _intestazioni, corpi = _chiama(app)

    assert stato == 200 and b"".join(c["body"] for c in corpi) == blocco * 9
    assert len(corpi) > 2 and corpi[-1]["more_body"] is False and all(c["more_body"] for c in corpi[:-1])
    assert chiusure == [1]


def test_an_error_page_replaces_the_answer_and_the_client_that_left_is_not_served():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        start_response("500 Internal Server Error", [("Content-Type", "application/json")], (None, None, None))
        return [b'{"errore": {"codice": "errore_interno"}}']

    stato, intestazioni, corpi = _chiama(app)
    assert stato == 500 and intestazioni[b"content-type"] == b"application/json"
    assert corpi[0]["body"].startswith(b'{"errore"')

    inviati = []

    async def andato_via():
        return {"type": "http.disconnect"}

    async def send(messaggio):
        inviati.append(messaggio)

    scope = {"type": "http", "method": "POST", "path": "/api/v1/segnalazioni", "headers": [(b"content-length", b"9")]}
    asyncio.run(Smistamento(None, app, thread=1)(scope, andato_via, send))
    assert inviati == []
