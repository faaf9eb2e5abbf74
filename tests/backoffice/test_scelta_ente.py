"""Staff working for several comuni choose which one a page shows, with one heading component."""

from __future__ import annotations

import pytest

from civico.accounts.models import Ruolo
from tests import factories
from tests.backoffice.conftest import come  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pagina, titolo", [
    ("/backoffice/", "Segnalazioni"), ("/backoffice/duplicati/", "Possibili duplicati"),
])
def test_staff_of_two_comuni_choose_the_comune_and_staff_of_one_see_no_choice(come, alessandria, casale,  # noqa: F811
                                                                              pagina, titolo):
    due = factories.staff("op-due", Ruolo.OPERATORE, alessandria)
    factories.IncaricoFactory(utente=due, ruolo=Ruolo.OPERATORE, ente=casale)
    html = come(due).get(pagina, {"ente": casale.sigla}).content.decode()

    assert f"<h1 class=\"h3 mb-0\">{titolo} · Casale Monferrato</h1>" in html
    inizio = html.index('<select id="scelta-ente"')
    scelta = html[inizio:html.index("</select>", inizio)]
    assert f'<option value="{casale.sigla}" selected>Casale Monferrato</option>' in scelta
    assert f'<option value="{alessandria.sigla}">Alessandria</option>' in scelta
    assert f'action="{pagina}"' in html

    uno = factories.staff("op-uno", Ruolo.OPERATORE, alessandria)
    html = come(uno).get(pagina).content.decode()
    assert f"{titolo} · Alessandria</h1>" in html and 'id="scelta-ente"' not in html
