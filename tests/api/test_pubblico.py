"""Public reads: comuni, categories, the gazetteer, the report list (filters, cursor, GeoJSON), a report."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from civico.catalogo.models import Categoria
from civico.segnalazioni import eventi, intake, workflow
from civico.segnalazioni.models import TipoEvento, Visibilita
from tests import factories
from tests.api.conftest import V1, errore

pytestmark = pytest.mark.django_db


# --- Enti ---------------------------------------------------------------------------------------

def test_enti_by_name_finds_comuni_active_first(client, alessandria):
    r = client.get(f"{V1}/enti", {"q": "alessandria"})

    assert r.status_code == 200
    trovati = r.json()
    assert trovati[0]["codice_istat"] == "006003" and trovati[0]["attivo"] is True
    assert any(e["nome"] == "Alessandria della Rocca" and e["attivo"] is False for e in trovati)


def test_enti_by_point_returns_the_comune_containing_it_and_whether_it_is_active(client, alessandria):
    dentro = client.get(f"{V1}/enti", {"lat": factories.PIAZZA_LIBERTA[0], "lon": factories.PIAZZA_LIBERTA[1]})
    valenza = client.get(f"{V1}/enti", {"lat": factories.VALENZA[0], "lon": factories.VALENZA[1]})
    mare = client.get(f"{V1}/enti", {"lat": factories.MAR_LIGURE[0], "lon": factories.MAR_LIGURE[1]})

    assert [(e["nome"], e["attivo"]) for e in dentro.json()] == [("Alessandria", True)]
    assert [(e["nome"], e["attivo"]) for e in valenza.json()] == [("Valenza", False)]
    assert mare.status_code == 200 and mare.json() == []


def test_enti_without_parameters_lists_the_active_ones(client, alessandria, casale):
    r = client.get(f"{V1}/enti")

    assert [e["codice_istat"] for e in r.json()] == ["006003", "006039"]


def test_enti_by_point_needs_both_coordinates(client, db):
    corpo = errore(client.get(f"{V1}/enti", {"lat": 44.9}), 400, "invalid")

    assert "lon" in corpo["campi"]


def test_an_ente_is_found_by_istat_code_or_slug_and_unknown_is_404(client, alessandria):
    assert client.get(f"{V1}/enti/006003").json()["slug"] == "alessandria"
    assert client.get(f"{V1}/enti/alessandria").json()["codice_istat"] == "006003"
    errore(client.get(f"{V1}/enti/999999"), 404, "not_found")


def test_categories_come_with_their_questions_and_allowed_values(client, alessandria):
    r = client.get(f"{V1}/enti/006003/categorie")

    assert r.status_code == 200
    buche = next(c for c in r.json() if c["codice"] == "buche")
    dimensione = next(d for d in buche["domande"] if d["codice"] == "dimensione")
    assert dimensione["tipo"] == "singlevaluelist" and dimensione["obbligatoria"] is True
    assert [v["chiave"] for v in dimensione["valori"]] == ["piccola", "media", "grande"]


def test_inactive_categories_are_not_listed(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="buche").update(attiva=False)

    codici = [c["codice"] for c in client.get(f"{V1}/enti/alessandria/categorie").json()]

    assert "buche" not in codici and "verde-pubblico" in codici


# --- Gazetteer ----------------------------------------------------------------------------------

def test_address_search_finds_the_house_number(client, alessandria):
    r = client.get(f"{V1}/enti/006003/indirizzi", {"q": "piazza della liberta 41"})

    assert r.status_code == 200
    primo = r.json()[0]
    assert primo["testo"] == "Piazza della Libertà 41" and primo["cap"] == "15121"


def test_address_search_requires_q(client, alessandria):
    corpo = errore(client.get(f"{V1}/enti/006003/indirizzi"), 422, "validation_error")

    assert "q" in corpo["campi"]


def test_reverse_geocoding_returns_the_nearest_house_number(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    r = client.get(f"{V1}/enti/006003/indirizzi/vicino", {"lat": lat, "lon": lon})

    assert r.status_code == 200
    assert r.json()["testo"] == "Piazza della Libertà 41" and r.json()["distanza_m"] < 5


def test_reverse_geocoding_far_from_any_address_is_404(client, alessandria):
    errore(client.get(f"{V1}/enti/006003/indirizzi/vicino", {"lat": 45.5, "lon": 9.0}), 404, "not_found")


# --- The report list ----------------------------------------------------------------------------

def _codici(risposta) -> list[str]:
    assert risposta.status_code == 200, risposta.content
    return [s["codice"] for s in risposta.json()["risultati"]]


def test_the_list_filters_by_ente_category_state_and_text(client, alessandria, casale):
    buca = factories.segnalazione(alessandria, titolo="Voragine in via Milano")
    verde = factories.segnalazione(alessandria, categoria="verde-pubblico", titolo="Ramo spezzato",
                                   risposte={"problema": ["rami"]})
    lavorata = factories.segnalazione(alessandria, titolo="Asfalto sprofondato")
    workflow.transition(lavorata, "take_in_charge", factories.operatore(alessandria))
    casalese = factories.segnalazione(casale, punto=factories.CASALE, categoria="verde-pubblico",
                                      titolo="Albero caduto", risposte={"problema": ["albero-caduto"]})

    assert set(_codici(client.get(f"{V1}/segnalazioni"))) == {buca.codice, verde.codice, lavorata.codice,
                                                              casalese.codice}
    assert set(_codici(client.get(f"{V1}/segnalazioni", {"ente": "006039"}))) == {casalese.codice}
    assert set(_codici(client.get(f"{V1}/segnalazioni", {"ente": "alessandria", "categoria": "verde-pubblico"}))) == {
        verde.codice}
    assert _codici(client.get(f"{V1}/segnalazioni", {"stato": "accepted"})) == [lavorata.codice]
    assert set(_codici(client.get(f"{V1}/segnalazioni?stato=accepted&stato=submitted&ente=006003"))) == {
        buca.codice, verde.codice, lavorata.codice}
    assert _codici(client.get(f"{V1}/segnalazioni", {"q": "voragine"})) == [buca.codice]


def test_the_list_filters_by_bounding_box_and_dates(client, alessandria, casale):
    vicino = factories.segnalazione(alessandria)
    lontano = factories.segnalazione(casale, punto=factories.CASALE)
    vecchia = intake.submit(
        intake.NuovaSegnalazione(lat=44.9135, lon=8.6155, titolo="Buca dell'anno scorso", categoria="buche",
                                 risposte={"dimensione": "media"}),
        quando=timezone.now() - timedelta(days=400),
    ).segnalazione

    riquadro = {"bbox": "8.60,44.90,8.63,44.92"}
    assert set(_codici(client.get(f"{V1}/segnalazioni", riquadro))) == {vicino.codice, vecchia.codice}
    assert lontano.codice not in _codici(client.get(f"{V1}/segnalazioni", riquadro))
    un_mese_fa = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert vecchia.codice not in _codici(client.get(f"{V1}/segnalazioni", {"dal": un_mese_fa}))
    assert _codici(client.get(f"{V1}/segnalazioni", {"al": un_mese_fa})) == [vecchia.codice]


def test_the_list_can_return_only_what_changed_since_an_instant(client, alessandria):
    prima = factories.segnalazione(alessandria)
    dopo = factories.segnalazione(alessandria, titolo="Un'altra buca")
    istante = timezone.now()
    workflow.transition(prima, "take_in_charge", factories.operatore(alessandria))

    r = client.get(f"{V1}/segnalazioni", {"aggiornate_dal": istante.isoformat()})

    assert _codici(r) == [prima.codice] and dopo.codice not in _codici(r)


@pytest.mark.parametrize("bbox", ["1,2,3", "8.7,44.9,8.6,44.92", "a,b,c,d", "0,0,0,nan", "0,-91,1,1"])
def test_a_malformed_bounding_box_is_refused(client, db, bbox):
    corpo = errore(client.get(f"{V1}/segnalazioni", {"bbox": bbox}), 422, "validation_error")

    assert "bbox" in corpo["campi"]


@pytest.mark.parametrize("limite", [0, 201, "tanti"])
def test_the_page_size_is_between_1_and_200(client, db, limite):
    errore(client.get(f"{V1}/segnalazioni", {"limit": limite}), 422, "validation_error")


@pytest.mark.parametrize("cursore", ["non-un-cursore", "eyJ0IjoiaWVyaSIsImkiOjF9", "e30", "%%%"])
def test_a_forged_cursor_is_refused_with_400(client, db, cursore):
    corpo = errore(client.get(f"{V1}/segnalazioni", {"cursor": cursore}), 400, "invalid")

    assert "cursor" in corpo["campi"]


def test_an_unknown_ente_filter_is_404(client, db):
    errore(client.get(f"{V1}/segnalazioni", {"ente": "atlantide"}), 404, "not_found")


def test_cursor_pagination_visits_every_report_once_newest_first(client, alessandria):
    adesso = timezone.now()
    create = []
    # Three share their creation instant: the id breaks the tie across page boundaries.
    for i, quando in enumerate([adesso - timedelta(hours=3)] * 3 + [adesso - timedelta(hours=h) for h in (2, 1, 5)]):
        dati = intake.NuovaSegnalazione(lat=44.9133 + i / 10000, lon=8.6151, titolo=f"Buca numero {i}",
                                        categoria="buche", risposte={"dimensione": "piccola"})
        create.append(intake.submit(dati, quando=quando).segnalazione)
    factories.segnalazione(alessandria)  # one more, newest

    visti, cursore, pagine = [], None, 0
    while True:
        parametri = {"limit": 2, **({"cursor": cursore} if cursore else {})}
        corpo = client.get(f"{V1}/segnalazioni", parametri).json()
        visti += [s["codice"] for s in corpo["risultati"]]
        pagine += 1
        cursore = corpo["cursore_successivo"]
        if cursore is None:
            break

    assert len(visti) == len(set(visti)) == 7 and pagine == 4
    tutte = client.get(f"{V1}/segnalazioni", {"limit": 200}).json()["risultati"]
    assert visti == [s["codice"] for s in tutte]
    assert [s["creata_il"] for s in tutte] == sorted((s["creata_il"] for s in tutte), reverse=True)


def test_a_full_last_page_has_no_next_cursor(client, alessandria):
    factories.segnalazione(alessandria)
    factories.segnalazione(alessandria)

    assert client.get(f"{V1}/segnalazioni", {"limit": 2}).json()["cursore_successivo"] is None


def test_geojson_is_a_valid_feature_collection(client, alessandria):
    s = factories.segnalazione(alessandria)
    factories.segnalazione(alessandria, titolo="Seconda buca")

    r = client.get(f"{V1}/segnalazioni", {"format": "geojson", "limit": 1})

    assert r.status_code == 200 and r["Content-Type"] == "application/geo+json"
    fc = json.loads(r.content)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1 and fc["cursore_successivo"]
    f = fc["features"][0]
    assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
    lon, lat = f["geometry"]["coordinates"]  # RFC 7946: longitude first
    assert -180 <= lon <= 180 and -90 <= lat <= 90 and (lat, lon) != (lon, lat)
    assert f["properties"]["stato"] == "submitted" and "lat" not in f["properties"]
    resto = client.get(f"{V1}/segnalazioni", {"format": "geojson", "cursor": fc["cursore_successivo"]})
    assert [x["id"] for x in resto.json()["features"]] == [s.codice]


def test_reports_of_non_public_categories_are_not_listed_nor_readable(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="verde-pubblico").update(pubblica=False)
    riservata = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})

    assert riservata.codice not in _codici(client.get(f"{V1}/segnalazioni"))
    errore(client.get(f"{V1}/segnalazioni/{riservata.codice}"), 404, "not_found")


# --- One report ---------------------------------------------------------------------------------

def test_a_report_comes_with_its_public_timeline_only(client, alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    eventi.registra(s, TipoEvento.INTERNAL_NOTE, op, quando=timezone.now(), visibilita=Visibilita.INTERNA,
                    testo="Nota riservata: ditta Rossi")

    r = client.get(f"{V1}/segnalazioni/{s.codice.lower()}")

    assert r.status_code == 200
    corpo = r.json()
    assert corpo["codice"] == s.codice and corpo["stato"] == "accepted"
    testi = [e["testo"] for e in corpo["cronologia"]]
    assert testi[0] == "Segnalazione ricevuta."
    assert "La segnalazione è stata presa in carico." in testi
    assert "ditta Rossi" not in r.content.decode()


def test_an_unknown_report_is_404_in_json(client, db):
    errore(client.get(f"{V1}/segnalazioni/AL-2026-999999"), 404, "not_found")


def test_polling_with_the_etag_gets_304_until_the_report_changes(client, alessandria):
    s = factories.segnalazione(alessandria)
    etag = client.get(f"{V1}/segnalazioni/{s.codice}")["ETag"]

    invariata = client.get(f"{V1}/segnalazioni/{s.codice}", headers={"If-None-Match": etag})
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    cambiata = client.get(f"{V1}/segnalazioni/{s.codice}", headers={"If-None-Match": etag})

    assert invariata.status_code == 304 and invariata.content == b""
    assert cambiata.status_code == 200 and cambiata["ETag"] != etag


def test_messages_follow_the_requested_language(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    dati = {"lat": lat, "lon": lon, "titolo": " ", "categoria": "buche", "risposte": {"dimensione": "media"}}

    r = client.post(f"{V1}/segnalazioni", dati, content_type="application/json", headers={"Accept-Language": "en"})

    assert errore(r, 400, "invalid")["campi"]["titolo"] == ["This field is required."]
