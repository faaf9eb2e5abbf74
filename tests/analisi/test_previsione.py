"""The weekly forecast: history from the first report, each method back-tested on the comune's own
past, the error shown beside the forecast, and the plain average when nothing beats it."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.analisi import approfondimenti as A
from civico.analisi import previsione as P
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.analisi.conftest import nuova
from tests.backoffice.conftest import entra_verificato

INIZIO = date(2024, 1, 1)


def _storia(valori: list[float]) -> list[tuple[date, int]]:
    return [(INIZIO + timedelta(weeks=i), int(round(v))) for i, v in enumerate(valori)]


@pytest.mark.parametrize("settimane", [3, 5, 10, 30])
@pytest.mark.parametrize("al_settimana", [1, 10, 40])
def test_a_young_comune_is_forecast_its_own_level_not_zero(settimane, al_settimana):
    stima = A.previsione(_storia([al_settimana] * settimane))
    assert [s["stima"] for s in stima["settimane"]] == [pytest.approx(al_settimana)] * 8
    assert stima["settimane"][0]["settimana"] == INIZIO + timedelta(weeks=settimane)


@pytest.mark.django_db
def test_history_starts_at_the_comunes_first_report(alessandria):
    oggi = timezone.localdate()
    lunedi = oggi - timedelta(days=oggi.weekday())
    for settimane_fa in range(1, 11):  # ten complete weeks, ten reports each
        for _ in range(10):
            nuova(alessandria, giorni_fa=(oggi - lunedi).days + 7 * settimane_fa - 3)
    storia = A.settimanale(Segnalazione.objects.filter(ente=alessandria), None)
    assert [n for _, n in storia] == [10] * 10  # not 94 zeros before them
    assert storia[0][0] == lunedi - timedelta(weeks=10)
    assert A.previsione(storia)["settimane"][0]["stima"] == pytest.approx(10.0)


@pytest.mark.django_db
def test_no_reports_no_history(alessandria):
    assert A.settimanale(Segnalazione.objects.filter(ente=alessandria), None) == []
    stima = A.previsione([])
    assert stima["metodo"] == P.BASE and stima["errore"] is None
    assert {s["stima"] for s in stima["settimane"]} == {0.0}


@pytest.mark.parametrize("seme", range(6))
def test_a_seasonal_series_is_forecast_by_the_season(seme):
    caso = random.Random(seme)
    valori = [max(0.0, 12 + 9 * math.sin(2 * math.pi * i / 52) + caso.gauss(0, 1.5)) for i in range(100)]
    stima = A.previsione(_storia(valori))
    assert stima["metodo"] == P.STAGIONALE
    assert stima["errore"] < stima["errore_base"] * P.MARGINE
    assert stima["verifica"][P.STAGIONALE]["settimane"] == P.SETTIMANE_VERIFICA


@pytest.mark.parametrize("seme", range(20))
def test_a_noisy_flat_series_falls_back_to_the_average(seme):
    caso = random.Random(seme)
    valori = [max(0, round(caso.gauss(10, 3))) for _ in range(90)]
    stima = A.previsione(_storia(valori))
    assert stima["metodo"] == P.BASE
    assert stima["errore"] == stima["errore_base"]
    ultime = [round(v) for v in valori[-8:]]
    assert stima["settimane"][0]["stima"] == pytest.approx(sum(ultime) / 8, abs=0.051)


def test_last_years_empty_weeks_are_not_a_ratio_of_one():
    # A comune that received nothing for its first weeks, then 10 a week: no season to scale.
    valori = [0] * 20 + [10] * 50
    assert P.rapporto_annuo(valori) is None
    assert A.previsione(_storia(valori))["metodo"] != P.STAGIONALE


def test_a_change_of_level_is_followed_by_smoothing():
    valori = [5] * 30 + [20] * 30 + [40] * 20
    stima = A.previsione(_storia(valori))
    assert stima["metodo"] == P.LIVELLAMENTO
    assert stima["errore"] < stima["errore_base"]


def test_the_back_test_is_one_week_ahead_on_the_past_only():
    valori = list(range(1, 13))
    v = P.verifica(valori, P.BASE, settimane=8)
    # Standing on weeks 4..11 with only the weeks before: the means of up to 8 earlier weeks
    # (2.5, 3, 3.5, 4, 4.5, 5.5, 6.5, 7.5) against 5..12.
    assert v.settimane == 8 and v.mae == pytest.approx((2.5 + 3 + 3.5 + 4 + 4.5 * 4) / 8)


@pytest.mark.django_db
def test_the_staff_page_shows_the_forecasts_error_and_the_baselines(client, alessandria):
    operatore = factories.staff("al.previsione", Ruolo.OPERATORE, alessandria)
    oggi = timezone.localdate()
    caso = random.Random(3)
    for settimane_fa in range(1, 13):
        for _ in range(caso.randint(2, 6)):
            nuova(alessandria, giorni_fa=oggi.weekday() + 7 * settimane_fa - 3)
    storia = A.settimanale(Segnalazione.objects.filter(ente=alessandria), None)
    stima = A.previsione(storia)

    pagina = entra_verificato(client, operatore).get(reverse("analisi_staff:comune", args=[alessandria.slug]))
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert 'data-testid="errore-previsione"' in html
    blocco = html.split('data-testid="errore-previsione"', 1)[1].split("</p>", 1)[0]
    assert f"{stima['errore']:.2f}".replace(".", ",") in blocco or f"{stima['errore']:.2f}" in blocco
    assert f"{stima['errore_base']:.2f}".replace(".", ",") in blocco or f"{stima['errore_base']:.2f}" in blocco
    assert str(stima["settimane_verifica"]) in blocco
