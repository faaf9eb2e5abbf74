"""The catalogue speaks English on the English site: category names, groups, descriptions, extra
questions and their choices; where a comune left the English empty, the Italian is shown."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from civico.catalogo.models import Categoria, Domanda
from tests import factories
from tests.portale.test_flusso_passi import inizia, limiti_azzerati, url

pytestmark = pytest.mark.django_db
__all__ = ["limiti_azzerati"]  # the autouse fixture, imported


def _al_disservizio(client, ente, lingua):
    b = inizia(client, ente)
    client.post(url(b, "luogo"), {"ente": ente.slug, "indirizzo": "piazza della libertà 41"})
    return b, client.get(url(b, "disservizio"), HTTP_ACCEPT_LANGUAGE=lingua).content.decode()


@pytest.mark.parametrize(("lingua", "voci"), [
    ("en", ["Potholes", "Roads and mobility", "How big is the pothole?", "Large (over 1 m)",
            'Questions about the category "Potholes"']),
    ("it", ["Buche", "Strade e mobilità", "Quanto è grande la buca?", "Grande (più di 1 m)"]),
])
def test_the_problem_step_shows_the_catalogue_in_the_pages_language(client, alessandria, lingua, voci):
    _b, html = _al_disservizio(client, alessandria, lingua)
    for voce in voci:
        assert voce in html, voce
    if lingua == "en":
        assert not re.search(r">Buche<|Quanto è grande la buca", html)


def test_an_empty_english_field_falls_back_to_italian(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="buche").update(nome_en="", gruppo_en="")
    Domanda.objects.filter(categoria__ente=alessandria, codice="dimensione").update(testo_en="")

    _b, html = _al_disservizio(client, alessandria, "en")

    assert ">Buche</option>" in html and 'label="Strade e mobilità"' in html
    assert "Quanto è grande la buca?" in html and "Large (over 1 m)" in html


@pytest.mark.parametrize(("lingua", "atteso"), [("en", "Potholes"), ("it", "Buche")])
def test_the_report_page_and_the_summary_name_the_category_in_the_pages_language(client, alessandria, lingua, atteso):
    s = factories.segnalazione(alessandria)
    html = client.get(f"/seguimi/{s.token}/", HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
    assert f'data-testid="categoria">{atteso}</dd>' in html

    b, _html = _al_disservizio(client, alessandria, lingua)
    client.post(url(b, "disservizio"),
                {"categoria": "buche", "titolo": "Buca", "risposta__buche__dimensione": "grande"})
    client.post(url(b, "autore"), {"anonimo": "si"})
    riepilogo = client.get(url(b, "riepilogo"), HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
    assert atteso in riepilogo
    assert ("Large (over 1 m)" if lingua == "en" else "Grande (più di 1 m)") in riepilogo


def test_the_models_choose_by_language_and_never_change_the_keys(alessandria):
    d = Domanda.objects.get(categoria__ente=alessandria, categoria__codice="buche", codice="dimensione")
    with translation.override("en"):
        assert [v["key"] for v in d.valori_locali] == ["piccola", "media", "grande"]
        assert d.valori_locali[2]["name"] == "Large (over 1 m)" and d.testo_locale == "How big is the pothole?"
    with translation.override("it"):
        assert d.valori_locali[2]["name"] == "Grande (più di 1 m)"
        assert d.categoria.nome_locale == "Buche"
