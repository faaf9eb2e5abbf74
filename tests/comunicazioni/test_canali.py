"""SMS and App IO against real local HTTP servers; outcomes mapped to retry or not."""

import pytest

from civico.comunicazioni import consegna
from civico.comunicazioni.canali import appio
from civico.comunicazioni.models import (
    CanaleConsegna,
    Notifica,
    StatoNotifica,
)
from tests import factories

pytestmark = pytest.mark.django_db

CF = "RSSMRA80A01A182X"


def _notifica(ente, canale, indirizzo, oggetto="Segnalazione AL-2026-000001: Risolta", testo="Testo breve", **dati):
    return factories.NotificaFactory(canale=canale, indirizzo=indirizzo, ente=ente, oggetto=oggetto, testo=testo,
                                     dati=dati)


@pytest.fixture
def sms(settings, http, comunicazioni):
    comunicazioni.update(SMS_URL=f"{http.url}/invia", SMS_TOKEN="segreto-sms", SMS_MITTENTE="ComuneAL")
    return http


def test_an_sms_is_posted_as_json_with_the_token(alessandria, sms):
    sms.risposte[("POST", "/invia")] = (201, {"id": "msg-42"})
    n = _notifica(alessandria, CanaleConsegna.SMS, "+393331234567")

    assert consegna.consegna(n.pk) == "inviata"

    [r] = sms.richieste
    assert r["intestazioni"]["Authorization"] == "Bearer segreto-sms"
    assert r["json"] == {"to": "+393331234567", "from": "ComuneAL", "text": "Testo breve", "reference": n.chiave}
    n.refresh_from_db()
    assert n.stato == StatoNotifica.INVIATA and n.id_esterno == "msg-42"


@pytest.mark.parametrize(("stato", "atteso"), [(503, "riprova"), (429, "riprova"), (400, "fallita")])
def test_provider_errors_are_retried_or_given_up(alessandria, sms, stato, atteso):
    sms.risposte[("POST", "/invia")] = (stato, {"error": "x"})
    n = _notifica(alessandria, CanaleConsegna.SMS, "+393331234567")
    assert consegna.consegna(n.pk) == atteso
    assert f"HTTP {stato}" in Notifica.objects.get(pk=n.pk).ultimo_errore


def test_an_unreachable_provider_is_retried(alessandria, comunicazioni):
    comunicazioni["SMS_URL"] = "http://127.0.0.1:9/invia"
    n = _notifica(alessandria, CanaleConsegna.SMS, "+393331234567")
    assert consegna.consegna(n.pk) == "riprova"


@pytest.fixture
def io(http, comunicazioni, alessandria):
    comunicazioni["APP_IO_URL"] = http.url
    factories.CanaliEnteFactory(ente=alessandria, chiave_app_io="chiave-di-alessandria")
    return http


def test_app_io_checks_the_profile_then_sends_within_the_limits(alessandria, io):
    io.risposte[("GET", f"/api/v1/profiles/{CF}")] = (200, {"sender_allowed": True})
    io.risposte[("POST", f"/api/v1/messages/{CF}")] = (201, {"id": "01IO"})
    n = _notifica(alessandria, CanaleConsegna.APP_IO, CF, oggetto="Breve", testo="Il problema è stato risolto.")

    assert consegna.consegna(n.pk) == "inviata"

    profilo, messaggio = io.richieste
    assert profilo["metodo"] == "GET" and messaggio["metodo"] == "POST"
    assert {r["intestazioni"]["Ocp-Apim-Subscription-Key"] for r in io.richieste} == {"chiave-di-alessandria"}
    contenuto = messaggio["json"]["content"]
    assert 10 <= len(contenuto["subject"]) <= 120 and 80 <= len(contenuto["markdown"]) <= 10_000
    assert Notifica.objects.get(pk=n.pk).id_esterno == "01IO"


@pytest.mark.parametrize("profilo", [(404, {}), (200, {"sender_allowed": False})])
def test_app_io_does_not_write_to_who_cannot_receive(alessandria, io, profilo):
    io.risposte[("GET", f"/api/v1/profiles/{CF}")] = profilo
    n = _notifica(alessandria, CanaleConsegna.APP_IO, CF)
    assert consegna.consegna(n.pk) == "fallita"
    assert [r["metodo"] for r in io.richieste] == ["GET"]  # no message was posted


def test_app_io_limits():
    oggetto, markdown = appio.adatta("Ciao", "x" * 20_000)
    assert len(oggetto) >= 10 and len(markdown) == 10_000


def test_app_io_is_available_only_to_an_ente_with_a_key(alessandria, casale):
    factories.CanaliEnteFactory(ente=alessandria, chiave_app_io="k")
    assert appio.CANALE.disponibile(alessandria) and not appio.CANALE.disponibile(casale)


def test_a_channel_that_crashes_does_not_crash_the_worker(alessandria, monkeypatch):
    from civico.comunicazioni.canali import email

    def esplode(self, notifica):
        raise RuntimeError("bug nel canale")

    monkeypatch.setattr(email.CanaleEmail, "invia", esplode)
    n = _notifica(alessandria, CanaleConsegna.EMAIL, "mario@example.org")
    assert consegna.consegna(n.pk) == "riprova"
    assert "bug nel canale" in Notifica.objects.get(pk=n.pk).ultimo_errore
