"""Background work (django-tasks): keeping the precomputed dashboards fresh."""

from __future__ import annotations

from django_tasks import task


@task()
def aggiorna_cruscotti() -> int:
    from civico.analisi.istantanee import aggiorna_tutte

    return aggiorna_tutte()


@task()
def aggiorna_cruscotto(ente_id: int | None) -> str:
    """One comune's default view (None: the platform's), when a visitor found it stale."""
    from civico.analisi.istantanee import aggiorna
    from civico.enti.models import Ente

    ente = Ente.objects.defer("confine").get(pk=ente_id) if ente_id is not None else None
    aggiorna(ente)
    return str(ente_id)
