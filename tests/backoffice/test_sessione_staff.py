"""Staff sessions end after a working day idle (`SESSIONE_STAFF_INATTIVA_ORE`); citizens' do not."""

from __future__ import annotations

import time

import pytest

from civico.backoffice.sessione import ULTIMA_ATTIVITA
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db


def _inattivo_da(client, ore: float) -> None:
    sessione = client.session
    sessione[ULTIMA_ATTIVITA] = time.time() - ore * 3600
    sessione.save()


@pytest.mark.parametrize("ore,dentro", [(0.5, True), (8.9, True), (9.1, False), (30, False), (24 * 365, False)])
def test_a_staff_session_ends_after_nine_hours_idle(client, persone, ore, dentro):
    entra_verificato(client, persone.operatore)
    assert client.get("/backoffice/").status_code == 200
    _inattivo_da(client, ore)
    risposta = client.get("/backoffice/")
    assert (risposta.status_code == 200) is dentro
    if not dentro:
        assert risposta["Location"].startswith("/backoffice/accedi/")
        assert "_auth_user_id" not in client.session
        pagina = client.get(risposta["Location"])
        assert "scaduta per inattività" in pagina.content.decode()
        assert client.get("/backoffice/").status_code == 302  # not back in by reloading


def test_the_admin_session_ends_the_same_way(client, persone):
    entra_verificato(client, persone.piattaforma)
    dentro = client.get("/admin/")
    assert dentro.status_code == 200 and "/admin/enti/ente/" in dentro.content.decode()
    _inattivo_da(client, 10)
    fuori = client.get("/admin/")
    assert fuori.status_code == 302 and fuori["Location"] == "/admin/login/?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(client, persone, monkeypatch):
    entra_verificato(client, persone.operatore)
    adesso = time.time()
    for ora in range(0, 40, 4):  # a request every four hours, for well over a working day
        monkeypatch.setattr(time, "time", lambda ora=ora: adesso + ora * 3600)
        risposta = client.get("/backoffice/")
        assert risposta.status_code == 200 and "Ottavia" in risposta.content.decode()  # still her inbox
    assert client.session["_auth_user_id"] == str(persone.operatore.pk)


def test_the_limit_is_a_setting(client, persone, settings):
    settings.CIVICO = {**settings.CIVICO, "SESSIONE_STAFF_INATTIVA_ORE": 1}
    entra_verificato(client, persone.operatore)
    _inattivo_da(client, 1.5)
    risposta = client.get("/backoffice/")
    assert risposta.status_code == 302 and "_auth_user_id" not in client.session
    assert "scaduta per inattività" in client.get(risposta["Location"]).content.decode()


def test_a_citizens_session_is_not_affected(client, alessandria):
    cittadino = factories.UtenteFactory(username="giulia@example.org")
    client.force_login(cittadino)
    _inattivo_da(client, 24 * 30)
    assert client.get("/area-personale/").status_code == 200
    assert client.session.get("_auth_user_id") == str(cittadino.pk)
