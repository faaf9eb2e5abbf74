"""The permission matrix, role by role, through the pages AND the JSON API: platform administrator,
ente administrator, office manager (roads office only), operator, mayor's office, observer, and an
operator of another comune. Each may do exactly what its row says, and nothing else."""

from __future__ import annotations

import pytest

from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories
from tests.api.conftest import _limiti_azzerati, bearer, post_json  # noqa: F401

pytestmark = pytest.mark.django_db
G = "/api/v1/gestione/segnalazioni"
RUOLI = ["piattaforma", "amministratore", "responsabile", "operatore", "sindaco", "osservatore", "altro_comune"]

# role: (configures the comune, opens work orders, sees the roads report, sees the green report,
#        works on the roads report, sees the reporter's contacts)
MATRICE = {
    "piattaforma": (True, True, True, True, True, True),
    "amministratore": (True, True, True, True, True, True),
    "responsabile": (False, True, True, False, True, True),
    "operatore": (False, True, True, True, True, True),
    "sindaco": (False, False, True, True, False, False),
    "osservatore": (False, False, True, True, False, False),
    "altro_comune": (False, False, False, False, False, False),
}


@pytest.fixture
def due(alessandria):
    strada = factories.segnalazione(alessandria, email="mario@example.org")
    aiuola = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    return strada, aiuola


def _atteso(vede: bool, agisce: bool, ok: int) -> int:
    return ok if agisce else 403 if vede else 404


@pytest.mark.parametrize("ruolo", RUOLI)
def test_pages_configuration_work_orders_and_every_workspace_action(come, persone, due, alessandria, ruolo):
    configura, interventi, vede_strada, _vede_aiuola, agisce, _contatti = MATRICE[ruolo]
    strada, _ = due
    client = come(getattr(persone, ruolo))

    assert client.get(f"/backoffice/configurazione/{alessandria.slug}/uffici/").status_code == (
        200 if configura else 403)
    assert client.get(f"/backoffice/interventi/{alessandria.slug}/").status_code == (200 if interventi else 403)

    for azione, campi in [
        ("priorita", {"priorita": "alta"}),
        ("protocollo", {"numero_protocollo": "P-1"}),
        ("annota", {"testo": "Nota"}),
        ("richiedi_informazioni", {"testo": "Dove di preciso?"}),
    ]:
        versione = Segnalazione.objects.get(pk=strada.pk).versione
        r = client.post(f"/backoffice/segnalazioni/{strada.codice}/azioni/{azione}/", {"versione": versione, **campi})
        assert r.status_code == _atteso(vede_strada, agisce, 302), azione
    s = Segnalazione.objects.get(pk=strada.pk)
    assert (s.priorita == "alta", s.numero_protocollo == "P-1", s.in_attesa_dal is not None) == (agisce,) * 3
    assert Evento.objects.filter(segnalazione=s, tipo=TipoEvento.INTERNAL_NOTE).exists() is agisce


@pytest.mark.parametrize("ruolo", RUOLI)
def test_the_json_api_answers_each_role_the_same_way(client, persone, due, ruolo):
    _configura, _interventi, vede_strada, vede_aiuola, agisce, contatti = MATRICE[ruolo]
    strada, aiuola = due
    token = bearer(getattr(persone, ruolo))

    elenco = {r["codice"] for r in client.get(G, headers=token).json()["risultati"]}
    assert (strada.codice in elenco, aiuola.codice in elenco) == (vede_strada, vede_aiuola)

    scheda = client.get(f"{G}/{strada.codice}", headers=token)
    assert scheda.status_code == (200 if vede_strada else 404)
    if vede_strada:
        assert ("mario@example.org" in scheda.content.decode()) is contatti

    r = post_json(client, f"{G}/{strada.codice}/transizioni", {"nome": "take_in_charge", "versione": 1}, **token)
    assert r.status_code == _atteso(vede_strada, agisce, 200)
    r = post_json(client, f"{G}/{strada.codice}/note", {"testo": "Nota"}, **token)
    assert r.status_code == _atteso(vede_strada, agisce, 201)
    r = post_json(client, f"{G}/{strada.codice}/risposte", {"testo": "Risposta"}, **token)
    assert r.status_code == _atteso(vede_strada, agisce, 201)
    assert (Segnalazione.objects.get(pk=strada.pk).stato == Stato.ACCEPTED) is agisce
    assert (Evento.objects.filter(segnalazione=strada, tipo=TipoEvento.PUBLIC_ANSWER).exists()) is agisce


def test_the_office_manager_works_the_green_report_neither_by_page_nor_by_api(client, come, persone, due):
    _, aiuola = due
    token = bearer(persone.responsabile)
    r = post_json(client, f"{G}/{aiuola.codice}/transizioni", {"nome": "take_in_charge", "versione": 1}, **token)
    assert r.status_code == 404
    pagina = come(persone.responsabile).post(f"/backoffice/segnalazioni/{aiuola.codice}/azioni/take_in_charge/",
                                             {"versione": 1})
    assert pagina.status_code == 404
    assert Segnalazione.objects.get(pk=aiuola.pk).stato == Stato.SUBMITTED
