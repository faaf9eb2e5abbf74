"""Exploring a comune's reports: filters, pages, and the map clustered on the server."""

from __future__ import annotations

from datetime import timedelta

import h3
import pytest
from django.utils import timezone

from civico.portale import esplora
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories

pytestmark = pytest.mark.django_db

# Alessandria's territory, generously.
BBOX_ALESSANDRIA = "8.45,44.80,8.80,45.00"


def _buca(ente, titolo="Buca profonda davanti al civico", **campi):
    return factories.segnalazione(ente, titolo=titolo, **campi)


def _elenco(client, **parametri) -> str:
    return client.get("/alessandria/segnalazioni/", parametri).content.decode()


def test_the_list_shows_public_reports_newest_first_with_a_link_each(client, alessandria):
    prima = _buca(alessandria, titolo="Prima buca")
    seconda = _buca(alessandria, titolo="Seconda buca")

    html = _elenco(client)

    assert "2 segnalazioni trovate" in html
    assert html.index("Seconda buca") < html.index("Prima buca")
    assert f'<a href="/segnalazioni/{prima.codice}/">Prima buca</a>' in html
    assert f'<a href="/segnalazioni/{seconda.codice}/">Seconda buca</a>' in html


def test_the_list_filters_by_category_state_period_and_text(client, alessandria):
    op = factories.operatore(alessandria)
    buca = _buca(alessandria, titolo="Buca in corso Roma")
    panchina = factories.segnalazione(alessandria, titolo="Panchina rotta", categoria="arredo-urbano")
    workflow.transition(panchina, "take_in_charge", op)
    workflow.transition(panchina, "resolve", op)
    vecchia = _buca(alessandria, titolo="Buca dell'anno scorso")
    Segnalazione.objects.filter(pk=vecchia.pk).update(creata_il=timezone.now() - timedelta(days=400))

    assert "Panchina rotta" in _elenco(client, categoria="arredo-urbano")
    assert "Buca in corso Roma" not in _elenco(client, categoria="arredo-urbano")
    risolte = _elenco(client, stato="risolte")
    assert "Panchina rotta" in risolte and "Buca in corso Roma" not in risolte
    assert "Panchina rotta" not in _elenco(client, stato="aperte")
    assert "Buca in corso Roma" in _elenco(client, stato="submitted")
    recenti = _elenco(client, periodo="365")
    assert "Buca dell&#x27;anno scorso" not in recenti and "Buca in corso Roma" in recenti
    assert "1 segnalazione trovata" in _elenco(client, q="corso roma")
    assert "Buca in corso Roma" in _elenco(client, q=buca.codice.lower())


def test_unknown_filter_values_are_ignored_rather_than_failing(client, alessandria):
    _buca(alessandria)
    html = _elenco(client, categoria="non-esiste", stato="boh", periodo="mille", pagina="x")
    assert "1 segnalazione trovata" in html


def test_reports_the_public_may_not_see_are_not_listed(client, alessandria, casale):
    from civico.catalogo.models import Categoria

    Categoria.objects.filter(ente=alessandria, codice="verde-pubblico").update(pubblica=False)
    factories.segnalazione(alessandria, titolo="Albero privato", categoria="verde-pubblico",
                           risposte={"problema": ["rami"]})
    factories.segnalazione(casale, punto=factories.CASALE, titolo="Buca a Casale")
    html = _elenco(client)
    assert "Albero privato" not in html and "Buca a Casale" not in html
    assert "Verde pubblico" not in html.split('id="f-categoria"')[1].split("</select>")[0]


def test_the_list_is_paginated_and_pages_keep_the_filters(client, alessandria):
    for n in range(esplora.PER_PAGINA + 3):
        _buca(alessandria, titolo=f"Buca numero {n}")

    prima = _elenco(client, categoria="buche")
    seconda = _elenco(client, categoria="buche", pagina="2")

    assert "Pagina 1 di 2" in prima and 'href="?categoria=buche&amp;pagina=2"' in prima
    assert "Pagina 2 di 2" in seconda
    assert seconda.count('<h3><a href="/segnalazioni/') == 3


def test_one_page_holds_the_list_and_the_map_of_the_same_filtered_results(client, alessandria):
    _buca(alessandria)
    html = _elenco(client, stato="aperte")
    assert 'id="mappa"' in html and "leaflet/leaflet.js" in html and "1 segnalazione trovata" in html
    assert 'data-url-json="/alessandria/segnalazioni/mappa.json?stato=aperte&amp;"' in html
    assert html.index('id="titolo-mappa"') < html.index('data-testid="elenco"')  # on a phone: map, then list
    assert 'href="?stato=aperte&amp;vista=mappa"' not in html  # no tabs any more


@pytest.mark.parametrize(("con_punto", "senza_punto"), [(0, 0), (2, 0), (0, 3), (2, 3)])
def test_the_page_says_how_many_results_have_no_position(client, alessandria, con_punto, senza_punto):
    for i in range(con_punto):
        _buca(alessandria, titolo=f"Buca con luogo {i}")
    storiche = [_buca(alessandria, titolo=f"Buca storica {i}").pk for i in range(senza_punto)]
    storiche.append(_buca(alessandria, titolo="Tombino", categoria="tombini").pk)  # filtered out below
    Segnalazione.objects.filter(pk__in=storiche).update(lat=None, lon=None)  # imported without a place

    html = _elenco(client, categoria="buche")

    totale = con_punto + senza_punto
    assert (f"{totale} segnalazioni trovate" if totale != 1 else "1 segnalazione trovata") in html
    if senza_punto:
        assert f"{con_punto} sulla mappa e {senza_punto} senza posizione" in html
    else:
        assert 'data-testid="posizioni"' not in html
    assert esplora.conteggi(esplora.filtra(alessandria, esplora.Filtri(categoria="buche"))) == esplora.Conteggi(
        totale, con_punto)


def test_the_map_json_gives_single_reports_when_few_are_in_view(client, alessandria):
    s = _buca(alessandria)
    r = client.get("/alessandria/segnalazioni/mappa.json", {"bbox": BBOX_ALESSANDRIA, "zoom": "12"})
    corpo = r.json()
    assert r.status_code == 200 and corpo["tipo"] == "punti" and corpo["totale"] == 1
    assert corpo["punti"] == [{"codice": s.codice, "titolo": s.titolo, "stato": "submitted",
                               "stato_etichetta": "Ricevuta", "categoria": "Buche", "lat": round(s.lat, 6),
                               "lon": round(s.lon, 6)}]


def test_the_map_json_refuses_a_missing_box_or_zoom(client, alessandria):
    for parametri in ({}, {"bbox": "1,2,3", "zoom": "10"}, {"bbox": BBOX_ALESSANDRIA, "zoom": "99"},
                      {"bbox": "8.8,44.8,8.4,45.0", "zoom": "10"}, {"bbox": "nan,1,2,3", "zoom": "3"}):
        r = client.get("/alessandria/segnalazioni/mappa.json", parametri)
        assert r.status_code == 400 and r.json()["errore"]["codice"] == "parametri"
    assert client.get("/valenza/segnalazioni/mappa.json", {"bbox": BBOX_ALESSANDRIA, "zoom": "10"}).status_code == 404


def _molte(ente, quante: int, centro=factories.PIAZZA_LIBERTA, passo=0.002):
    """Many reports at once, written straight to the table (intake is not what is tested here)."""
    categoria = ente.categorie.get(codice="buche")
    adesso = timezone.now()
    righe = []
    for i in range(quante):
        lat, lon = centro[0] + (i % 20) * passo, centro[1] + (i // 20) * passo
        righe.append(Segnalazione(
            ente=ente, codice=f"{ente.sigla}-T-{i:06d}", anno=1990, numero=i + 1, token=f"t{i}-{ente.pk}",
            categoria=categoria, titolo=f"Prova {i}", lat=lat, lon=lon, cella_h3=h3.latlng_to_cell(lat, lon, 10),
            canale="web", creata_il=adesso, aggiornata_il=adesso,
        ))
    Segnalazione.objects.bulk_create(righe)


def test_the_map_json_clusters_many_reports_by_h3_with_counts_and_centroids(client, alessandria):
    _molte(alessandria, 400)

    corpo = client.get("/alessandria/segnalazioni/mappa.json", {"bbox": BBOX_ALESSANDRIA, "zoom": "12"}).json()

    assert corpo["tipo"] == "gruppi" and corpo["totale"] == 400 and corpo["risoluzione"] == 6
    assert sum(g["n"] for g in corpo["gruppi"]) == 400
    for g in corpo["gruppi"]:
        assert h3.get_resolution(g["cella"]) == 6
        # The centroid is the mean of its reports, so it lies inside their spread.
        assert 44.91 < g["lat"] < 44.96 and 8.61 < g["lon"] < 8.66


def test_zooming_in_splits_clusters_then_shows_single_reports(client, alessandria):
    _molte(alessandria, 400)
    url = "/alessandria/segnalazioni/mappa.json"
    quanti = [len(client.get(url, {"bbox": BBOX_ALESSANDRIA, "zoom": str(z)}).json()["gruppi"]) for z in (10, 13, 15)]
    assert quanti[0] <= quanti[1] <= quanti[2] and quanti[2] > quanti[0]
    vicino = client.get(url, {"bbox": "8.614,44.912,8.617,44.915", "zoom": "18"}).json()
    assert vicino["tipo"] == "punti" and vicino["totale"] >= 1 and vicino["troncato"] is False


def test_the_map_json_respects_the_box_and_the_filters(client, alessandria):
    _molte(alessandria, 400)
    lontano = client.get("/alessandria/segnalazioni/mappa.json", {"bbox": "8.45,44.80,8.50,44.85", "zoom": "12"})
    assert lontano.json() == {"tipo": "punti", "totale": 0, "punti": []}
    nessuna = client.get("/alessandria/segnalazioni/mappa.json",
                         {"bbox": BBOX_ALESSANDRIA, "zoom": "12", "stato": "resolved"}).json()
    assert nessuna["totale"] == 0


def test_the_map_json_clusters_with_one_grouped_query(client, alessandria, django_assert_max_num_queries):
    _molte(alessandria, 400)
    # Session, ente, categories (for the filter), then ONE grouped query for the clusters.
    with django_assert_max_num_queries(4) as contate:
        client.get("/alessandria/segnalazioni/mappa.json", {"bbox": BBOX_ALESSANDRIA, "zoom": "12"})
    gruppi = [q["sql"] for q in contate.captured_queries if "GROUP BY" in q["sql"]]
    assert len(gruppi) == 1


def test_folding_cells_weighs_each_cell_by_its_count():
    a = h3.latlng_to_cell(44.91, 8.61, 10)
    b = h3.latlng_to_cell(44.912, 8.612, 10)
    assert h3.cell_to_parent(a, 5) == h3.cell_to_parent(b, 5)
    [g] = esplora.raggruppa([(a, 3, 44.91, 8.61), (b, 1, 44.914, 8.614)], 5)
    assert g == {"cella": h3.cell_to_parent(a, 5), "n": 4, "lat": 44.911, "lon": 8.611}


def test_the_zoom_chooses_coarser_cells_far_out_and_single_reports_close_in():
    assert esplora.risoluzione(3) == 0
    assert esplora.risoluzione(12) == 6
    assert esplora.risoluzione(16) == 10
    assert esplora.risoluzione(17) is None


@pytest.mark.parametrize("url", ["/alessandria/", "/alessandria/segnalazioni/"])
def test_pages_of_reports_cost_the_same_queries_for_few_or_many_reports(client, alessandria, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def query() -> int:
        client.get(url)  # warm the boundary cache and the session
        with CaptureQueriesContext(connection) as contate:
            assert client.get(url).status_code == 200
        return len(contate.captured_queries)

    _buca(alessandria)
    poche = query()
    for _ in range(6):
        _buca(alessandria)
    assert query() == poche
