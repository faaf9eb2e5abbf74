"""Intake keeps the configuration it reads at every report (keys, catalogue, bans, alerts) in
memory: a change made by the comune or the platform, by any path, applies to the very next report."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.utils import timezone

from civico.accounts.chiavi import crea_applicazione, revoca
from civico.accounts.models import ApplicazioneClient, Ruolo
from civico.catalogo.models import Categoria
from civico.comunicazioni import allerte
from civico.comunicazioni.models import Notifica
from civico.core import ambiente, memoria
from civico.errors import InvalidData
from civico.moderazione import servizi
from civico.moderazione.models import TipoDivieto
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.api.conftest import errore

pytestmark = pytest.mark.django_db

URL = "/api/v1/segnalazioni"
LAT, LON = factories.PIAZZA_LIBERTA


def _invia(chiave: str):
    dati = {"lat": LAT, "lon": LON, "titolo": "Buca", "categoria": "buche", "risposte": {"dimensione": "media"}}
    return Client().post(URL, dati, content_type="application/json", headers={"X-Api-Key": chiave})


def _accettata(chiave: str) -> bool:
    """A report sent with the key is received, and stored as the application's."""
    risposta = _invia(chiave)
    return risposta.status_code == 201 and Segnalazione.objects.filter(
        codice=risposta.json()["codice"], applicazione__isnull=False).exists()


def _rifiutata(chiave: str) -> bool:
    """A report sent with the key is refused with the API's error body, and nothing is stored."""
    prima = Segnalazione.objects.count()
    risposta = _invia(chiave)
    return bool(errore(risposta, 401)["messaggio"]) and Segnalazione.objects.count() == prima


def test_a_revoked_key_is_refused_at_the_next_request(alessandria):
    app, chiave = crea_applicazione("App", limite_al_minuto=100)
    assert _accettata(chiave)

    revoca(app)

    assert _rifiutata(chiave)


def test_a_key_revoked_by_a_bulk_update_is_refused_at_the_next_request(alessandria):
    app, chiave = crea_applicazione("App", limite_al_minuto=100)
    assert _accettata(chiave)

    ApplicazioneClient.objects.filter(pk=app.pk).update(revocata_il=timezone.now())  # no save(), no signal

    assert _rifiutata(chiave)


def test_a_category_switched_off_or_added_applies_to_the_next_report(alessandria):
    factories.segnalazione(alessandria, categoria="buche")
    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    buche.attiva = False
    buche.save()

    with pytest.raises(InvalidData) as e:
        factories.segnalazione(alessandria, categoria="buche")
    assert "categoria" in e.value.as_dict()
    Categoria.objects.filter(pk=buche.pk).update(attiva=True)  # a bulk update counts as much
    assert factories.segnalazione(alessandria, categoria="buche").categoria == buche

    Categoria.objects.create(ente=alessandria, codice="nuova", nome="Nuova",
                             ufficio_predefinito=buche.ufficio_predefinito)
    assert factories.segnalazione(alessandria, categoria="nuova").categoria.codice == "nuova"


def test_a_routing_rule_added_between_two_reports_routes_the_second(alessandria):
    prima = factories.segnalazione(alessandria)
    altro = alessandria.uffici.exclude(pk=prima.ufficio_id).first()
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="Tutto al centro", ufficio=altro, priorita=1,
                                       zona={"type": "Polygon", "coordinates": [[
                                           [LON - 0.01, LAT - 0.01], [LON + 0.01, LAT - 0.01],
                                           [LON + 0.01, LAT + 0.01], [LON - 0.01, LAT + 0.01],
                                           [LON - 0.01, LAT - 0.01]]]})

    assert factories.segnalazione(alessandria).ufficio == altro


def test_a_ban_applies_to_the_next_report(alessandria):
    factories.segnalazione(alessandria, email="molesto@example.org")
    admin = factories.staff("al.admin.memoria", Ruolo.ENTE_ADMIN, alessandria)
    divieto = servizi.vieta(admin, TipoDivieto.EMAIL, "molesto@example.org", "spam", alessandria)

    with pytest.raises(InvalidData):
        factories.segnalazione(alessandria, email="molesto@example.org")

    servizi.revoca(admin, divieto)
    assert factories.segnalazione(alessandria, email="molesto@example.org").pk


def test_an_alert_created_after_a_report_hears_of_the_next(alessandria):
    factories.segnalazione(alessandria)  # the comune has no alert yet
    allerte.crea(alessandria, email="quartiere@example.org")

    s = factories.segnalazione(alessandria)

    assert Notifica.objects.filter(segnalazione=s, motivo="allerta", indirizzo="quartiere@example.org").exists()


# --- Several workers: the shared cache (CIVICO_CACHE_URL) carries a change to every process -----

# One Redis database per backend: make test runs SQLite and PostgreSQL side by side, and this test clears it.
REDIS = f"redis://127.0.0.1:6379/{14 if os.environ.get('DATABASE_URL') else 15}"


@pytest.fixture
def cache_redis(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"SKIPPED: no Redis at {REDIS} for the shared-cache test")
    settings.CACHES = {"default": ambiente.cache_condivisa({"CIVICO_CACHE_URL": REDIS})}
    cache.clear()
    yield
    cache.clear()


@contextmanager
def _come_in_un_altro_processo():
    """Writes made here go unseen by this process's memory, as if another worker made them."""
    connection.execute_wrappers.remove(memoria._osserva)  # noqa: SLF001
    try:
        yield
    finally:
        connection.execute_wrappers.insert(0, memoria._osserva)  # noqa: SLF001


def test_a_key_revoked_in_another_worker_is_refused_here_at_once_with_the_shared_cache(alessandria, cache_redis):
    app, chiave = crea_applicazione("App", limite_al_minuto=100)
    assert _accettata(chiave)  # this process now remembers the key
    with _come_in_un_altro_processo():
        ApplicazioneClient.objects.filter(pk=app.pk).update(revocata_il=timezone.now())
    assert _accettata(chiave)  # nothing has told this process yet

    # What the other worker's write does: a new version, written by a real second process to Redis.
    codice = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'civico.settings'; django.setup();"
        "from civico.accounts import chiavi; chiavi._memoria.invalida()"
    )
    subprocess.run([sys.executable, "-c", codice], env={**os.environ, "CIVICO_CACHE_URL": REDIS}, check=True,
                   timeout=120, capture_output=True)
    time.sleep(memoria.VERIFICA_S)  # the shared version is read at most once a second

    assert _rifiutata(chiave)


def test_a_cache_url_that_is_not_redis_stops_the_start_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="CIVICO_CACHE_URL"):
        ambiente.cache_condivisa({"CIVICO_CACHE_URL": "memcached://127.0.0.1:11211"})
    assert ambiente.cache_condivisa({}) is None
