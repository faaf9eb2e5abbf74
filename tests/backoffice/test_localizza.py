"""A report whose place is only words: the workspace offers the gazetteer's addresses and a map to
click, the action places it through interazioni.localizza; the inbox filters those still to place."""

from __future__ import annotations

import pytest

from civico.segnalazioni import intake
from civico.segnalazioni.models import Canale, TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db


def _da_localizzare(ente, luogo):
    return intake.submit(intake.NuovaSegnalazione(
        lat=None, lon=None, titolo="Lampione spento da una settimana", categoria="illuminazione-pubblica",
        risposte={"lampioni-spenti": 1}, indirizzo=luogo, canale=Canale.SMS, telefono="+393331234567", ente=ente,
        da_localizzare=True,
    )).segnalazione


def test_the_operator_picks_a_suggested_address_and_the_report_is_on_the_map(come, persone, alessandria):
    s = _da_localizzare(alessandria, "in fondo a via Dante Alighieri")
    client = come(persone.operatore)
    pagina = client.get(f"/backoffice/segnalazioni/{s.codice}/")
    html = pagina.content.decode()
    assert 'data-testid="da-localizzare"' in html and "in fondo a via Dante Alighieri" in html
    [primo, *_] = pagina.context["luoghi_suggeriti"]
    assert "Dante Alighieri" in primo.testo and "data-mappa-localizza" in html

    r = client.post(f"/backoffice/segnalazioni/{s.codice}/azioni/localizza/",
                    {"versione": s.versione, "lat": f"{primo.lat:.7f}", "lon": f"{primo.lon:.7f}"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert not s.da_localizzare and s.lat == pytest.approx(primo.lat) and "Dante Alighieri" in s.indirizzo
    dopo = client.get(f"/backoffice/segnalazioni/{s.codice}/").content.decode()
    assert 'data-testid="da-localizzare"' not in dopo and "Posizionata sulla mappa" in dopo


@pytest.mark.parametrize(("lat", "lon"), [("", ""), ("abc", "8.45"), (*map(str, factories.MAR_LIGURE),)])
def test_a_wrong_point_is_refused_clearly_and_nothing_changes(come, persone, casale, lat, lon):
    s = _da_localizzare(casale, "davanti alla chiesa di San Domenico")
    client = come(persone.altro_comune)
    r = client.post(f"/backoffice/segnalazioni/{s.codice}/azioni/localizza/", {"versione": s.versione, "lat": lat,
                                                                              "lon": lon})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Indica il punto sulla mappa" in html or "non è nel territorio di Casale Monferrato" in html
    s.refresh_from_db()
    assert s.da_localizzare and s.lat is None


def test_a_map_click_in_a_comune_without_gazetteer_places_it(come, persone, casale):
    s = _da_localizzare(casale, "davanti alla chiesa di San Domenico")
    client = come(persone.altro_comune)
    assert client.get(f"/backoffice/segnalazioni/{s.codice}/").context["luoghi_suggeriti"] == []
    lat, lon = factories.CASALE
    r = client.post(f"/backoffice/segnalazioni/{s.codice}/azioni/localizza/",
                    {"versione": s.versione, "lat": str(lat).replace(".", ","), "lon": str(lon)})
    assert r.status_code == 302
    s.refresh_from_db()
    assert (s.lat, s.lon) == (lat, lon) and not s.da_localizzare
    assert s.eventi.get(tipo=TipoEvento.LOCATED).dati["luogo_descritto"] == "davanti alla chiesa di San Domenico"


def test_the_inbox_filters_the_reports_to_be_located(come, persone, alessandria):
    da_fare = _da_localizzare(alessandria, "dietro il mercato coperto")
    altra = factories.segnalazione(alessandria)
    html = come(persone.operatore).get("/backoffice/", {"da_localizzare": "1"}).content.decode()
    assert da_fare.codice in html and altra.codice not in html
    tutte = come(persone.operatore).get("/backoffice/").content.decode()
    assert da_fare.codice in tutte and altra.codice in tutte
