"""A report that came with its place in words only is placed on the map by the office through one
door (interazioni.localizza), which records it."""

import pytest

from civico.accounts.permissions import Attore
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import intake, interazioni
from civico.segnalazioni.models import Canale, TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db


def _da_localizzare(ente, luogo="davanti alla chiesa di San Domenico"):
    return intake.submit(intake.NuovaSegnalazione(
        lat=None, lon=None, titolo="Buca profonda", categoria="buche", risposte={"dimensione": "grande"},
        indirizzo=luogo, canale=Canale.SMS, telefono="+393331234567", ente=ente, da_localizzare=True,
    )).segnalazione


def test_the_operator_places_it_and_the_history_keeps_the_words(casale):
    s = _da_localizzare(casale)
    assert s.da_localizzare and s.lat is None and s.ufficio is not None  # the category's office has it

    s = interazioni.localizza(s, factories.operatore(casale), *factories.CASALE)
    s.refresh_from_db()
    assert not s.da_localizzare and (s.lat, s.lon) == factories.CASALE and s.cella_h3
    evento = s.eventi.get(tipo=TipoEvento.LOCATED)
    assert evento.dati["luogo_descritto"] == "davanti alla chiesa di San Domenico"
    assert evento.visibilita == "public" and "Posizionata sulla mappa" in str(evento.get_tipo_display())


def test_with_a_gazetteer_the_point_gets_the_nearest_address(alessandria):
    s = _da_localizzare(alessandria, "vicino al mercato")
    s = interazioni.localizza(s, factories.operatore(alessandria), *factories.PIAZZA_LIBERTA)
    assert s.indirizzo != "vicino al mercato" and s.indirizzo  # the house number's address


@pytest.mark.parametrize(("lat", "lon"), [(None, None), ("x", "8.6"), (float("nan"), 8.6), (44.91, float("inf")),
                                          factories.MAR_LIGURE])
def test_a_point_that_is_not_in_the_comune_is_refused_clearly(casale, lat, lon):
    s = _da_localizzare(casale)
    with pytest.raises(InvalidData):
        interazioni.localizza(s, factories.operatore(casale), lat, lon)
    s.refresh_from_db()
    assert s.da_localizzare and s.lat is None


def test_only_the_office_places_it_and_only_once(casale):
    s = _da_localizzare(casale)
    with pytest.raises(NotAllowed):
        interazioni.localizza(s, Attore.del_segnalante(), *factories.CASALE)
    interazioni.localizza(s, factories.operatore(casale), *factories.CASALE)
    with pytest.raises(InvalidData):
        interazioni.localizza(s, factories.operatore(casale), *factories.CASALE)


def test_public_page_and_open311_show_it_without_a_point(client, casale):
    s = _da_localizzare(casale)
    pagina = client.get(f"/segnalazioni/{s.codice}/")
    assert pagina.status_code == 200 and "Buca profonda" in pagina.content.decode()
    r = client.get(f"/open311/v2/requests/{s.codice}.json", {"jurisdiction_id": casale.codice_istat})
    assert r.status_code == 200 and r.json()[0].get("lat") is None
    assert client.get("/open311/v2/requests.json", {"jurisdiction_id": casale.codice_istat}).status_code == 200
    assert client.get(f"/{casale.slug}/segnalazioni/").status_code == 200


def test_zone_rules_wait_for_the_point(casale):

    squadra = factories.UfficioFactory(ente=casale, nome="Squadra del centro")
    factories.RegolaInstradamentoFactory(ente=casale, nome="Centro", ufficio=squadra, celle_h3=["871f9a4a5ffffff"],
                                       zona={"type": "Polygon", "coordinates": [[[8, 45], [9, 45], [9, 46], [8, 45]]]})
    s = _da_localizzare(casale)
    assert s.ufficio != squadra and s.ufficio is not None
