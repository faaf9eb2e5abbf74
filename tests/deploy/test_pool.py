"""PostgreSQL connections under `civico serve`: with CIVICO_DB_POOL each worker lends a bounded
set of connections to its request threads, so a burst of clients gets answers, not PostgreSQL's
"too many clients" (which persistent connections under ASGI end up causing)."""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from civico.core.ambiente import pool_connessioni, usa_pool
from tests.deploy.conftest import Server, ambiente

WORKERS, POOL = 2, 3


def _readyz(porta: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", porta, timeout=60)
    try:
        conn.request("GET", "/readyz")
        risposta = conn.getresponse()
        risposta.read()
        return risposta.status
    finally:
        conn.close()


@pytest.mark.django_db
def test_a_burst_of_clients_is_served_within_the_pools_connections(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is psycopg's: PostgreSQL only")
    nome = connection.settings_dict["NAME"]  # the migrated test database, read by /readyz
    parametri = {k: v for k, v in connection.get_connection_params().items()
                 if k in {"host", "port", "user", "password", "dbname"}}
    url = (f"postgresql://{parametri.get('user', 'postgres')}@{parametri.get('host', '127.0.0.1')}:"
           f"{parametri.get('port', 5432)}/{nome}")
    server = Server(ambiente(DATABASE_URL=url, CIVICO_DB_POOL=str(POOL), CIVICO_DEBUG="0",
                             CIVICO_VAR_DIR=str(tmp_path / "var"), PROMETHEUS_MULTIPROC_DIR=""),
                    workers=WORKERS, tmp=tmp_path)
    visti: list[int] = []
    basta = threading.Event()

    def conta_connessioni() -> None:  # the server's backends on that database, sampled
        with psycopg.connect(**{**parametri, "dbname": "postgres"}, autocommit=True) as c:
            while not basta.is_set():
                visti.append(c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                                       "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                                       [nome]).fetchone()[0])
                basta.wait(0.05)

    try:
        server.attendi()
        campionatore = threading.Thread(target=conta_connessioni)
        campionatore.start()
        with ThreadPoolExecutor(24) as esecutore:
            stati = list(esecutore.map(lambda _i: _readyz(server.porta), range(240)))
        basta.set()
        campionatore.join()
    finally:
        basta.set()
        server.chiudi()

    assert stati.count(200) == len(stati), {s: stati.count(s) for s in set(stati)}
    # The test's own connection is not the server's; each worker holds at most POOL.
    propria = 1
    assert max(visti) - propria <= WORKERS * POOL, max(visti)


@pytest.mark.parametrize(("valore", "attesa"), [("0", "10"), ("tre", "10"), ("4", "-1"), ("4", "mai")])
def test_a_wrong_pool_setting_stops_the_start_with_a_clear_message(valore, attesa):
    with pytest.raises(ImproperlyConfigured, match="CIVICO_DB_POOL"):
        pool_connessioni({"CIVICO_DB_POOL": valore, "CIVICO_DB_POOL_TIMEOUT": attesa})


def test_the_pool_replaces_persistent_connections_on_postgresql_only():
    pool = pool_connessioni({"CIVICO_DB_POOL": "8"})
    pg = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {}}
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "CONN_MAX_AGE": 0, "OPTIONS": {}}
    usa_pool(pg, pool)
    usa_pool(sqlite, pool)

    assert pg["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 3.0} and pg["CONN_MAX_AGE"] == 0
    assert pg["CONN_HEALTH_CHECKS"]  # dead connections (PostgreSQL restarted) are replaced, not lent
    assert "pool" not in sqlite["OPTIONS"]
    assert pool_connessioni({}) is None
