"""Every request body is capped by the app itself (civico.core.corpo), before it is read: a huge
declared Content-Length is answered 413 at once, a chunked body is cut off as soon as it passes the
route's limit. Over real sockets against `civico serve` (uvicorn), as tests/deploy does."""

from __future__ import annotations

import json
import select
import socket

import pytest
from django.conf import settings

from civico.core import corpo
from tests.deploy.conftest import Server, ambiente, porta_libera

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One uvicorn worker; no database (nothing listens there): the cap must not need it."""
    tmp = tmp_path_factory.mktemp("corpo")
    env = ambiente(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{porta_libera()}/civico", CIVICO_DEBUG="0",
        CIVICO_VAR_DIR=str(tmp / "var"), PROMETHEUS_MULTIPROC_DIR="", CIVICO_METRICS_ALLOWED_IPS="",
    )
    s = Server(env, workers=1, tmp=tmp)
    try:
        s.attendi()
        yield s
    finally:
        s.chiudi()


def _risposta(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    dati = b""
    while b"\r\n\r\n" not in dati:
        pezzo = sock.recv(65536)
        if not pezzo:
            break
        dati += pezzo
    testa, _, resto = dati.partition(b"\r\n\r\n")
    righe = testa.decode("latin-1").split("\r\n")
    stato = int(righe[0].split()[1])
    intestazioni = {k.strip().lower(): v.strip() for k, _, v in (r.partition(":") for r in righe[1:])}
    lunghezza = int(intestazioni.get("content-length", "0"))
    while len(resto) < lunghezza:
        pezzo = sock.recv(65536)
        if not pezzo:
            break
        resto += pezzo
    return stato, intestazioni, resto


def _testa(metodo: str, percorso: str, server: Server, **intestazioni: str) -> bytes:
    righe = [f"{metodo} {percorso} HTTP/1.1", f"Host: 127.0.0.1:{server.porta}",
             *(f"{k.replace('_', '-')}: {v}" for k, v in intestazioni.items())]
    return ("\r\n".join(righe) + "\r\n\r\n").encode()


def _dichiarato(server: Server, percorso: str, lunghezza: int, **intestazioni: str):
    """Declare `lunghezza` bytes, send only the first 64 KB of them, read the answer."""
    with socket.create_connection(("127.0.0.1", server.porta), timeout=10) as sock:
        sock.sendall(_testa("POST", percorso, server, Content_Length=str(lunghezza),
                            Content_Type="application/octet-stream", **intestazioni))
        sock.sendall(b"x" * 65536)
        return _risposta(sock)


def _a_pezzi(server: Server, percorso: str, totale: int, **intestazioni: str) -> tuple[int, int, bytes]:
    """A chunked body without Content-Length, sent while the server reads it (up to `totale`):
    returns (status, bytes the server took before answering, body)."""
    blocco = b"a" * 65536
    inviati = 0
    with socket.create_connection(("127.0.0.1", server.porta), timeout=10) as sock:
        sock.sendall(_testa("POST", percorso, server, Transfer_Encoding="chunked",
                            Content_Type="application/x-www-form-urlencoded", **intestazioni))
        sock.settimeout(2)
        try:
            while inviati < totale:
                leggibile, _, _ = select.select([sock], [], [], 0)
                if leggibile:  # the answer came: the server stopped reading
                    break
                sock.sendall(b"%x\r\n" % len(blocco) + blocco + b"\r\n")
                inviati += len(blocco)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (TimeoutError, ConnectionError):
            pass  # the server stopped reading (and our buffers filled) or closed: it answered
        sock.settimeout(10)
        stato, _intestazioni, contenuto = _risposta(sock)
    return stato, inviati, contenuto


def test_a_300_mb_declared_body_is_refused_at_once_without_reading_it(server):
    stato, intestazioni, contenuto = _dichiarato(server, "/scrivi-al-sindaco/alessandria/", 300 * MB)
    assert stato == 413 and "troppo grande" in contenuto.decode()
    assert intestazioni["content-type"].startswith("text/html")


def test_an_upload_route_refuses_above_its_own_larger_limit_in_json(server):
    limite = corpo.limiti()["allegati"]
    stato, _, contenuto = _dichiarato(server, "/api/v1/segnalazioni", limite + 1)
    errore = json.loads(contenuto)["errore"]
    assert stato == 413 and errore["codice"] == "richiesta_troppo_grande"
    assert "La richiesta è troppo grande" in errore["messaggio"]


def test_open311_gets_its_own_error_shape_and_english_when_asked(server):
    stato, _, contenuto = _dichiarato(server, "/open311/v2/requests.json", 300 * MB, Accept_Language="en")
    assert stato == 413
    [errore] = json.loads(contenuto)
    assert errore["code"] == 413 and errore["description"].startswith("The request is too large")


def test_a_chunked_body_is_cut_off_soon_after_the_limit(server):
    # 64 MB offered to a 1 MB route: the server stops taking bytes shortly after its limit (what
    # the kernel's socket buffers hold on both sides is the rest of the margin).
    stato, inviati, contenuto = _a_pezzi(server, "/scrivi-al-sindaco/alessandria/", 64 * MB)
    assert stato == 413 and "troppo grande" in contenuto.decode()
    assert inviati < 12 * MB


def test_a_chunked_upload_over_its_limit_is_cut_off_too(server):
    limite = corpo.limiti()["allegati"]
    stato, inviati, _ = _a_pezzi(server, "/api/v1/segnalazioni", limite + 40 * MB, Accept="application/json")
    assert stato == 413 and inviati < limite + 12 * MB


def test_bodies_within_the_limit_pass_to_the_app(server):
    # 3 MB to an upload route passes the cap (the API itself then refuses 3 MB that are no multipart).
    stato, inviati, contenuto = _a_pezzi(server, "/api/v1/segnalazioni", 3 * MB, Accept="application/json")
    assert inviati == 3 * MB and b"richiesta_troppo_grande" not in contenuto
    with socket.create_connection(("127.0.0.1", server.porta), timeout=10) as sock:
        sock.sendall(_testa("POST", "/scrivi-al-sindaco/alessandria/", server, Content_Length="5",
                            Content_Type="application/x-www-form-urlencoded") + b"tipo=")
        assert _risposta(sock)[0] != 413


# --- The same limits under WSGI (the test client), from the declared length.

@pytest.mark.parametrize(("percorso", "lunghezza", "atteso"), [
    ("/scrivi-al-sindaco/alessandria/", 2 * MB, 413),
    ("/area-personale/accedi/", 300 * MB, 413),
    ("/api/v1/segnalazioni", 300 * MB, 413),
    ("/open311/v2/requests.json", 300 * MB, 413),
    ("/percorso/inesistente/", 5 * MB, 413),
])
@pytest.mark.django_db
def test_the_test_client_path_refuses_large_declared_bodies(client, percorso, lunghezza, atteso):
    r = client.post(percorso, b"x", content_type="application/octet-stream", CONTENT_LENGTH=str(lunghezza))
    assert r.status_code == atteso


def test_the_upload_limit_follows_the_media_settings():
    civico = settings.CIVICO
    assert corpo.limiti()["allegati"] >= civico["MAX_FILE_BYTES"] * civico["MAX_FILES_PER_REPORT"]
    assert corpo.limite_per("/api/v1/segnalazioni") == corpo.limiti()["allegati"]
    assert corpo.limite_per("/scrivi-al-sindaco/alessandria/") == MB


def test_every_view_that_reads_files_has_the_upload_limit():
    """A new upload view left in the 1 MB class would refuse every photo: the map must name it."""
    import inspect

    from django.urls import get_resolver

    def viste(modelli, spazio=""):
        for m in modelli:
            if hasattr(m, "url_patterns"):
                yield from viste(m.url_patterns, f"{spazio}:{m.namespace}".strip(":") if m.namespace else spazio)
            elif m.name:
                yield (f"{spazio}:{m.name}" if spazio else m.name), m.callback

    senza = []
    for nome, vista in viste(get_resolver().url_patterns):
        try:
            sorgente = inspect.getsource(inspect.unwrap(vista))
        except (TypeError, OSError):
            continue
        # Django's admin: its generic views mention FILES; Civico's admin models take no files.
        if nome.startswith("admin:"):
            continue
        if "request.FILES" in sorgente and corpo.classe_di_vista(nome) != "allegati":
            senza.append(nome)
    assert senza == []
