"""The backoffice's world: Alessandria with one person per role, and a way in past the OTP step."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import Ruolo, Utente
from civico.catalogo.models import Ufficio
from civico.demo import catalogo_demo as C
from civico.enti.models import Ente
from tests import factories


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    # Seven staff accounts per test: the production hasher would make the suite crawl.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def entra_verificato(client: Client, utente: Utente) -> Client:
    """Signed in with both factors, as the sign-in pages would leave the session."""
    device = TOTPDevice.objects.filter(user=utente, confirmed=True).first() or TOTPDevice.objects.create(
        user=utente, name="test", confirmed=True
    )
    client.force_login(utente)
    sessione = client.session
    sessione[DEVICE_ID_SESSION_KEY] = device.persistent_id
    sessione.save()
    return client


@dataclass
class Persone:
    operatore: Utente
    responsabile: Utente  # office manager of the roads office only
    amministratore: Utente
    sindaco: Utente
    osservatore: Utente
    altro_comune: Utente  # an operator of Casale Monferrato
    piattaforma: Utente


@pytest.fixture
def strade(alessandria: Ente) -> Ufficio:
    return Ufficio.objects.get(ente=alessandria, nome=C.STRADE)


@pytest.fixture
def verde(alessandria: Ente) -> Ufficio:
    return Ufficio.objects.get(ente=alessandria, nome=C.VERDE)


@pytest.fixture
def persone(alessandria: Ente, casale: Ente, strade: Ufficio) -> Persone:
    operatore = factories.staff("al.operatore", Ruolo.OPERATORE, alessandria)
    operatore.first_name, operatore.last_name = "Ottavia", "Operatrice"
    operatore.save()
    return Persone(
        operatore=operatore,
        responsabile=factories.staff("al.strade", Ruolo.OFFICE_MANAGER, alessandria, strade),
        amministratore=factories.staff("al.admin", Ruolo.ENTE_ADMIN, alessandria),
        sindaco=factories.staff("al.sindaco", Ruolo.SINDACO, alessandria),
        osservatore=factories.staff("al.osservatore", Ruolo.OSSERVATORE, alessandria),
        altro_comune=factories.staff("cm.operatore", Ruolo.OPERATORE, casale),
        piattaforma=factories.staff("piattaforma", Ruolo.PLATFORM_ADMIN, None),
    )


@pytest.fixture
def come(client):
    """`come(persona)`: the test client signed in (with OTP) as that person."""
    return lambda utente: entra_verificato(client, utente)
