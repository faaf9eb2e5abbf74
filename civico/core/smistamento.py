"""The JSON APIs on Django's WSGI handler, in a thread pool of the same uvicorn worker.

Django's ASGI handler runs a stack of synchronous middleware by hopping threads for every request:
the chain in a worker thread, back to the event loop for the asynchronous core, out again for the
view, each hop with its futures and context copies. `make bench` measured those hops at 1.5–4 ms of
app CPU per API call, a third of a report's intake (docs/decisions/0017). The JSON APIs (`/api/`,
`/open311/`) need nothing asynchronous (no live streams, no slow file reads), so they run through
Django's WSGI handler, whole, in one thread of a pool (the WSGI environ built by a2wsgi); pages
stay on the ASGI handler, which streams the live updates (SSE) and large files without holding a
thread each.

The body is read in the event loop first, so a slow client holds no thread; only bodies up to
`CORPO_MASSIMO` (a JSON report, a page of Open311) go this way. Larger ones (photos, documents) and
bodies without a Content-Length (chunked: WSGI reads exactly Content-Length bytes, so Django would
see them empty) stay on ASGI, which spools them to disk. `CIVICO_API_THREADS=0` sends everything to
ASGI as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import os
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from a2wsgi.wsgi import build_environ
from django.core.exceptions import ImproperlyConfigured

PREFISSI = ("/api/", "/open311/")
_SENZA_CORPO = frozenset({"GET", "HEAD", "OPTIONS"})
CORPO_MASSIMO = 256 * 1024
THREAD_PREDEFINITI = 4


def thread_api(env: Mapping[str, str]) -> int:
    """Threads per process for the JSON APIs (CIVICO_API_THREADS; 0 = none, everything on ASGI).
    Each holds a database connection only during a request. Few: calls beyond them wait in the
    event loop, where waiting is cheap; eight threads contending for the GIL cost 9.2 ms of CPU
    per report against 7.6 with four (make bench's 16 clients on two workers)."""
    testo = env.get("CIVICO_API_THREADS", "").strip()
    if not testo:
        return THREAD_PREDEFINITI
    try:
        numero = int(testo)
    except ValueError as exc:
        raise ImproperlyConfigured(f"CIVICO_API_THREADS deve essere un numero intero, non «{testo}».") from exc
    if numero < 0:
        raise ImproperlyConfigured("CIVICO_API_THREADS non può essere negativo.")
    return numero


def va_in_wsgi(scope: Mapping[str, Any]) -> bool:
    """Whether this request goes to the WSGI handler: an HTTP call of a JSON API whose body, if it
    has one, declares a length of at most CORPO_MASSIMO."""
    if scope["type"] != "http" or not scope["path"].startswith(PREFISSI):
        return False
    if scope["method"] in _SENZA_CORPO:
        return True
    for nome, valore in scope["headers"]:
        if nome == b"content-length":
            return valore.strip().isdigit() and int(valore) <= CORPO_MASSIMO
    return False


async def _corpo(receive: Any) -> bytes | None:
    """The whole body, read in the event loop; None if the client went away meanwhile."""
    parti: list[bytes] = []
    while True:
        messaggio = await receive()
        if messaggio["type"] == "http.disconnect":
            return None
        parti.append(messaggio.get("body", b""))
        if not messaggio.get("more_body", False):
            return b"".join(parti)


class _Risposta:
    """What the WSGI application answered, gathered in its thread: a JSON answer is one body, so
    the event loop is called back once (a2wsgi's responder hands each message over and waits for
    the loop: three round trips between threads per call, ~10 % of an intake's CPU). A body longer
    than `RACCOLTA_MASSIMA` is left in `resto`, to be streamed a block at a time."""

    RACCOLTA_MASSIMA = 4 * 1024 * 1024

    def __init__(self) -> None:
        self.stato = 500
        self.intestazioni: list[tuple[bytes, bytes]] = []
        self.blocchi: list[bytes] = []
        self.resto: Iterator[bytes] | None = None
        self.chiudi: Any = None

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        # Nothing has been sent yet (the loop sends once `esegui` returns): an error page called
        # with exc_info may always replace the answer.
        self.stato = int(status.split(" ", 1)[0])
        self.intestazioni = [(nome.strip().lower().encode("latin1"), valore.strip().encode("latin1"))
                             for nome, valore in headers]
        return self.blocchi.append  # the legacy write() callable

    def esegui(self, app: Any, environ: dict) -> _Risposta:
        iterabile = app(environ, self.start_response)
        iteratore = iter(iterabile)
        raccolti = 0
        try:
            for blocco in iteratore:
                self.blocchi.append(blocco)
                raccolti += len(blocco)
                if raccolti > self.RACCOLTA_MASSIMA:
                    self.resto, self.chiudi = iteratore, getattr(iterabile, "close", None)
                    return self
        except BaseException:
            getattr(iterabile, "close", lambda: None)()
            raise
        getattr(iterabile, "close", lambda: None)()
        return self


def _prossimo(iteratore: Iterator[bytes]) -> bytes | None:
    return next(iteratore, None)


class Smistamento:
    """ASGI application: the JSON APIs to `wsgi` (run whole in a thread of a pool of ours), the rest
    to `asgi`."""

    def __init__(self, asgi: Any, wsgi: Any, thread: int | None = None) -> None:
        self.asgi = asgi
        self.wsgi = wsgi
        numero = thread_api(os.environ) if thread is None else thread
        self.esecutore = ThreadPoolExecutor(numero, thread_name_prefix="api") if numero else None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.esecutore is None or not va_in_wsgi(scope):
            await self.asgi(scope, receive, send)
            return
        corpo = await _corpo(receive)
        if corpo is None:
            return
        environ = build_environ(scope, io.BytesIO(corpo))  # type: ignore[arg-type]
        environ["wsgi.errors"] = sys.stderr
        ciclo = asyncio.get_running_loop()
        contesto = contextvars.copy_context()
        risposta = await ciclo.run_in_executor(self.esecutore, contesto.run, _Risposta().esegui, self.wsgi, environ)
        await send({"type": "http.response.start", "status": risposta.stato, "headers": risposta.intestazioni})
        try:
            await send({"type": "http.response.body", "body": b"".join(risposta.blocchi),
                        "more_body": risposta.resto is not None})
            while risposta.resto is not None:
                blocco = await ciclo.run_in_executor(self.esecutore, _prossimo, risposta.resto)
                await send({"type": "http.response.body", "body": blocco or b"", "more_body": blocco is not None})
                if blocco is None:
                    break
        finally:
            if risposta.chiudi is not None:
                await ciclo.run_in_executor(self.esecutore, risposta.chiudi)
