"""A cap on every request body, enforced by the app itself before the body is read.

Under ASGI Django reads the WHOLE body (spooled to disk) before any middleware or view runs, so
DATA_UPLOAD_MAX_MEMORY_SIZE never stops a 300 MB POST from being received. `LimiteCorpoASGI` wraps
the ASGI application: a declared Content-Length above the route's limit is answered 413 without
reading a byte of the body; a body without one (chunked) is counted as it arrives and the request
is cut off as soon as it passes the limit. `LimiteCorpoMiddleware` does the Content-Length check
for WSGI and the test client (WSGI reads no more than Content-Length, so that is enough there).

The limit depends on the route's class: `allegati` for the views that take photos and documents
(as many files as a report may have, each at most CIVICO["MAX_FILE_BYTES"], plus the form), 1 MB
(`predefinito`) for everything else. CIVICO["MAX_CORPO"] overrides a class's bytes,
CIVICO["MAX_CORPO_VISTE"] maps more URL names to a class (as civico.core.limiti does for writes).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

# URL name → class; views that receive files.
CLASSI_PER_VISTA: dict[str, str] = {
    "portale:flusso_disservizio": "allegati",
    "portale:flusso_allegati": "allegati",
    "portale:segnalante_foto": "allegati",
    "api-v1:segnalazioni": "allegati",
    "api-v1:allega": "allegati",
    "open311:requests": "allegati",
    "backoffice:nuova": "allegati",  # a report taken at the counter, with its attachments
    "backoffice:azione": "allegati",  # staff actions on a report may attach files
    # An ente administrator's asset layer (CSV or GeoJSON, up to 50 MB: patrimonio/importa.py).
    "configurazione:patrimonio": "allegati",
}
PREDEFINITO = 1024 * 1024
MARGINE_MODULO = 2 * 1024 * 1024  # the form's fields and the multipart framing around the files


def limiti() -> dict[str, int]:
    civico = getattr(settings, "CIVICO", {})
    allegati = civico["MAX_FILE_BYTES"] * civico["MAX_FILES_PER_REPORT"] + MARGINE_MODULO
    return {"predefinito": PREDEFINITO, "allegati": allegati, **(civico.get("MAX_CORPO") or {})}


def classe_di_vista(nome: str) -> str:
    mappa = {**CLASSI_PER_VISTA, **(getattr(settings, "CIVICO", {}).get("MAX_CORPO_VISTE") or {})}
    return mappa.get(nome, "predefinito")


def classe_di(percorso: str, urlconf: str | None = None) -> str:
    nome = _vista(percorso, urlconf or settings.ROOT_URLCONF)
    return "predefinito" if nome is None else classe_di_vista(nome)


@lru_cache(maxsize=4096)
def _vista(percorso: str, urlconf: str) -> str | None:
    """The view's name at a path, remembered: every request with a body asked the resolver (twice
    for the APIs, the ASGI wrapper and then the middleware), ~0.2 ms each."""
    try:
        return resolve(percorso, urlconf).view_name
    except Resolver404:
        return None


def limite_per(percorso: str, urlconf: str | None = None) -> int:
    """The most bytes a request body to this path may have."""
    valori = limiti()
    return int(valori.get(classe_di(percorso, urlconf), valori["predefinito"]))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def risposta_413(percorso: str, accetta: str, massimo: int) -> tuple[str, bytes]:
    """(content type, body) of the 413: JSON in the API's or GeoReport's error shape, else a page.
    Uses the active language."""
    messaggio = _("La richiesta è troppo grande: il massimo è %(massimo)s. Non è stata eseguita.") % {
        "massimo": _mb(massimo)}
    if percorso.startswith("/open311/"):
        return "application/json", json.dumps([{"code": 413, "description": messaggio}]).encode()
    if percorso.startswith(("/api/", "/comunicazioni/sms/", "/comunicazioni/push/")) or (
        "application/json" in accetta and "text/html" not in accetta
    ):
        corpo = {"errore": {"codice": "richiesta_troppo_grande", "messaggio": messaggio, "campi": {}}}
        return "application/json", json.dumps(corpo).encode()
    # Without a request context: this page must need nothing (no session, no database).
    return "text/html; charset=utf-8", render_to_string("core/413.html", {"messaggio": messaggio}).encode()


class LimiteCorpoMiddleware:
    """WSGI and the test client: a declared Content-Length over the route's limit is a 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        dichiarata = request.META.get("CONTENT_LENGTH") or "0"
        massimo = limite_per(request.path_info, getattr(request, "urlconf", None))
        if not dichiarata.isdigit() or int(dichiarata) > massimo:
            tipo, corpo = risposta_413(request.path, request.headers.get("Accept", ""), massimo)
            return HttpResponse(corpo, status=413, content_type=tipo, headers={"Connection": "close"})
        return self.get_response(request)


Scope = dict[str, Any]
Messaggio = dict[str, Any]


def _lingua(accetta_lingua: str) -> str:
    for codice, _peso in trans_real.parse_accept_lang_header(accetta_lingua):
        if codice == "*":
            break
        try:
            return trans_real.get_supported_language_variant(codice)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class LimiteCorpoASGI:
    """Wraps the ASGI application (see the module doc)."""

    def __init__(self, app: Callable[[Scope, Callable, Callable], Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Messaggio]],
                      send: Callable[[Messaggio], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        intestazioni = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        percorso = scope.get("path", "")
        percorso_app = percorso[len(scope.get("root_path", "")):] if scope.get("root_path") else percorso
        dichiarata = intestazioni.get("content-length")
        if dichiarata is None and "transfer-encoding" not in intestazioni:
            await self.app(scope, receive, send)  # no body at all: nothing to count
            return
        massimo = limite_per(percorso_app)
        if dichiarata is not None and (not dichiarata.strip().isdigit() or int(dichiarata) > massimo):
            await self._rispondi_413(percorso, intestazioni, massimo, send)
            return

        letti = 0
        superato = False

        async def ricevi() -> Messaggio:
            nonlocal letti, superato
            if superato:
                return {"type": "http.disconnect"}
            messaggio = await receive()
            if messaggio["type"] == "http.request":
                letti += len(messaggio.get("body", b""))
                if letti > massimo:
                    # Django stops reading at a disconnect and answers nothing: the 413 is ours.
                    superato = True
                    return {"type": "http.disconnect"}
            return messaggio

        iniziata = False

        async def invia(messaggio: Messaggio) -> None:
            nonlocal iniziata
            if messaggio["type"] == "http.response.start":
                iniziata = True
            await send(messaggio)

        await self.app(scope, ricevi, invia)
        if superato and not iniziata:
            await self._rispondi_413(percorso, intestazioni, massimo, send)

    async def _rispondi_413(self, percorso: str, intestazioni: dict[str, str], massimo: int,
                            send: Callable[[Messaggio], Awaitable[None]]) -> None:
        with translation.override(_lingua(intestazioni.get("accept-language", ""))):
            tipo, corpo = risposta_413(percorso, intestazioni.get("accept", ""), massimo)
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", tipo.encode()), (b"content-length", str(len(corpo)).encode()),
            (b"connection", b"close"), (b"cache-control", b"no-store"),
        ]})
        await send({"type": "http.response.body", "body": corpo})
