"""Where the dashboard's figures come from: the cache, a stored snapshot, or a fresh count.

Order of reading: the process cache (a few minutes), then the stored snapshot of the default
view when it is recent enough, then `cruscotto.calcola`. `aggiorna_tutte()` (a django-tasks task,
run hourly by `civico aggiorna_cruscotti`) recomputes the default view of every active comune
and of the platform, so the usual visit never waits for the count; a snapshot older than
VALIDITA_ISTANTANEA is still served, while a task recomputes it.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import models
from django.utils import timezone

from civico.analisi import cruscotto
from civico.analisi.filtri import Filtri, predefiniti
from civico.analisi.models import Istantanea
from civico.enti.models import Ente

VERSIONE = 3  # bump when the shape of the figures changes: old snapshots are then ignored
SECONDI_CACHE = 300
VALIDITA_ISTANTANEA = timedelta(hours=2)


def chiave(ente: Ente | None, filtri: Filtri) -> str:
    chi = f"ente:{ente.pk}" if ente is not None else "piattaforma"
    return f"v{VERSIONE}|{chi}|{filtri.chiave()}"


def figure(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """The dashboard's figures for these filters, as fresh as the snapshots allow."""
    k = chiave(ente, filtri)
    dati = cache.get("cruscotto|" + k)
    if dati is not None:
        return dati
    if _e_predefinita(filtri):
        salvata = Istantanea.objects.filter(chiave=k).values_list("dati", "calcolata_il").first()
        if salvata is None:
            return aggiorna(ente, filtri)
        dati, calcolata_il = salvata
        cache.set("cruscotto|" + k, dati, SECONDI_CACHE)
        # Stale: serve it now and have the worker recompute it (once, whoever asks).
        scaduta = calcolata_il < timezone.now() - VALIDITA_ISTANTANEA
        if scaduta and cache.add("cruscotto-in-coda|" + k, True, SECONDI_CACHE):
            from civico.analisi.tasks import aggiorna_cruscotto

            aggiorna_cruscotto.enqueue(ente.pk if ente is not None else None)
        return dati
    dati = cruscotto.calcola(ente, filtri)
    cache.set("cruscotto|" + k, dati, SECONDI_CACHE)
    return dati


def aggiorna(ente: Ente | None, filtri: Filtri | None = None) -> dict[str, Any]:
    """Recompute and store one snapshot (the default view unless told otherwise)."""
    filtri = filtri or predefiniti()
    inizio = time.perf_counter()
    dati = cruscotto.calcola(ente, filtri)
    durata = int((time.perf_counter() - inizio) * 1000)
    k = chiave(ente, filtri)
    Istantanea.objects.update_or_create(
        chiave=k, defaults={"dati": dati, "calcolata_il": timezone.now(), "durata_ms": durata}
    )
    cache.set("cruscotto|" + k, dati, SECONDI_CACHE)
    return dati


def aggiorna_tutte() -> int:
    """The default view of every active comune and of the platform; old snapshots are dropped."""
    filtri = predefiniti()
    fatte = 0
    for ente in Ente.objects.filter(attivo=True).defer("confine").order_by("pk"):
        aggiorna(ente, filtri)
        fatte += 1
    aggiorna(None, filtri)
    Istantanea.objects.filter(calcolata_il__lt=timezone.now() - timedelta(days=2)).delete()
    return fatte + 1


def dimentica_ente(ente: Ente) -> None:
    """Drop the stored snapshots a change of this comune's history makes stale (its own and the
    platform's); the few-minute cache entries are left to expire."""
    Istantanea.objects.filter(
        models.Q(chiave__contains=f"|ente:{ente.pk}|") | models.Q(chiave__contains="|piattaforma|")
    ).delete()


def _e_predefinita(filtri: Filtri) -> bool:
    base = predefiniti()
    return not filtri.categoria and filtri.dal == base.dal and filtri.al == base.al
