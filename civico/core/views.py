"""/readyz and /metrics. /healthz (liveness: the process answers and reaches the database) is
the portal's; /readyz says whether this instance should receive traffic."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

_migrazioni_applicate = False  # once true it stays true for this code: no need to ask again


def _database(alias: str) -> dict[str, Any]:
    inizio = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - inizio) * 1000, 1)}


def _migrazioni() -> dict[str, Any]:
    global _migrazioni_applicate
    if _migrazioni_applicate:
        return {"status": "ok"}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        piano = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    if piano:
        return {"status": "error", "pending": len(piano)}
    _migrazioni_applicate = True
    return {"status": "ok"}


def _cache() -> dict[str, Any]:
    chiave, valore = f"civico:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(chiave, valore, timeout=10)
        letto = cache.get(chiave)
        cache.delete(chiave)
    except Exception as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok"} if letto == valore else {"status": "error", "error": "mismatch"}


def _worker() -> dict[str, Any]:
    if "immediate" in settings.TASKS["default"]["BACKEND"].lower():
        return {"status": "ok", "required": False, "note": "tasks run inline"}
    from civico.core.battito import eta_ultimo_battito

    richiesto = settings.CIVICO["READYZ_REQUIRE_WORKER"]
    try:
        eta = eta_ultimo_battito()
    except Exception as exc:
        return {"status": "error", "required": richiesto, "error": exc.__class__.__name__}
    fresco = eta is not None and eta <= settings.CIVICO["WORKER_MAX_AGE_SECONDS"]
    return {"status": "ok" if fresco else "stale", "required": richiesto,
            "heartbeat_age_s": None if eta is None else round(eta, 1)}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    db = _database(DEFAULT_DB_ALIAS)
    controlli: dict[str, Any] = {
        "database": db,
        "migrations": _migrazioni() if db["status"] == "ok" else {"status": "unknown"},
        "cache": _cache(),
        "worker": _worker() if db["status"] == "ok" else {"status": "unknown"},
    }
    from civico.core import estensioni
    from civico.core.repliche import alias_repliche

    registrati = estensioni.controlli()  # the apps' own (comunicazioni: the outbox)
    for nome, controllo in registrati.items():
        controlli[nome] = controllo() if db["status"] == "ok" else {"status": "unknown"}

    repliche = {alias: _database(alias) for alias in alias_repliche()}
    if repliche:  # informative: the router falls back to the primary when a replica is down
        controlli["replicas"] = repliche
    pronto = all(controlli[c]["status"] == "ok" for c in ("database", "migrations", "cache")) and (
        controlli["worker"]["status"] == "ok" or not controlli["worker"].get("required")
    )
    stato = "ok" if pronto else "error"
    if pronto and any(controlli[nome]["status"] != "ok" for nome in registrati):
        stato = "degraded"
    # An app's check (late mail) degrades readiness but takes the node out of the balancer only
    # where the worker is required (CIVICO_READYZ_REQUIRE_WORKER): otherwise a stopped worker
    # would stop the web pages too.
    servibile = stato == "ok" or (stato == "degraded" and not settings.CIVICO["READYZ_REQUIRE_WORKER"])
    return JsonResponse({"status": stato, "checks": controlli}, status=200 if servibile else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    from civico.core import metriche

    if not metriche.consentito(request):
        return HttpResponse("403 Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return metriche.risposta()
