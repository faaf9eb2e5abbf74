"""The kit's stylesheet cut to what Civico's pages use: every class the templates name and the kit
styles is still styled, and what no page can use is gone (issue #21: 612 kB blocked every page)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings

from civico.core import css_usato
from civico.core.css_usato import Vocabolario, classi_del_selettore, taglia

KIT = Path(importlib.util.find_spec("bootstrap_italia_template").origin).parent / "static/css/bootstrap-italia.min.css"


def _taglia(css: str, *sorgenti: str) -> str:
    return taglia(css, Vocabolario.da_testi(sorgenti), "\n".join(sorgenti))


def test_a_rule_stays_only_with_the_selectors_whose_classes_the_sources_name():
    css = ".btn{color:red}.carousel{color:blue}.btn,.modal .btn{margin:0}a:hover{color:green}"
    tagliato = _taglia(css, '<a class="btn">')
    assert ".btn{color:red}" in tagliato and ".btn{margin:0}" in tagliato
    assert "carousel" not in tagliato and ".modal" not in tagliato
    assert "a:hover{color:green}" in tagliato  # elements are never cut


def test_blocks_keep_what_is_used_and_vanish_when_empty():
    css = "@media (min-width:768px){.col-md-6{width:50%}.offcanvas{top:0}}@supports (x:y){.toast{a:b}}"
    tagliato = _taglia(css, 'class="col-md-6"')
    assert tagliato.strip() == "@media (min-width:768px){.col-md-6{width:50%}}"


def test_classes_built_from_a_prefix_and_a_word_are_kept():
    css = ".alert-danger{a:b}.alert-success{c:d}.alert-dark{e:f}"
    tagliato = _taglia(css, '<div class="alert-{{ livello }}">', 'LIVELLI = ["danger", "success"]')
    assert ".alert-danger" in tagliato and ".alert-success" in tagliato and ".alert-dark" not in tagliato


def test_negated_classes_need_not_be_used_and_escapes_are_read():
    assert classi_del_selettore(".btn:not(.disabled):hover") == {"btn"}
    assert classi_del_selettore('.w-1\\/2 [data-x=".y"]') == {"w-1/2"}


def test_unreferenced_keyframes_fonts_and_custom_properties_go_the_licence_stays():
    css = ("/*! Bootstrap Italia, BSD-3-Clause */:root{--usata:1px;--inutile:2px;--letta-da-js:3}"
           "@keyframes gira{to{a:b}}@keyframes salta{to{c:d}}"
           "@font-face{font-family:VideoJS;src:url(x)}@font-face{font-family:Titillium;src:url(y)}"
           ".spinner{animation:gira 1s;border:var(--usata);font-family:Titillium}.vjs{font-family:VideoJS}")
    tagliato = _taglia(css, 'class="spinner"', 'getPropertyValue("--letta-da-js")')
    assert tagliato.startswith("/*! Bootstrap Italia, BSD-3-Clause */")
    assert "--usata" in tagliato and "--letta-da-js" in tagliato and "--inutile" not in tagliato
    assert "@keyframes gira" in tagliato and "salta" not in tagliato
    assert "Titillium" in tagliato and "VideoJS" not in tagliato


@pytest.fixture(scope="module")
def tagliato(tmp_path_factory) -> str:
    destinazione = tmp_path_factory.mktemp("css") / "usato.css"
    return css_usato.genera(KIT, Path(settings.PACKAGE_DIR), destinazione).read_text(encoding="utf-8")


def _selettori(css: str) -> set[str]:
    return {s.strip() for regola in css_usato._tutte(css_usato.analizza(css)) if regola.corpo is not None
            and not regola.preludio.startswith("@") for s in css_usato._dividi_selettori(regola.preludio)}


def test_every_kit_rule_the_templates_classes_can_match_is_kept(tagliato):
    nei_template = set()
    for t in Path(settings.PACKAGE_DIR).rglob("templates/**/*.html"):
        for attributo in re.findall(r'class="([^"]*)"', t.read_text(encoding="utf-8")):
            nei_template |= set(re.sub(r"{[{%].*?[%}]}", " ", attributo).split())
    tenuti = _selettori(tagliato)
    applicabili = {s for s in _selettori(KIT.read_text(encoding="utf-8"))
                   if (classi := classi_del_selettore(s)) and classi <= nei_template}
    assert len(applicabili) > 300
    assert sorted(applicabili - tenuti) == []
    assert {".it-header-wrapper", ".btn-primary", ".form-select", ".alert-danger"} <= {
        s for s in tenuti if s.count(".") == 1 and " " not in s}


def test_the_cut_stylesheet_is_a_fraction_of_the_kit_and_keeps_its_licence(tagliato):
    assert len(tagliato) < len(KIT.read_text(encoding="utf-8")) / 4
    assert "Licensed under BSD-3-Clause" in tagliato.split("*/", 1)[0]
