"""Intake without a category (e-mail, SMS, API): the one triage service picks it, the same one the
reporting flow and the public API show; words that say nothing still ask the sender to choose."""

from __future__ import annotations

import pytest

from civico.comunicazioni.inbound import lettura_testo as lettura
from civico.errors import InvalidData
from civico.segnalazioni import intake
from civico.triage import servizi as triage
from tests import factories

pytestmark = pytest.mark.django_db


# The suggested category's required questions, answered (they are asked after the category).
RISPOSTE = {"illuminazione-pubblica": {"lampioni-spenti": 1}}


def _senza_categoria(titolo: str, descrizione: str = "", risposte=None) -> intake.NuovaSegnalazione:
    return intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo=titolo,
        descrizione=descrizione, categoria=None, risposte=risposte or {}, nome="Giulia Ferrari",
        email="giulia@example.org",
    )


@pytest.mark.parametrize("titolo, descrizione, codice", [
    ("lampione spnto", "", "illuminazione-pubblica"),  # typo the old keyword matcher missed
    ("Broken street light", "the lamp post outside number 5 is off", "illuminazione-pubblica"),
    ("Segnalazione", "il tombino è otturato e la strada si allaga", "tombini"),  # the title says nothing
    ("Buca delle lettere rotta", "davanti all'ufficio postale", "altro"),  # not a pothole
    ("Pantegane", "lungo il canale vicino alle case", "disinfestazione"),  # dialect
    ("Un cane randagio", "gira da giorni vicino alla scuola", "tutela-animali"),
])
def test_a_report_without_a_category_gets_the_one_its_words_say(alessandria, titolo, descrizione, codice):
    s = intake.submit(_senza_categoria(titolo, descrizione, RISPOSTE.get(codice))).segnalazione

    assert s.categoria.codice == codice


@pytest.mark.parametrize("titolo", ["Qualcosa non va", "Problema", "Aiuto", "asdf qwer"])
def test_words_that_say_nothing_ask_to_choose_a_category_and_store_nothing(alessandria, titolo):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_senza_categoria(titolo))

    assert errore.value.field == "categoria"


def test_the_inbound_parser_reads_the_same_service(alessandria):
    """The inbound e-mail and SMS parser's category is triage's."""
    for testo in ["lampione spnto", "buca delle lettere rotta", "pothole near the school"]:
        assert lettura.categoria(alessandria, testo) == triage.categoria_suggerita(alessandria, testo)
    assert lettura.categoria(alessandria, "buca delle lettere rotta").codice == "altro"
