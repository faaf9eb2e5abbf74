"""Routing zones drawn on the map: validated by the server, then used for new reports."""

import json

import h3
import pytest

from civico.accounts.models import Ruolo
from civico.catalogo.models import RegolaInstradamento
from civico.segnalazioni.models import TipoEvento
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
BASE = "/backoffice/configurazione/alessandria"
# About 1 km around Piazza della Libertà, as the map's script writes it (a closed ring, lon/lat).
CENTRO = {"type": "Polygon", "coordinates": [[[8.607, 44.909], [8.621, 44.909], [8.621, 44.918], [8.607, 44.918],
                                              [8.607, 44.909]]]}
FARFALLA = {"type": "Polygon", "coordinates": [[[8.607, 44.909], [8.621, 44.918], [8.621, 44.909], [8.607, 44.918],
                                                [8.607, 44.909]]]}
GENOVA = {"type": "Polygon", "coordinates": [[[8.90, 44.40], [8.95, 44.40], [8.95, 44.42], [8.90, 44.40]]]}


@pytest.fixture
def squadra(client, accedi, alessandria):
    accedi(client, Ruolo.ENTE_ADMIN, alessandria)
    return factories.UfficioFactory(ente=alessandria, nome="Squadra strade del centro")


def regola(client, squadra, **campi):
    dati = {"nome": "Centro storico", "categoria": squadra.ente.categorie.get(codice="buche").pk,
            "ufficio": squadra.pk, "zona": json.dumps(CENTRO), "celle_h3": "", "priorita": "10", "attiva": "on"}
    return client.post(f"{BASE}/regole/nuova/", {**dati, **campi})


def test_a_polygon_drawn_in_the_form_routes_new_reports_inside_it(client, squadra, alessandria):
    assert regola(client, squadra).status_code == 302

    dentro = factories.segnalazione(alessandria)
    fuori = factories.segnalazione(alessandria, punto=(44.8897, 8.6843))  # Spinetta Marengo

    assert dentro.ufficio == squadra
    assert dentro.eventi.get(tipo=TipoEvento.ROUTED).dati["regola"] == "Centro storico"
    assert fuori.ufficio.nome == "Lavori pubblici – strade"


def test_the_map_page_carries_the_comune_s_boundary_and_the_zone(client, squadra):
    regola(client, squadra)
    pk = RegolaInstradamento.objects.get().pk
    pagina = client.get(f"{BASE}/regole/{pk}/").content.decode()
    assert 'id="confine-ente"' in pagina and "leaflet.js" in pagina and "zona.js" in pagina
    assert "8.607" in pagina


def test_a_self_crossing_polygon_is_refused(client, squadra):
    risposta = regola(client, squadra, zona=json.dumps(FARFALLA))
    assert risposta.status_code == 200
    assert "i lati non devono incrociarsi" in risposta.content.decode()
    assert not RegolaInstradamento.objects.exists()


def test_a_zone_outside_the_comune_is_refused(client, squadra):
    risposta = regola(client, squadra, zona=json.dumps(GENOVA))
    assert "fuori dal territorio del comune" in risposta.content.decode()
    assert not RegolaInstradamento.objects.exists()


def test_unreadable_geojson_is_refused(client, squadra):
    risposta = regola(client, squadra, zona='{"type": "Polygon", "coordinates": [[[8.6, 44.9]]]}')
    assert risposta.status_code == 200 and not RegolaInstradamento.objects.exists()


def test_a_zone_may_be_a_list_of_h3_cells_instead(client, squadra, alessandria):
    cella = h3.latlng_to_cell(*factories.PIAZZA_LIBERTA, 8)
    assert regola(client, squadra, zona="", celle_h3=f"{cella}\n").status_code == 302
    assert RegolaInstradamento.objects.get().celle_h3 == [cella]
    assert factories.segnalazione(alessandria).ufficio == squadra


def test_a_rule_needs_a_zone_and_valid_cells(client, squadra):
    assert "Disegna la zona" in regola(client, squadra, zona="").content.decode()
    assert "Celle H3 non valide: zzz" in regola(client, squadra, zona="", celle_h3="zzz").content.decode()
    assert not RegolaInstradamento.objects.exists()


def test_a_deleted_rule_no_longer_routes(client, squadra, alessandria):
    regola(client, squadra)
    client.post(f"{BASE}/regole/{RegolaInstradamento.objects.get().pk}/elimina/")
    assert factories.segnalazione(alessandria).ufficio.nome == "Lavori pubblici – strade"
