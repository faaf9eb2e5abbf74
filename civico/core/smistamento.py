"""The JSON APIs on Django's WSGI handler, in a thread pool of the same uvicorn worker.

Django's ASGI handler runs a stack of synchronous middleware by hopping threads for every request:
the chain in a worker thread, back to the event loop for the asynchronous core, out again for the
view, each hop with its futures and context copies. `make bench` measured those hops at 1.5–4 ms of
app CPU per API call, a third of a report's intake (docs/decisions/0017). The JSON APIs (`/api/`,
`/open311/`) need nothing asynchronous (no live streams, no slow file reads), so a2wsgi runs them
through Django's WSGI handler, whole, in one thread of a pool; pages stay on the ASGI handler,
which streams the live updates (SSE) and large files without holding a thread each.

The body is read in the event loop first, so a slow client holds no thread; only bodies up to
`CORPO_MASSIMO` (a JSON report, a page of Open311) go this way. Larger ones (photos, documents) and
bodies without a Content-Length (chunked: WSGI reads exactly Content-Length bytes, so Django would
see them empty) stay on ASGI, which spools them to disk. `CIVICO_API_THREADS=0` sends everything to
ASGI as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from a2wsgi import WSGIMiddleware
from django.core.exceptions import ImproperlyConfigured

PREFISSI = ("/api/", "/open311/")
_SENZA_CORPO = frozenset({"GET", "HEAD", "OPTIONS"})
CORPO_MASSIMO = 256 * 1024
THREAD_PREDEFINITI = 8


def thread_api(env: Mapping[str, str]) -> int:
    """Threads per process for the JSON APIs (CIVICO_API_THREADS; 0 = none, everything on ASGI).
    Like the ASGI handler's own threads, each holds a database connection only during a request."""
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


async def _letto(receive: Any) -> Any | None:
    """The whole body read now, replayed as one message; None if the client went away meanwhile."""
    parti: list[bytes] = []
    while True:
        messaggio = await receive()
        if messaggio["type"] == "http.disconnect":
            return None
        parti.append(messaggio.get("body", b""))
        if not messaggio.get("more_body", False):
            break
    restanti = [{"type": "http.request", "body": b"".join(parti), "more_body": False}]

    async def di_nuovo() -> dict:
        return restanti.pop() if restanti else await receive()  # then: the disconnect, when it comes

    return di_nuovo


class Smistamento:
    """ASGI application: the JSON APIs to `wsgi` (run by a2wsgi's thread pool), the rest to `asgi`."""

    def __init__(self, asgi: Any, wsgi: Any, thread: int | None = None) -> None:
        self.asgi = asgi
        numero = thread_api(os.environ) if thread is None else thread
        self.wsgi = WSGIMiddleware(wsgi, workers=numero) if numero else None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.wsgi is not None and va_in_wsgi(scope):
            if (riletto := await _letto(receive)) is not None:
                await self.wsgi(scope, riletto, send)
        else:
            await self.asgi(scope, receive, send)
