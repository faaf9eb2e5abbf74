"""Hotspots by distance, named by their streets, with the reports behind every figure."""

from __future__ import annotations

import csv
import io
import math

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from civico.accounts.models import Ruolo
from civico.analisi import approfondimenti as A
from civico.analisi import zone
from civico.segnalazioni.models import Intervento, Segnalazione
from tests import factories
from tests.analisi.conftest import nuova
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
PIAZZA = (44.913300, 8.615200)


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operatore(alessandria):
    return factories.staff("al.zone", Ruolo.OPERATORE, alessandria)


def _spostato(punto: tuple[float, float], nord_m: float, est_m: float) -> tuple[float, float]:
    lat, lon = punto
    return (lat + nord_m / 111_195, lon + est_m / (111_195 * math.cos(math.radians(lat))))


@settings(max_examples=25, deadline=None)
@given(
    base_n=st.floats(-3000, 3000), base_e=st.floats(-3000, 3000),
    passo=st.floats(5, 90), direzione=st.floats(0, 2 * math.pi),
)
def test_reports_within_a_hundred_metres_are_one_zone_wherever_a_grid_would_cut(base_n, base_e, passo, direzione):
    # Three reports each `passo` (< 100 m) from the next: one place, whatever H3 border runs between.
    inizio = _spostato(PIAZZA, base_n, base_e)
    punti = [
        zone.Punto(i, *_spostato(inizio, i * passo * math.cos(direzione), i * passo * math.sin(direzione)))
        for i in range(3)
    ]
    assert [sorted(p.pk for p in g) for g in zone.raggruppa(punti, minimo=3)] == [[0, 1, 2]]


@settings(max_examples=20, deadline=None)
@given(distanza=st.floats(150, 2000), direzione=st.floats(0, 2 * math.pi))
def test_groups_further_apart_than_the_radius_stay_separate(distanza, direzione):
    a = [zone.Punto(i, *_spostato(PIAZZA, i * 10, 0)) for i in range(3)]
    lontano = _spostato(PIAZZA, distanza * math.cos(direzione) + 20, distanza * math.sin(direzione))
    b = [zone.Punto(10 + i, *_spostato(lontano, i * 10, 0)) for i in range(3)]
    gruppi = zone.raggruppa(a + b, minimo=3)
    assert sorted(sorted(p.pk for p in g) for g in gruppi) == [[0, 1, 2], [10, 11, 12]]


def test_default_settings_find_the_zone_and_name_its_street(client, alessandria, operatore):
    # Four potholes within 60 m of each other, in the last six months: the page's defaults show them.
    for i, giorni in enumerate((40, 30, 20, 10)):
        nuova(alessandria, giorni_fa=giorni, punto=_spostato(PIAZZA, i * 15, i * 10))
    nuova(alessandria, giorni_fa=15, punto=_spostato(PIAZZA, 2000, 0))  # alone, far away

    pagina = entra_verificato(client, operatore).get(reverse("analisi_staff:comune", args=[alessandria.slug]))
    html = pagina.content.decode()
    zona = A.hotspot(Segnalazione.objects.filter(ente=alessandria), ente=alessandria)[0]
    assert zona.n == 4
    assert "Piazza della Libertà" in zona.nome
    assert zona.nome in html and "Nessuna zona" not in html
    assert 'id="mappa-hotspot"' in html and 'id="dati-hotspot"' in html and "zone_calde.js" in html
    for s in Segnalazione.objects.filter(ente=alessandria):
        assert s.cella_h3 not in html  # no raw H3 code anywhere on the page


def test_the_figure_drills_down_to_exactly_its_reports_and_exports_them(client, alessandria, operatore):
    dentro = [nuova(alessandria, giorni_fa=10 + i, punto=_spostato(PIAZZA, i * 20, 0), titolo="=HYPERLINK(1)")
              for i in range(3)]
    fuori = nuova(alessandria, giorni_fa=5, punto=_spostato(PIAZZA, 3000, 0))
    zona = A.hotspot(Segnalazione.objects.filter(ente=alessandria), ente=alessandria)[0]
    entra_verificato(client, operatore)
    url = reverse("analisi_staff:dettaglio", args=[alessandria.slug])

    html = client.get(url, {"ids": zona.chiave}).content.decode()
    assert all(s.codice in html for s in dentro) and fuori.codice not in html

    risposta = client.get(url, {"ids": zona.chiave, "formato": "csv"})
    righe = list(csv.reader(io.StringIO(b"".join(risposta.streaming_content).decode("utf-8-sig"))))
    assert sorted(r[0] for r in righe[1:]) == sorted(s.codice for s in dentro)

    libro = load_workbook(io.BytesIO(client.get(url, {"ids": zona.chiave, "formato": "xlsx"}).content))
    codici = [r[0] for r in libro.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(codici) == sorted(s.codice for s in dentro)


def test_drill_down_never_shows_another_comunes_reports(client, alessandria, casale, operatore):
    estranea = factories.segnalazione(casale, punto=factories.CASALE)
    entra_verificato(client, operatore)
    html = client.get(reverse("analisi_staff:dettaglio", args=[alessandria.slug]), {"ids": str(estranea.pk)})
    assert estranea.codice not in html.content.decode()


@pytest.mark.parametrize("parametri", [
    {"ids": "1,a"}, {"ids": ",".join(["1"] * 3000) + ",x"}, {"settimana": "2024-13-45"}, {"gruppo": "tutti"},
    {"ufficio": "x"}, {"categoria": "-1"}, {"intervento": "9" * 40}, {"cella": "<script>"},
])
def test_bad_drill_down_filters_are_explained_never_a_500(client, alessandria, operatore, parametri):
    entra_verificato(client, operatore)
    risposta = client.get(reverse("analisi_staff:dettaglio", args=[alessandria.slug]), parametri)
    assert risposta.status_code == 200
    assert "<script>" not in risposta.content.decode().split("<main", 1)[-1].replace("&lt;script&gt;", "")


def test_every_figure_on_the_page_links_to_its_reports(client, alessandria, operatore):
    for i in range(3):
        nuova(alessandria, giorni_fa=3 + i, punto=_spostato(PIAZZA, i * 20, 0))
    nuova(alessandria, giorni_fa=15)  # a complete week: the weekly history starts at the first report
    html = entra_verificato(client, operatore).get(
        reverse("analisi_staff:comune", args=[alessandria.slug])).content.decode()
    base = reverse("analisi_staff:dettaglio", args=[alessandria.slug])
    for chiave in ("?ids=", "gruppo=aperte", "gruppo=in_ritardo", "gruppo=risolte_30", "?settimana="):
        assert f"{base}{chiave}" in html or (base in html and chiave in html), chiave


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(volte=st.integers(2, 4))
def test_clicking_a_hotspot_again_opens_the_same_work_order(client, alessandria, operatore, volte):
    Intervento.objects.all().delete()
    Segnalazione.objects.filter(ente=alessandria).update(stato="withdrawn")
    for i in range(3):
        nuova(alessandria, giorni_fa=3 + i, punto=_spostato(PIAZZA, i * 20, 0))
    zona = A.hotspot(Segnalazione.objects.filter(ente=alessandria), ente=alessandria)[0]
    entra_verificato(client, operatore)
    for _ in range(volte):
        client.post(reverse("analisi_staff:intervento", args=[alessandria.slug]),
                    {"ids": zona.chiave, "categoria": zona.categoria_id})
    assert Intervento.objects.filter(ente=alessandria).count() == 1
    for s in Segnalazione.objects.filter(pk__in=zona.segnalazioni):
        assert s.eventi.filter(tipo="work_order").count() == 1


def test_public_dashboard_names_where_reports_come_from_by_street(client, alessandria):
    from civico.segnalazioni import workflow

    for i in range(2):
        s = nuova(alessandria, giorni_fa=3 + i, punto=_spostato(PIAZZA, i * 20, 0))
        workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    html = client.get(reverse("analisi:cruscotto_ente", args=[alessandria.slug])).content.decode()
    tabella = html.split('data-testid="tabella-mappa"', 1)[1].split("</table>", 1)[0]
    cella = Segnalazione.objects.filter(ente=alessandria).first().cella_h3
    assert "<code>" not in tabella and cella[:6] not in tabella
    assert "(Centro)" in tabella  # streets and quartiere from the stradario
