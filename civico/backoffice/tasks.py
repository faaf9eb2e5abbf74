"""Background work of the backoffice (django-tasks): the bulk actions, the duplicate search."""

from __future__ import annotations

from django_tasks import task


@task()
def esegui_lavoro(lavoro_id: int) -> int:
    from civico.backoffice.blocco import esegui

    return esegui(lavoro_id)


@task()
def cerca_duplicati(segnalazione_id: int) -> int:
    """A new report: the likely duplicate pairs it makes with the open reports around it."""
    from civico.backoffice.coda_duplicati import registra_coppie
    from civico.segnalazioni.models import Segnalazione

    s = Segnalazione.objects.select_related("categoria").filter(pk=segnalazione_id).first()
    return registra_coppie(s) if s is not None else 0
