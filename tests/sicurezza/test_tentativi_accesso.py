"""Failed sign-ins lock an account whatever the address, and an address whatever the account
(django-axes with `AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import Ruolo
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "x-Segreta-123"  # tests.factories.staff's
LIMITE = 3


@pytest.fixture(autouse=True)
def _impostazioni(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = LIMITE
    settings.CIVICO = {**settings.CIVICO, "LIMITI": {"scrittura": {"ip": (100_000, 60)}}}


@pytest.fixture
def staff(alessandria):
    return [factories.staff(f"al.op{i}", Ruolo.OPERATORE, alessandria) for i in range(LIMITE + 2)]


def _accedi(client, username: str, password: str = "sbagliata", ip: str = "198.51.100.7", **extra):
    return client.post("/backoffice/accedi/", {"username": username, "password": password},
                       REMOTE_ADDR=ip, **extra)


def _bloccato(risposta) -> bool:
    return risposta.status_code == 403 and 'data-testid="bloccato"' in risposta.content.decode()


@pytest.mark.parametrize("indirizzi", [
    ["198.51.100.1", "198.51.100.2", "198.51.100.3"],
    ["2001:db8::1", "203.0.113.9", "2001:db8::2"],
])
def test_failures_for_one_account_from_many_addresses_lock_that_account(client, staff, indirizzi):
    for ip in indirizzi[:-1]:
        assert _accedi(client, "al.op0", ip=ip).status_code == 400
    assert _bloccato(_accedi(client, "al.op0", ip=indirizzi[-1]))
    # From a fresh address, with the right password: still locked.
    assert _bloccato(_accedi(client, "al.op0", PASSWORD, ip="192.0.2.200"))
    # Other accounts from other addresses are not affected.
    assert _accedi(client, "al.op1", PASSWORD, ip="192.0.2.201").status_code == 302


def test_failures_for_many_accounts_from_one_address_lock_that_address(client, staff):
    for utente in staff[:LIMITE - 1]:
        assert _accedi(client, utente.username).status_code == 400
    assert _bloccato(_accedi(client, staff[LIMITE - 1].username))
    # Even an account never tried, with its right password, from that address.
    assert _bloccato(_accedi(client, staff[LIMITE + 1].username, PASSWORD))
    assert _bloccato(_accedi(client, "nessuno-con-questo-nome"))
    # The same account from another address gets in.
    assert _accedi(client, staff[LIMITE + 1].username, PASSWORD, ip="192.0.2.50").status_code == 302


def test_a_forwarded_for_header_does_not_make_a_new_address(client, staff):
    for i, utente in enumerate(staff[:LIMITE]):
        risposta = _accedi(client, utente.username, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}", HTTP_X_REAL_IP=f"10.1.0.{i}")
    assert _bloccato(risposta)


def test_a_success_does_not_forgive_the_address_its_failures_on_other_accounts(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    for utente in staff[:LIMITE - 1]:
        _accedi(client, utente.username)
    # The attacker signs in to an account of their own (password and code) from that address…
    proprio = staff[LIMITE + 1]
    device = TOTPDevice.objects.create(user=proprio, name="t", confirmed=True)
    _accedi(client, proprio.username, PASSWORD)
    codice = f"{TOTP(device.bin_key).token():06d}"
    assert client.post("/backoffice/accedi/codice/", {"codice": codice}, REMOTE_ADDR="198.51.100.7").status_code == 302
    client.post("/backoffice/esci/", REMOTE_ADDR="198.51.100.7")
    # …and the address's count goes on.
    assert _bloccato(_accedi(client, staff[LIMITE].username))


def test_the_lockout_is_explained_in_italian_and_english_never_a_500(client, staff):
    for _ in range(LIMITE):
        risposta = _accedi(client, "al.op0")
    testo = risposta.content.decode()
    assert _bloccato(risposta) and "Accesso temporaneamente bloccato" in testo and "15 minuti" in testo
    inglese = _accedi(client, "al.op0", HTTP_ACCEPT_LANGUAGE="en")
    assert _bloccato(inglese)
    assert "Login temporarily blocked" in inglese.content.decode()
    assert "15 minutes" in inglese.content.decode()


def test_the_right_person_gets_in_after_the_cool_off(client, staff):
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        _accedi(client, "al.op0", ip=ip)
    assert _bloccato(_accedi(client, "al.op0", PASSWORD, ip="192.0.2.9"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    risposta = _accedi(client, "al.op0", PASSWORD, ip="192.0.2.9")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/accedi/attiva/")
