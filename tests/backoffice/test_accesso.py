"""Signing in to the backoffice: password, then a TOTP code; throttled; nothing without both."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.backoffice.management.commands.otp_demo import CHIAVE_DEMO_HEX, segreto_demo
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
PASSWORD = "x-Segreta-123"  # tests.factories.staff's


def codice_di(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def password(client, username: str, segreta: str = PASSWORD, next_: str = ""):
    dati = {"username": username, "password": segreta}
    if next_:
        dati["next"] = next_
    return client.post("/backoffice/accedi/", dati)


def test_without_signing_in_every_page_sends_to_the_sign_in_page(client, persone):
    for url in ("/backoffice/", "/backoffice/nuova/", "/backoffice/segnalazioni/AL-2026-000001/",
                "/backoffice/esporta.csv"):
        risposta = client.get(url)
        assert risposta.status_code == 302
        assert risposta["Location"].startswith("/backoffice/accedi/?next=")


def test_a_password_only_session_is_not_enough(client, persone):
    client.force_login(persone.operatore)  # e.g. signed in to the admin with a password
    risposta = client.get("/backoffice/")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/accedi/")


def test_a_verified_person_without_roles_is_forbidden(client, alessandria):
    cittadino = factories.UtenteFactory(username="giulia", password=PASSWORD)
    factories.segnalazione(alessandria, titolo="Buca che solo lo staff vede nella casella")
    entra_verificato(client, cittadino)
    risposta = client.get("/backoffice/")
    assert risposta.status_code == 403
    assert "Buca che solo lo staff" not in risposta.content.decode() and "AL-" not in risposta.content.decode()


def test_password_then_code_signs_in_and_goes_where_asked(client, persone, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between the wrong and the right code
    device = TOTPDevice.objects.create(user=persone.operatore, name="telefono", confirmed=True)

    risposta = password(client, "al.operatore", next_="/backoffice/nuova/")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/accedi/codice/")
    # The password alone signs in nowhere: not the backoffice, not the admin.
    assert client.get("/backoffice/").status_code == 302
    assert "_auth_user_id" not in client.session

    pagina = client.get(risposta["Location"])
    assert pagina.status_code == 200 and "al.operatore" in pagina.content.decode()
    sbagliato = client.post("/backoffice/accedi/codice/", {"codice": "000000", "next": "/backoffice/nuova/"})
    assert sbagliato.status_code == 400 and "Codice non valido" in sbagliato.content.decode()

    giusto = client.post("/backoffice/accedi/codice/", {"codice": codice_di(device), "next": "/backoffice/nuova/"})
    assert giusto.status_code == 302 and giusto["Location"] == "/backoffice/nuova/"
    assert client.get("/backoffice/").status_code == 200


def test_after_a_wrong_code_the_device_makes_you_wait(client, persone):
    device = TOTPDevice.objects.create(user=persone.operatore, name="telefono", confirmed=True)
    password(client, "al.operatore")
    client.post("/backoffice/accedi/codice/", {"codice": "000000"})
    risposta = client.post("/backoffice/accedi/codice/", {"codice": codice_di(device)})
    assert risposta.status_code == 400 and "attendi qualche secondo" in risposta.content.decode()


def test_a_code_cannot_be_used_twice(client, persone):
    device = TOTPDevice.objects.create(user=persone.operatore, name="telefono", confirmed=True)
    codice = codice_di(device)
    password(client, "al.operatore")
    primo = client.post("/backoffice/accedi/codice/", {"codice": codice})
    assert primo.status_code == 302 and primo["Location"] == "/backoffice/"
    client.post("/backoffice/esci/")
    password(client, "al.operatore")
    di_nuovo = client.post("/backoffice/accedi/codice/", {"codice": codice})
    assert di_nuovo.status_code == 400 and "Codice non valido o scaduto" in di_nuovo.content.decode()
    assert "_auth_user_id" not in client.session


def test_first_sign_in_with_the_password_alone_shows_no_secret(client, persone):
    # The whole enrolment (e-mailed link, QR code, confirmation) is in test_attivazione.py.
    risposta = password(client, "al.operatore")
    assert risposta["Location"].startswith("/backoffice/accedi/attiva/")
    pagina = client.get("/backoffice/accedi/attiva/")
    assert pagina.status_code == 200 and "<svg" not in pagina.content.decode()
    assert not TOTPDevice.objects.filter(user=persone.operatore).exists()


def test_a_citizen_account_is_told_the_backoffice_is_for_staff(client, alessandria):
    factories.UtenteFactory(username="giulia", password=PASSWORD)
    risposta = password(client, "giulia")
    assert risposta.status_code == 400
    assert "riservato al personale" in risposta.content.decode()
    assert "backoffice_in_attesa" not in client.session


def test_wrong_passwords_lock_the_account_out_with_a_clear_message(client, persone, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert password(client, "al.operatore", "sbagliata").status_code == 400
    bloccato = password(client, "al.operatore", "sbagliata")
    assert bloccato.status_code == 403
    testo = bloccato.content.decode()
    assert "Accesso temporaneamente bloccato" in testo and "15 minuti" in testo
    # Even the right password is refused now.
    assert password(client, "al.operatore").status_code == 403


def test_wrong_codes_count_towards_the_lockout(client, persone, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=persone.operatore, name="telefono", confirmed=True)
    password(client, "al.operatore")
    for codice in ("111111", "222222"):
        sbagliato = client.post("/backoffice/accedi/codice/", {"codice": codice})
        assert sbagliato.status_code == 400 and "Codice non valido" in sbagliato.content.decode()
    bloccato = client.post("/backoffice/accedi/codice/", {"codice": "333333"})
    assert bloccato.status_code == 403
    assert "Accesso temporaneamente bloccato" in bloccato.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_page_needs_the_password_first(client, persone):
    risposta = client.get("/backoffice/accedi/codice/")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/accedi/")


def test_an_outside_next_is_ignored(client, persone):
    device = TOTPDevice.objects.create(user=persone.operatore, name="telefono", confirmed=True)
    password(client, "al.operatore", next_="https://evil.example/")
    risposta = client.post("/backoffice/accedi/codice/", {"codice": codice_di(device), "next": "https://evil.example/"})
    assert risposta["Location"] == "/backoffice/"


def test_signing_out_ends_the_session(client, persone):
    entra_verificato(client, persone.operatore)
    assert client.get("/backoffice/esci/").status_code == 405  # only a form's POST signs out
    assert "_auth_user_id" in client.session
    risposta = client.post("/backoffice/esci/")
    assert risposta.status_code == 302 and "_auth_user_id" not in client.session
    dopo = client.get("/backoffice/")
    assert dopo.status_code == 302 and dopo["Location"].startswith("/backoffice/accedi/?next=")


def test_the_demo_command_gives_staff_a_fixed_printed_secret(persone, capsys):
    call_command("otp_demo")
    uscita = capsys.readouterr().out
    assert segreto_demo() in uscita and "al.operatore" in uscita
    device = TOTPDevice.objects.get(user=persone.operatore)
    assert device.confirmed and device.key == CHIAVE_DEMO_HEX
    call_command("otp_demo")  # idempotent
    assert TOTPDevice.objects.filter(user=persone.operatore).count() == 1


def test_the_demo_command_refuses_to_run_in_production(persone, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("otp_demo")
