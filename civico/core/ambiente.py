"""Production settings read from the environment: media on S3, the database pool and read
replicas, the shared cache, logs, metrics.

Plain functions that need no Django settings, called from civico/settings.py so that each concern is
one line there and its rules can be read (and tested) in one place. See docs/deploy.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Aliases of the read replicas in DATABASES: replica_1, replica_2, …
PREFISSO_REPLICA = "replica_"


def _vero(valore: str | None) -> bool:
    return (valore or "").strip().lower() in {"1", "true", "yes", "si", "sì", "on"}


def storage_media(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's default storage: S3-compatible when CIVICO_S3_BUCKET is set, else the local folder.

    Objects are private (no ACL, signed URLs only): attachments reach people through the view
    that checks who may see them (docs/decisions/0004), never through a public bucket.
    """
    bucket = env.get("CIVICO_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    opzioni: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(env.get("CIVICO_S3_URL_EXPIRE", "300")),
        "file_overwrite": False,
        "location": env.get("CIVICO_S3_PREFIX", "").strip("/"),
        "signature_version": "s3v4",
        # Path-style addressing works with every S3-compatible server (MinIO, Ceph, moto…).
        "addressing_style": env.get("CIVICO_S3_ADDRESSING_STYLE", "path"),
    }
    for chiave, nome in (
        ("endpoint_url", "CIVICO_S3_ENDPOINT_URL"),
        ("region_name", "CIVICO_S3_REGION"),
        ("access_key", "CIVICO_S3_ACCESS_KEY_ID"),
        ("secret_key", "CIVICO_S3_SECRET_ACCESS_KEY"),
    ):
        if env.get(nome):
            opzioni[chiave] = env[nome]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": opzioni}


def pool_connessioni(env: Mapping[str, str]) -> dict[str, Any] | None:
    """psycopg's connection pool for PostgreSQL when CIVICO_DB_POOL (connections per process) is set.

    Under ASGI Django runs each request's database work in a thread of its own, so persistent
    connections (CONN_MAX_AGE) are never reused and pile up until PostgreSQL refuses clients
    ("too many clients already": seen by make bench as 503s). A pool shared by the threads of a
    process keeps at most this many open and lends them request by request; a request that finds
    none free waits up to CIVICO_DB_POOL_TIMEOUT seconds, then gets the usual 503 + Retry-After.
    """
    testo = env.get("CIVICO_DB_POOL", "").strip()
    if not testo:
        return None
    try:
        massimo, attesa = int(testo), float(env.get("CIVICO_DB_POOL_TIMEOUT", "3"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"CIVICO_DB_POOL e CIVICO_DB_POOL_TIMEOUT devono essere numeri: {exc}") from exc
    if massimo < 1 or attesa <= 0:
        raise ImproperlyConfigured("CIVICO_DB_POOL deve essere almeno 1 e CIVICO_DB_POOL_TIMEOUT positivo.")
    return {"min_size": 1, "max_size": massimo, "timeout": attesa}


def usa_pool(voce: dict[str, Any], pool: dict[str, Any] | None) -> None:
    """Give a PostgreSQL DATABASES entry the pool (which excludes persistent connections)."""
    if pool and voce.get("ENGINE", "").endswith("postgresql"):
        voce.setdefault("OPTIONS", {})["pool"] = dict(pool)
        voce["CONN_MAX_AGE"] = 0
        # The pool checks a connection before lending it: after PostgreSQL restarts, the dead
        # ones are replaced instead of failing one request each.
        voce["CONN_HEALTH_CHECKS"] = True


def cache_condivisa(env: Mapping[str, str]) -> dict[str, Any] | None:
    """Django's cache on Redis when CIVICO_CACHE_URL is set (redis://, rediss:// or unix://).

    Without it each process has its own memory cache: rate limits count per process, and a
    change to remembered configuration (civico.core.memoria: a revoked API key, a ban, a
    category) reaches the other workers only when their TTL expires. With it, at once.
    """
    url = env.get("CIVICO_CACHE_URL", "").strip()
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CIVICO_CACHE_URL deve essere un indirizzo Redis (redis://, rediss:// o unix://), non «{url[:40]}»."
        )
    return {"BACKEND": "civico.core.cache_redis.RedisCacheDiProcesso", "LOCATION": url, "KEY_PREFIX": "civico"}


def repliche(env: Mapping[str, str], primario: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """One DATABASES entry per URL in CIVICO_DATABASE_REPLICA_URLS (comma separated).

    Tests mirror the primary (Django must not create a test database on a read-only standby);
    a short connect timeout lets the router fall back to the primary when a replica is down.
    """
    urls = [u.strip() for u in env.get("CIVICO_DATABASE_REPLICA_URLS", "").split(",") if u.strip()]
    voci: dict[str, dict[str, Any]] = {}
    for i, url in enumerate(urls, start=1):
        voce = dj_database_url.parse(url, conn_max_age=primario.get("CONN_MAX_AGE", 0))
        attesa = int(env.get("CIVICO_REPLICA_CONNECT_TIMEOUT", "2"))
        voce.setdefault("OPTIONS", {}).setdefault("connect_timeout", attesa)
        voce["TEST"] = {"MIRROR": "default"}
        usa_pool(voce, pool_connessioni(env))
        voci[f"{PREFISSO_REPLICA}{i}"] = voce
    return voci


def formato_log(env: Mapping[str, str], produzione: bool) -> str:
    formato = env.get("CIVICO_LOG_FORMAT", "json" if produzione else "text").strip().lower()
    return "json" if formato == "json" else "text"


def logging_config(env: Mapping[str, str], produzione: bool) -> dict[str, Any]:
    """One console handler; JSON lines (with the request id) in production, plain text on a laptop.

    uvicorn's own loggers go through the same handler (`civico serve` passes this dict to it),
    so every line on stdout has one shape for journald or a log shipper.
    """
    livello = env.get("LOG_LEVEL", "INFO").upper()
    json = formato_log(env, produzione) == "json"
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    gestore = {"handlers": ["console"], "level": livello, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"richiesta": {"()": "civico.core.osservabilita.FiltroRichiesta"}},
        "formatters": {"civico": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "civico", "filters": ["richiesta"]},
        },
        "root": {"handlers": ["console"], "level": livello},
        "loggers": {
            "uvicorn": gestore,
            "uvicorn.error": gestore,
            # Our middleware writes one line per request (with route and request id) in JSON mode.
            "uvicorn.access": {**gestore, "level": "WARNING" if json else livello},
        },
    }


def metriche(env: Mapping[str, str], produzione: bool) -> dict[str, Any]:
    """Who may read /metrics: a bearer token, or client addresses (CIDR allowed)."""
    ip_predefiniti = "" if produzione else "127.0.0.1,::1"
    return {
        "METRICS_TOKEN": env.get("CIVICO_METRICS_TOKEN", ""),
        "METRICS_ALLOWED_IPS": [
            ip.strip() for ip in env.get("CIVICO_METRICS_ALLOWED_IPS", ip_predefiniti).split(",") if ip.strip()
        ],
    }


def opzioni_piattaforma(env: Mapping[str, str], produzione: bool) -> dict[str, Any]:
    """The CIVICO[...] keys this module owns."""
    return {
        **metriche(env, produzione),
        "LOG_RICHIESTE": formato_log(env, produzione) == "json" or _vero(env.get("CIVICO_LOG_REQUESTS")),
        # Seconds a client is asked to wait when the database or the media storage is unavailable.
        "RETRY_AFTER_SECONDS": int(env.get("CIVICO_RETRY_AFTER", "15")),
        # After a write, this browser reads from the primary for a few seconds (read-your-writes
        # across the redirect that follows a form).
        "REPLICA_STICKY_SECONDS": int(env.get("CIVICO_REPLICA_STICKY_SECONDS", "5")),
        # /readyz: a worker heartbeat older than this is "stale"; 503 only if the worker is required.
        "WORKER_MAX_AGE_SECONDS": int(env.get("CIVICO_WORKER_MAX_AGE", "120")),
        "READYZ_REQUIRE_WORKER": _vero(env.get("CIVICO_READYZ_REQUIRE_WORKER")),
        "WORKER_HEARTBEAT_SECONDS": int(env.get("CIVICO_WORKER_HEARTBEAT", "15")),
        # /readyz says "degraded" when a due message has waited longer than this (503 with READYZ_REQUIRE_WORKER).
        "OUTBOX_MAX_AGE_SECONDS": int(env.get("CIVICO_OUTBOX_MAX_AGE", "300")),
    }
