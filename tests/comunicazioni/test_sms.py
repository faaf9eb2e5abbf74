"""SMS to the comune's number, through the provider's webhook."""

import pytest

from civico.comunicazioni.models import CanaliEnte, ConversazioneSms, Notifica
from civico.segnalazioni.models import Canale, Segnalazione

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

NUMERO = "+39 0131 000000"


@pytest.fixture
def sms(alessandria, comunicazioni, http):
    comunicazioni.update(SMS_SEGRETO_IN_ARRIVO="condiviso", SMS_URL=f"{http.url}/invia")
    CanaliEnte.objects.create(ente=alessandria, numero_sms=NUMERO)
    return http


def _invia(client, testo, da="+393331234567", segreto="condiviso", id_=""):
    return client.post("/comunicazioni/sms/", {"from": da, "to": "+390131000000", "text": testo, "id": id_},
                       content_type="application/json", headers={"X-Civico-Segreto": segreto})


def test_buca_via_dante_becomes_a_report_of_that_category_at_that_address(client, sms):
    r = _invia(client, "BUCA grande via Dante Alighieri 12")

    assert r.status_code == 200 and r.json()["esito"] == "creata"
    s = Segnalazione.objects.get(codice=r.json()["codice"])
    assert s.canale == Canale.SMS and s.categoria.codice == "buche" and s.indirizzo.startswith("Via Dante Alighieri 12")
    assert s.segnalante_telefono == "+393331234567"
    # The receipt with the code goes back by SMS, through the outbox.
    [ricevuta] = Notifica.objects.filter(segnalazione=s)
    assert ricevuta.canale == "sms" and ricevuta.indirizzo == "+393331234567" and s.codice in ricevuta.testo


def test_what_is_missing_is_asked_and_the_next_sms_completes_it(client, sms):
    r = _invia(client, "BUCA via Dante Alighieri 12")
    assert r.json()["esito"] == "richiesta" and "Quanto è grande la buca?" in r.json()["risposta"]
    assert Notifica.objects.get(motivo="risposta").canale == "sms"

    r = _invia(client, "grande")
    assert r.json()["esito"] == "creata"
    assert not ConversazioneSms.objects.exists()


def test_an_sms_without_an_address_gets_a_reply_asking_where(client, sms):
    r = _invia(client, "lampione spento")
    assert r.json()["esito"] == "richiesta" and "via Roma 12" in r.json()["risposta"]
    assert not Segnalazione.objects.filter(canale=Canale.SMS).exists()
    r = _invia(client, "in via Dante Alighieri 12")
    assert r.json()["esito"] in ("creata", "richiesta")  # a required question may still be asked


def test_annulla_forgets_the_conversation(client, sms):
    _invia(client, "BUCA via Dante Alighieri 12")
    assert _invia(client, "ANNULLA").json()["esito"] == "annullata"
    assert not ConversazioneSms.objects.exists()


def test_a_redelivered_sms_is_processed_once(client, sms):
    assert _invia(client, "BUCA grande via Dante Alighieri 12", id_="p-1").json()["esito"] == "creata"
    assert _invia(client, "BUCA grande via Dante Alighieri 12", id_="p-1").json()["esito"] == "duplicata"


def test_the_webhook_needs_the_shared_secret(client, sms):
    assert _invia(client, "BUCA grande via Dante Alighieri 12", segreto="sbagliato").status_code == 403
    assert not Segnalazione.objects.filter(canale=Canale.SMS).exists()


def test_bad_input_is_answered_not_crashed(client, sms):
    r = client.post("/comunicazioni/sms/", b"{non json", content_type="application/json",
                    headers={"X-Civico-Segreto": "condiviso"})
    assert r.status_code == 400
    assert _invia(client, "ciao", da="").json()["esito"] == "ignorata"
    assert _invia(client, "<script>alert(1)</script>").json()["esito"] == "richiesta"
