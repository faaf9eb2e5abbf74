"""Web Push for real: pywebpush signs (VAPID) and encrypts (aes128gcm); a push service on loopback
verifies the JWT with the application's public key and decrypts with the browser's keys."""

import json

import pytest
from django.core.management import call_command

from civico.accounts.models import Utente
from civico.comunicazioni import abbonamenti, consegna, iscrizioni
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import AbbonamentoPush, Canale, Notifica, StatoNotifica
from civico.segnalazioni import interazioni
from tests import factories
from tests.comunicazioni.servizio_push import ServizioPush

pytestmark = pytest.mark.django_db


@pytest.fixture
def vapid(comunicazioni):
    privata, pubblica = abbonamenti.genera_chiavi()
    comunicazioni.update(VAPID_PRIVATE_KEY=privata, VAPID_PUBLIC_KEY=pubblica,
                         VAPID_SUBJECT="mailto:urp@comune.example.org", PUSH_ENDPOINT_LOCALI=True)
    return pubblica


@pytest.fixture
def servizio(vapid):
    with ServizioPush(vapid) as s:
        yield s


@pytest.fixture
def paola(client):
    u = Utente.objects.create_user("paola", email="paola@example.org")
    client.force_login(u)
    return u


def _abbona(client, browser):
    return client.post("/comunicazioni/push/", json.dumps(browser.to_json()), content_type="application/json")


def _notizia_per(alessandria, utente):
    s = factories.segnalazione(alessandria)
    iscrizioni.segui(s, utente)
    interazioni.rispondi(s, factories.operatore(alessandria), "Abbiamo programmato l'intervento.")
    return s, Notifica.objects.get(segnalazione=s, canale=Canale.PUSH)


def test_the_installed_app_subscribes_and_a_followed_report_arrives_encrypted_and_signed(
        client, alessandria, servizio, vapid, paola):
    assert client.get("/comunicazioni/push/chiave/").json() == {"chiave": vapid}
    browser = servizio.nuovo_browser("paola")
    assert _abbona(client, browser).status_code == 201

    s, n = _notizia_per(alessandria, paola)
    assert consegna.consegna(n.pk) == "inviata", servizio.rifiutati

    assert servizio.rifiutati == []
    [arrivato] = servizio.ricevuti
    assert s.codice in arrivato["title"] and "programmato" in arrivato["body"]
    assert arrivato["url"].endswith(f"/segnalazioni/{s.codice}/") and arrivato["ttl"] == 86400
    assert Notifica.objects.get(pk=n.pk).stato == StatoNotifica.INVIATA


def test_a_410_removes_the_subscription_without_retrying_or_crashing(client, alessandria, servizio, paola):
    browser = servizio.nuovo_browser("vecchio")
    _abbona(client, browser)
    s, n = _notizia_per(alessandria, paola)
    servizio.scaduti.add("/push/vecchio")

    assert consegna.consegna(n.pk) == "fallita"

    n.refresh_from_db()
    assert "410" in n.ultimo_errore and n.tentativi == 1
    assert not AbbonamentoPush.objects.filter(utente=paola).exists()
    interazioni.rispondi(s, factories.operatore(alessandria), "Lavori iniziati.")
    assert Notifica.objects.filter(segnalazione=s, canale=Canale.PUSH).count() == 1  # none for the new event
    assert consegna.consegna(n.pk) == "non dovuta"


def test_a_push_service_that_does_not_trust_our_key_refuses_and_we_give_up(client, alessandria, comunicazioni, paola):
    _altra_privata, altra_pubblica = abbonamenti.genera_chiavi()
    privata, pubblica = abbonamenti.genera_chiavi()
    comunicazioni.update(VAPID_PRIVATE_KEY=privata, VAPID_PUBLIC_KEY=pubblica,
                         VAPID_SUBJECT="mailto:urp@comune.example.org", PUSH_ENDPOINT_LOCALI=True)
    with ServizioPush(altra_pubblica) as servizio:
        _abbona(client, servizio.nuovo_browser("paola"))
        _s, n = _notizia_per(alessandria, paola)
        assert consegna.consegna(n.pk) == "fallita"
        assert servizio.ricevuti == [] and "chiave VAPID" in servizio.rifiutati[0]


def test_an_unreachable_push_service_is_retried(client, alessandria, servizio, paola):
    _abbona(client, servizio.nuovo_browser("paola"))
    _s, n = _notizia_per(alessandria, paola)
    servizio.__exit__()
    assert consegna.consegna(n.pk) == "riprova"


def test_subscriptions_are_checked_and_can_be_removed(client, alessandria, servizio, paola):
    browser = servizio.nuovo_browser("paola")
    cattivo = browser.to_json() | {"keys": {"p256dh": "corta", "auth": "x"}}
    assert client.post("/comunicazioni/push/", json.dumps(cattivo), content_type="application/json").status_code == 400
    assert client.post("/comunicazioni/push/", "non json", content_type="application/json").status_code == 400
    assert client.post("/comunicazioni/push/", json.dumps(browser.to_json()), content_type="application/json",
                       HTTP_ORIGIN="https://altro.example.org").status_code == 403
    assert _abbona(client, browser).status_code == 201

    r = client.post("/comunicazioni/push/elimina/", json.dumps({"endpoint": browser.endpoint}),
                    content_type="application/json")
    assert r.json() == {"eliminato": True} and not AbbonamentoPush.objects.exists()
    client.logout()
    assert _abbona(client, browser).status_code == 401


def test_only_https_endpoints_outside_tests(client, alessandria, vapid, comunicazioni, paola):
    comunicazioni["PUSH_ENDPOINT_LOCALI"] = False
    browser = ServizioPush(vapid).nuovo_browser("x")
    assert _abbona(client, browser).status_code == 400


def test_without_vapid_keys_push_is_not_configured(client, alessandria):
    from civico.comunicazioni.canali import push

    assert push.servizio() is None and not push.CANALE.disponibile(alessandria)
    assert client.get("/comunicazioni/push/chiave/").json() == {"chiave": ""}


def test_genera_vapid_writes_the_demo_keys_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("genera_vapid", "--var", verbosity=0)
    prima = impostazione("VAPID_PUBLIC_KEY")
    call_command("genera_vapid", "--var", verbosity=0)
    assert prima and impostazione("VAPID_PUBLIC_KEY") == prima and impostazione("VAPID_SUBJECT").startswith("mailto:")
    from civico.comunicazioni.canali import push

    assert push.configurato()
