"""The one duplicate score: the same problem told differently is a duplicate, a different problem
next to it is not; and the citizen's "Anche io" proposals follow it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from civico.catalogo.models import Categoria
from civico.segnalazioni import anche_io as proposte
from civico.triage.duplicati import SOGLIA, Caso, punteggio
from tests import factories

LAT, LON = factories.PIAZZA_LIBERTA
METRO_LAT = 1 / 111_195  # degrees of latitude in one metre
ORA = datetime(2026, 5, 4, 9, 30)
BUCA = "Buca profonda\nC'è una buca enorme in mezzo alla strada davanti al bar, le auto la prendono in pieno"


def caso(testo: str, *, metri: float = 0, giorni: float = 0, categoria: int = 1, tipo: str = "buche") -> Caso:
    return Caso(testo, LAT + metri * METRO_LAT, LON, ORA + timedelta(days=giorni), categoria, tipo)


ORIGINALE = caso(BUCA)


@pytest.mark.parametrize(("variante", "altro"), [
    ("reworded", caso("Voragine nell'asfalto\nl'asfalto è sprofondato davanti al bar, pericoloso", metri=30, giorni=1)),
    ("typos", caso("bucca profnda\nc e una bucca enorme in mezo alla strada davanti al bar", metri=20, giorni=2)),
    ("all caps", caso("BUCA ENORME\nBUCA IN MEZZO ALLA STRADA DAVANTI AL BAR", metri=15, giorni=0.2)),
    ("English", caso("Pothole\nhuge pothole in the middle of the road outside the cafe", metri=25, giorni=1)),
    ("another category of the same kind", caso("Buca\nbuca pericolosa in strada", metri=15, giorni=1,
                                                categoria=2, tipo="buche")),
])
def test_the_same_problem_told_differently_is_a_likely_duplicate(variante, altro):
    p = punteggio(ORIGINALE, altro)
    assert p.probabile, (variante, p)
    assert p == punteggio(altro, ORIGINALE)  # symmetric


@pytest.mark.parametrize(("variante", "altro"), [
    ("a dark lamp ten metres away", caso("Lampione spento\nil lampione davanti al bar è spento da giorni",
                                         metri=10, giorni=1, categoria=3, tipo="illuminazione")),
    ("a full bin at the same spot, filed as a pothole", caso("Cassonetto pieno\nil cassonetto davanti al bar "
                                                             "trabocca di rifiuti", metri=5, giorni=1)),
    ("the same words 300 m further on", caso(BUCA, metri=300, giorni=1)),
    ("the same words a year later", caso(BUCA, metri=5, giorni=365)),
    ("no place to compare", Caso(BUCA, None, None, ORA, 1, "buche")),
])
def test_a_different_problem_is_not(variante, altro):
    p = punteggio(ORIGINALE, altro)
    assert not p.probabile and p.valore < SOGLIA, (variante, p)


def test_each_part_lowers_the_score_on_its_own():
    base = punteggio(ORIGINALE, caso(BUCA, metri=20, giorni=1)).valore
    assert punteggio(ORIGINALE, caso(BUCA, metri=80, giorni=1)).valore < base
    assert punteggio(ORIGINALE, caso(BUCA, metri=20, giorni=60)).valore < base
    assert punteggio(ORIGINALE, caso(BUCA, metri=20, giorni=1, categoria=9, tipo="tombini")).valore < base
    assert punteggio(ORIGINALE, caso("Buca\nbuca", metri=20, giorni=1)).valore < base


def test_the_reasons_say_distance_days_words_and_category():
    p = punteggio(ORIGINALE, caso("Voragine\nasfalto sprofondato davanti al bar", metri=30, giorni=2))
    motivi = " · ".join(p.motivi)
    assert "a 30 m" in motivi and "2 giorni di distanza" in motivi and "stessa categoria" in motivi
    assert "testo simile al" in motivi and motivi.startswith("somiglianza ")


@pytest.mark.django_db
def test_the_citizens_proposals_follow_the_score(alessandria):
    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    luce = Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")
    buca = factories.segnalazione(alessandria, titolo="Buca enorme", descrizione="buca in mezzo alla strada")
    lampione = factories.segnalazione(
        alessandria, punto=(LAT + 40 * METRO_LAT, LON), categoria="illuminazione-pubblica",
        risposte={"lampioni-spenti": 1}, titolo="Lampione spento", descrizione="il lampione è spento da giorni",
    )

    # Writing about the lamp, under lighting: the lamp 40 m away, never the pothole 0 m away.
    assert [x.segnalazione for x in proposte.vicine(alessandria, luce, LAT, LON, testo="lampione spento")] == [lampione]
    # In English, without a category yet: the words find the pothole.
    assert [x.segnalazione for x in proposte.vicine(alessandria, None, LAT, LON, testo="huge pothole")] == [buca]
    # Only a category so far: the same category nearby, as before the words.
    assert [x.segnalazione for x in proposte.vicine(alessandria, buche, LAT, LON)] == [buca]
