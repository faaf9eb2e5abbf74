"""/readyz and /metrics in process: what an orchestrator and Prometheus see."""

from __future__ import annotations

import re

import pytest

from civico.comunicazioni.models import Notifica, StatoNotifica
from civico.core import battito
from tests.deploy.aiuti import invia_con_foto

pytestmark = pytest.mark.django_db


def test_readyz_is_ok_with_database_migrations_and_cache(client):
    r = client.get("/readyz")

    assert r.status_code == 200, r.content
    controlli = r.json()["checks"]
    assert {c: controlli[c]["status"] for c in ("database", "migrations", "cache")} == {
        "database": "ok", "migrations": "ok", "cache": "ok"}


@pytest.fixture
def worker_in_coda(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def test_without_a_worker_heartbeat_readyz_says_stale_but_stays_ready_unless_required(client, worker_in_coda):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"]["worker"] == {
        "status": "stale", "required": False, "heartbeat_age_s": None}

    worker_in_coda.CIVICO = {**worker_in_coda.CIVICO, "READYZ_REQUIRE_WORKER": True}
    assert client.get("/readyz").status_code == 503

    battito.batti("host:123")
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"]["worker"]["status"] == "ok"
    assert r.json()["checks"]["worker"]["heartbeat_age_s"] < 5


def _valore(testo: str, nome: str) -> float:
    m = re.search(rf"^{re.escape(nome)} (\S+)$", testo, re.M)
    assert m, f"{nome} not in /metrics"
    return float(m.group(1))


def test_metrics_are_for_allowed_addresses_or_the_token_only(client, settings):
    def metriche(**richiesta) -> tuple[int, str]:
        r = client.get("/metrics", **richiesta)
        return r.status_code, r.content.decode()

    def lette(risposta: tuple[int, str]) -> bool:
        return risposta[0] == 200 and "civico_outbox_backlog" in risposta[1]

    def rifiutate(risposta: tuple[int, str]) -> bool:
        return risposta[0] == 403 and "civico_" not in risposta[1]

    assert lette(metriche())  # loopback is allowed outside production
    assert rifiutate(metriche(REMOTE_ADDR="203.0.113.9"))

    settings.CIVICO = {**settings.CIVICO, "METRICS_TOKEN": "segreto", "METRICS_ALLOWED_IPS": ["10.0.0.0/8"]}
    assert lette(metriche(REMOTE_ADDR="10.1.2.3"))
    assert lette(metriche(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer segreto"))
    assert rifiutate(metriche(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer altro"))


def test_metrics_count_reports_by_channel_requests_by_route_and_the_outbox_backlog(
    client, alessandria, django_capture_on_commit_callbacks,
):
    prima = client.get("/metrics").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert invia_con_foto(client).status_code == 201
    dopo = client.get("/metrics").content.decode()

    nome = 'civico_reports_submitted_total{channel="api"}'
    assert _valore(dopo, nome) == (_valore(prima, nome) if nome in prima else 0) + 1
    assert re.search(r'civico_http_requests_total\{method="POST",route="/api/v1/segnalazioni",status="201"\}', dopo)
    assert 'route="/metrics"' in dopo
    assert _valore(dopo, "civico_outbox_backlog") == Notifica.objects.filter(stato=StatoNotifica.IN_ATTESA).count()
    assert _valore(dopo, "civico_database_up") == 1
