"""Open data: downloads anyone can reuse, with no personal data, and a catalogue for dati.gov.it."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from civico.analisi.dati_aperti import NOMI_COLONNE
from civico.segnalazioni.models import Segnalazione
from tests.analisi.conftest import nuova, risolvi

pytestmark = pytest.mark.django_db


@pytest.fixture
def segnalazioni(alessandria):
    con_contatti = nuova(alessandria, giorni_fa=10, nome="Maria Rossi", email="maria.rossi@example.org",
                         telefono="+39 333 1234567", descrizione="Buca larga un metro")
    risolvi(con_contatti, giorni_fa=2)
    privata = nuova(alessandria, giorni_fa=5, titolo="Segnalazione riservata")
    Segnalazione.objects.filter(pk=privata.pk).update(pubblica=False)
    senza_luogo = nuova(alessandria, giorni_fa=4, titolo="Importata senza posizione")
    Segnalazione.objects.filter(pk=senza_luogo.pk).update(lat=None, lon=None, cella_h3="")
    vecchia = nuova(alessandria, giorni_fa=800, titolo="Di due anni fa")
    return {"con_contatti": con_contatti, "privata": privata, "senza_luogo": senza_luogo, "vecchia": vecchia}


def _scarica(client, ente, formato, **parametri) -> tuple[object, str]:
    risposta = client.get(reverse("analisi:scarica", args=[ente.slug, formato]), parametri)
    corpo = b"".join(risposta.streaming_content).decode() if risposta.status_code == 200 else risposta.content.decode()
    return risposta, corpo


def test_csv_has_the_public_reports_of_the_period_and_no_personal_data(client, alessandria, segnalazioni):
    risposta, corpo = _scarica(client, alessandria, "csv")
    assert risposta.status_code == 200
    assert risposta["Content-Type"].startswith("text/csv")
    assert 'rel="license"' in risposta["Link"] and "by/4.0" in risposta["Link"]
    assert risposta["Content-Disposition"].startswith('attachment; filename="segnalazioni-alessandria-')
    righe = list(csv.DictReader(io.StringIO(corpo)))
    assert list(righe[0]) == NOMI_COLONNE
    titoli = {r["titolo"] for r in righe}
    assert "Importata senza posizione" in titoli
    assert "Segnalazione riservata" not in titoli
    assert "Di due anni fa" not in titoli  # outside the default period (last 12 months)
    for segreto in ("Maria Rossi", "maria.rossi@example.org", "333 1234567", segnalazioni["con_contatti"].token):
        assert segreto not in corpo
    risolta = next(r for r in righe if r["codice"] == segnalazioni["con_contatti"].codice)
    assert risolta["stato"] == "resolved" and risolta["chiusa_il"]


def test_period_and_category_choose_what_is_downloaded(client, alessandria, segnalazioni):
    anno = segnalazioni["vecchia"].creata_il.year
    _, corpo = _scarica(client, alessandria, "csv", anno=anno)
    assert "Di due anni fa" in corpo
    _, corpo = _scarica(client, alessandria, "csv", categoria="verde-pubblico")
    assert len(list(csv.DictReader(io.StringIO(corpo)))) == 0
    risposta, corpo = _scarica(client, alessandria, "csv", dal="2026-02-30")
    assert risposta.status_code == 400 and "non valida" in corpo
    assert client.get(reverse("analisi:scarica", args=[alessandria.slug, "xlsx"])).status_code == 404


def test_json_and_geojson_carry_the_licence_and_leave_unplaced_reports_off_the_map(client, alessandria, segnalazioni):
    _, corpo = _scarica(client, alessandria, "json")
    dati = json.loads(corpo)
    assert dati["licenza"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(dati["segnalazioni"]) == 2
    assert all("segnalante" not in k for r in dati["segnalazioni"] for k in r)

    risposta, corpo = _scarica(client, alessandria, "geojson")
    assert risposta["Content-Type"] == "application/geo+json"
    geo = json.loads(corpo)
    assert geo["type"] == "FeatureCollection"
    per_titolo = {f["properties"]["titolo"]: f for f in geo["features"]}
    assert per_titolo["Importata senza posizione"]["geometry"] is None
    punto = per_titolo["Buca profonda davanti al civico"]["geometry"]
    assert punto["type"] == "Point" and 8.6 < punto["coordinates"][0] < 8.63  # lon first


def test_photos_are_given_by_url(client, alessandria, segnalazioni):
    from civico.segnalazioni import consultazione

    s = consultazione.pubblica(segnalazioni["con_contatti"].codice)
    from civico.analisi.dati_aperti import record

    assert record(s, "https://civico.example.org/")["foto"] == []  # no photo, an empty list, not a file


def test_dictionary_page_describes_every_column(client):
    html = client.get(reverse("analisi:dizionario")).content.decode()
    for colonna in NOMI_COLONNE:
        assert f"<code>{colonna}</code>" in html
    assert "CC BY 4.0" in html


def test_dcat_catalogue_lists_a_dataset_per_active_comune(client, alessandria, casale, segnalazioni):
    jsonld = client.get(reverse("analisi:catalogo_jsonld")).json()
    assert "dcatapit:Catalog" in jsonld["@type"]
    titoli = [d["dct:title"]["@value"] for d in jsonld["dcat:dataset"]]
    assert any("Alessandria" in t for t in titoli) and any("Casale Monferrato" in t for t in titoli)
    al = next(d for d in jsonld["dcat:dataset"] if d["dct:identifier"] == "006003:segnalazioni")
    formati = {x["dct:format"]["@id"].rsplit("/", 1)[1] for x in al["dcat:distribution"]}
    assert formati == {"CSV", "JSON", "GEOJSON"}
    licenze = {x["dct:license"]["@id"] for x in al["dcat:distribution"]}
    assert licenze == {"https://creativecommons.org/licenses/by/4.0/"}
    scarica = al["dcat:distribution"][0]["dcat:downloadURL"]["@id"]
    assert client.get(scarica).status_code == 200

    risposta = client.get(reverse("analisi:catalogo_rdf"))
    assert risposta["Content-Type"].startswith("application/rdf+xml")
    radice = ET.fromstring(risposta.content)
    ns = {"dcat": "http://www.w3.org/ns/dcat#", "dcatapit": "http://dati.gov.it/onto/dcatapit#",
          "dct": "http://purl.org/dc/terms/"}
    assert len(radice.findall("dcatapit:Catalog/dcat:dataset/dcatapit:Dataset", ns)) == 2
    assert radice.find(".//dcatapit:Dataset/dct:identifier", ns).text.endswith(":segnalazioni")


def test_open_data_pages_link_the_downloads(client, alessandria, segnalazioni):
    html = client.get(reverse("analisi:dati_ente", args=[alessandria.slug])).content.decode()
    assert reverse("analisi:scarica", args=[alessandria.slug, "geojson"]) in html
    assert "Alessandria" in client.get(reverse("analisi:dati_aperti")).content.decode()
