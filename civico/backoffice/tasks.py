"""Background work of the backoffice (django-tasks): the bulk actions."""

from __future__ import annotations

from django_tasks import task


@task()
def esegui_lavoro(lavoro_id: int) -> int:
    from civico.backoffice.blocco import esegui

    return esegui(lavoro_id)
