"""What erasure keeps of a text (a title, a staff answer) loses the person's known name, addresses
and phone, whatever their spelling, and nothing else of the sentence."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civico.gdpr.cancellazione import MASCHERA, Persona, cifre_telefono

pytestmark = pytest.mark.django_db


def zebedeo() -> Persona:
    p = Persona()
    p.aggiungi(nome="Zebedeo Quaglierini", email="Zebedeo.Q@Esempio.it", telefono="347 765 4321",
               codice_fiscale="QGLZBD80A01A182X")
    return p


@pytest.mark.parametrize("telefono", ["+39 347 765 4321", "0039 347-765-4321", "(347) 7654321", "347.765.43.21",
                                      "+393477654321", "347 7654321"])
def test_the_phone_is_the_same_number_in_every_spelling(telefono):
    assert cifre_telefono(telefono) == "3477654321"
    testo = zebedeo().maschera(f"Richiamare al {telefono} in mattinata.")
    assert "3477654321" not in re.sub(r"\D", "", testo) and testo.endswith("in mattinata.")


@pytest.mark.parametrize("scritto", ["ZEBEDEO", "zebedeo", "Quaglierini", "QUAGLIERINI", "zebedeo.q@esempio.it",
                                     "Zebedeo.Q@ESEMPIO.IT", "qglzbd80a01a182x"])
def test_name_address_and_codice_fiscale_go_in_any_case_and_the_rest_stays(scritto):
    testo = zebedeo().maschera(f"Segnalato da {scritto} per Bruno Neri, via Roma.")
    assert scritto.lower() not in testo.lower() and MASCHERA in testo
    assert testo.startswith("Segnalato da ") and testo.endswith("per Bruno Neri, via Roma.")


def test_a_word_that_only_contains_the_name_is_not_cut():
    # "Quaglierinificio" is another word; whole words only.
    assert zebedeo().maschera("Il Quaglierinificio di via Roma") == "Il Quaglierinificio di via Roma"


@settings(max_examples=40, deadline=None)
@given(prima=st.text(max_size=30), dopo=st.text(max_size=30))
def test_around_any_text_the_persons_strings_are_gone(prima, dopo):
    testo = zebedeo().maschera(f"{prima} Zebedeo Quaglierini, zebedeo.q@esempio.it, 347 765 4321 {dopo}")
    basso = testo.lower()
    assert "zebedeo " not in basso and "quaglierini," not in basso and "zebedeo.q@esempio.it" not in basso
    assert "347 765 4321" not in testo
