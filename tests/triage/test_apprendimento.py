"""Learning from operators: a confirmed or corrected report is a labelled example (masked of
personal data); when enough exist the worker trains the comune's model, stored versioned in the
database, and the next suggestion follows what the operators taught."""

from __future__ import annotations

import numpy as np
import pytest

from civico.catalogo.models import Categoria
from civico.segnalazioni import routing, workflow
from civico.triage import servizi as triage
from civico.triage.apprendimento import ModelloComune, addestra_modello_comune
from civico.triage.models import EsempioTriage, FonteEsempio, ModelloTriage
from tests import factories

pytestmark = pytest.mark.django_db

# "Bealera" is Piedmontese for an irrigation ditch: no national vocabulary has it; Alessandria's
# operators send those reports to the water and sewer company.
BEALERE = [
    "La bealera è intasata di rami", "bealera piena di fango dietro le case", "Bealera che tracima",
    "la bealera non scorre più", "Bealera ostruita in strada Bagliani", "bealera sporca e ferma",
]


def _categoria(ente, codice: str) -> Categoria:
    return Categoria.objects.get(ente=ente, codice=codice)


def prima(ente, testo: str) -> str:
    return triage.suggerisci(ente, testo)[0].categoria.codice


@pytest.fixture
def pochi_esempi_bastano(settings):
    settings.CIVICO = {**settings.CIVICO, "TRIAGE_NUOVI_ESEMPI": 8}


def test_operators_corrections_change_the_next_suggestion(
    alessandria, pochi_esempi_bastano, django_capture_on_commit_callbacks,
):
    operatore = factories.operatore(alessandria)
    acquedotto = _categoria(alessandria, "acquedotto-fognature")
    prima_di_imparare = prima(alessandria, "bealera intasata di rami e fango")
    assert prima_di_imparare != "acquedotto-fognature"

    with django_capture_on_commit_callbacks(execute=True):
        for titolo in BEALERE:
            s = factories.segnalazione(alessandria, categoria="tombini", titolo=titolo)
            routing.riclassifica(s, acquedotto, operatore, motivo="Le bealere sono del consorzio")
        for titolo in ["Buca profonda in via Milano", "Buche in serie dopo la pioggia"]:
            workflow.transition(factories.segnalazione(alessandria, titolo=titolo), "take_in_charge", operatore)

    modello = ModelloTriage.objects.get(ente=alessandria)
    assert (modello.versione, modello.esempi) == (1, 8)
    assert prima(alessandria, "bealera intasata di rami e fango") == "acquedotto-fognature"
    # What the comune never taught still comes from the day-one model.
    assert prima(alessandria, "lampione spento") == "illuminazione-pubblica"
    assert prima(alessandria, "buca delle lettere rotta") == "altro"


def test_a_correction_is_an_example_with_the_words_masked_and_the_last_decision_wins(
    alessandria, django_capture_on_commit_callbacks,
):
    operatore = factories.operatore(alessandria)
    s = factories.segnalazione(
        alessandria, categoria="tombini", titolo="Bealera intasata",
        descrizione="chiamatemi al 333 1234567 o scrivete a mario.rossi@example.org",
    )

    with django_capture_on_commit_callbacks(execute=True):
        routing.riclassifica(s, _categoria(alessandria, "acquedotto-fognature"), operatore)
        routing.riclassifica(s, _categoria(alessandria, "verde-pubblico"), operatore)

    esempio = EsempioTriage.objects.get(segnalazione=s)
    assert esempio.categoria.codice == "verde-pubblico" and esempio.fonte == FonteEsempio.RICLASSIFICAZIONE
    assert "Bealera" in esempio.testo
    assert "1234567" not in esempio.testo and "mario.rossi@example.org" not in esempio.testo
    assert not ModelloTriage.objects.exists()  # one example is not enough to retrain


def test_taking_in_charge_confirms_the_category_but_the_system_and_imports_do_not(alessandria):
    operatore = factories.operatore(alessandria)
    confermata = factories.segnalazione(alessandria)
    di_sistema = factories.segnalazione(alessandria)

    workflow.transition(confermata, "take_in_charge", operatore)
    workflow.transition(di_sistema, "take_in_charge", factories.Attore.di_sistema())

    assert list(EsempioTriage.objects.values_list("segnalazione_id", "fonte")) == [
        (confermata.pk, FonteEsempio.CONFERMA)
    ]


def test_models_are_versioned_and_stored_as_plain_arrays(alessandria):
    operatore = factories.operatore(alessandria)
    for titolo, codice in [("bealera intasata", "acquedotto-fognature"), ("Buca profonda", "buche")]:
        s = factories.segnalazione(alessandria, categoria="tombini", titolo=titolo)
        routing.riclassifica(s, _categoria(alessandria, codice), operatore)

    primo, secondo = triage.riaddestra(alessandria), triage.riaddestra(alessandria)

    assert (primo.versione, secondo.versione) == (1, 2)
    caricato = ModelloComune.da_byte(ModelloTriage.objects.get(ente=alessandria, versione=2).dati)
    assert set(caricato.classi) == {str(_categoria(alessandria, c).pk) for c in ("acquedotto-fognature", "buche")}
    with np.load(__import__("io").BytesIO(bytes(secondo.dati)), allow_pickle=False) as arrays:
        assert all(arrays[k].dtype != object for k in arrays.files)


def test_one_category_alone_trains_nothing():
    assert addestra_modello_comune(["buca", "buche"], ["1", "1"]) is None
