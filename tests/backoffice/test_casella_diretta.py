"""The open inbox's live updates over HTTP: the version it polls moves when a report it shows
arrives or changes (and only then), and the list it then reloads carries the new report and counts.
The browser side is tests/browser/test_casella_diretta.py."""

from __future__ import annotations

import pytest

from civico.accounts.permissions import Attore
from civico.segnalazioni import workflow
from tests import factories

pytestmark = pytest.mark.django_db


def versione(client, ente: str = "AL") -> str:
    risposta = client.get(f"/backoffice/novita/?ente={ente}")
    assert risposta.status_code == 200 and risposta["Cache-Control"] == "no-store"
    return risposta.json()["versione"]


def test_the_version_moves_when_a_report_arrives_or_changes_and_the_list_then_shows_it(come, persone, alessandria):
    client = come(persone.operatore)
    prima = factories.segnalazione(alessandria)
    pagina = client.get("/backoffice/")
    v0 = pagina.context["versione"]
    assert f'data-versione="{v0}"' in pagina.content.decode()
    assert versione(client) == v0  # nothing new: the list is not reloaded

    nuova = factories.segnalazione(alessandria, titolo="Voragine in via Milano")
    v1 = versione(client)
    assert v1 != v0
    elenco = client.get("/backoffice/?scheda=da_prendere", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="elenco")
    html = elenco.content.decode()
    assert html.lstrip().startswith('<div id="elenco">') and "<html" not in html
    assert nuova.codice in html and 'data-testid="conteggio-da_prendere">2<' in html

    workflow.transition(prima, "take_in_charge", Attore.staff(persone.operatore))
    assert versione(client) != v1


def test_the_version_ignores_what_the_person_cannot_see(come, persone, alessandria, casale):
    client = come(persone.operatore)
    factories.segnalazione(alessandria)
    v0 = versione(client)
    factories.segnalazione(casale, punto=factories.CASALE)
    assert versione(client) == v0


def test_only_signed_in_staff_may_poll(client, alessandria):
    factories.segnalazione(alessandria)
    risposta = client.get("/backoffice/novita/?ente=AL")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/accedi/?next=")
    assert b"versione" not in risposta.content
