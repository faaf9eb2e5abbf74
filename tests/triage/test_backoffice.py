"""The backoffice: changing a report's category, the categories its words suggest come first."""

from __future__ import annotations

import re

import pytest

from civico.catalogo.models import Categoria
from civico.triage.models import EsempioTriage
from tests import factories
from tests.backoffice.conftest import come, persone, strade  # noqa: F401 — fixtures
from tests.backoffice.test_scheda import agisci, url

pytestmark = pytest.mark.django_db


def test_the_category_change_offers_the_suggested_categories_first(come, persone, alessandria):  # noqa: F811
    s = factories.segnalazione(alessandria, titolo="Lampione spento", descrizione="via al buio da tre sere")

    html = come(persone.operatore).get(url(s)).content.decode()

    modulo = html[html.index('data-azione="riclassifica"'):]
    modulo = modulo[: modulo.index("</form>")]
    assert 'label="Suggerite dal testo"' in modulo
    prima_opzione = re.search(r"<option value=\"(\d+)\">([^<]*)</option>", modulo)
    illuminazione = Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")
    assert prima_opzione[1] == str(illuminazione.pk) and "Illuminazione pubblica" in prima_opzione[2]
    assert modulo.count(f'<option value="{illuminazione.pk}"') == 1  # not listed twice
    assert f'<option value="{s.categoria_id}"' not in modulo  # the current one is not offered


def test_a_change_made_on_the_page_is_a_labelled_example(come, persone, alessandria):  # noqa: F811
    s = factories.segnalazione(alessandria, titolo="Lampione spento", descrizione="via al buio da tre sere")
    illuminazione = Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")

    agisci(come(persone.operatore), s, "riclassifica", categoria=illuminazione.pk)

    assert EsempioTriage.objects.get(segnalazione=s).categoria == illuminazione
