"""The public dashboard: what a citizen reads about how fast their comune fixes things."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from civico.accounts.permissions import Attore
from civico.analisi import cruscotto
from civico.analisi import filtri as F
from civico.segnalazioni import interazioni
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.analisi.conftest import nuova, risolvi

pytestmark = pytest.mark.django_db


@pytest.fixture
def storia(alessandria):
    """Three potholes resolved in 2, 4 and 12 days, one green-area report open for 40 days,
    a private report (never counted) and an imported one without a position."""
    risolte = []
    for giorni in (2, 4, 12):
        s = nuova(alessandria, giorni_fa=20)
        risolte.append(risolvi(s, giorni_fa=20 - giorni))
    nuova(alessandria, giorni_fa=40, categoria="verde-pubblico", titolo="Siepe che invade il marciapiede",
          risposte={"problema": ["siepe"]})
    privata = nuova(alessandria, giorni_fa=5)
    Segnalazione.objects.filter(pk=privata.pk).update(pubblica=False)
    senza_luogo = nuova(alessandria, giorni_fa=3, canale="phone")
    Segnalazione.objects.filter(pk=senza_luogo.pk).update(lat=None, lon=None, cella_h3="")
    return risolte


def test_figures_count_public_reports_and_resolution_times(alessandria, storia):
    dati = cruscotto.calcola(alessandria, F.predefiniti())

    assert dati["totali"] == {"ricevute": 5, "risolte": 3, "aperte": 2, "pregresse": 0, "senza_posizione": 1}
    buche = next(r for r in dati["tempi_categoria"] if r["codice"] == "buche")
    assert buche["risolte"] == 3
    assert buche["mediana_giorni"] == pytest.approx(4.0, abs=0.05)
    assert buche["p90_giorni"] == pytest.approx(10.4, abs=0.05)  # 4 + 0.8 × (12 − 4)
    assert {f["fascia"]: f["n"] for f in dati["arretrato"]} == {
        "0-7": 1, "8-30": 0, "31-90": 1, "91-365": 0, "oltre-365": 0,
    }
    assert {c["canale"]: c["n"] for c in dati["canali"]} == {"web": 4, "phone": 1}
    # Four reports with a position, all in the centre of Alessandria.
    assert sum(c["n"] for c in dati["mappa"]["celle"]) == 4
    assert dati["mappa"]["risoluzione"] == cruscotto.RISOLUZIONE_H3_ENTE
    assert sum(m["ricevute"] for m in dati["mensile"]) == 5
    per_categoria = [(r["codice"], r["ricevute"]) for r in dati["per_categoria"]]
    assert per_categoria == [("buche", 4), ("verde-pubblico", 1)]


def test_share_within_deadline_compares_closing_day_with_the_deadline(alessandria, storia):
    import datetime

    from django.utils import timezone

    # The closing *day* is the comune's local day: a report closed at 23:30 UTC closed "tomorrow"
    # in Rome, so the test must not compare against the UTC date (it failed after 23:00 UTC).
    entro, oltre = storia[0], storia[2]
    Segnalazione.objects.filter(pk=entro.pk).update(scadenza=timezone.localdate(entro.chiusa_il))
    Segnalazione.objects.filter(pk=oltre.pk).update(
        scadenza=timezone.localdate(oltre.chiusa_il) - datetime.timedelta(days=1))
    Segnalazione.objects.filter(pk=storia[1].pk).update(scadenza=None)

    assert cruscotto.calcola(alessandria, F.predefiniti())["scadenza"] == {"con_scadenza": 2, "entro": 1, "quota": 0.5}


def test_reporters_answers_make_the_satisfaction_figure(alessandria):
    si = risolvi(nuova(alessandria, giorni_fa=10), giorni_fa=5)
    no = risolvi(nuova(alessandria, giorni_fa=10), giorni_fa=5)
    interazioni.conferma_risoluzione(si, Attore.del_segnalante(), risolto=True)
    interazioni.conferma_risoluzione(no, Attore.del_segnalante(), risolto=False, testo="La buca c'è ancora")
    # The office closing a report itself is not an answer of the reporter.
    dall_ufficio = risolvi(nuova(alessandria, giorni_fa=10), giorni_fa=5)
    from civico.segnalazioni import workflow

    workflow.transition(dall_ufficio, "close", factories.operatore(alessandria))

    assert cruscotto.calcola(alessandria, F.predefiniti())["soddisfazione"] == {"si": 1, "no": 1, "quota_si": 0.5}


def test_category_filter_narrows_every_figure(alessandria, storia):
    dati = cruscotto.calcola(alessandria, F.leggi({"categoria": "verde-pubblico"}, categorie={"verde-pubblico"}))
    assert dati["totali"]["ricevute"] == 1
    assert dati["totali"]["risolte"] == 0
    assert dati["tempi_categoria"] == []


def test_the_page_shows_each_chart_with_its_table(client, alessandria, storia):
    risposta = client.get(reverse("analisi:cruscotto_ente", args=[alessandria.slug]))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 9
    tabelle = ("mensile", "per-categoria", "categorie", "uffici", "arretrato", "scadenza", "canali", "soddisfazione",
               "mappa")
    for tabella in tabelle:
        assert f'data-testid="tabella-{tabella}"' in html
    assert re.search(r'data-testid="ricevute">5<', html)
    assert "Buche" in html
    assert "1 segnalazione senza posizione" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # charts need no JavaScript


def test_bad_filters_are_explained_not_fatal(client, alessandria, storia):
    risposta = client.get(reverse("analisi:cruscotto_ente", args=[alessandria.slug]), {
        "dal": "ieri", "al": "2026-13-45", "categoria": "draghi",
    })
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Data di inizio non valida" in html
    assert "Categoria sconosciuta" in html
    assert re.search(r'data-testid="ricevute">5<', html)


def test_an_inactive_or_unknown_comune_has_no_dashboard(client, alessandria):
    for url in ("/casale-monferrato/cruscotto/", "/non-esiste/cruscotto/"):
        risposta = client.get(url)
        assert risposta.status_code == 404 and "Pagina non trovata" in risposta.content.decode()
        assert 'data-testid="ricevute"' not in risposta.content.decode()


def test_platform_dashboard_adds_up_every_active_comune(client, alessandria, casale, storia):
    factories.segnalazione(casale, punto=factories.CASALE, categoria="buche")
    dati = cruscotto.calcola(None, F.predefiniti())
    assert dati["totali"]["ricevute"] == 6
    assert dati["mappa"]["risoluzione"] == cruscotto.RISOLUZIONE_H3_PIATTAFORMA
    assert sum(c["n"] for c in dati["mappa"]["celle"]) == 5
    risposta = client.get(reverse("analisi:cruscotto"))
    assert risposta.status_code == 200
    assert re.search(r'data-testid="ricevute">6<', risposta.content.decode())


def test_the_api_serves_the_same_figures_and_documents_them(client, alessandria, storia):
    url = reverse("api-v1:cruscotto_ente", args=["006003"])
    risposta = client.get(url, {"categoria": "buche"})
    assert risposta.status_code == 200
    dati = risposta.json()
    assert dati["totali"]["ricevute"] == 4
    assert dati["tempi_categoria"][0]["mediana_giorni"] == pytest.approx(4.0, abs=0.05)
    assert client.get(reverse("api-v1:cruscotto_piattaforma")).json()["totali"]["ricevute"] == 5

    errata = client.get(url, {"dal": "2026-05-01", "al": "2026-01-01"})
    assert errata.status_code == 400
    assert "successiva" in errata.json()["errore"]["campi"]["filtri"][0]

    openapi = client.get(reverse("api-v1:openapi-json")).json()
    assert "/api/v1/enti/{ente}/statistiche/cruscotto" in openapi["paths"]
    assert "/api/v1/statistiche/cruscotto" in openapi["paths"]


def test_default_view_is_precomputed_by_the_task_and_refreshed_on_demand(client, alessandria, storia):
    import io
    from datetime import timedelta

    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from civico.analisi import istantanee
    from civico.analisi.models import Istantanea
    from civico.analisi.tasks import aggiorna_cruscotti

    aggiorna_cruscotti.enqueue()  # immediate backend in the tests: runs now
    chiavi = set(Istantanea.objects.values_list("chiave", flat=True))
    assert istantanee.chiave(alessandria, F.predefiniti()) in chiavi
    assert istantanee.chiave(None, F.predefiniti()) in chiavi

    # A new report is not seen until the next refresh: visitors read the stored snapshot.
    nuova(alessandria, giorni_fa=1)
    cache.clear()
    assert istantanee.figure(alessandria, F.predefiniti())["totali"]["ricevute"] == 5
    call_command("aggiorna_cruscotti", stdout=io.StringIO())
    cache.clear()
    assert istantanee.figure(alessandria, F.predefiniti())["totali"]["ricevute"] == 6
    # A stale snapshot is still served, and a task recomputes it for the next visitor.
    Istantanea.objects.update(calcolata_il=timezone.now() - istantanee.VALIDITA_ISTANTANEA - timedelta(minutes=1))
    nuova(alessandria, giorni_fa=1)
    cache.clear()
    assert istantanee.figure(alessandria, F.predefiniti())["totali"]["ricevute"] == 6
    cache.clear()
    assert istantanee.figure(alessandria, F.predefiniti())["totali"]["ricevute"] == 7
    # Any other filter is counted on request.
    assert istantanee.figure(alessandria, F.leggi({"categoria": "buche"}))["totali"]["ricevute"] == 6


def test_the_footer_leads_to_the_dashboard(client, alessandria):
    piede = client.get(f"/{alessandria.slug}/").content.decode().split("<footer", 1)[1]
    assert f'href="/{alessandria.slug}/cruscotto/"' in piede
    assert 'href="/cruscotto/"' in client.get("/").content.decode().split("<footer", 1)[1]
