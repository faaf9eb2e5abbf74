"""SMS to the comune's number, through the provider's webhook."""

import pytest

from civico.comunicazioni.models import Conversazione, Notifica
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Canale, Segnalazione
from civico.stati import Stato
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

NUMERO = "+39 0131 000000"


@pytest.fixture
def sms(alessandria, comunicazioni, http):
    comunicazioni.update(SMS_SEGRETO_IN_ARRIVO="condiviso", SMS_URL=f"{http.url}/invia")
    factories.CanaliEnteFactory(ente=alessandria, numero_sms=NUMERO)
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
    assert not Conversazione.objects.exists()


def test_an_sms_without_an_address_gets_a_reply_asking_where(client, sms):
    r = _invia(client, "lampione spento")
    assert r.json()["esito"] == "richiesta" and "via Roma 12" in r.json()["risposta"]
    assert not Segnalazione.objects.filter(canale=Canale.SMS).exists()
    r = _invia(client, "in via Dante Alighieri 12")
    assert r.json()["esito"] in ("creata", "richiesta")  # a required question may still be asked


def test_annulla_forgets_the_conversation(client, sms):
    _invia(client, "BUCA via Dante Alighieri 12")
    assert _invia(client, "ANNULLA").json()["esito"] == "annullata"
    assert not Conversazione.objects.exists()


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


@pytest.mark.parametrize(("risposta", "atteso"), [
    ("2", 2), ("sono 2 lampioni", 2), ("due", 2), ("Due lampioni", 2), ("una dozzina", 12), ("ventitré", 23),
])
def test_a_number_question_is_answered_as_people_write_numbers(client, sms, risposta, atteso):
    r = _invia(client, "lampione spento via Dante Alighieri 12")
    assert r.json()["esito"] == "richiesta" and "Quanti lampioni sono spenti?" in r.json()["risposta"]
    r = _invia(client, risposta)
    assert r.json()["esito"] == "creata", r.json()
    assert Segnalazione.objects.get(codice=r.json()["codice"]).risposte["lampioni-spenti"] == atteso


@pytest.mark.parametrize(("risposta", "atteso"), [("grnde", "grande"), ("Media", "media"), ("è piccola", "piccola")])
def test_a_choice_is_answered_by_name_or_close_spelling(client, sms, risposta, atteso):
    _invia(client, "BUCA via Dante Alighieri 12")
    r = _invia(client, risposta)
    assert r.json()["esito"] == "creata"
    assert Segnalazione.objects.get(codice=r.json()["codice"]).risposte["dimensione"] == atteso


def test_after_two_answers_not_understood_the_report_is_kept_and_the_question_left_to_the_office(client, sms):
    _invia(client, "lampione spento via Dante Alighieri 12")
    r = _invia(client, "boh")
    assert r.json()["esito"] == "richiesta"
    assert "Non abbiamo capito" in r.json()["risposta"] and "Quanti lampioni sono spenti?" in r.json()["risposta"]
    r = _invia(client, "tanti, non li ho contati")
    assert r.json()["esito"] == "creata" and "ufficio" in r.json()["risposta"]
    s = Segnalazione.objects.get(codice=r.json()["codice"])
    assert "lampioni-spenti" not in s.risposte
    # The office sees which question is open and what the citizen wrote, in the report's history.
    nota = s.eventi.get(dati__domande_senza_risposta=["lampioni-spenti"])
    assert nota.visibilita == "internal" and "Quanti lampioni sono spenti?" in nota.testo and "«boh»" in nota.testo
    assert not Conversazione.objects.exists()


def _risolta(alessandria, telefono="+393331234567", **campi):
    s = factories.segnalazione(alessandria, telefono=telefono, **campi)
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    return workflow.transition(s, "resolve", op, testo="Buca chiusa")


def test_the_resolution_sms_asks_risolto_and_si_closes_that_report(client, sms, alessandria):
    s = _risolta(alessandria, telefono="333 123 4567")  # as typed on the web: the same number
    stato = Notifica.objects.filter(segnalazione=s, canale="sms").order_by("-pk").first()
    assert "Rispondi SI o NO" in stato.testo

    r = _invia(client, "SI")
    assert r.json()["esito"] == "confermata" and r.json()["codice"] == s.codice
    s.refresh_from_db()
    assert s.stato == Stato.CLOSED and f"{s.codice} è chiusa" in r.json()["risposta"]
    assert Segnalazione.objects.count() == 1  # not a new report


@pytest.mark.parametrize("risposta", ["no, c'è ancora", "NO", "No la buca è ancora lì"])
def test_no_reopens_it_with_the_citizens_words(client, sms, alessandria, risposta):
    s = _risolta(alessandria)
    r = _invia(client, risposta)
    assert r.json()["esito"] == "riaperta"
    s.refresh_from_db()
    assert s.stato == Stato.REOPENED and "riaperta" in r.json()["risposta"]
    assert s.eventi.filter(stato_a=Stato.REOPENED, testo=risposta).exists()


def test_with_several_resolved_reports_the_code_is_asked(client, sms, alessandria):
    prima, seconda = _risolta(alessandria), _risolta(alessandria, titolo="Altra buca sul marciapiede")
    r = _invia(client, "no")
    assert r.json()["esito"] == "richiesta"
    assert prima.codice in r.json()["risposta"] and seconda.codice in r.json()["risposta"]
    r = _invia(client, prima.codice.lower())
    assert r.json()["esito"] == "riaperta" and r.json()["codice"] == prima.codice
    prima.refresh_from_db(), seconda.refresh_from_db()
    assert prima.stato == Stato.REOPENED and seconda.stato == Stato.RESOLVED
    # By its number alone, in the same message as the answer.
    assert _invia(client, f"si, la {seconda.numero}").json()["esito"] == "confermata"


def test_yes_from_a_number_with_no_resolved_report_is_no_answer(client, sms, alessandria):
    _risolta(alessandria, telefono="+393339999999")
    r = _invia(client, "SI")
    assert r.json()["esito"] == "richiesta" and "Che problema" in r.json()["risposta"]
