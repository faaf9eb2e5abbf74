"""Web Push for real: pywebpush signs (VAPID) and encrypts (aes128gcm); a push service on loopback
verifies the JWT with the application's public key and decrypts with the browser's keys."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from civico.comunicazioni import abbonamenti, consegna, iscrizioni
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import AbbonamentoPush, CanaleConsegna, Notifica, StatoNotifica
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
    u = factories.UtenteFactory(username="paola")
    client.force_login(u)
    return u


def _abbona(client, browser):
    return client.post("/comunicazioni/push/", json.dumps(browser.to_json()), content_type="application/json")


def _notizia_per(alessandria, utente):
    s = factories.segnalazione(alessandria)
    iscrizioni.segui(s, utente)
    interazioni.rispondi(s, factories.operatore(alessandria), "Abbiamo programmato l'intervento.")
    return s, Notifica.objects.get(segnalazione=s, canale=CanaleConsegna.PUSH)


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
    assert Notifica.objects.filter(segnalazione=s, canale=CanaleConsegna.PUSH).count() == 1  # none for the new event
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
    r = _abbona(client, browser)
    assert r.status_code == 400 and "https" in r.json()["errore"]
    assert not AbbonamentoPush.objects.exists()


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


# --- Where push messages may go (SSRF): known push services, public addresses, checked twice.

def _con_endpoint(browser, endpoint: str) -> dict:
    return browser.to_json() | {"endpoint": endpoint}


@pytest.mark.parametrize("locali", [True, False])
@pytest.mark.parametrize("endpoint", [
    "https://10.0.0.5/wpush/x", "https://169.254.169.254/latest/meta-data/", "https://[fd00::1]/x",
    "https://192.168.1.1:8443/x", "https://100.64.0.1/x", "https://2130706433/x", "https://0x7f.1/x",
    "https://[::ffff:10.0.0.1]/x", "https://0.0.0.0/x", "https://fcm.googleapis.com@10.0.0.1/x",
    "https://[fe80::1]/x", "http://fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com.evil.example/x",
])
def test_push_endpoints_inside_the_network_or_elsewhere_are_refused_with_the_reason(
        client, alessandria, vapid, comunicazioni, paola, locali, endpoint):
    comunicazioni["PUSH_ENDPOINT_LOCALI"] = locali
    browser = ServizioPush(vapid).nuovo_browser("x")
    r = client.post("/comunicazioni/push/", json.dumps(_con_endpoint(browser, endpoint)),
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["errore"] != "Abbonamento alle notifiche non valido."
    assert not AbbonamentoPush.objects.exists()


def test_loopback_endpoints_only_with_the_test_switch(client, alessandria, vapid, comunicazioni, paola):
    comunicazioni["PUSH_ENDPOINT_LOCALI"] = False
    for endpoint in ("https://localhost/x", "https://127.0.0.1:8443/x", "https://[::1]/x", "https://127.1/x"):
        browser = ServizioPush(vapid).nuovo_browser("x")
        r = client.post("/comunicazioni/push/", json.dumps(_con_endpoint(browser, endpoint)),
                        content_type="application/json")
        assert r.status_code == 400, endpoint
        assert "rete interna" in r.json()["errore"] or "non è tra quelli permessi" in r.json()["errore"]


def test_only_the_known_push_services_are_accepted_and_the_reason_is_translated(
        client, alessandria, vapid, comunicazioni, paola, dns):
    comunicazioni["PUSH_ENDPOINT_LOCALI"] = False
    dns.update({"fcm.googleapis.com": ["142.250.180.10"], "web.push.apple.com": ["17.188.1.1"],
                "push.example.org": ["93.184.216.34"], "wns2-par02p.notify.windows.com": ["10.1.1.1"]})
    browser = ServizioPush(vapid).nuovo_browser("x")

    def abbona(endpoint, **extra):
        return client.post("/comunicazioni/push/", json.dumps(_con_endpoint(browser, endpoint)),
                           content_type="application/json", **extra)

    assert abbona("https://fcm.googleapis.com/fcm/send/abc").status_code == 201
    assert abbona("https://web.push.apple.com/QGx").status_code == 201
    r = abbona("https://push.example.org/x")
    assert r.status_code == 400 and r.json()["errore"] == "Il servizio push.example.org non è tra quelli permessi."
    r = abbona("https://push.example.org/x", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["errore"] == "The service push.example.org is not among the allowed ones."
    # A known service's name answering an internal address is refused too.
    r = abbona("https://wns2-par02p.notify.windows.com/w/?token=x", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["errore"] == (
        "The address wns2-par02p.notify.windows.com leads into an internal network and is not allowed.")


def test_a_name_that_rebinds_to_loopback_gets_no_message_and_is_then_dropped(
        client, alessandria, servizio, comunicazioni, paola, dns):
    comunicazioni["PUSH_ENDPOINT_LOCALI"] = False
    porta = servizio.url.rsplit(":", 1)[1]
    browser = servizio.nuovo_browser("paola")
    chiavi = browser.to_json()["keys"]
    # Public at the check before sending, loopback (where our push service listens) at the connection.
    dns["fcm.googleapis.com"] = ["142.250.180.10", "127.0.0.1"]
    AbbonamentoPush.objects.create(utente=paola, endpoint=f"https://fcm.googleapis.com:{porta}/push/paola",
                                   p256dh=chiavi["p256dh"], auth=chiavi["auth"])
    _s, n = _notizia_per(alessandria, paola)

    assert consegna.consegna(n.pk) == "riprova"  # the connection refused the address it resolved
    assert servizio.ricevuti == [] and servizio.rifiutati == []
    # Next attempt: the name answers loopback at the check already; the subscription is dropped.
    Notifica.objects.filter(pk=n.pk).update(prossimo_tentativo_il=timezone.now())
    assert consegna.consegna(n.pk) == "fallita"
    n.refresh_from_db()
    assert "non permesso" in n.ultimo_errore and servizio.ricevuti == []
    assert not AbbonamentoPush.objects.get(utente=paola).attivo


def test_rows_saved_before_the_rule_with_a_metadata_address_are_never_called(
        client, alessandria, servizio, paola):
    browser = servizio.nuovo_browser("paola")
    chiavi = browser.to_json()["keys"]
    AbbonamentoPush.objects.create(utente=paola, endpoint="http://169.254.169.254/latest/meta-data/",
                                   p256dh=chiavi["p256dh"], auth=chiavi["auth"])
    _s, n = _notizia_per(alessandria, paola)
    assert consegna.consegna(n.pk) == "fallita"
    assert "non permesso" in Notifica.objects.get(pk=n.pk).ultimo_errore and servizio.ricevuti == []
