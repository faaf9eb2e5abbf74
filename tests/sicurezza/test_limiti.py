"""Every write is rate limited per address, account or API key, with a clear 429 and Retry-After."""

from __future__ import annotations

import os
import time

import pytest
import redis
from django.core.cache import cache

from civico.comunicazioni.models import MessaggioSindaco
from civico.core import ambiente
from tests import factories

# One Redis database per backend: make test runs SQLite and PostgreSQL side by side.
REDIS = f"redis://127.0.0.1:6379/{14 if os.environ.get('DATABASE_URL') else 15}"


@pytest.fixture(autouse=True, params=["memoria", "redis"])
def _contatori_azzerati(request, settings):
    """Every test with each process's own cache (development) and with the shared Redis cache
    (production), whose counters are written in one round trip (limiti.consuma_tutti)."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip(f"SKIPPED: no Redis at {REDIS} for the shared-cache limits")
        settings.CACHES = {"default": ambiente.cache_condivisa({"CIVICO_CACHE_URL": REDIS})}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def pochi(settings):
    # Hour-long windows: the limiter's windows are aligned to the clock, and a minute-long one could roll
    # over between a test's requests on a slow machine (the third request would then pass).
    settings.CIVICO = {**settings.CIVICO, "LIMITI": {
        "sindaco": {"ip": (2, 600)}, "sms": {"ip": (100, 60), "telefono": (2, 600)},
        "segnala_contenuto": {"ip": (2, 600)}, "scrittura": {"ip": (2, 3600)},
        "api_scrittura": {"ip": (100, 3600), "utente": (2, 3600)},
        "open311_invio": {"ip": (2, 3600)},
    }}


def test_the_mayors_form_answers_429_with_retry_after_in_italian_and_english(client, alessandria, pochi):
    url = f"/scrivi-al-sindaco/{alessandria.slug}/"
    for _ in range(2):
        client.post(url, {"tipo": "suggerimento", "testo": "Più alberi in piazza"})
    r = client.post(url, {"tipo": "suggerimento", "testo": "Più alberi in piazza"})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "Troppe richieste" in r.content.decode()
    r = client.post(url, {"tipo": "suggerimento", "testo": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 429 and "Too many requests" in r.content.decode()


def test_another_address_is_not_slowed_by_someone_elses_flood(client, alessandria, pochi):
    url = f"/scrivi-al-sindaco/{alessandria.slug}/"
    for _ in range(3):
        client.post(url, {"tipo": "suggerimento", "testo": "x"})
    r = client.post(url, {"tipo": "suggerimento", "testo": "Più alberi"}, REMOTE_ADDR="203.0.113.9")
    assert r.status_code != 429 and "Troppe richieste" not in r.content.decode()
    assert MessaggioSindaco.objects.filter(testo="Più alberi").exists()


def test_the_sms_webhook_limits_each_sender_in_json(client, alessandria, pochi):
    for _ in range(2):
        client.post("/comunicazioni/sms/", {"from": "+393331112222", "to": "+390131", "text": "ciao"})
    r = client.post("/comunicazioni/sms/", {"from": "+39 333 111 2222", "to": "+390131", "text": "ciao"})
    assert r.status_code == 429 and r["Retry-After"]
    assert r.json()["errore"]["codice"] == "rate_limited"
    r = client.post("/comunicazioni/sms/", {"from": "+393339998888", "to": "+390131", "text": "ciao"})
    assert r.status_code != 429


def test_flagging_content_is_limited_per_address(client, alessandria, pochi):
    s = factories.segnalazione(alessandria)
    stati = [client.post(f"/segnalazioni/{s.codice}/segnala-contenuto/", {"motivo": "spam"}).status_code
             for _ in range(3)]
    assert stati == [302, 302, 429]


def test_api_writes_are_limited_per_account_across_addresses(client, alessandria, pochi):
    s = factories.segnalazione(alessandria)
    intestazioni = {"HTTP_X_CIVICO_TOKEN": s.token, "content_type": "application/json"}
    url = f"/api/v1/segnalante/segnalazioni/{s.codice}/commenti"
    stati = [client.post(url, {"testo": "Ancora lì"}, REMOTE_ADDR=f"198.51.100.{i}", **intestazioni).status_code
             for i in range(3)]
    assert stati[:2] == [201, 201] and stati[2] == 429
    r = client.post(url, {"testo": "Ancora lì"}, REMOTE_ADDR="198.51.100.99", **intestazioni)
    assert r.json()["errore"]["codice"] == "rate_limited" and r["Retry-After"]


def test_open311_posts_are_limited_per_address_even_with_several_keys(client, alessandria, pochi):
    from civico.accounts.chiavi import crea_applicazione

    stati = []
    for i in range(3):
        _app, chiave = crea_applicazione(f"App {i}", limite_al_minuto=100)
        r = client.post("/open311/v2/requests.json", {
            "api_key": chiave, "jurisdiction_id": "006003", "service_code": "buche",
            "lat": factories.PIAZZA_LIBERTA[0], "long": factories.PIAZZA_LIBERTA[1],
            "description": "Buca", "attribute[dimensione]": "grande",
        })
        stati.append(r.status_code)
    assert stati[2] == 429 and stati[0] != 429


def test_any_other_write_falls_under_the_generic_limit(client, db, pochi):
    stati = [client.post("/i18n/setlang/", {"language": "en"}).status_code for _ in range(3)]
    assert stati[2] == 429


def test_counters_count_each_key_apart_as_the_cache_reads_them_and_expire_with_their_window(
        _contatori_azzerati):
    from civico.core.limiti import consuma_tutti

    conteggi = [("prova:a", 2, 3600), ("prova:b", 1, 3600), ("prova:c", 5, 7200)]
    assert consuma_tutti(conteggi) == [None, None, None]
    primo, secondo, terzo = consuma_tutti(conteggi)
    assert primo is None and terzo is None and 0 < secondo <= 3601
    assert consuma_tutti(conteggi)[0] is not None and consuma_tutti([("prova:d", 1, 3600)]) == [None]

    finestra = int(time.time() // 3600)
    assert cache.get(f"civico:limite:prova:a:{finestra}") == 3
    assert cache.get(f"civico:limite:prova:c:{int(time.time() // 7200)}") == 3
    if _contatori_azzerati == "redis":  # every counter goes away with its window
        client = redis.Redis.from_url(REDIS)
        for nome, finestra_s in (("prova:a", 3600), ("prova:c", 7200)):
            ttl = client.ttl(cache.make_key(f"civico:limite:{nome}:{int(time.time() // finestra_s)}"))
            assert 0 < ttl <= finestra_s + 1


def test_a_redis_that_forgot_the_counting_script_still_counts(_contatori_azzerati, client, alessandria, pochi):
    """The shared counters run as one Lua script: a Redis restarted (or its scripts flushed) between
    two requests loads it again instead of letting the flood through or failing the write."""
    if _contatori_azzerati != "redis":
        pytest.skip("only the shared Redis cache runs the script")
    url = f"/scrivi-al-sindaco/{alessandria.slug}/"
    client.post(url, {"tipo": "suggerimento", "testo": "Più alberi in piazza"})
    redis.Redis.from_url(REDIS).script_flush()
    stati = [client.post(url, {"tipo": "suggerimento", "testo": "Più alberi in piazza"}).status_code
             for _ in range(2)]
    assert stati[0] != 429 and stati[1] == 429
