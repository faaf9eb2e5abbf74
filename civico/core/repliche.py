"""Read replicas: a database router that sends read-only traffic to a streaming standby.

What may read from a replica: the queries of a GET/HEAD/OPTIONS request, outside transactions,
before that request writes anything, and when this browser has not written in the last few
seconds (a cookie set after each write: the redirect after a form reads what it wrote). The
rest goes to the primary: writes, reads inside `transaction.atomic()` (they decide writes),
POST requests, the worker and management commands (unless they opt in with `letture_dalle_repliche`).
A replica that refuses connections is skipped for a while and the primary serves its reads.
"""

from __future__ import annotations

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from civico.core.ambiente import PREFISSO_REPLICA

logger = logging.getLogger(__name__)

PRIMARIO = "default"
COOKIE = "civico_primario"
METODI_SICURI = frozenset({"GET", "HEAD", "OPTIONS"})
PAUSA_DOPO_ERRORE_S = 30.0


@dataclass
class StatoLetture:
    repliche_ammesse: bool
    scritto: bool = False


_STATO: contextvars.ContextVar[StatoLetture | None] = contextvars.ContextVar("civico_letture", default=None)
_fuori_uso: dict[str, float] = {}  # alias → monotonic time until which it is skipped


def alias_repliche() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(PREFISSO_REPLICA)]


@contextmanager
def letture_dalle_repliche() -> Iterator[StatoLetture]:
    """Let the reads of this block (a report, an export) go to a replica, until it writes."""
    stato = StatoLetture(repliche_ammesse=True)
    token = _STATO.set(stato)
    try:
        yield stato
    finally:
        _STATO.reset(token)


def _replica_disponibile() -> str | None:
    candidati = [a for a in alias_repliche() if _fuori_uso.get(a, 0.0) <= time.monotonic()]
    random.shuffle(candidati)
    for alias in candidati:
        try:
            connections[alias].ensure_connection()
            return alias
        except DatabaseError:
            logger.warning("Replica %s non raggiungibile: letture sul primario per %d s", alias, PAUSA_DOPO_ERRORE_S)
            _fuori_uso[alias] = time.monotonic() + PAUSA_DOPO_ERRORE_S
    return None


class RouterRepliche:
    def db_for_read(self, model, **hints) -> str:
        stato = _STATO.get()
        if stato is None or not stato.repliche_ammesse or stato.scritto:
            return PRIMARIO
        if connections[PRIMARIO].in_atomic_block:
            return PRIMARIO
        return _replica_disponibile() or PRIMARIO

    def db_for_write(self, model, **hints) -> str:
        stato = _STATO.get()
        if stato is not None:
            stato.scritto = True  # read-your-writes: the rest of this request reads the primary
        return PRIMARIO

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARIO


class ReplicheMiddleware:
    """Sets, per request, whether its reads may go to a replica; after a write, the sticky cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.attive = bool(alias_repliche())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.attive:
            return self.get_response(request)
        stato = StatoLetture(repliche_ammesse=request.method in METODI_SICURI and COOKIE not in request.COOKIES)
        token = _STATO.set(stato)
        try:
            response = self.get_response(request)
        finally:
            _STATO.reset(token)
        secondi = settings.CIVICO.get("REPLICA_STICKY_SECONDS", 5)
        if stato.scritto and secondi > 0:
            response.set_cookie(COOKIE, "1", max_age=secondi, httponly=True, samesite="Lax", secure=request.is_secure())
        return response
