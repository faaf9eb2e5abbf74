"""A message that cannot become a report yet is answered with a question ("ci serve il luogo",
"ci servono ancora…"): the question's Reply-To reaches the inbound listener and the citizen's
answer finds the first message again, so the report is made from both."""

import pytest
from django.core import mail

from civico.comunicazioni import consegna, conversazioni
from civico.comunicazioni.models import Notifica
from civico.segnalazioni.models import Canale, Segnalazione
from tests.comunicazioni.test_email_in_arrivo import _email, _foto, _ricevi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dominio(comunicazioni):
    comunicazioni["EMAIL_IN_ARRIVO_DOMINIO"] = "segnala.example.org"


def _domanda() -> Notifica:
    return Notifica.objects.filter(motivo="risposta").latest("pk")


def _risposta_a(domanda: Notifica, testo: str, *, mittente="Mario Rossi <mario@example.org>", a=None, **kw):
    return _email(oggetto="Re: " + domanda.oggetto.removeprefix("Re: "), testo=testo, mittente=mittente,
                  a=a or domanda.dati["rispondi_a"], message_id=f"<{abs(hash(testo))}.r@example.org>", **kw)


def test_the_question_carries_a_reply_address_of_the_comunes_inbound_listener(alessandria):
    _ricevi(_email(testo="C'è una buca enorme davanti a casa mia."))
    domanda = _domanda()
    rispondi_a = domanda.dati["rispondi_a"]
    assert rispondi_a.startswith("alessandria+m") and rispondi_a.endswith("@segnala.example.org")
    assert conversazioni.messaggi_citati([rispondi_a])  # signed: it names the first message
    consegna.consegna(domanda.pk)
    assert mail.outbox[-1].reply_to == [rispondi_a]  # what the citizen's mail client answers to


@pytest.mark.parametrize("primo, risposta", [
    ("C'è una buca enorme davanti a casa mia, grande.", "Via Dante Alighieri 12"),
    ("Buca in via Dante Alighieri 12", "grande"),
    ("Buca in via Dante Alighieri 12", "È grande, ci passa una ruota intera."),
])
def test_the_answer_to_our_question_makes_the_report_from_both_messages(alessandria, primo, risposta):
    m = _email(oggetto="Buca pericolosa", testo=primo)
    m.add_attachment(_foto(), maintype="image", subtype="jpeg", filename="buca.jpg")
    assert _ricevi(m).azione == "richiesta"

    esito = _ricevi(_risposta_a(_domanda(), risposta))

    assert esito.azione == "creata", esito.motivo
    s = esito.segnalazione
    assert s.titolo == "Buca pericolosa" and s.canale == Canale.EMAIL
    assert s.indirizzo.startswith("Via Dante Alighieri 12") and s.risposte == {"dimensione": "grande"}
    assert s.allegati.count() == 1  # the first message's photo is not lost
    assert Segnalazione.objects.filter(canale=Canale.EMAIL).count() == 1


def test_two_rounds_of_questions_still_remember_the_first_message(alessandria):
    _ricevi(_email(oggetto="Buca pericolosa", testo="C'è una buca davanti a casa mia."))
    assert _ricevi(_risposta_a(_domanda(), "Via Dante Alighieri 12")).azione == "richiesta"  # size still missing
    esito = _ricevi(_risposta_a(_domanda(), "grande"))
    assert esito.azione == "creata" and esito.segnalazione.titolo == "Buca pericolosa"


@pytest.mark.parametrize("variante", ["altro mittente", "firma alterata", "senza etichetta"])
def test_an_answer_that_does_not_prove_the_conversation_is_read_on_its_own(alessandria, variante):
    _ricevi(_email(oggetto="Buca pericolosa", testo="C'è una buca davanti a casa mia, grande."))
    domanda = _domanda()
    a = domanda.dati["rispondi_a"]
    mittente = "Mario Rossi <mario@example.org>"
    if variante == "altro mittente":
        mittente = "Eva <eva@example.org>"
    elif variante == "firma alterata":
        locale, _, dominio = a.partition("@")
        a = f"{locale[:-1]}{'a' if locale[-1] != 'a' else 'b'}@{dominio}"
    else:
        a = "alessandria@segnala.example.org"

    esito = _ricevi(_risposta_a(domanda, "Via Dante Alighieri 12", mittente=mittente, a=a),
                    busta=mittente.split("<")[1].rstrip(">"))

    # Not joined to someone else's first message: on its own it says nothing of a problem's size.
    assert esito.azione == "richiesta" and not Segnalazione.objects.filter(canale=Canale.EMAIL).exists()


@pytest.mark.parametrize(("testo", "luogo"), [
    ("Buca grande in via Roma 12, profonda.", "via Roma 12"),
    ("Buca grande in piazza Castello davanti al bar", "piazza Castello davanti al bar"),
])
def test_a_comune_without_a_gazetteer_takes_the_place_in_words_to_be_located(casale, testo, luogo):
    esito = _ricevi(_email(testo=testo, a=f"{casale.slug}@segnala.example.org"))
    assert esito.azione == "creata", esito.motivo
    s = esito.segnalazione
    assert s.da_localizzare and s.lat is None and s.indirizzo == luogo and s.ente == casale
    # The citizen is told the office will place it from their words (with the receipt, by the outbox).
    detto = Notifica.objects.filter(motivo="risposta", indirizzo="mario@example.org").latest("pk")
    assert "l'ufficio lo individuerà dalla tua descrizione" in detto.testo and luogo in detto.testo


def test_the_answer_to_ci_serve_il_luogo_is_taken_as_words_when_the_gazetteer_does_not_know_it(alessandria):
    assert _ricevi(_email(oggetto="Buca pericolosa", testo="C'è una buca grande davanti a casa mia.")).azione \
        == "richiesta"
    esito = _ricevi(_risposta_a(_domanda(), "Nel cortile dietro il mercato coperto"))
    assert esito.azione == "creata", esito.motivo
    assert esito.segnalazione.da_localizzare and esito.segnalazione.indirizzo == "Nel cortile dietro il mercato coperto"


@pytest.mark.parametrize(("risposta", "atteso"), [("sono 2", 2), ("Due lampioni.", 2), ("una dozzina circa", 12),
                                                  ("3\n\nInviato da iPhone", 3)])
def test_a_number_answered_by_email_as_people_write_it_completes_the_report(alessandria, risposta, atteso):
    assert _ricevi(_email(oggetto="Lampioni spenti", testo="Lampione spento in via Dante Alighieri 12")).azione \
        == "richiesta"
    esito = _ricevi(_risposta_a(_domanda(), risposta))
    assert esito.azione == "creata", esito.motivo
    assert esito.segnalazione.risposte["lampioni-spenti"] == atteso


@pytest.mark.parametrize("risposte", [("boh, non saprei", "non lo so proprio"), ("?", "forse"),
                                      ("Via Dante Alighieri 12", "chiedete al vicino")])
def test_after_two_answers_we_cannot_read_the_report_is_stored_and_the_question_left_to_the_office(
        alessandria, risposte):
    """The rule of every message channel: two tries, then the report is not lost for want of an answer."""
    from civico.segnalazioni.models import Evento, TipoEvento

    _ricevi(_email(oggetto="Buca pericolosa", testo="C'è una buca in via Dante Alighieri 12."))
    assert _ricevi(_risposta_a(_domanda(), risposte[0])).azione == "richiesta"  # asked once more
    esito = _ricevi(_risposta_a(_domanda(), risposte[1]))

    assert esito.azione == "creata", esito.motivo
    s = esito.segnalazione
    assert s.titolo == "Buca pericolosa" and "dimensione" not in s.risposte
    nota = Evento.objects.get(segnalazione=s, tipo=TipoEvento.INTERNAL_NOTE, dati__has_key="domande_senza_risposta")
    assert nota.dati["domande_senza_risposta"] == ["dimensione"] and risposte[1] in nota.testo
    ultima = Notifica.objects.filter(motivo="risposta").latest("pk")
    assert "penserà l'ufficio" in ultima.testo
