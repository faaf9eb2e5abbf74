"""Real clients over a real socket: the `georeport` package unchanged, and a FixMyStreet-style POST."""

from __future__ import annotations

import pytest
import requests
from defusedxml import ElementTree
from georeport import GeoReport

from civico.accounts.chiavi import crea_applicazione
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.conftest import attiva, mondo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mondo_alessandria(live_server):
    """Transactional tests start from an empty database: build the world again."""
    mondo()
    ente = attiva("006003", "AL", completo=True)
    s = factories.segnalazione(ente, nome="Giulia Ferrari", email="giulia@example.org")
    workflow.transition(s, "take_in_charge", factories.operatore(ente))
    return ente, s, f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("formato", ["json", "xml"])
def test_the_georeport_client_reads_services_definitions_and_requests(mondo_alessandria, formato):
    _ente, s, radice = mondo_alessandria
    client = GeoReport(radice, jurisdiction="006003", output_format=formato)

    servizi = client.get_service_list()
    definizione = client.get_service_definition("buche")
    richieste = client.get_service_requests(status="open", service_code="buche")
    richiesta = client.get_service_request(s.codice)

    assert "buche" in [x["service_code"] for x in servizi]
    attributi = definizione["attributes"]
    dimensione = attributi[0] if formato == "json" else attributi["attribute"][0]
    assert dimensione["code"] == "dimensione"
    elenco = richieste if isinstance(richieste, list) else [richieste]
    assert [r["service_request_id"] for r in elenco] == [s.codice]
    assert richiesta["service_request_id"] == s.codice
    assert richiesta["agency_responsible"] == "Lavori pubblici – strade"
    assert richiesta["status"] == "open"
    assert "Giulia" not in str(richiesta)
    # georeport 0.3 has no POST; if a later version adds one, it must work as well.
    if hasattr(client, "create_service_request"):
        client.api_key = crea_applicazione("georeport")[1]
        client.create_service_request(service_code="buche", lat=45.0, long=8.6)


def test_a_fixmystreet_style_urlencoded_post_over_http(mondo_alessandria):
    _ente, _s, radice = mondo_alessandria
    app, chiave = crea_applicazione("FixMyStreet")
    campi = {
        "api_key": chiave, "jurisdiction_id": "006003", "service_code": "buche",
        "lat": "44.913256", "long": "8.615123", "address_string": "Piazza della Libertà 41, Alessandria",
        "email": "mario.rossi@example.org", "first_name": "Mario", "last_name": "Rossi", "phone": "0131 123456",
        "description": "Buca profonda: Una buca larga un metro davanti al civico 41.",
        "media_url": "https://www.fixmystreet.example/photo/1.jpeg", "attribute[dimensione]": "grande",
    }

    r = requests.post(f"{radice}/requests.xml", data=campi, timeout=30)

    assert r.status_code == 200 and r.headers["Content-Type"] == "text/xml; charset=utf-8"
    codice = ElementTree.fromstring(r.content).findtext("request/service_request_id")
    s = Segnalazione.objects.get(codice=codice)
    assert (s.applicazione, s.canale, s.risposte) == (app, "open311", {"dimensione": "grande"})
    assert s.indirizzo == "Piazza della Libertà 41, Alessandria"
    letta = GeoReport(radice, jurisdiction="006003").get_service_request(codice)
    assert letta["status"] == "open" and letta["media_url"] == campi["media_url"]
    assert "Rossi" not in str(letta) and "mario.rossi" not in str(letta)
