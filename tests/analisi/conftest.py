"""The analytics' world: a comune with reports of known ages and outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories


@pytest.fixture(autouse=True)
def _cache_vuota():
    # Figures are cached between requests: each test counts its own world.
    cache.clear()
    yield
    cache.clear()


def nuova(ente, *, giorni_fa: float, categoria: str = "buche", **campi) -> Segnalazione:
    """A report that arrived `giorni_fa` days ago (the intake stamps "now"; history is moved back)."""
    s = factories.segnalazione(ente, categoria=categoria, **campi)
    creata = timezone.now() - timedelta(days=giorni_fa)
    Segnalazione.objects.filter(pk=s.pk).update(creata_il=creata, aggiornata_il=creata)
    s.refresh_from_db()
    return s


def risolvi(s: Segnalazione, *, giorni_fa: float) -> Segnalazione:
    """Resolved by the office `giorni_fa` days ago (backdated through the workflow's door)."""
    attore = factories.operatore(s.ente)
    quando = timezone.now() - timedelta(days=giorni_fa)
    if s.stato in (Stato.SUBMITTED, Stato.REOPENED):
        s = workflow.transition(s, "take_in_charge", attore, quando=quando)
    return workflow.transition(s, "resolve", attore, quando=quando)
