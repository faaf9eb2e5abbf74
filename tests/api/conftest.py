"""JSON API test helpers: staff with their Bearer tokens, JSON calls, the error body's shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from civico.accounts.chiavi import crea_token
from civico.accounts.models import Ruolo, Utente
from civico.enti.models import Ente
from tests import factories

V1 = "/api/v1"
PRIVATO = {"nome": "Giulia Ferrari", "email": "giulia.ferrari@example.org", "telefono": "+39 333 7654321"}


@pytest.fixture(autouse=True)
def _limiti_azzerati():
    """Rate-limit counters live in the cache: every test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


def bearer(utente: Utente) -> dict[str, str]:
    return {"Authorization": f"Bearer {crea_token(utente, 'test')[1]}"}


def staff(username: str, ruolo: str, ente: Ente | None, ufficio=None) -> tuple[Utente, dict[str, str]]:
    utente = factories.staff(username, ruolo, ente, ufficio)
    return utente, bearer(utente)


@pytest.fixture
def operatore_al(alessandria):
    return staff("op-api-al", Ruolo.OPERATORE, alessandria)


def file_(nome: str, dati: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, dati)


def post_json(client, url: str, dati: Any, **headers: str):
    return client.post(url, dati, content_type="application/json", headers=headers)


def errore(risposta, stato: int, codice: str | None = None) -> dict:
    """Assert the API's error body and return its `errore`."""
    assert risposta.status_code == stato, (risposta.status_code, risposta.content[:500])
    assert risposta["Content-Type"].startswith("application/json")
    corpo = risposta.json()["errore"]
    assert set(corpo) == {"codice", "messaggio", "campi"} and corpo["messaggio"]
    if codice:
        assert corpo["codice"] == codice, corpo
    return corpo
