"""Database or shared cache down, media storage full: a clear 503 with Retry-After, never a bare 500.

The middleware catches these errors from views; `errore_server` (handler500) catches the same
ones raised outside views (a session saved by a middleware), where Django has already turned
the exception into its 500 handler call.
"""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error

logger = logging.getLogger(__name__)

_SPAZIO_ESAURITO = {errno.ENOSPC, errno.EDQUOT}


def causa(exc: BaseException) -> str | None:
    """'database', 'cache' or 'storage' when `exc` means a passing unavailability, else None."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    if _redis_non_disponibile(exc):  # the shared cache (CIVICO_CACHE_URL) is down or restarting
        return "cache"
    if isinstance(exc, OSError) and exc.errno in _SPAZIO_ESAURITO:
        return "storage"
    return "storage" if _s3_non_disponibile(exc) else None


def _redis_non_disponibile(exc: BaseException) -> bool:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)


def _s3_non_disponibile(exc: BaseException) -> bool:
    try:
        from botocore.exceptions import ClientError
        from botocore.exceptions import ConnectionError as BotoConnectionError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return False
    if isinstance(exc, BotoConnectionError):
        return True
    if isinstance(exc, ClientError):
        codice = exc.response.get("Error", {}).get("Code", "")
        stato = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return codice in {"SlowDown", "ServiceUnavailable", "QuotaExceeded", "InsufficientStorage"} or stato in {
            500, 503, 507}
    return False


def risposta_503(request: HttpRequest, motivo: str, exc: BaseException | None = None) -> HttpResponse:
    if exc is not None:  # one line, no traceback: during an outage there are many
        logger.warning("Servizio non disponibile (%s): %s: %s", motivo, exc.__class__.__name__, str(exc)[:300])
    attesa = int(settings.CIVICO.get("RETRY_AFTER_SECONDS", 15))
    if motivo == "storage":
        messaggio = _("Non è possibile salvare i file in questo momento e la richiesta non è stata "
                      "eseguita. Riprova tra qualche minuto.")
    else:
        messaggio = _("Il servizio è momentaneamente non disponibile e la richiesta non è stata eseguita. "
                      "Riprova tra qualche istante.")
    if request.path.startswith("/open311/"):  # GeoReport v2's error shape
        response: HttpResponse = JsonResponse([{"code": 503, "description": messaggio}], safe=False, status=503)
    elif _vuole_json(request):  # the JSON API's error shape (civico.api.errori)
        response = JsonResponse(
            {"errore": {"codice": "servizio_non_disponibile", "messaggio": messaggio, "campi": {}},
             "causa": motivo, "retry_after": attesa},
            status=503,
        )
    else:
        # Without the request: the context processors would query the database that may be down.
        pagina = render_to_string("core/non_disponibile.html", {"messaggio": messaggio, "attesa": attesa})
        response = HttpResponse(pagina, status=503)
    response["Retry-After"] = str(attesa)
    response["Cache-Control"] = "no-store"
    return response


def _vuole_json(request: HttpRequest) -> bool:
    percorso = request.path
    if percorso.startswith(("/api/", "/open311/")) or percorso in {"/healthz", "/readyz"}:
        return True
    accetta = request.headers.get("Accept", "")
    return "application/json" in accetta and "text/html" not in accetta


class DisponibilitaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        motivo = causa(exc)
        if motivo is None:
            return None
        _chiudi_connessioni_rotte()
        return risposta_503(request, motivo, exc)


def _chiudi_connessioni_rotte() -> None:
    """Drop broken connections now, so the next request opens a fresh one."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        try:
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        except Exception:
            conn.connection = None


def errore_server(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 above when the uncaught error is an unavailability, else Django's 500."""
    exc = sys.exc_info()[1]
    motivo = causa(exc) if exc is not None else None
    if motivo is not None:
        try:
            return risposta_503(request, motivo, exc)
        except Exception:  # rendering must not fail twice: a plain text answer still says "retry"
            r = HttpResponse("503 Service Unavailable", status=503, content_type="text/plain; charset=utf-8")
            r["Retry-After"] = str(settings.CIVICO.get("RETRY_AFTER_SECONDS", 15))
            return r
    return server_error(request)
