"""Request id, one structured log line per request, and the HTTP metrics (see metriche.py).

The request id comes from the proxy (`X-Request-ID`, e.g. nginx's $request_id) when it looks
sane, otherwise it is made here; it is echoed in the response and added to every log record
written while the request runs, so one line in a complaint finds all the others.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ID_RICHIESTA: contextvars.ContextVar[str] = contextvars.ContextVar("civico_request_id", default="-")
_ID_VALIDO = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
logger = logging.getLogger("civico.richieste")


class FiltroRichiesta(logging.Filter):
    """Adds `request_id` to every record (\"-\" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = ID_RICHIESTA.get()
        return True


def rotta(request: HttpRequest) -> str:
    """The URL pattern, not the path: a bounded set of label values for the metrics."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + match.route if match.route else (match.view_name or "?")
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class RichiestaMiddleware:
    """Outermost middleware: request id, timing, the access log line and the HTTP metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        arrivato = request.headers.get("X-Request-ID", "")
        rid = arrivato if _ID_VALIDO.match(arrivato) else uuid.uuid4().hex
        token = ID_RICHIESTA.set(rid)
        inizio = time.perf_counter()
        try:
            response = self.get_response(request)
            durata = time.perf_counter() - inizio
            response["X-Request-ID"] = rid
            nome = rotta(request)
            from civico.core import metriche  # imported late: see metriche's docstring

            metriche.registra_richiesta(request.method or "", nome, response.status_code, durata)
            if settings.CIVICO.get("LOG_RICHIESTE"):
                logger.info(
                    "%s %s %s", request.method, nome, response.status_code,
                    extra={"method": request.method, "route": nome, "status": response.status_code,
                           "duration_ms": round(durata * 1000, 1)},
                )
            return response
        finally:
            ID_RICHIESTA.reset(token)
