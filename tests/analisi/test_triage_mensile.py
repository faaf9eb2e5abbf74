"""Backoffice analytics: month by month, how often the category triage suggested at arrival is the
one an operator settled on (confirmed by taking it in charge, or corrected)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from civico.catalogo.models import Categoria
from civico.segnalazioni import routing, workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.backoffice.conftest import come, persone, strade  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db
ROMA = ZoneInfo("Europe/Rome")


def _a_meta_mese(mesi_fa: int) -> datetime:
    """Noon of the 15th, `mesi_fa` months before this one (far from any month's edge)."""
    oggi = timezone.localdate()
    anno, mese = divmod(oggi.year * 12 + oggi.month - 1 - mesi_fa, 12)
    return datetime(anno, mese + 1, 15, 12, tzinfo=ROMA)


def _arrivata(ente, quando: datetime, titolo: str) -> Segnalazione:
    s = factories.segnalazione(ente, titolo=titolo)  # the citizen chose "buche"
    Segnalazione.objects.filter(pk=s.pk).update(creata_il=quando, aggiornata_il=quando)
    return s


def test_each_month_counts_the_operators_decisions_that_kept_the_suggestion(come, persone, alessandria):  # noqa: F811
    operatore = factories.operatore(alessandria)
    illuminazione = Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")
    prima, dopo = _a_meta_mese(2), _a_meta_mese(1)
    # Two months ago: two potholes confirmed (suggested "buche": kept), a dark lamp filed as a
    # pothole and confirmed so (suggested lighting: not kept), one nobody decided (not counted).
    for titolo in ("Buca profonda in via Roma", "Buche sulla strada"):
        workflow.transition(_arrivata(alessandria, prima, titolo), "take_in_charge", operatore)
    workflow.transition(_arrivata(alessandria, prima, "Lampione spento"), "take_in_charge", operatore)
    _arrivata(alessandria, prima, "Buca davanti alla scuola")
    # Last month: a dark lamp filed as a pothole, corrected to lighting (the suggestion: kept).
    lampione = _arrivata(alessandria, dopo, "Lampioni spenti, via al buio")
    routing.riclassifica(lampione, illuminazione, operatore)
    antica = _arrivata(alessandria, dopo - timedelta(days=400), "Buca antica")  # older than 12 months
    workflow.transition(antica, "take_in_charge", operatore)

    amministratore = come(persone.amministratore)
    html = amministratore.get(f"/backoffice/analisi/{alessandria.slug}/").content.decode()
    risposta = amministratore.get(f"/backoffice/analisi/{alessandria.slug}/triage.csv")

    tabella = html[html.index('data-testid="triage-mesi"'):]
    tabella = tabella[:tabella.index("</table>")]
    assert tabella.count("<tr>") == 3  # the header and two months
    assert '<td class="text-end">3</td><td class="text-end">2</td><td class="text-end">66,7</td>' in tabella
    assert '<td class="text-end">1</td><td class="text-end">1</td><td class="text-end">100,0</td>' in tabella
    assert "<svg" in html[html.index('data-testid="triage"'):html.index('data-testid="triage-mesi"')]
    righe = list(csv.reader(io.StringIO(b"".join(risposta.streaming_content).decode("utf-8-sig"))))
    assert righe[1:] == [[prima.strftime("%Y-%m"), "3", "2", "66.7"], [dopo.strftime("%Y-%m"), "1", "1", "100.0"]]
