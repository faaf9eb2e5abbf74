"""Prometheus metrics: HTTP requests by route, reports submitted, and gauges read at scrape time.

Counters and histograms live in this process; with several uvicorn workers `civico serve` sets
PROMETHEUS_MULTIPROC_DIR and each worker writes them to files there, summed at scrape time by
prometheus_client's MultiProcessCollector. That variable must be set before prometheus_client is
first imported, hence the late imports of this module elsewhere.

Backlogs (the task queue, and the outbox that comunicazioni registers in core.estensioni) and the
worker's heartbeat are not counted in any process: they are read from the database when /metrics
is scraped, so every worker reports the same truth.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

RICHIESTE = Counter(
    "civico_http_requests_total", "HTTP requests answered, by method, route pattern and status.",
    ["method", "route", "status"],
)
DURATA = Histogram(
    "civico_http_request_duration_seconds", "Time to produce the response, by method and route pattern.",
    ["method", "route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 5.0, 10.0),
)
SEGNALAZIONI = Counter(
    "civico_reports_submitted_total", "Reports stored (committed), by intake channel.", ["channel"],
)


def registra_richiesta(metodo: str, rotta: str, stato: int, durata: float) -> None:
    RICHIESTE.labels(metodo, rotta, str(stato)).inc()
    DURATA.labels(metodo, rotta).observe(durata)


def segnalazione_salvata(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of Segnalazione: counted once its transaction commits (a rollback is no report)."""
    if created and not raw:
        canale = str(instance.canale or "?")
        transaction.on_commit(lambda: SEGNALAZIONI.labels(canale).inc())


class DatiDatabase(Collector):
    """Gauges read from the database at each scrape; a database error becomes civico_database_up 0."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        su = GaugeMetricFamily("civico_database_up", "1 if the metrics could read the database.")
        try:
            valori = _leggi_dal_database()
        except Exception:
            su.add_metric([], 0)
            yield su
            return
        su.add_metric([], 1)
        yield su
        for nome, aiuto, valore in valori:
            g = GaugeMetricFamily(nome, aiuto)
            if valore is not None:
                g.add_metric([], valore)
            yield g


def _leggi_dal_database() -> list[tuple[str, str, float | None]]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from civico.core import estensioni
    from civico.core.battito import eta_ultimo_battito

    valori = [valore for misure in estensioni.misure() for valore in misure()]  # the apps' (outbox)
    return valori + [
        ("civico_tasks_ready", "Background tasks queued and not yet started.",
         DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()),
        ("civico_worker_heartbeat_age_seconds", "Seconds since the freshest worker heartbeat (absent if none).",
         eta_ultimo_battito()),
    ]


def consentito(request: HttpRequest) -> bool:
    """A bearer token equal to CIVICO_METRICS_TOKEN, or a client address in the allowed list."""
    import hmac

    conf = settings.CIVICO
    token = conf.get("METRICS_TOKEN") or ""
    fornito = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(fornito.encode(), f"Bearer {token}".encode()):
        return True
    try:
        ip = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for voce in conf.get("METRICS_ALLOWED_IPS", []):
        try:
            if ip in ipaddress.ip_network(voce, strict=False):
                return True
        except ValueError:
            continue
    return False


def esposizione() -> bytes:
    """The text exposition: this process's (or every worker's) metrics, then the database gauges."""
    # Multiprocess only if this process's metrics really live in files (the directory was set
    # before prometheus_client was imported), else the files would hold nothing of ours.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and values.ValueClass.__name__ == "MmapedValue":
        registro = CollectorRegistry()
        multiprocess.MultiProcessCollector(registro)
        proprie = generate_latest(registro)
    else:
        proprie = generate_latest(REGISTRY)
    dal_db = CollectorRegistry()
    dal_db.register(DatiDatabase())
    return proprie + generate_latest(dal_db)


def risposta() -> HttpResponse:
    return HttpResponse(esposizione(), content_type=CONTENT_TYPE_LATEST)
