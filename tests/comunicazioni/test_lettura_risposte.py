"""Answers as people write them by SMS, e-mail or chat (inbound/lettura_risposte.py)."""

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from civico.catalogo.models import Domanda, TipoDomanda
from civico.comunicazioni.inbound.lettura_risposte import leggi_numero, leggi_risposta, leggi_si_no

SI_NO = [{"key": "si", "name": "Sì", "name_en": "Yes"}, {"key": "no", "name": "No"}]
DIMENSIONE = [{"key": "piccola", "name": "Piccola (meno di 30 cm)"}, {"key": "media", "name": "Media"},
              {"key": "grande", "name": "Grande (più di 1 m)", "name_en": "Large"}]
GUASTO = [{"key": "spento", "name": "Spento"}, {"key": "intermittente", "name": "Intermittente"},
          {"key": "danneggiato", "name": "Palo danneggiato"}]
VERDE = [{"key": "albero-caduto", "name": "Albero caduto"}, {"key": "rami", "name": "Rami pericolanti"},
         {"key": "erba-alta", "name": "Erba alta"}, {"key": "siepe", "name": "Siepe invadente"}]
NUMERICA = [{"key": "1", "name": "Uno"}, {"key": "2", "name": "Due o più"}]


def domanda(tipo, valori=()):
    return Domanda(codice="d", testo="?", tipo=tipo, obbligatoria=True, valori=list(valori))


@pytest.mark.parametrize(("testo", "atteso"), [
    ("2", 2), (" 2 ", 2), ("sono 2 lampioni", 2), ("2 lampioni spenti", 2), ("ne ho contati 3.", 3),
    ("2,5", 2.5), ("circa 4", 4), ("3 o 4", 3), ("10!", 10), ("lampioni: 7", 7),
    ("due", 2), ("Due", 2), ("DUE lampioni", 2), ("sono tre", 3), ("uno", 1), ("un lampione", 1),
    ("ventitré", 23), ("ventitre", 23), ("trentotto", 38), ("ventuno", 21), ("quarantadue", 42),
    ("diciannove", 19), ("cento", 100), ("centotto", 108), ("duecentocinquanta", 250), ("mille", 1000),
    ("una dozzina", 12), ("una dozzina?", 12), ("sono una decina", 10), ("un paio", 2), ("una ventina", 20),
    ("dozzina", 12), ("nessuno", 0), ("zero", 0), ("two", 2), ("a dozen", 12), ("twelve", 12),
])
def test_numbers_in_digits_words_and_amounts(testo, atteso):
    assert leggi_risposta(domanda(TipoDomanda.NUMBER), testo) == atteso


@pytest.mark.parametrize("testo", ["", "   ", "boh", "qualche", "tanti", "molti lampioni", "non lo so", "???",
                                   "lampioni spenti", "alcuni"])
def test_what_is_no_number_is_no_answer(testo):
    assert leggi_risposta(domanda(TipoDomanda.NUMBER), testo) is None


@given(st.integers(min_value=0, max_value=10**6))
@hsettings(max_examples=60)
def test_any_number_in_digits_inside_a_sentence(n):
    for modello in ("{}", "sono {} lampioni", "circa {}.", "{} (forse di più)"):
        assert leggi_numero(modello.format(n)) == n


@pytest.mark.parametrize(("testo", "atteso"), [
    ("sì", True), ("si", True), ("SI", True), ("Sì.", True), ("ok", True), ("OK!", True), ("certo", True),
    ("sì, risolto", True), ("si grazie", True), ("yes", True), ("va bene", True), ("esatto", True),
    ("confermo", True), ("S", True),
    ("no", False), ("NO", False), ("No.", False), ("no, c'è ancora", False), ("nessuno", False),
    ("no grazie", False), ("niente", False), ("non ancora", False), ("nope", False),
    ("", None), ("boh", None), ("non so", None), ("forse", None), ("ciao", None), ("lampione", None),
])
def test_yes_and_no(testo, atteso):
    assert leggi_si_no(testo) is atteso


@pytest.mark.parametrize(("testo", "atteso"), [
    ("sì", "si"), ("si", "si"), ("SI", "si"), ("ok", "si"), ("yes", "si"), ("certo", "si"),
    ("no", "no"), ("No, nessuno", "no"), ("niente", "no"), ("boh", None), ("forse", None),
])
def test_yes_no_questions(testo, atteso):
    assert leggi_risposta(domanda(TipoDomanda.SINGLE, SI_NO), testo) == atteso


@pytest.mark.parametrize(("valori", "testo", "atteso"), [
    (DIMENSIONE, "grande", "grande"), (DIMENSIONE, "GRANDE", "grande"), (DIMENSIONE, "è grande", "grande"),
    (DIMENSIONE, "media", "media"), (DIMENSIONE, "Piccola (meno di 30 cm)", "piccola"),
    (DIMENSIONE, "piccolina? no, piccola", "piccola"), (DIMENSIONE, "large", "grande"),
    (DIMENSIONE, "grnde", "grande"), (DIMENSIONE, "grade", "grande"), (DIMENSIONE, "picola", "piccola"),
    (DIMENSIONE, "meda", "media"),
    (GUASTO, "spento", "spento"), (GUASTO, "spnto", "spento"), (GUASTO, "intermitente", "intermittente"),
    (GUASTO, "il palo è danneggiato", "danneggiato"), (GUASTO, "palo", "danneggiato"),
    (NUMERICA, "1", "1"), (NUMERICA, "2", "2"), (NUMERICA, "uno", "1"),
    (DIMENSIONE, "grande o piccola", None), (DIMENSIONE, "boh", None), (DIMENSIONE, "", None),
    (DIMENSIONE, "xyz", None), (GUASTO, "ciao", None),
])
def test_single_choice_by_key_name_or_close_spelling(valori, testo, atteso):
    assert leggi_risposta(domanda(TipoDomanda.SINGLE, valori), testo) == atteso


@pytest.mark.parametrize(("testo", "atteso"), [
    ("rami", ["rami"]), ("albero caduto e rami", ["albero-caduto", "rami"]),
    ("erba-alta, siepe", ["erba-alta", "siepe"]), ("siepe invadente", ["siepe"]), ("alberto caduto", ["albero-caduto"]),
    ("niente di questo", None),
])
def test_multiple_choice(testo, atteso):
    assert leggi_risposta(domanda(TipoDomanda.MULTI, VERDE), testo) == atteso


@given(st.text(max_size=300))
@hsettings(max_examples=150)
def test_any_text_gives_a_valid_answer_or_none(testo):
    from civico.catalogo.domande import _valore

    for tipo, valori in ((TipoDomanda.NUMBER, ()), (TipoDomanda.SINGLE, DIMENSIONE), (TipoDomanda.SINGLE, SI_NO),
                         (TipoDomanda.MULTI, VERDE), (TipoDomanda.STRING, ()), (TipoDomanda.DATETIME, ())):
        d = domanda(tipo, valori)
        risposta = leggi_risposta(d, testo)
        if risposta is not None:
            _valore(d, risposta)  # what the parser gives, intake accepts
