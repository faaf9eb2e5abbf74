"""Enrolling an authenticator app needs more than the password: a link e-mailed to the staff
member's own address, signed, expiring and usable once. Real SMTP on loopback."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.backoffice import accesso

pytestmark = pytest.mark.django_db
PASSWORD = "x-Segreta-123"  # tests.factories.staff's


@pytest.fixture
def operatore(persone):
    persone.operatore.email = "ottavia@comune.example.org"
    persone.operatore.save()
    return persone.operatore


def _password(client, username: str = "al.operatore"):
    return client.post("/backoffice/accedi/", {"username": username, "password": PASSWORD})


def _link(messaggio) -> str:
    testo = messaggio.get_body(preferencelist=("plain",)).get_content()
    return urlparse(re.search(r"https?://\S+/backoffice/accedi/attiva/\S+/", testo).group(0)).path


def _codice(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _senza_segreto(risposta) -> None:
    html = risposta.content.decode()
    assert "<svg" not in html and 'data-testid="segreto"' not in html
    for device in TOTPDevice.objects.all():
        assert device.key not in html and accesso.segreto(device).replace(" ", "") not in html.replace(" ", "")


def test_the_password_alone_sends_a_link_and_shows_no_secret(client, operatore, smtp):  # noqa: F811
    r = _password(client)
    assert r.status_code == 302 and r["Location"].startswith("/backoffice/accedi/attiva/")
    pagina = client.get("/backoffice/accedi/attiva/")
    assert pagina.status_code == 200 and "o***@comune.example.org" in pagina.content.decode()
    _senza_segreto(pagina)
    # Posting a code without the link enrols nothing.
    for codice in ("123456", "000000"):
        _senza_segreto(client.post("/backoffice/accedi/attiva/", {"codice": codice}))
    assert not TOTPDevice.objects.exists()
    assert client.get("/backoffice/").status_code == 302

    assert len(smtp.messaggi) == 1
    messaggio = smtp.messaggi[0]
    assert messaggio["To"] == "ottavia@comune.example.org"
    assert "/backoffice/accedi/attiva/" in _link(messaggio)


def test_link_then_qr_code_then_code_signs_in_end_to_end(client, operatore, smtp, settings):  # noqa: F811
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _password(client)
    link = _link(smtp.messaggi[-1])

    aperto = client.get(link)  # mail scanners open links: opening spends nothing
    assert aperto.status_code == 200 and not TOTPDevice.objects.exists()
    _senza_segreto(aperto)
    r = client.post(link)
    assert r.status_code == 302 and r["Location"] == "/backoffice/accedi/attiva/"

    pagina = client.get("/backoffice/accedi/attiva/")
    device = TOTPDevice.objects.get(user=operatore)
    assert not device.confirmed
    html = pagina.content.decode()
    assert "<svg" in html and pagina.context["segreto"].replace(" ", "") in html.replace(" ", "")
    assert client.get("/backoffice/accedi/attiva/").context["segreto"] == pagina.context["segreto"]

    assert client.post("/backoffice/accedi/attiva/", {"codice": "123456"}).status_code == 400
    ok = client.post("/backoffice/accedi/attiva/", {"codice": _codice(device)})
    assert ok.status_code == 302 and ok["Location"] == "/backoffice/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/backoffice/").status_code == 200


def test_the_link_opened_in_another_browser_asks_for_the_password_there(client, django_user_model, operatore,
                                                                       smtp, settings):  # noqa: F811
    from django.test import Client

    _password(client)
    link = _link(smtp.messaggi[-1])
    telefono = Client()
    r = telefono.post(link)
    assert r.status_code == 302 and r["Location"] == "/backoffice/accedi/"
    r = telefono.post("/backoffice/accedi/", {"username": "al.operatore", "password": PASSWORD})
    assert r["Location"].startswith("/backoffice/accedi/attiva/")
    assert "<svg" in telefono.get("/backoffice/accedi/attiva/").content.decode()
    assert len(smtp.messaggi) == 1  # no second link: this browser already proved the address
    # The first browser, with the password only, still sees no secret.
    _senza_segreto(client.get("/backoffice/accedi/attiva/"))


def test_a_used_link_is_refused(client, operatore, smtp):  # noqa: F811
    _password(client)
    link = _link(smtp.messaggi[-1])
    assert client.post(link).status_code == 302
    for metodo in (client.get, client.post):
        r = metodo(link)
        assert r.status_code == 400 and "già stato usato" in r.content.decode()
    assert TOTPDevice.objects.filter(user=operatore).count() == 1


def test_using_one_link_spends_the_others_sent_before(client, operatore, smtp):  # noqa: F811
    _password(client)
    client.post("/backoffice/accedi/attiva/", {"reinvia": "1"})
    primo, secondo = (_link(m) for m in smtp.messaggi)
    assert primo != secondo
    assert client.post(secondo).status_code == 302
    assert client.post(primo).status_code == 400


def test_an_expired_link_is_refused(client, operatore, smtp, settings, monkeypatch):  # noqa: F811
    _password(client)
    link = _link(smtp.messaggi[-1])
    adesso = time.time()
    monkeypatch.setattr(time, "time", lambda: adesso + 61 * 60)  # the link lasts 60 minutes
    r = client.post(link)
    assert r.status_code == 400 and "scaduto" in r.content.decode()
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("falso", [
    "x", "abc:def", "eyJ1IjoxfQ:1tXyZa:" + "A" * 43, "../../admin", "%00", "a" * 3000,
])
def test_a_forged_link_is_refused_with_a_clear_message(client, operatore, falso):
    r = client.post(f"/backoffice/accedi/attiva/{falso}/")
    assert r.status_code in (400, 404)
    if r.status_code == 400:
        assert "non è valido" in r.content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_link_for_another_account_cannot_be_forged_from_ones_own(client, persone, operatore, smtp):  # noqa: F811
    # A link names its account inside the signature: changing the id breaks it.
    _password(client)
    link = _link(smtp.messaggi[-1])
    import json

    from django.core.signing import b64_decode, b64_encode

    token = link.rstrip("/").rsplit("/", 1)[1]
    dati, firma = token.split(":", 1)
    payload = json.loads(b64_decode(dati.encode()))
    assert payload["u"] == operatore.pk
    payload["u"] = persone.amministratore.pk
    altro = b64_encode(json.dumps(payload, separators=(",", ":")).encode()).decode() + ":" + firma
    r = client.post(f"/backoffice/accedi/attiva/{altro}/")
    assert r.status_code == 400 and "non è valido" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=persone.amministratore).exists()


def test_the_link_is_refused_in_english_too(client, operatore):
    r = client.post("/backoffice/accedi/attiva/x/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "activation link is not valid" in r.content.decode()


def test_an_account_without_e_mail_is_told_to_ask_its_administrator(client, persone, smtp):  # noqa: F811
    _password(client)
    pagina = client.get("/backoffice/accedi/attiva/")
    assert pagina.status_code == 200 and "senza-email" in pagina.content.decode()
    assert not smtp.messaggi


def test_links_are_limited_per_account_and_a_mail_server_outage_is_said_not_500(client, operatore, smtp):  # noqa: F811
    _password(client)
    for _ in range(4):
        r = client.post("/backoffice/accedi/attiva/", {"reinvia": "1"}, follow=True)
        assert r.status_code == 200
    assert len(smtp.messaggi) == accesso.LINK_PER_ACCOUNT[0]
    assert "già inviato da poco" in r.content.decode()

    from django.core.cache import cache

    cache.clear()
    smtp.ferma()
    r = client.post("/backoffice/accedi/attiva/", {"reinvia": "1"}, follow=True)
    assert r.status_code == 200 and "Non è stato possibile inviare" in r.content.decode()


def test_the_demo_devices_still_sign_in_without_a_link(client, operatore, settings):
    from django.core.management import call_command

    from civico.backoffice.management.commands.otp_demo import CHIAVE_DEMO_HEX

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    call_command("otp_demo", "al.operatore")
    r = _password(client)
    assert r["Location"].startswith("/backoffice/accedi/codice/")
    codice = f"{TOTP(bytes.fromhex(CHIAVE_DEMO_HEX)).token():06d}"
    assert client.post("/backoffice/accedi/codice/", {"codice": codice})["Location"] == "/backoffice/"
