"""A report imported without a place shows up in every list, on no map, and breaks no page."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree as DET
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.analisi.importazione.municipium import importa_municipium
from civico.portale import live
from civico.segnalazioni import anche_io
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
BBOX = "8.5,44.8,8.7,45.0"  # around Alessandria


@pytest.fixture
def senza_posizione(alessandria, tmp_path) -> Segnalazione:
    """A report imported from Municipium (which records no place), opened yesterday."""
    ieri = (timezone.localdate() - timedelta(days=1)).isoformat()
    percorso = tmp_path / "export.csv"
    percorso.write_text("Id;Stato;Anno;Creato;Chiusa;DescrizioneBreve;Categoria\n"
                        f"900001;aperta;{ieri[:4]};{ieri};;App Municipium;Buche\n", encoding="utf-8")
    importa_municipium(percorso, alessandria)
    return Segnalazione.objects.get(origine="municipium", id_origine="900001")


@pytest.fixture
def con_posizione(alessandria) -> Segnalazione:
    return factories.segnalazione(alessandria)


def test_the_comune_home_lists_it_but_keeps_it_off_the_map(client, senza_posizione, con_posizione):
    r = client.get(f"/{senza_posizione.ente.slug}/")

    assert r.status_code == 200
    html = r.content.decode()
    assert senza_posizione.codice in html
    punti = json.loads(re.search(r'<script id="punti-mappa" type="application/json">(.*?)</script>', html).group(1))
    assert [p["codice"] for p in punti] == [con_posizione.codice]


def test_explore_lists_it_and_its_map_does_not_show_it_at_any_zoom(client, senza_posizione, con_posizione):
    slug = senza_posizione.ente.slug

    elenco = client.get(f"/{slug}/segnalazioni/")
    vicino = client.get(f"/{slug}/segnalazioni/mappa.json", {"bbox": BBOX, "zoom": 18}).json()
    lontano = client.get(f"/{slug}/segnalazioni/mappa.json", {"bbox": "-180,-90,180,90", "zoom": 3}).json()
    pagina_mappa = client.get(f"/{slug}/segnalazioni/", {"vista": "mappa"})

    assert elenco.status_code == 200 and senza_posizione.codice in elenco.content.decode()
    assert [p["codice"] for p in vicino["punti"]] == [con_posizione.codice]
    assert lontano["totale"] == 1
    assert pagina_mappa.status_code == 200


def test_its_public_page_says_the_place_was_not_given(client, senza_posizione):
    r = client.get(f"/segnalazioni/{senza_posizione.codice}/")

    assert r.status_code == 200
    assert "posizione non indicata" in r.content.decode()


def test_its_live_updates_are_read_and_rendered(client, senza_posizione):
    # The stream itself runs its reads in worker threads (tests/portale/test_live.py covers it on a
    # committed database); here, the same reads and the same rendering for this report.
    pagina = client.get(f"/segnalazioni/{senza_posizione.codice}/").content.decode()
    novita = live.eventi_dopo(live.id_pubblico(senza_posizione.codice), 0)

    assert f"/segnalazioni/{senza_posizione.codice}/eventi/" in pagina
    assert [n.evento.pk for n in novita] == [senza_posizione.eventi.get().pk]
    assert f"id: {novita[0].evento.pk}" in live.messaggio(novita[0], "it")


def test_open311_lists_it_without_lat_and_long(client, senza_posizione, con_posizione):
    base = "/open311/v2"
    richieste = {x["service_request_id"]: x for x in client.get(f"{base}/requests.json",
                                                              {"jurisdiction_id": "006003"}).json()}
    una = client.get(f"{base}/requests/{senza_posizione.codice}.json", {"jurisdiction_id": "006003"})
    radice = DET.fromstring(client.get(f"{base}/requests.xml", {"jurisdiction_id": "006003"}).content)

    assert "lat" not in richieste[senza_posizione.codice] and "long" not in richieste[senza_posizione.codice]
    assert richieste[con_posizione.codice]["lat"] == pytest.approx(con_posizione.lat)
    assert una.status_code == 200 and "lat" not in una.json()[0]
    xml = {r.findtext("service_request_id"): r for r in radice.findall("request")}
    assert xml[senza_posizione.codice].find("lat") is None
    assert xml[con_posizione.codice].findtext("lat")


def test_the_json_api_lists_it_with_an_empty_place_and_its_geojson_leaves_it_out(client, senza_posizione,
                                                                                  con_posizione):
    elenco = client.get("/api/v1/segnalazioni", {"ente": "006003"})
    geo = client.get("/api/v1/segnalazioni", {"ente": "006003", "format": "geojson"})
    una = client.get(f"/api/v1/segnalazioni/{senza_posizione.codice}")

    assert elenco.status_code == 200
    per_codice = {s["codice"]: s for s in elenco.json()["risultati"]}
    assert per_codice[senza_posizione.codice]["lat"] is None
    assert geo.status_code == 200
    assert [f["id"] for f in geo.json()["features"]] == [con_posizione.codice]
    assert una.status_code == 200 and una.json()["lat"] is None


def test_no_duplicates_are_looked_for_around_a_report_without_a_place(senza_posizione):
    assert anche_io.vicine(senza_posizione.ente, senza_posizione.categoria, None, None) == []


def test_the_backoffice_lists_it_and_its_page_has_no_map(client, senza_posizione, con_posizione):
    operatore = factories.staff("al.op", Ruolo.OPERATORE, senza_posizione.ente)
    entra_verificato(client, operatore)

    casella = client.get("/backoffice/", {"ente": "AL"})
    scheda = client.get(f"/backoffice/segnalazioni/{senza_posizione.codice}/")
    nel_riquadro = client.get("/backoffice/", {"ente": "AL", "bbox": BBOX})

    assert casella.status_code == 200 and senza_posizione.codice in casella.content.decode()
    assert scheda.status_code == 200
    html = scheda.content.decode()
    assert 'data-testid="senza-posizione"' in html and "data-mappa" not in html
    assert senza_posizione.codice not in nel_riquadro.content.decode()
    assert con_posizione.codice in nel_riquadro.content.decode()

