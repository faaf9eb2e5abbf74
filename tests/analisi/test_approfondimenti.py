"""Staff insight: where problems recur, what comes next week, who is behind, what repairs cost."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.analisi import approfondimenti as A
from civico.analisi import costi as C
from civico.segnalazioni import interventi
from civico.segnalazioni.models import Intervento, Segnalazione
from tests import factories
from tests.analisi.conftest import nuova, risolvi
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
VICINO = (44.913300, 8.615200)  # a few metres from Piazza della Libertà 41
ALTROVE = (44.9180, 8.6050)  # another part of the city, about a kilometre away


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operatore(alessandria):
    return factories.staff("al.analisi", Ruolo.OPERATORE, alessandria)


def test_hotspot_lists_a_place_where_the_same_problem_recurs(client, alessandria, operatore):
    for giorni in (50, 30, 10):
        nuova(alessandria, giorni_fa=giorni)
    nuova(alessandria, giorni_fa=20, punto=VICINO)
    nuova(alessandria, giorni_fa=300)  # too old for the last six months
    visibili = Segnalazione.objects.filter(ente=alessandria)

    zone = A.hotspot(visibili, mesi=6, minimo=3)
    assert len(zone) == 1
    assert zone[0].n == 4 and zone[0].aperte == 4 and zone[0].categoria == "Buche"

    pagina = entra_verificato(client, operatore).get(reverse("analisi_staff:comune", args=[alessandria.slug]))
    html = pagina.content.decode()
    assert "Piazza della Libertà" in zone[0].nome and zone[0].nome in html
    assert "Crea un intervento" in html


def test_one_click_turns_a_hotspot_into_a_work_order(client, alessandria, operatore):
    for giorni in (30, 20, 10):
        nuova(alessandria, giorni_fa=giorni)
    zona = A.hotspot(Segnalazione.objects.filter(ente=alessandria), minimo=3)[0]

    risposta = entra_verificato(client, operatore).post(
        reverse("analisi_staff:intervento", args=[alessandria.slug]),
        {"ids": zona.chiave, "categoria": zona.categoria_id},
    )
    intervento = Intervento.objects.get(ente=alessandria)
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("interventi:intervento", args=[alessandria.slug, intervento.pk])
    assert intervento.segnalazioni.count() == 3
    assert intervento.titolo.startswith("Buche · ")


def test_a_bad_hotspot_request_is_explained(client, alessandria, operatore):
    risposta = entra_verificato(client, operatore).post(
        reverse("analisi_staff:intervento", args=[alessandria.slug]), {"ids": "non-una-zona", "categoria": "x"},
        follow=True,
    )
    assert "Zona o categoria non valida" in risposta.content.decode()
    assert not Intervento.objects.exists()


def test_staff_see_only_their_comuni(client, alessandria, casale):
    di_casale = factories.staff("cm.operatore", Ruolo.OPERATORE, casale)
    pagina_al = reverse("analisi_staff:comune", args=[alessandria.slug])
    anonimo = client.get(pagina_al)
    assert anonimo.status_code == 302 and anonimo["Location"].startswith("/backoffice/accedi/?next=")  # sign in first
    entra_verificato(client, di_casale)
    rifiutata = client.get(pagina_al)
    assert rifiutata.status_code == 403 and "Alessandria" not in rifiutata.content.decode()
    indice = client.get(reverse("analisi_staff:indice"))
    assert indice.status_code == 302 and indice["Location"] == reverse("analisi_staff:comune", args=[casale.slug])
    propria = client.get(indice["Location"])
    assert propria.status_code == 200 and "Casale Monferrato" in propria.content.decode()


def test_a_problem_back_after_its_repair_is_recurring(alessandria):
    prima = risolvi(nuova(alessandria, giorni_fa=60), giorni_fa=50)
    nuova(alessandria, giorni_fa=10)
    risolvi(nuova(alessandria, giorni_fa=60, punto=ALTROVE), giorni_fa=50)  # fixed once, never back

    ricorrenti = A.ricorrenti(Segnalazione.objects.filter(ente=alessandria))
    assert [(r["cella_h3"], r["n"]) for r in ricorrenti] == [(prima.cella_h3, 2)]


def test_forecast_follows_last_years_season_scaled_by_the_trend():
    inizio = date(2024, 1, 1)
    # 10 a week, with a 30-a-week spring peak in weeks 10–12 and a summer one in weeks 26–30;
    # this year runs 50 % higher. The spring peak is in the back-test: the season wins it.
    valori = [(30 if 26 <= i % 52 <= 30 or 10 <= i % 52 <= 12 else 10) * (1.5 if i >= 52 else 1)
              for i in range(52 + 25)]
    storia = [(inizio + timedelta(weeks=i), int(v)) for i, v in enumerate(valori)]

    stima = A.previsione(storia)

    assert stima["metodo"] == "stagionale"
    assert stima["rapporto_annuo"] == pytest.approx(1.5)
    prime = [s["stima"] for s in stima["settimane"][:3]]
    assert prime[0] == pytest.approx(25.0)  # week 25: last year's weeks 24–26 (10, 10, 30) × 1.5
    assert prime[2] == pytest.approx(45.0)  # week 27: last year's weeks 26–28 (30, 30, 30) × 1.5
    assert stima["settimane"][0]["settimana"] == storia[-1][0] + timedelta(weeks=1)


def test_forecast_with_little_history_is_the_recent_average():
    storia = [(date(2026, 1, 5) + timedelta(weeks=i), n) for i, n in enumerate([4, 6, 5, 5, 7, 3, 5, 5, 5, 5])]
    stima = A.previsione(storia)
    assert stima["metodo"] == "media-recente"
    assert {s["stima"] for s in stima["settimane"]} == {5.0}


def test_weekly_intake_counts_complete_weeks(alessandria):
    oggi = timezone.localdate()
    nuova(alessandria, giorni_fa=oggi.weekday() + 3)  # last week
    nuova(alessandria, giorni_fa=oggi.weekday() + 4)
    nuova(alessandria, giorni_fa=oggi.weekday() + 17)  # three weeks ago: the first report
    storia = A.settimanale(Segnalazione.objects.filter(ente=alessandria), None, settimane=4)
    assert [n for _, n in storia] == [1, 0, 2]  # from the first report's week, not padded before it


def test_office_workload_counts_overdue_reports(alessandria):
    in_ritardo = nuova(alessandria, giorni_fa=40)
    Segnalazione.objects.filter(pk=in_ritardo.pk).update(scadenza=timezone.localdate() - timedelta(days=5))
    nuova(alessandria, giorni_fa=1)
    risolvi(nuova(alessandria, giorni_fa=20), giorni_fa=3)

    strade = next(u for u in A.carico_uffici(Segnalazione.objects.filter(ente=alessandria)) if "strade" in u["ufficio"])
    assert (strade["aperte"], strade["in_ritardo"], strade["risolte_30"]) == (2, 1, 1)
    assert strade["giorni_piu_vecchia"] == 40


def test_work_order_costs_are_shared_by_its_reports(alessandria):
    attore = factories.operatore(alessandria)
    buche = [nuova(alessandria, giorni_fa=5) for _ in range(3)]
    asfalto = interventi.crea_intervento(alessandria, attore, "Asfaltatura piazza", buche, costo_stimato=Decimal("300"))
    verde = nuova(alessandria, giorni_fa=5, categoria="verde-pubblico", risposte={"problema": ["rami"]},
                  titolo="Ramo spezzato", punto=VICINO)
    potatura = interventi.crea_intervento(alessandria, Attore.staff(attore.utente), "Potatura", [verde],
                                          costo_stimato=Decimal("120.50"))
    for i in (asfalto, potatura):  # only completed orders cost something
        interventi.chiudi_intervento(i, attore, "Fatto")

    oggi = timezone.localdate()
    visibili = Segnalazione.objects.filter(ente=alessandria)
    costi = C.costi(alessandria, visibili, dal=oggi - timedelta(days=1), al=oggi)

    per_categoria = {c["voce"]: c for c in costi["categorie"]}
    assert per_categoria["Buche"]["costo"] == Decimal("300.00")
    assert per_categoria["Buche"]["per_segnalazione"] == Decimal("100.00")
    assert per_categoria["Verde pubblico"]["costo"] == Decimal("120.50")
    assert costi["totale"] == Decimal("420.50")
    assert sum(a["costo"] for a in costi["zone"]) == Decimal("420.50")
