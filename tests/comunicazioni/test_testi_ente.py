"""A comune's own notification texts: documented placeholders only, never template code."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from civico.comunicazioni import testi_ente
from civico.errors import InvalidData

VALORI = {"codice": "AL-2026-000001", "titolo": "Buca", "stato": "Risolta", "link": "https://x.example/s/1",
          "ente": "Alessandria", "categoria": "Buche", "descrizione": "Chiusa."}


@pytest.mark.parametrize("testo", [
    "{{ s.segnalante_email }}",
    "{{codice}}",
    "{% load static %}{% debug %}",
    "{% if 1 %}x{% endif %}",
    "{# commento #}",
    "{0.__class__}",
    "{0}",
    "{}",
    "{codice.__class__.__mro__}",
    "{titolo.upper}",
    "{codice[0]}",
    "{titolo!r}",
    "{titolo:>999999999}",
    "{ codice }",
    "{Codice}",
    "{password}",
    "{segnalante_email}",
    "{settings}",
    "{__import__}",
    "Segnalazione {codice",
    "codice} ricevuta",
    "{{codice}",
    "{codice}}",
    "${codice} ${{titolo}}",  # string.Template's syntax is not ours: the braces are still checked
    "{codice}{titolo.__init__.__globals__}",
    "{\ncodice\n}",
    "{codice\u200b}",
    "｛codice｝ {x}",  # full-width braces are just text, the {x} is not
])
def test_template_code_and_unknown_placeholders_are_refused_with_a_clear_message(testo):
    with pytest.raises(InvalidData) as exc:
        testi_ente.verifica(testo)
    messaggi = " ".join(exc.value.as_dict()["testo"])
    assert "Segnaposto disponibili: {codice}, {titolo}" in messaggi


@pytest.mark.parametrize(("lingua", "attesi"), [
    ("it", ["Segnaposto sconosciuti: {password}.", "Segnaposto disponibili:"]),
    ("en", ["Unknown placeholders: {password}.", "Available placeholders:"]),
])
def test_the_error_is_in_the_administrators_language(lingua, attesi):
    with translation.override(lingua):
        messaggi = testi_ente.errori("Ciao {password}")
    assert all(any(a in m for m in messaggi) for a in attesi), messaggi


def test_a_valid_text_is_rendered_once_and_values_are_never_read_as_templates():
    testo = "Comune di {ente}: la segnalazione {codice} «{titolo}» è ora {stato}. Seguila: {link}"
    testi_ente.verifica(testo)
    valori = {**VALORI, "titolo": "{link} {{ settings.SECRET_KEY }} {0.__class__}"}

    reso = testi_ente.rendi(testo, valori)

    assert reso == ("Comune di Alessandria: la segnalazione AL-2026-000001 «{link} {{ settings.SECRET_KEY }} "
                    "{0.__class__}» è ora Risolta. Seguila: https://x.example/s/1")


def test_the_html_form_escapes_text_and_values():
    html = testi_ente.rendi_html("<b>{titolo}</b>\n\n{codice}", {**VALORI, "titolo": "<script>x</script>"})
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<p>AL-2026-000001</p>" in html


def test_the_preview_uses_the_documented_examples():
    reso, errori = testi_ente.anteprima("Segnalazione {codice}: {stato}")
    assert errori == [] and reso == "Segnalazione AL-2026-000123: In lavorazione"
    reso, errori = testi_ente.anteprima("{{ codice }}")
    assert reso == "" and errori


def test_a_text_too_long_is_refused():
    assert testi_ente.errori("x" * (testi_ente.MAX_TESTO + 1))


_NOMI = sorted(testi_ente.NOMI)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20),
                          st.sampled_from(_NOMI).map(lambda n: "{" + n + "}")), max_size=12).map("".join))
def test_any_text_of_words_and_known_placeholders_is_accepted_and_fully_rendered(testo):
    assert testi_ente.errori(testo) == []
    reso = testi_ente.rendi(testo, VALORI)
    assert not any("{" + n + "}" in reso for n in _NOMI if "{" + n + "}" not in "".join(VALORI.values()))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}%#._:!0[]sa_bcodi ", max_size=30))
def test_any_text_is_either_refused_or_holds_no_brace_outside_a_known_placeholder(testo):
    if not testi_ente.errori(testo):
        resto = testi_ente._SEGNAPOSTO.sub("", testo)
        assert "{" not in resto and "}" not in resto
        assert {m for m in testi_ente._SEGNAPOSTO.findall(testo)} <= testi_ente.NOMI
