"""Every error of the API has one JSON shape: `{"errore": {"codice", "messaggio", "campi"}}`.

Domain errors keep their own code and status (400/403/409); the API adds 401, 404, 413/415, 422
and 429. Clients branch on `codice` (stable) and show `messaggio` (in the request's language).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field

from civico.core import disponibilita
from civico.errors import DomainError, InvalidData

logger = logging.getLogger(__name__)

_CODICI_HTTP = {400: "bad_request", 401: "unauthenticated", 403: "not_allowed", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "validation_error", 429: "rate_limited"}
# Where a parameter came from, as ninja names it: dropped from the field names shown to clients.
CORPO = "dati"  # the name of every operation's body parameter
_SORGENTI = {"query", "path", "header", "cookie", "body", "form", "file"}


class DettaglioErrore(Schema):
    codice: str = Field(description="Codice stabile dell'errore, per i programmi (es. `invalid`, `stale`).")
    messaggio: str = Field(description="Spiegazione per le persone, nella lingua della richiesta.")
    campi: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per ogni campo sbagliato, i suoi messaggi (vuoto se l'errore non riguarda un campo).",
    )


class Errore(Schema):
    """Il corpo di ogni risposta di errore."""

    errore: DettaglioErrore
    dettagli: list[dict[str, Any]] | None = Field(
        None, description="Solo per il 422: gli errori di validazione originali (posizione, tipo, messaggio)."
    )


def errori(*stati: int) -> dict[int, type[Errore]]:
    """The documented error responses of an operation (422 is added to every one)."""
    return {stato: Errore for stato in (*stati, 422)}


class NonTrovato(Http404):
    """404 with a message for the client."""


class TroppeRichieste(Exception):
    def __init__(self, attesa_s: int):
        self.attesa_s = attesa_s
        super().__init__(attesa_s)


class NonAutenticato(AuthenticationError):
    def __init__(self, messaggio: str):
        super().__init__(401, messaggio)


class TipoNonSupportato(HttpError):
    def __init__(self) -> None:
        super().__init__(415, _("Invia i dati come application/json oppure multipart/form-data."))


def corpo(codice: str, messaggio: Any, campi: dict[str, list[str]] | None = None) -> dict:
    return {"errore": {"codice": codice, "messaggio": str(messaggio), "campi": campi or {}}}


def registra_gestori(api: NinjaAPI) -> None:
    def risposta(request: HttpRequest, stato: int, dati: dict) -> HttpResponse:
        return api.create_response(request, dati, status=stato)

    @api.exception_handler(DomainError)
    def dominio(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if isinstance(exc, InvalidData):
            campi = exc.as_dict()
        else:
            campi = {exc.field: [str(exc)]} if exc.field else {}
        return risposta(request, exc.status, corpo(exc.code, exc, campi))

    @api.exception_handler(ValidationError)
    def validazione(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        campi: dict[str, list[str]] = {}
        for e in exc.errors:
            campi.setdefault(_nome_campo(e.get("loc", ())), []).append(str(e.get("msg", "")))
        dati = corpo("validation_error", _("Alcuni dati della richiesta non sono validi."), campi)
        dati["dettagli"] = exc.errors
        return risposta(request, 422, dati)

    @api.exception_handler(Http404)
    def non_trovato(request: HttpRequest, exc: Http404) -> HttpResponse:
        messaggio = str(exc) if isinstance(exc, NonTrovato) else _("Risorsa non trovata.")
        return risposta(request, 404, corpo("not_found", messaggio))

    @api.exception_handler(HttpError)
    def http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        stato = exc.status_code
        if isinstance(exc, NonAutenticato):
            messaggio = exc.message
        elif isinstance(exc, AuthenticationError):
            messaggio = _("Servono credenziali valide per questa operazione.")
        elif stato == 400:  # ninja could not parse the body
            messaggio = _("La richiesta non è leggibile: controlla il formato.")
        else:
            messaggio = exc.message
        r = risposta(request, stato, corpo(_CODICI_HTTP.get(stato, "error"), messaggio))
        if stato == 401:
            r["WWW-Authenticate"] = 'Bearer realm="civico"'
        return r

    @api.exception_handler(TroppeRichieste)
    def troppe(request: HttpRequest, exc: TroppeRichieste) -> HttpResponse:
        messaggio = _("Troppe richieste: riprova tra %(s)d secondi.") % {"s": exc.attesa_s}
        r = risposta(request, 429, corpo("rate_limited", messaggio))
        r["Retry-After"] = str(exc.attesa_s)
        return r

    @api.exception_handler(RequestDataTooBig)
    def troppo_grande(request: HttpRequest, exc: Exception) -> HttpResponse:
        return risposta(request, 413, corpo("too_large", _("La richiesta è troppo grande.")))

    def malformata(request: HttpRequest, exc: Exception) -> HttpResponse:
        return risposta(request, 400, corpo("bad_request", _("La richiesta non è leggibile: controlla il formato.")))

    for classe in (SuspiciousOperation, MultiPartParserError, UnreadablePostError, UnicodeDecodeError):
        api.add_exception_handler(classe, malformata)

    @api.exception_handler(Exception)
    def interno(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Database down or media storage full: the platform's 503 with Retry-After (civico.core).
        if (motivo := disponibilita.causa(exc)) is not None:
            return disponibilita.risposta_503(request, motivo, exc)
        # A bug, never the client's fault: logged with its traceback, answered in the same shape.
        logger.exception("Errore non gestito nell'API: %s %s", request.method, request.path)
        return risposta(request, 500, corpo("internal_error", _("Errore interno: riprova più tardi.")))


def _nome_campo(loc: Any) -> str:
    """("query", "limit") → "limit"; ("body", "dati", "testo") → "testo" (every body parameter is `dati`)."""
    parti = [str(p) for p in (loc or ())]
    if parti[:2] == ["body", CORPO]:
        parti = parti[2:]
    elif parti and parti[0] in _SORGENTI:
        parti = parti[1:]
    return ".".join(parti) or "richiesta"
