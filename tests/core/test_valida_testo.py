"""The one check of free text (civico.testo.valida_testo): what each channel's user reads when a
text is refused, and which text passes unchanged."""

from __future__ import annotations

import pytest

from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO, memorizzabile, valida_testo


def _errori(valore: str | None, massimo: int = MAX_TITOLO, **kwargs) -> list[str]:
    errori: dict = {}
    valida_testo(valore, "titolo", massimo, errori, **kwargs)
    return [str(e) for e in errori.get("titolo", [])]


def test_a_good_text_comes_back_trimmed_with_no_error():
    errori: dict = {}
    assert valida_testo("  Buca in via Roma  \n", "titolo", MAX_TITOLO, errori) == "Buca in via Roma"
    assert errori == {}


@pytest.mark.parametrize("testo", [
    "Perché è così? Più città, €5",
    "Pericolo 🚧 sul marciapiede",
    "riga uno\nriga due\r\n\tcon tabulazione",
    "profondità <10 cm, larghezza >1 m",  # comparisons are not HTML
])
def test_accents_emoji_line_breaks_and_comparisons_are_accepted(testo: str):
    assert _errori(testo, MAX_DESCRIZIONE) == []


def test_a_required_field_left_empty_or_blank_says_it_is_required():
    assert _errori(None, obbligatorio=True) == ["Questo campo è obbligatorio."]
    assert _errori("   \n ", obbligatorio=True) == ["Questo campo è obbligatorio."]
    assert _errori("   ") == []


def test_too_long_says_how_long_it_is_and_the_limit():
    assert _errori("x" * MAX_TITOLO) == []
    assert _errori("x" * (MAX_TITOLO + 1)) == ["Il testo è troppo lungo: 201 caratteri, il massimo è 200."]
    # Spaces around the text do not count.
    assert _errori("  " + "x" * MAX_TITOLO + "  ") == []


@pytest.mark.parametrize("testo", ["<b>buca</b>", "ciao <script>alert(1)</script>", "<!-- x -->", "</p>"])
def test_html_is_refused(testo: str):
    assert _errori(testo) == ["Il testo non può contenere codice HTML."]


@pytest.mark.parametrize("testo", [
    "buca\x00",  # NUL: PostgreSQL refuses it
    "buca\x07",  # bell
    "buca\x1b[31m",  # terminal escape
    "buca\x7f",  # DEL
    "buca\x0bprofonda",  # vertical tab (at either end, strip() would drop it)
    "buca \ud800",  # a lone surrogate: no database can encode it
    "\udfff buca",
])
def test_control_characters_nul_and_lone_surrogates_are_refused(testo: str):
    assert _errori(testo) == ["Il testo contiene caratteri non validi."]


def test_errors_accumulate_under_each_field():
    errori: dict = {"titolo": ["già presente"]}
    valida_testo("", "titolo", MAX_TITOLO, errori, obbligatorio=True)
    valida_testo("<i>x</i>", "descrizione", MAX_DESCRIZIONE, errori)
    assert {campo: [str(e) for e in v] for campo, v in errori.items()} == {
        "titolo": ["già presente", "Questo campo è obbligatorio."],
        "descrizione": ["Il testo non può contenere codice HTML."],
    }


def test_english_users_read_the_message_in_english():
    from django.utils import translation

    with translation.override("en"):
        messaggi = _errori("x" * (MAX_TITOLO + 1))
    assert messaggi == ["The text is too long: 201 characters, the maximum is 200."]


@pytest.mark.parametrize(("testo", "atteso"), [
    ("buca", True),
    ("città\tperché\n🚧", True),
    ("\x07 campanello", True),  # storable: whether to accept it is valida_testo's choice
    ("buca\x00", False),
    ("buca \ud800", False),
    ("", True),
])
def test_memorizzabile_is_false_only_for_what_no_database_stores(testo: str, atteso: bool):
    assert memorizzabile(testo) is atteso
