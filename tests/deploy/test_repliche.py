"""Read replicas through the database router: a real streaming standby on loopback, and the rules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from civico.core import repliche
from civico.core.models import Battito
from tests.deploy.conftest import RADICE, ambiente, porta_libera


def test_a_row_written_on_the_primary_is_read_through_the_router_from_the_streaming_replica(cluster_privati):
    primario, replica = cluster_privati
    primario.sql("CREATE DATABASE civico_repliche")  # created on the primary, streamed to the standby
    chiusa = f"postgresql://postgres@127.0.0.1:{porta_libera()}/civico_repliche"
    env = ambiente(DATABASE_URL=primario.url("civico_repliche"),
                   # The second "replica" refuses connections: the router must skip it.
                   CIVICO_DATABASE_REPLICA_URLS=f"{replica.url('civico_repliche')},{chiusa}",
                   CIVICO_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend")
    r = subprocess.run([sys.executable, str(RADICE / "tests/deploy/script_repliche.py")], env=env, cwd=RADICE,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    esito = json.loads(r.stdout)

    assert (esito["primary_in_recovery"], esito["replica_in_recovery"]) == (False, True)
    # Read-only work that opted in reads the standby, and finds the row written on the primary.
    assert esito["read_alias"] == "replica_1" and esito["read_in_recovery"] and esito["read_found"]
    # Reads in a transaction, after a write, and outside requests go to the primary.
    assert esito["alias_in_transaction"] == "default"
    assert esito["alias_after_write"] == "default" and esito["found_after_write"]
    assert esito["alias_outside_requests"] == "default"
    # The replica that refuses connections was skipped: its reads went to the live one.
    assert esito["aliases_with_one_replica_down"] == ["replica_1"] and esito["skipped"] == ["replica_2"]
    # Through the middleware: a GET reads the standby; a POST, and the GET after it (cookie), the primary.
    assert esito["http_get"] == {"alias": "replica_1", "in_recovery": True, "found": True}
    assert esito["http_post"]["alias"] == "default" and esito["http_post_sets_cookie"]
    assert esito["http_get_with_cookie"] == {"alias": "default", "in_recovery": False, "found": True}


@pytest.fixture
def una_replica(monkeypatch):
    monkeypatch.setattr(repliche, "alias_repliche", lambda: ["replica_1"])
    monkeypatch.setattr(repliche, "_replica_disponibile", lambda: "replica_1")


def _vista_che_legge(request):
    return HttpResponse(Battito.objects.all().db)


def test_without_replicas_configured_every_read_goes_to_the_primary():
    assert repliche.alias_repliche() == []
    with repliche.letture_dalle_repliche():
        assert Battito.objects.all().db == "default"


def test_safe_requests_read_the_replica_unsafe_ones_the_primary(una_replica):
    middleware = repliche.ReplicheMiddleware(_vista_che_legge)
    rf = RequestFactory()

    assert middleware(rf.get("/")).content == b"replica_1"
    assert middleware(rf.head("/")).content == b"replica_1"
    assert middleware(rf.post("/")).content == b"default"
    assert Battito.objects.all().db == "default"  # outside requests: the worker, commands
