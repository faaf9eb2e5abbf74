"""The Django admin: the backoffice's door (password + TOTP), platform administrators only, and
never a secret on a page (TOTP keys, private report tokens, protocol secrets, private JWKS…)."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import RelyingParty, Ruolo
from civico.moderazione.models import Divieto
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
PASSWORD = "x-Segreta-123"  # tests.factories.staff's

# Fields whose names look like secrets but are not: search keys, dedupe hashes, Message-IDs.
NON_SEGRETI = {
    "catalogo.categoria": {"parole_chiave"},
    "territorio.via": {"chiave"},
    "comunicazioni.messaggioinarrivo": {"chiave"},
    "comunicazioni.notifica": {"chiave"},
    "comunicazioni.elementopersonale": {"chiave"},
    "analisi.istantanea": {"chiave"},
    "segnalazioni.segnalazione": {"impronta_richiesta"},
    # Key ids with their retirement time, superiors' entity ids, a trust anchor's public keys.
    "accounts.relyingparty": {"chiavi_in_uscita", "authority_hints"},
    "accounts.trustanchor": {"chiavi"},
}
SOSPETTI = re.compile(r"token|segret|secret|key|chiav|hash|nonce|auth|p256|password|impronta|privat|salt|credenz|pin$",
                      re.IGNORECASE)


@pytest.fixture(autouse=True)
def _veloce(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CIVICO = {**settings.CIVICO, "LIMITI": {"scrittura": {"ip": (100_000, 60)}}}


@pytest.fixture
def segreti(alessandria):
    """One object per registered model where it is cheap, and the secret values they hold."""
    segnalazione = factories.segnalazione(alessandria)
    piattaforma = factories.staff("piattaforma", Ruolo.PLATFORM_ADMIN, None)
    device = TOTPDevice.objects.create(user=piattaforma, name="telefono", confirmed=True)
    alessandria.protocollo_segreto = "protocollo-segreto-7f3a9c"
    alessandria.save()
    rp = RelyingParty.objects.create(
        client_id="https://civico.example/oidc/rp/", ente=alessandria,
        chiavi_private={"keys": [{"kty": "RSA", "kid": "k1", "d": "chiave-privata-d-9b1e77", "n": "AQ", "e": "AQAB"}]},
    )
    Divieto.objects.create(tipo="email", valore="spam@example.org", motivo="prova")
    return {
        "piattaforma": piattaforma,
        "device": device,
        "valori": [
            segnalazione.token, device.key, b32encode(device.bin_key).decode().rstrip("="),
            "protocollo-segreto-7f3a9c", "chiave-privata-d-9b1e77", piattaforma.password,
        ],
        "rp": rp,
    }


def _pagine_admin():
    """(label, url) of every registered ModelAdmin's list, add and change page (first object)."""
    for model, _admin in admin.site._registry.items():
        prefisso = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield f"{model._meta.label} elenco", reverse(f"{prefisso}_changelist")
        yield f"{model._meta.label} aggiungi", reverse(f"{prefisso}_add")
        oggetto = model._default_manager.order_by("pk").first()
        if oggetto is not None:
            yield f"{model._meta.label} modifica", reverse(f"{prefisso}_change", args=[oggetto.pk])
    for nome in ("admin:index", "admin:password_change"):
        yield nome, reverse(nome)


def test_every_admin_page_is_refused_to_everyone_but_a_verified_platform_administrator(client, segreti, casale):
    pagine = list(_pagine_admin())
    assert len(pagine) > 40
    ente_staff = factories.staff("al.admin.super", Ruolo.ENTE_ADMIN, casale)
    ente_staff.is_superuser = ente_staff.is_staff = True  # a stray flag opens nothing
    ente_staff.save()
    errori = []
    for nome, url in pagine:
        client.logout()
        r = client.get(url, follow=True)
        if r.redirect_chain[-1:] == [] or not r.redirect_chain[-1][0].startswith("/backoffice/accedi/"):
            errori.append(f"anonimo {nome}: {r.status_code} {r.redirect_chain}")

        client.force_login(segreti["piattaforma"])  # the right password, no second factor
        r = client.get(url, follow=True)
        if not r.redirect_chain or not r.redirect_chain[-1][0].startswith("/backoffice/accedi/"):
            errori.append(f"solo password {nome}: {r.status_code} {r.redirect_chain}")

        entra_verificato(client, ente_staff)
        r = client.get(url, follow=True)
        if r.status_code != 403:
            errori.append(f"staff di un ente {nome}: {r.status_code}")

    entra_verificato(client, segreti["piattaforma"])
    richiesta = RequestFactory().get("/admin/")
    richiesta.user = segreti["piattaforma"]
    for nome, url in pagine:
        r = client.get(url)
        atteso = 200
        if nome.endswith(" aggiungi"):
            modello = apps.get_model(nome.split()[0])
            atteso = 200 if admin.site._registry[modello].has_add_permission(richiesta) else 403
        if r.status_code != atteso:
            errori.append(f"amministratore della piattaforma {nome}: {r.status_code} invece di {atteso}")
    assert not errori, "\n".join(errori)


def test_the_admin_has_no_password_form_of_its_own(client, segreti):
    pagina = client.get("/admin/login/?next=/admin/enti/ente/")
    assert pagina.status_code == 302
    assert pagina["Location"] == "/backoffice/accedi/?next=%2Fadmin%2Fenti%2Fente%2F"
    # Posting the password to the old door signs in nobody.
    r = client.post("/admin/login/", {"username": "piattaforma", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code == 302 and r["Location"].startswith("/backoffice/accedi/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_platform_administrator_reaches_the_admin_through_password_and_code(client, segreti, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = segreti["device"]
    r = client.get("/admin/enti/ente/", follow=True)
    assert r.redirect_chain[-1][0] == "/backoffice/accedi/?next=%2Fadmin%2Fenti%2Fente%2F"
    r = client.post("/backoffice/accedi/", {"username": "piattaforma", "password": PASSWORD,
                                            "next": "/admin/enti/ente/"})
    assert r.status_code == 302 and r["Location"].startswith("/backoffice/accedi/codice/")
    assert client.get("/admin/enti/ente/").status_code == 302  # the password alone: still outside
    codice = f"{TOTP(device.bin_key).token():06d}"
    r = client.post("/backoffice/accedi/codice/", {"codice": codice, "next": "/admin/enti/ente/"})
    assert r.status_code == 302 and r["Location"] == "/admin/enti/ente/"
    assert client.get("/admin/enti/ente/").status_code == 200


def test_a_signed_in_ente_administrator_meets_a_refusal_not_a_form(client, segreti, alessandria):
    entra_verificato(client, factories.staff("al.adm", Ruolo.ENTE_ADMIN, alessandria))
    for r in (client.get("/admin/login/"), client.get("/admin/", follow=True)):
        assert r.status_code == 403
        assert 'name="password"' not in r.content.decode() and "/admin/enti/" not in r.content.decode()


def test_no_admin_page_shows_a_secret(client, segreti):
    from civico.accounts.amministrazione import CAMPI_SEGRETI

    entra_verificato(client, segreti["piattaforma"])
    device = segreti["device"]
    # Every change page, and the lists of the models holding secrets (the others' lists are the
    # slow ones, with 7,900 comuni in a filter, and were fetched by the test above).
    pagine = [url for nome, url in _pagine_admin()
              if not nome.endswith(" elenco") or nome.split()[0].lower() in CAMPI_SEGRETI]
    # django-otp's own admin had a configuration page and a QR code image for each device.
    pagine += [f"/admin/otp_totp/totpdevice/{device.pk}/config/", f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/"]
    trovati = []
    for url in pagine:
        r = client.get(url, follow=True)
        assert r.status_code in (200, 403, 404), url
        html = r.content.decode(errors="replace")
        trovati += [f"{url}: {v[:12]}…" for v in segreti["valori"] if v and v in html]
    assert not trovati, "\n".join(trovati)


def test_secrets_cannot_be_searched_for(client, segreti, alessandria):
    entra_verificato(client, segreti["piattaforma"])
    token = factories.segnalazione(alessandria).token
    for ricerca in (token, token[:8]):
        r = client.get("/admin/segnalazioni/segnalazione/", {"q": ricerca})
        assert r.status_code == 200
        assert r.context["cl"].result_count == 0


def test_a_totp_device_can_be_seen_and_deleted_but_neither_added_nor_edited(client, segreti):
    entra_verificato(client, segreti["piattaforma"])
    device = segreti["device"]
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    url = f"/admin/otp_totp/totpdevice/{device.pk}/change/"
    client.post(url, {"user": device.user_id, "name": "x", "key": "00" * 20, "confirmed": "on"})
    device.refresh_from_db()
    assert device.name == "telefono" and device.key != "00" * 20
    r = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_every_field_that_looks_like_a_secret_is_declared_one_or_declared_harmless():
    from civico.accounts.amministrazione import CAMPI_SEGRETI

    sconosciuti = []
    for model in apps.get_models():
        etichetta = model._meta.label_lower
        for campo in model._meta.concrete_fields:
            if not SOSPETTI.search(campo.name):
                continue
            if campo.name in CAMPI_SEGRETI.get(etichetta, ()) or campo.name in NON_SEGRETI.get(etichetta, ()):
                continue
            sconosciuti.append(f"{etichetta}.{campo.name}")
    assert not sconosciuti, f"Secret or not? Add to CAMPI_SEGRETI or NON_SEGRETI: {sconosciuti}"


def test_the_secret_list_names_real_fields():
    from civico.accounts.amministrazione import CAMPI_SEGRETI

    for etichetta, campi in CAMPI_SEGRETI.items():
        try:
            model = apps.get_model(etichetta)
        except LookupError:
            continue  # an app not installed here
        nomi = {f.name for f in model._meta.concrete_fields}
        assert campi <= nomi, etichetta


def test_the_admin_urls_of_django_otp_are_gone():
    with pytest.raises(NoReverseMatch):
        reverse("admin:otp_totp_totpdevice_config", args=[1])
