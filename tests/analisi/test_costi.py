"""What completed work orders cost: distinct reports, only orders with a cost, the rest counted
apart; per order, category, office, month and named zone; exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from civico.accounts.models import Ruolo
from civico.analisi import costi as C
from civico.segnalazioni import interventi, workflow
from civico.segnalazioni.models import Intervento, Segnalazione
from tests import factories
from tests.analisi.conftest import nuova
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
VICINO = (44.913300, 8.615200)
H3 = re.compile(r"\b8[0-9a-f]{14}\b")


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def buche(alessandria):
    """Buche: 6 links to orders, 5 distinct reports, 3 of them in orders with a cost.

    A (300 €): b1 b2 b3, closed. B (no cost): b4 b5, closed. b1 came back and was fixed again by
    C (100 €). D is still open with a 999 € estimate: not a cost yet."""
    attore = factories.operatore(alessandria)
    b = [nuova(alessandria, giorni_fa=20) for _ in range(6)]
    a = interventi.crea_intervento(alessandria, attore, "Asfaltatura piazza", b[:3], costo_stimato=Decimal("250"))
    interventi.chiudi_intervento(a, attore, "Riparate", costo_effettivo=Decimal("300"))
    senza = interventi.crea_intervento(alessandria, attore, "Rattoppo via Milano", b[3:5])
    interventi.chiudi_intervento(senza, attore, "Riparate")
    tornata = workflow.transition(Segnalazione.objects.get(pk=b[0].pk), "reopen", attore, testo="Di nuovo")
    c = interventi.crea_intervento(alessandria, attore, "Ripresa buca", [tornata])
    interventi.chiudi_intervento(c, attore, "Riparata", costo_effettivo=Decimal("100"))
    interventi.crea_intervento(alessandria, attore, "Da fare", [b[5]], costo_stimato=Decimal("999"))
    return b


def _costi(alessandria):
    oggi = timezone.localdate()
    return C.costi(alessandria, Segnalazione.objects.filter(ente=alessandria), dal=oggi - timedelta(days=365), al=oggi)


def test_cost_per_report_counts_distinct_reports_of_orders_with_a_cost(alessandria, buche):
    costi = _costi(alessandria)
    riga = {r["voce"]: r for r in costi["categorie"]}["Buche"]
    assert riga["costo"] == Decimal("400.00")
    assert riga["segnalazioni"] == 3  # b1 b2 b3: b1 once, b4 b5 not (no cost), b6 not (open)
    assert riga["per_segnalazione"] == Decimal("133.33")
    assert riga["interventi"] == 2 and riga["senza_costo"] == 1
    assert costi["totale"] == Decimal("400.00") and costi["segnalazioni"] == 3
    assert (costi["con_costo"], costi["senza_costo"]) == (2, 1)
    assert {r["voce"] for r in costi["interventi"]} == {"Asfaltatura piazza", "Ripresa buca"}


def test_the_same_total_per_office_month_and_zone(alessandria, buche):
    costi = _costi(alessandria)
    for tabella in ("uffici", "mesi", "zone"):
        assert sum(r["costo"] for r in costi[tabella]) == Decimal("400.00"), tabella
        assert sum(r["segnalazioni"] for r in costi[tabella]) == 3, tabella
    assert [r["voce"] for r in costi["mesi"]] == [timezone.localtime().strftime("%Y-%m")]
    assert all(not H3.search(r["voce"]) for r in costi["zone"])
    assert "Piazza della Libertà" in costi["zone"][0]["voce"]


def test_an_estimate_stands_in_for_a_missing_actual_cost_and_says_so(alessandria):
    attore = factories.operatore(alessandria)
    s = nuova(alessandria, giorni_fa=3)
    i = interventi.crea_intervento(alessandria, attore, "Stimato", [s], costo_stimato=Decimal("80"))
    interventi.chiudi_intervento(i, attore, "Fatto")
    riga = _costi(alessandria)["interventi"][0]
    assert (riga["costo"], riga["stimato"]) == (Decimal("80"), True)


def test_the_staff_page_shows_costs_with_named_zones_and_orders_without_cost(client, alessandria, buche):
    operatore = factories.staff("al.costi", Ruolo.OPERATORE, alessandria)
    html = entra_verificato(client, operatore).get(reverse("analisi_staff:comune", args=[alessandria.slug])).content
    html = html.decode()
    sezione = html.split('data-testid="costi"', 1)[1].split("</section>", 1)[0]
    assert "133.33" in sezione or "133,33" in sezione
    assert "1 intervento completato senza costo" in sezione
    assert not H3.search(sezione)
    for tabella in ("interventi", "categorie", "uffici", "mesi", "zone"):
        assert f'data-testid="costi-{tabella}"' in sezione
        assert f"tabella={tabella}&amp;formato=csv" in sezione and f"tabella={tabella}&amp;formato=xlsx" in sezione


@pytest.mark.parametrize("tabella", C.TABELLE)
def test_each_cost_table_exports_as_csv_and_xlsx(client, alessandria, buche, tabella):
    operatore = factories.staff("al.costi", Ruolo.OPERATORE, alessandria)
    c = entra_verificato(client, operatore)
    url = reverse("analisi_staff:costi", args=[alessandria.slug])
    risposta = c.get(url, {"tabella": tabella, "formato": "csv"})
    assert risposta.status_code == 200 and risposta["Content-Disposition"].endswith('.csv"')
    righe = list(csv.reader(io.StringIO(b"".join(risposta.streaming_content).decode("utf-8-sig"))))
    attese = C.tabella(_costi(alessandria), tabella)[1]
    assert len(righe) == 1 + len(attese) and len(attese) >= 1
    if tabella == "categorie":
        assert righe[1][:4] == ["Buche", "400.00", "3", "133.33"]
    risposta = c.get(url, {"tabella": tabella, "formato": "xlsx"})
    assert risposta.status_code == 200
    foglio = load_workbook(io.BytesIO(risposta.content)).active
    assert foglio.max_row == 1 + len(attese)


@pytest.mark.parametrize("parametri", [{}, {"tabella": "segreti", "formato": "csv"},
                                       {"tabella": "categorie", "formato": "pdf"}, {"tabella": "../x"}])
def test_a_bad_export_request_is_explained_not_a_500(client, alessandria, parametri):
    operatore = factories.staff("al.costi", Ruolo.OPERATORE, alessandria)
    c = entra_verificato(client, operatore)
    risposta = c.get(reverse("analisi_staff:costi", args=[alessandria.slug]), parametri, follow=True)
    assert risposta.status_code == 200
    assert "Tabella o formato non valido" in risposta.content.decode()


def test_staff_of_another_comune_cannot_export_its_costs(client, alessandria, casale, buche):
    estraneo = factories.staff("cs.costi", Ruolo.OPERATORE, casale)
    risposta = entra_verificato(client, estraneo).get(
        reverse("analisi_staff:costi", args=[alessandria.slug]), {"tabella": "interventi", "formato": "csv"})
    assert risposta.status_code == 403
    assert not risposta["Content-Type"].startswith("text/csv") and "Content-Disposition" not in risposta


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(piani=st.lists(st.tuples(st.sets(st.integers(0, 4), min_size=1, max_size=3),
                                st.one_of(st.none(), st.integers(1, 5000))), min_size=1, max_size=4))
def test_any_mix_of_orders_adds_up(alessandria, piani):
    """Whatever the orders (reports shared between them, costs missing), every table adds up to
    the total, and the per-report figure is the total over distinct reports of costed orders."""
    Intervento.objects.all().delete()
    Segnalazione.objects.filter(ente=alessandria).update(stato="withdrawn")
    attore = factories.operatore(alessandria)
    pool = [nuova(alessandria, giorni_fa=5) for _ in range(5)]
    attese_costo, attese_distinte, senza = Decimal(0), set(), 0
    for scelte, costo in piani:
        dentro = [Segnalazione.objects.get(pk=pool[i].pk) for i in sorted(scelte)]
        dentro = [s if s.stato in workflow.APERTI else workflow.transition(s, "reopen", attore, testo="Di nuovo")
                  for s in dentro]
        i = interventi.crea_intervento(alessandria, attore, "Giro", dentro)
        interventi.chiudi_intervento(i, attore, "Fatto", costo_effettivo=None if costo is None else Decimal(costo))
        if costo is None:
            senza += 1
        else:
            attese_costo += Decimal(costo)
            attese_distinte |= {s.pk for s in dentro}
    costi = _costi(alessandria)
    assert costi["totale"] == round(attese_costo, 2)
    assert costi["segnalazioni"] == len(attese_distinte) and costi["senza_costo"] == senza
    for tabella in ("categorie", "uffici", "mesi", "zone"):
        assert abs(sum(r["costo"] for r in costi[tabella]) - attese_costo) <= Decimal("0.05"), tabella
        assert sum(r["segnalazioni"] for r in costi[tabella]) == len(attese_distinte), tabella
    if attese_distinte:
        assert costi["per_segnalazione"] == round(attese_costo / len(attese_distinte), 2)
