"""Each role, through the pages, can do exactly what it may: the permission matrix as a test.

A roads report and a green-area report of Alessandria; the roads office manager covers only the
first; the mayor's office and the observer read; Casale's operator sees nothing of Alessandria.
"""

from __future__ import annotations

import pytest

from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db

# role: (sees the roads report, sees the green report, may act, sees contacts, may register on behalf)
MATRICE = {
    "operatore": (True, True, True, True, True),
    "responsabile": (True, False, True, True, True),
    "amministratore": (True, True, True, True, True),
    "piattaforma": (True, True, True, True, True),
    "sindaco": (True, True, False, False, False),
    "osservatore": (True, True, False, False, False),
    "altro_comune": (False, False, False, False, True),  # registers, but only in their own comune
}


@pytest.fixture
def due(alessandria):
    strada = factories.segnalazione(alessandria, email="mario@example.org")
    aiuola = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]},
                                    email="mario@example.org")
    return strada, aiuola


@pytest.mark.parametrize("ruolo", list(MATRICE))
def test_what_each_role_may_do(come, persone, due, ruolo):
    vede_strada, vede_aiuola, agisce, contatti, registra = MATRICE[ruolo]
    strada, aiuola = due
    client = come(getattr(persone, ruolo))

    casella = client.get("/backoffice/?scheda=tutte&ente=AL")
    assert casella.status_code == 200
    elenco = {s.codice for s in casella.context["c"].pagina}
    assert (strada.codice in elenco) is vede_strada and (aiuola.codice in elenco) is vede_aiuola

    for s, vede in ((strada, vede_strada), (aiuola, vede_aiuola)):
        pagina = client.get(f"/backoffice/segnalazioni/{s.codice}/")
        assert pagina.status_code == (200 if vede else 404)
    if vede_strada:
        html = client.get(f"/backoffice/segnalazioni/{strada.codice}/").content.decode()
        assert ("mario@example.org" in html) is contatti

    risposta = client.post(f"/backoffice/segnalazioni/{strada.codice}/azioni/take_in_charge/", {"versione": 1})
    assert risposta.status_code == (302 if agisce else 403 if vede_strada else 404)
    assert (Segnalazione.objects.get(pk=strada.pk).stato == Stato.ACCEPTED) is agisce

    assert client.get("/backoffice/nuova/").status_code == (200 if registra else 403)
    if registra:
        enti = {e.sigla for e in client.get("/backoffice/nuova/").context["enti"]}
        assert ("AL" in enti) is (ruolo != "altro_comune")


def test_an_office_manager_cannot_act_on_another_office_report_even_in_bulk(come, persone, due):
    _, aiuola = due
    client = come(persone.responsabile)
    risposta = client.post("/backoffice/blocco/", {"codici": [aiuola.codice], "azione": "take_in_charge"})
    esito = client.get(risposta["Location"]).context["a"]  # the job's page (the tests' queue ran it)
    assert [c for c, _m in esito.rifiutate] == [aiuola.codice]
    assert Segnalazione.objects.get(pk=aiuola.pk).stato == Stato.SUBMITTED
